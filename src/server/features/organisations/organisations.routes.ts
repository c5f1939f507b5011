import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AtecoListSchema,
  AtecoQuerySchema,
  DirectoryQuerySchema,
  DirectoryResponseSchema,
  MunicipalityListSchema,
  MunicipalityQuerySchema,
  OrganisationDetailSchema,
  OrganisationIdParams,
  OrganisationInputSchema,
  OrganisationPatchSchema,
} from './organisations.schemas.ts';
import {
  createOrganisation,
  getOrganisation,
  listDirectory,
  lookupAteco,
  lookupMunicipalities,
  updateOrganisation,
} from './organisations.ts';

const tags = ['organisations'];
const ErrorSchema = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });

export const organisationsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/organisations',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Member directory: organisations with an active membership, filtered and paginated',
        querystring: DirectoryQuerySchema,
        response: { 200: DirectoryResponseSchema },
      },
    },
    async (req) => listDirectory(app.db, req.query),
  );

  app.post(
    '/organisations',
    {
      config: { access: ['staff', 'region', 'platform_admin'] },
      // The domain checks everything at once (shape, check digits, municipalities, ATECO) and names every invalid field.
      attachValidation: true,
      schema: {
        tags,
        summary: 'Register an organisation with its seats and ATECO codes',
        body: OrganisationInputSchema,
        response: { 201: z.object({ id: z.string() }), 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const created = await createOrganisation(app.db, req.actor, req.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/organisations/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'An organisation: data, seats, ATECO codes, memberships and membership history',
        params: OrganisationIdParams,
        response: { 200: OrganisationDetailSchema },
      },
    },
    async (req) => getOrganisation(app.db, req.params.id),
  );

  app.patch(
    '/organisations/:id',
    {
      config: { access: 'authenticated' },
      attachValidation: true,
      schema: {
        tags,
        summary: "Edit an organisation (staff of one of its clusters or the organisation's admin); seats and ATECO codes given replace the current ones",
        params: OrganisationIdParams,
        body: OrganisationPatchSchema,
        response: { 200: OrganisationDetailSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req) => updateOrganisation(app.db, req.actor!, String((req.params as { id: string }).id), req.body),
  );

  app.get(
    '/municipalities',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reference data'],
        summary: 'ISTAT municipalities by name (accent-insensitive) or code, optionally in one region (code or name); at most 20',
        querystring: MunicipalityQuerySchema,
        response: { 200: MunicipalityListSchema },
      },
    },
    async (req) => lookupMunicipalities(app.db, req.query),
  );

  app.get(
    '/ateco',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reference data'],
        summary: 'ATECO 2025 codes by code prefix or title words (Italian or English); at most 20',
        querystring: AtecoQuerySchema,
        response: { 200: AtecoListSchema },
      },
    },
    async (req) => lookupAteco(app.db, req.query),
  );
};

export const organisationsPageRoutes: FastifyPluginAsyncZod = async () => {};
