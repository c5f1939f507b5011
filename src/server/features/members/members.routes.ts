import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { z } from 'zod';
import { isOrgAdminOf, isStaffOf, managedClusterIds } from '../../lib/auth.ts';
import { ConflictError, ValidationError } from '../../lib/errors.ts';
import { pageContext, sendPage, href } from '../../lib/html.tsx';
import { AppliedPage, ApplyPage, DecisionPage, type FormValues, MembershipPage, QueuePage } from './members.pages.tsx';
import {
  ApplicationInputSchema,
  ApplicationListQuerySchema,
  ApplicationSchema,
  ApplicationSummarySchema,
  DecisionInputSchema,
  DecisionResultSchema,
  MembershipChangeResultSchema,
  MembershipListQuerySchema,
  MembershipPatchSchema,
  MembershipSchema,
  StatusChangeInputSchema,
  pageOf,
} from './members.schemas.ts';
import {
  applicationImpact,
  changeMembershipStatus,
  decideApplication,
  getApplication,
  getClusterForApplication,
  getMembership,
  listApplications,
  listClusterMemberships,
  listManagedClusters,
  membershipImpact,
  submitApplication,
  updateMembership,
} from './members.ts';

const STAFF = ['staff', 'region', 'platform_admin'] as const;
// Region officers read the queues and memberships; decisions are the cluster staff's (the domain checks which cluster).
const DECIDERS = ['staff'] as const;
const SlugParams = z.object({ slug: z.string().min(1).max(100) });
const IdParams = z.object({ id: z.uuid() });
const ErrorBody = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });

export const membersApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/clusters/:slug/applications',
    {
      config: { access: 'public' },
      schema: {
        tags: ['members'],
        summary: 'Apply to join a cluster (continuous admission). Every invalid field is reported at once; limited to 10 an hour per address.',
        params: SlugParams,
        body: ApplicationInputSchema,
        response: { 201: z.object({ id: z.string(), status: z.literal('submitted') }), 400: ErrorBody, 409: ErrorBody, 429: ErrorBody },
      },
      // The domain validates the body as a whole (schema and database look-ups together), so that one
      // answer names every invalid field; the schema above documents it.
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as never)),
    },
    async (req, reply) => {
      const { id } = await submitApplication(app.db, { clusterSlug: req.params.slug, body: req.body, locale: req.locale, ip: req.ip });
      return reply.code(201).send({ id, status: 'submitted' as const });
    },
  );

  app.get(
    '/applications',
    {
      config: { access: STAFF },
      schema: {
        tags: ['members'],
        summary: 'Applications of the clusters the caller manages (submitted ones by default)',
        querystring: ApplicationListQuerySchema,
        response: { 200: pageOf(ApplicationSummarySchema) },
      },
    },
    async (req) => listApplications(app.db, req.actor, req.query, req.locale),
  );

  app.get(
    '/applications/:id',
    {
      config: { access: STAFF },
      schema: { tags: ['members'], summary: 'One application: the data as submitted, the checks and the decision', params: IdParams, response: { 200: ApplicationSchema } },
    },
    async (req) => getApplication(app.db, req.actor, req.params.id, req.locale),
  );

  app.post(
    '/applications/:id/decision',
    {
      config: { access: DECIDERS },
      schema: {
        tags: ['members'],
        summary: "Record the board's decision on an application (once). Approval admits the organisation and invites its referent.",
        params: IdParams,
        body: DecisionInputSchema,
        response: { 200: DecisionResultSchema },
      },
    },
    async (req) =>
      decideApplication(app.db, req.actor!, { applicationId: req.params.id, input: req.body, publicUrl: app.config.publicUrl }),
  );

  app.get(
    '/clusters/:slug/memberships',
    {
      config: { access: 'public' },
      schema: {
        tags: ['members'],
        summary: "A cluster's members: active ones for everyone, suspended and withdrawn ones too for its staff",
        params: SlugParams,
        querystring: MembershipListQuerySchema,
        response: { 200: pageOf(MembershipSchema) },
      },
    },
    async (req) => listClusterMemberships(app.db, req.actor, { clusterSlug: req.params.slug, ...req.query }, req.locale),
  );

  app.get(
    '/memberships/:id',
    {
      config: { access: 'public' },
      schema: { tags: ['members'], summary: 'One membership (with its history for staff and the organisation’s admins)', params: IdParams, response: { 200: MembershipSchema } },
    },
    async (req) => getMembership(app.db, req.actor, req.params.id, req.locale),
  );

  app.post(
    '/memberships/:id/status-changes',
    {
      config: { access: [...DECIDERS, 'org_admin'] },
      schema: {
        tags: ['members'],
        summary: 'Suspend, reinstate or withdraw a member (staff); an organisation’s admin may withdraw its own membership',
        params: IdParams,
        body: StatusChangeInputSchema,
        response: { 200: MembershipChangeResultSchema },
      },
    },
    async (req) => changeMembershipStatus(app.db, req.actor!, { membershipId: req.params.id, input: req.body }),
  );

  app.patch(
    '/memberships/:id',
    {
      config: { access: DECIDERS },
      schema: {
        tags: ['members'],
        summary: 'Set or unset the leader-company flag (with its reason) and change the role in the cluster',
        params: IdParams,
        body: MembershipPatchSchema,
        response: { 200: MembershipChangeResultSchema },
      },
    },
    async (req) => updateMembership(app.db, req.actor!, { membershipId: req.params.id, input: req.body }),
  );
};

// ---------------------------------------------------------------------------------------------
// Pages: forms post flat dotted names; these adapters turn them into the API's shape.

/** A page body as strings only: a form sends strings, anything else (a JSON body to a page) is ignored. */
function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, raw] of Object.entries(body as Record<string, unknown>)) {
    const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (k !== '_csrf' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) out[k] = String(v);
  }
  return out;
}

const filled = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);
/** "1.500.000", "1500000" and "12,5" are numbers as people write them in Italy; anything else stays text for the validator. */
const numberOrText = (v: string | undefined) => {
  const s = filled(v);
  if (s === undefined) return undefined;
  const compact = s.replace(/[\s']/g, '');
  const normal = /^\d{1,3}(\.\d{3})+(,\d+)?$/.test(compact) ? compact.replace(/\./g, '').replace(',', '.') : compact.replace(',', '.');
  const n = Number(normal);
  return normal !== '' && Number.isFinite(n) ? n : s;
};

export function applicationFromForm(f: FormValues) {
  const website = filled(f['organisation.website']);
  const legalSeat = {
    country: filled(f['legalSeat.country']),
    municipality: filled(f['legalSeat.municipality']),
    foreignCity: filled(f['legalSeat.foreignCity']),
    address: filled(f['legalSeat.address']),
  };
  const ateco = filled(f['organisation.atecoCodes']);
  return {
    organisation: {
      legalName: f['organisation.legalName'] ?? '',
      category: filled(f['organisation.category']),
      vatNumber: filled(f['organisation.vatNumber']),
      taxCode: filled(f['organisation.taxCode']),
      staffHeadcount: numberOrText(f['organisation.staffHeadcount']),
      annualTurnoverEur: numberOrText(f['organisation.annualTurnoverEur']),
      balanceSheetEur: numberOrText(f['organisation.balanceSheetEur']),
      website: website && !/^https?:\/\//i.test(website) ? `https://${website}` : website,
      atecoCodes: ateco ? ateco.split(/[\s,;]+/).filter(Boolean) : undefined,
      description: filled(f['organisation.description']),
    },
    operationalSeat: { municipality: f['operationalSeat.municipality'] ?? '', address: filled(f['operationalSeat.address']) },
    ...(Object.values(legalSeat).some(Boolean) ? { legalSeat } : {}),
    referent: {
      name: f['referent.name'] ?? '',
      role: f['referent.role'] ?? '',
      email: f['referent.email'] ?? '',
      phone: filled(f['referent.phone']),
    },
    declarations: {
      operationalSeatInLombardy: f['declarations.operationalSeatInLombardy'] === 'on',
      statute: f['declarations.statute'] === 'on',
      truthfulness: f['declarations.truthfulness'] === 'on',
      privacy: f['declarations.privacy'] === 'on',
    },
  };
}

// Page ids are checked by the domain: anything that is not a known id is a 404 page.
const PageIdParams = z.object({ id: z.string() });
const MembershipPageParams = z.object({ slug: z.string(), id: z.string() });

export const membersPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/clusters/:slug/apply', { config: { access: 'public' }, schema: { params: SlugParams } }, async (req, reply) => {
    const cluster = await getClusterForApplication(app.db, req.params.slug);
    const ctx = pageContext(req, reply);
    const name = req.locale === 'en' ? cluster.name_en : cluster.name_it;
    return sendPage(reply, h(ApplyPage, { ctx, clusterName: name, slug: cluster.slug }));
  });

  app.post('/clusters/:slug/apply', { config: { access: 'public' }, schema: { params: SlugParams } }, async (req, reply) => {
    const cluster = await getClusterForApplication(app.db, req.params.slug);
    const values = formValues(req.body);
    try {
      await submitApplication(app.db, { clusterSlug: cluster.slug, body: applicationFromForm(values), locale: req.locale, ip: req.ip });
      return reply.code(303).redirect(href(req, `/clusters/${cluster.slug}/apply/sent`));
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
      const ctx = pageContext(req, reply);
      const name = req.locale === 'en' ? cluster.name_en : cluster.name_it;
      return sendPage(
        reply,
        h(ApplyPage, {
          ctx,
          clusterName: name,
          slug: cluster.slug,
          values,
          errors: err instanceof ValidationError ? err.fields : undefined,
          conflict: err instanceof ConflictError ? err.code : undefined,
        }),
        err.status,
      );
    }
  });

  app.get('/clusters/:slug/apply/sent', { config: { access: 'public' }, schema: { params: SlugParams } }, async (req, reply) => {
    const cluster = await getClusterForApplication(app.db, req.params.slug);
    return sendPage(reply, h(AppliedPage, { ctx: pageContext(req, reply), clusterName: req.locale === 'en' ? cluster.name_en : cluster.name_it }));
  });

  app.get(
    '/staff/applications',
    { config: { access: STAFF }, schema: { querystring: ApplicationListQuerySchema } },
    async (req, reply) => {
      const [list, clusters] = await Promise.all([
        listApplications(app.db, req.actor, req.query, req.locale),
        listManagedClusters(app.db, managedClusterIds(req.actor), req.locale),
      ]);
      return sendPage(reply, h(QueuePage, { ctx: pageContext(req, reply), list, status: req.query.status, cluster: req.query.cluster, clusters }));
    },
  );

  const decisionPage = async (req: any, reply: any, extra: Record<string, unknown> = {}, status = 200) => {
    const application = await getApplication(app.db, req.actor, req.params.id, req.locale);
    const affected = await applicationImpact(app.db, application);
    const canDecide = isStaffOf(req.actor, application.cluster.id);
    return sendPage(reply, h(DecisionPage, { ctx: pageContext(req, reply), app: application, affected, canDecide, ...extra }), status);
  };

  app.get('/staff/applications/:id', { config: { access: STAFF }, schema: { params: PageIdParams } }, async (req, reply) => {
    const done = typeof (req.query as Record<string, unknown>)?.affected === 'string' ? String((req.query as Record<string, string>).affected) : undefined;
    return decisionPage(req, reply, done !== undefined ? { done: done.split(',').filter(Boolean) } : {});
  });

  app.post('/staff/applications/:id/decision', { config: { access: DECIDERS }, schema: { params: PageIdParams } }, async (req, reply) => {
    const values = formValues(req.body);
    try {
      const input = { decision: values.decision, reason: filled(values.reason), boardMeetingOn: values.boardMeetingOn ?? '' } as never;
      const r = await decideApplication(app.db, req.actor!, { applicationId: req.params.id, input, publicUrl: app.config.publicUrl });
      return reply.code(303).redirect(href(req, `/staff/applications/${req.params.id}?affected=${r.requirementsAffected.join(',')}`));
    } catch (err) {
      if (err instanceof ValidationError) return decisionPage(req, reply, { values, errors: err.fields }, 400);
      if (err instanceof ConflictError) return decisionPage(req, reply, { values, conflict: err.code }, 409);
      throw err;
    }
  });

  const membershipPage = async (req: any, reply: any, extra: Record<string, unknown> = {}, status = 200) => {
    const m = await getMembership(app.db, req.actor, req.params.id, req.locale);
    if (m.cluster.slug !== req.params.slug) return reply.callNotFound();
    const staff = isStaffOf(req.actor, m.cluster.id);
    const orgAdmin = isOrgAdminOf(req.actor, m.organisation.id);
    const affected = staff || orgAdmin ? await membershipImpact(app.db, m) : [];
    return sendPage(reply, h(MembershipPage, { ctx: pageContext(req, reply), m, staff, orgAdmin, affected, ...extra }), status);
  };

  app.get(
    '/clusters/:slug/memberships/:id',
    { config: { access: [...STAFF, 'org_admin'] }, schema: { params: MembershipPageParams } },
    async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      return membershipPage(req, reply, typeof q?.affected === 'string' ? { done: q.affected.split(',').filter(Boolean) } : {});
    },
  );

  const afterChange = async (req: any, reply: any, values: FormValues, run: () => Promise<{ requirementsAffected: string[] }>) => {
    try {
      const r = await run();
      return reply.code(303).redirect(href(req, `/clusters/${req.params.slug}/memberships/${req.params.id}?affected=${r.requirementsAffected.join(',')}`));
    } catch (err) {
      if (err instanceof ValidationError) return membershipPage(req, reply, { values, errors: err.fields }, 400);
      if (err instanceof ConflictError) return membershipPage(req, reply, { values, conflict: err.code }, 409);
      throw err;
    }
  };

  app.post(
    '/clusters/:slug/memberships/:id/status',
    { config: { access: [...DECIDERS, 'org_admin'] }, schema: { params: MembershipPageParams } },
    async (req, reply) => {
      const values = formValues(req.body);
      const input = { status: values.status, reason: values.reason ?? '', decidedOn: values.decidedOn ?? '' } as never;
      return afterChange(req, reply, values, () => changeMembershipStatus(app.db, req.actor!, { membershipId: req.params.id, input }));
    },
  );

  app.post(
    '/clusters/:slug/memberships/:id/update',
    { config: { access: DECIDERS }, schema: { params: MembershipPageParams } },
    async (req, reply) => {
      const values = formValues(req.body);
      const input = {
        ...(values.leaderShown ? { isLeaderCompany: values.isLeaderCompany === 'on', leaderReason: values.leaderReason ?? '' } : {}),
        ...(filled(values.role) ? { role: values.role } : {}),
        ...(filled(values.roleReason) ? { reason: values.roleReason } : {}),
      } as never;
      return afterChange(req, reply, values, () => updateMembership(app.db, req.actor!, { membershipId: req.params.id, input }));
    },
  );
};
