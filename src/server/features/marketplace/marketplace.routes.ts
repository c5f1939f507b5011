import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { h } from 'preact';
import { hasRole, organisationIdsOf } from '../../lib/auth.ts';
import { AppError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { conceptTree } from '../taxonomy/taxonomy.ts';
import { type ConceptGroup, type FormValues, FormPage, ListPage, MinePage, ProfilePage, QueuePage, profileFormValues } from './marketplace.pages.tsx';
import { PageQuery, ProfileIn, ProfileList, ProfileOut, ProfileParams, ProfilePatch, ListQuery, ReviewIn } from './marketplace.schemas.ts';
import {
  canExpressInterest,
  canSeeSuggestions,
  closeProfile,
  clusterOptions,
  profileForEdit,
  publishOptions,
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
const reviewers = ['staff', 'region', 'platform_admin'] as const;
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
        summary:
          'Create a draft profile for the caller’s organisation (an active member of the cluster). With a creationKey, sending it again returns the profile it first created, with 200',
        body: ProfileIn,
        response: { 201: ProfileOut, 200: ProfileOut, ...errors },
      },
    },
    async (req, reply) => {
      const created = await createProfile(app.db, req.actor, req.body);
      return reply.code(created.existing ? 200 : 201).send(created);
    },
  );
  app.get(
    '/profiles/mine',
    { config: { access: owners }, schema: { tags, summary: 'Every profile of the caller’s organisations, whatever its status, latest change first', querystring: PageQuery, response: { 200: ProfileList } } },
    async (req) => listOwnProfiles(app.db, req.actor, req.query),
  );
  app.get(
    '/profiles/queue',
    { config: { access: reviewers }, schema: { tags, summary: 'Submitted profiles waiting for validation, oldest first: the clusters the caller staffs (all for region officers and platform admins, who read but do not decide)', querystring: PageQuery, response: { 200: ProfileList } } },
    async (req) => profileQueue(app.db, req.actor, req.query),
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
    async (req) => closeProfile(app.db, req.actor, { id: req.params.id, publicUrl: app.config.publicUrl }),
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


type Body = Record<string, unknown>;
/** The queue's query string: the page only when past the first, the page size only when not the default. */
const queueSearch = (q: { reviewed?: string; page: number; pageSize?: number }) =>
  new URLSearchParams({
    ...(q.reviewed ? { reviewed: q.reviewed } : {}),
    ...(q.page > 1 ? { page: String(q.page) } : {}),
    ...(q.pageSize && q.pageSize !== 20 ? { pageSize: String(q.pageSize) } : {}),
  }).toString();
const text = (body: Body, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
const list = (body: Body, k: string) =>
  (Array.isArray(body[k]) ? (body[k] as unknown[]) : [body[k]]).filter((v): v is string => typeof v === 'string' && v !== '');
const textFields = ['type', 'titleIt', 'titleEn', 'summaryIt', 'summaryEn', 'descriptionIt', 'descriptionEn', 'innovationIt', 'innovationEn',
  'developmentStage', 'trl', 'iprComment', 'partnerSought', 'atecoCodes', 'deadline', 'validUntil', 'anonymous', 'ownerCluster', 'creationKey'];
const listFields = ['iprStatus', 'partnershipTypes', 'partnerCategories', 'conceptIds'];

/** The form as typed (to show it again) and as the domain reads it (the same shape as the JSON API). */
export function profileFromForm(body: Body): { values: FormValues; input: Record<string, unknown> } {
  const values: FormValues = {};
  for (const k of textFields) values[k] = text(body, k);
  for (const k of listFields) values[k] = list(body, k);
  const s = (k: string) => values[k] as string;
  const input: Record<string, unknown> = {};
  for (const k of ['type', 'titleIt', 'titleEn', 'summaryIt', 'summaryEn', 'descriptionIt', 'descriptionEn', 'innovationIt', 'innovationEn', 'iprComment', 'partnerSought']) {
    input[k] = s(k);
  }
  input.developmentStage = s('developmentStage') || null;
  input.trl = s('trl') === '' ? null : /^\d{1,2}$/.test(s('trl')) ? Number(s('trl')) : s('trl');
  for (const k of listFields) input[k] = values[k];
  input.atecoCodes = s('atecoCodes').split(/[\s,;]+/).filter(Boolean);
  input.deadline = s('deadline') || null;
  input.validUntil = s('validUntil') || null;
  input.anonymous = s('anonymous') === 'on';
  if (s('creationKey')) input.creationKey = s('creationKey');
  const [organisationId, clusterId] = s('ownerCluster').split('|');
  if (organisationId) input.organisationId = organisationId;
  if (clusterId) input.clusterId = clusterId;
  return { values, input };
}

const PageIdParams = z.object({ id: z.string().max(100) });

export const marketplacePageRoutes: FastifyPluginAsyncZod = async (app) => {
  let groupsCache: { at: number; groups: ConceptGroup[] } | null = null;
  const conceptGroups = async (): Promise<ConceptGroup[]> => {
    // the taxonomy changes rarely (staff overrides): a minute's staleness in a select is harmless
    if (groupsCache && Date.now() - groupsCache.at < 60_000) return groupsCache.groups;
    const tree = await conceptTree(app.db);
    const groups = Object.entries(tree).map(([scheme, items]) => ({ scheme, items: items.filter((c) => !c.retired).map((c) => ({ id: c.id, depth: c.depth, label: c.label })) }));
    groupsCache = { at: Date.now(), groups };
    return groups;
  };
  type Req = Parameters<typeof pageContext>[0];
  type Reply = Parameters<typeof pageContext>[1];
  const showForm = async (req: Req, reply: Reply, p: { id?: string; values: FormValues; errors?: Record<string, string> }, status = 200) => {
    // an edited profile shows the staff's reasons while it is returned
    const current = p.id ? await getProfile(app.db, req.actor, p.id).catch(() => null) : null;
    const returnReason = current?.status === 'returned' ? current.returnReason : null;
    const pairs = p.id ? [] : await publishOptions(app.db, req.actor);
    return sendPage(reply, h(FormPage, { ctx: pageContext(req, reply), ...p, pairs, groups: await conceptGroups(), returnReason }), status);
  };

  app.get('/marketplace', { config: { access: 'public' }, schema: { querystring: ListQuery } }, async (req, reply) => {
    const isStaff = hasRole(req.actor, 'staff') || hasRole(req.actor, 'region') || hasRole(req.actor, 'platform_admin');
    // the public page lists published profiles; staff and the Region may list the other statuses they can read
    const query = isStaff ? req.query : { ...req.query, status: 'published' as const };
    const data = await listProfiles(app.db, req.actor, query);
    const canCreate = organisationIdsOf(req.actor).length > 0;
    const clusters = await clusterOptions(app.db);
    return sendPage(reply, h(ListPage, { ctx: pageContext(req, reply), data, query, groups: await conceptGroups(), clusters, canCreate, isStaff }));
  });

  // the form's creation key: sent twice (Back, then Save again), the form makes one profile
  app.get('/marketplace/new', { config: { access: owners, forbiddenHint: 'marketplace.onlyMembers' } }, async (req, reply) => showForm(req, reply, { values: { anonymous: '', creationKey: randomUUID() } }));

  app.post('/marketplace/new', { config: { access: owners } }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const { values, input } = profileFromForm(body);
    let created: ProfileOut & { existing?: true };
    try {
      created = await createProfile(app.db, req.actor, input);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return showForm(req, reply, { values, errors: err.fields }, 400);
    }
    if (created.existing) return reply.redirect(`/${req.locale}/marketplace/${created.id}?done=alreadySent`, 303);
    return submitOrShow(req, reply, created.id, values, text(body, 'action') === 'submit');
  });

  /** After saving: either the profile page, or the submission too; a profile not complete enough comes back with its errors. */
  const submitOrShow = async (req: Req & { locale: string }, reply: Reply, id: string, values: FormValues, submit: boolean) => {
    if (!submit) return reply.redirect(`/${req.locale}/marketplace/${id}?done=saved`, 303);
    try {
      await submitProfile(app.db, req.actor, { id, publicUrl: app.config.publicUrl });
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return showForm(req, reply, { id, values, errors: err.fields }, 400);
    }
    return reply.redirect(`/${req.locale}/marketplace/${id}?done=submitted`, 303);
  };

  app.get('/marketplace/mine', { config: { access: owners }, schema: { querystring: PageQuery } }, async (req, reply) =>
    sendPage(reply, h(MinePage, { ctx: pageContext(req, reply), list: await listOwnProfiles(app.db, req.actor, req.query) })),
  );

  const doneKeys = ['saved', 'submitted', 'closed', 'renewed', 'alreadySent'];
  app.get(
    '/marketplace/:id',
    { config: { access: 'public' }, schema: { params: PageIdParams, querystring: z.object({ done: z.string().max(20).optional() }) } },
    async (req, reply) => {
      const p = await getProfile(app.db, req.actor, req.params.id);
      const done = req.query.done && doneKeys.includes(req.query.done) ? req.query.done : undefined;
      return sendPage(reply, h(ProfilePage, { ctx: pageContext(req, reply), p, done, canExpressInterest: canExpressInterest(req.actor, p), canSeeSuggestions: canSeeSuggestions(req.actor, p) }));
    },
  );

  app.get('/marketplace/:id/edit', { config: { access: owners }, schema: { params: PageIdParams } }, async (req, reply) => {
    const p = await profileForEdit(app.db, req.actor, req.params.id);
    return showForm(req, reply, { id: p.id, values: profileFormValues(p) });
  });

  app.post('/marketplace/:id/edit', { config: { access: owners }, schema: { params: PageIdParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const { values, input } = profileFromForm(body);
    delete input.organisationId;
    delete input.clusterId;
    try {
      await updateProfile(app.db, req.actor, { id: req.params.id, patch: input });
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return showForm(req, reply, { id: req.params.id, values, errors: err.fields }, 400);
    }
    return submitOrShow(req, reply, req.params.id, values, text(body, 'action') === 'submit');
  });

  app.post('/marketplace/:id/submit', { config: { access: owners }, schema: { params: PageIdParams } }, async (req, reply) => {
    try {
      await submitProfile(app.db, req.actor, { id: req.params.id, publicUrl: app.config.publicUrl });
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const p = await profileForEdit(app.db, req.actor, req.params.id);
      return showForm(req, reply, { id: p.id, values: profileFormValues(p), errors: err.fields }, 400);
    }
    return reply.redirect(`/${req.locale}/marketplace/${req.params.id}?done=submitted`, 303);
  });

  app.post('/marketplace/:id/close', { config: { access: ['member', 'org_admin', 'staff'] }, schema: { params: PageIdParams } }, async (req, reply) => {
    await closeProfile(app.db, req.actor, { id: req.params.id, publicUrl: app.config.publicUrl });
    return reply.redirect(`/${req.locale}/marketplace/${req.params.id}?done=closed`, 303);
  });

  app.post('/marketplace/:id/renew', { config: { access: owners }, schema: { params: PageIdParams } }, async (req, reply) => {
    await renewProfile(app.db, req.actor, { id: req.params.id });
    return reply.redirect(`/${req.locale}/marketplace/${req.params.id}?done=renewed`, 303);
  });

  const QueueQuery = PageQuery.extend({ reviewed: z.string().max(5).optional() });
  app.get('/staff/marketplace', { config: { access: reviewers }, schema: { querystring: QueueQuery } }, async (req, reply) => {
    const list = await profileQueue(app.db, req.actor, req.query);
    // a decision can empty the last page it was taken on: go to the page that is now the last
    const last = Math.max(1, Math.ceil(list.total / list.pageSize));
    if (list.page > last) return reply.redirect(`/${req.locale}/staff/marketplace?${queueSearch({ ...req.query, page: last })}`, 303);
    return sendPage(reply, h(QueuePage, { ctx: pageContext(req, reply), list, done: req.query.reviewed === '1' }));
  });

  app.post('/staff/marketplace/:id/review', { config: { access: ['staff'] }, schema: { params: PageIdParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    // the queue's page the decision was taken on, to come back to it
    const page = PageQuery.safeParse({ page: text(body, 'page') || undefined }).data ?? PageQuery.parse({});
    const values = { decision: text(body, 'decision'), reason: text(body, 'reason') };
    try {
      const parsed = ReviewIn.safeParse(values);
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await reviewProfile(app.db, req.actor, { id: req.params.id, review: parsed.data, publicUrl: app.config.publicUrl });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const list = await profileQueue(app.db, req.actor, page);
      return sendPage(reply, h(QueuePage, { ctx: pageContext(req, reply), list, failed: { id: req.params.id, values, errors: err.fields ?? {} } }), 400);
    }
    return reply.redirect(`/${req.locale}/staff/marketplace?${queueSearch({ reviewed: '1', page: page.page })}`, 303);
  });
};
