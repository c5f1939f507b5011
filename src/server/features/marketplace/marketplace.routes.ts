import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProfileIn, ProfileList, ProfileOut, ProfileParams, ProfilePatch, ListQuery, ReviewIn } from './marketplace.schemas.ts';
import {
  closeProfile,
  createProfile,
  getProfile,
  listOwnProfiles,
  listProfiles,
  profileQueue,
  renewProfile,
  reviewProfile,
  submitProfile,
  updateProfile,
} from './marketplace.ts';

export const owners = ['member', 'org_admin'] as const;
const tags = ['marketplace'];
const ErrorSchema = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const marketplaceApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/profiles',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Marketplace profiles: published ones by default; other statuses show what the reader may see (own organisation, staff of the cluster, Region)',
        querystring: ListQuery,
        response: { 200: ProfileList },
      },
    },
    async (req) => listProfiles(app.db, req.actor, req.query),
  );
  app.post(
    '/profiles',
    {
      config: { access: owners },
      // The domain checks everything at once (shape, concepts, ATECO codes, dates) and names every invalid field.
      attachValidation: true,
      schema: {
        tags,
        summary: 'Create a draft profile for the caller’s organisation (an active member of the cluster)',
        body: ProfileIn,
        response: { 201: ProfileOut, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createProfile(app.db, req.actor, req.body)),
  );
  app.get(
    '/profiles/mine',
    { config: { access: owners }, schema: { tags, summary: 'Every profile of the caller’s organisations, whatever its status', response: { 200: z.object({ items: z.array(ProfileOut) }) } } },
    async (req) => ({ items: await listOwnProfiles(app.db, req.actor) }),
  );
  app.get(
    '/profiles/queue',
    { config: { access: ['staff'] }, schema: { tags, summary: 'Submitted profiles of the clusters the caller staffs, oldest first', response: { 200: z.object({ items: z.array(ProfileOut) }) } } },
    async (req) => ({ items: await profileQueue(app.db, req.actor) }),
  );
  app.get(
    '/profiles/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One profile; the owner of an anonymous profile is null unless the reader may know it',
        params: ProfileParams,
        response: { 200: ProfileOut },
      },
    },
    async (req) => getProfile(app.db, req.actor, req.params.id),
  );
  app.patch(
    '/profiles/:id',
    {
      config: { access: owners },
      attachValidation: true,
      schema: { tags, summary: 'Edit a draft or returned profile (the fields given replace the current ones)', params: ProfileParams, body: ProfilePatch, response: { 200: ProfileOut, ...errors } },
    },
    async (req) => updateProfile(app.db, req.actor, { id: String((req.params as { id: unknown }).id), patch: req.body }),
  );
  app.post(
    '/profiles/:id/submit',
    {
      config: { access: owners },
      schema: { tags, summary: 'Submit a draft or returned profile for validation by the cluster’s staff (needs a title and a summary in one language)', params: ProfileParams, response: { 200: ProfileOut, ...errors } },
    },
    async (req) => submitProfile(app.db, req.actor, { id: req.params.id, publicUrl: app.config.publicUrl }),
  );
  app.post(
    '/profiles/:id/review',
    {
      config: { access: ['staff'] },
      schema: {
        tags,
        summary: 'Staff of the profile’s cluster publish a submitted profile (valid 12 months) or return it with the reasons',
        params: ProfileParams,
        body: ReviewIn,
        response: { 200: ProfileOut, ...errors },
      },
    },
    async (req) => reviewProfile(app.db, req.actor, { id: req.params.id, review: req.body, publicUrl: app.config.publicUrl }),
  );
  app.post(
    '/profiles/:id/close',
    {
      config: { access: ['member', 'org_admin', 'staff'] },
      schema: { tags, summary: 'Close a profile (its owner or the cluster’s staff): it leaves the marketplace', params: ProfileParams, response: { 200: ProfileOut, ...errors } },
    },
    async (req) => closeProfile(app.db, req.actor, { id: req.params.id }),
  );
  app.post(
    '/profiles/:id/renew',
    {
      config: { access: owners },
      schema: { tags, summary: 'Renew a published or expired profile: valid for 12 months from today', params: ProfileParams, response: { 200: ProfileOut, ...errors } },
    },
    async (req) => renewProfile(app.db, req.actor, { id: req.params.id }),
  );
};

export const marketplacePageRoutes: FastifyPluginAsyncZod = async () => {};
