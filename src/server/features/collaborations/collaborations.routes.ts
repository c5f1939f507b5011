import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { AppError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { reportCsv, reportFileName } from './collaborations.csv.ts';
import { CollaborationPage, CollaborationsListPage, InterestFormPage, InterestPage, InterestsPage, ReportPage } from './collaborations.pages.tsx';
import {
  CollaborationList,
  CollaborationListQuery,
  CollaborationOut,
  DecisionIn,
  EventIn,
  IdParams,
  InterestFormIn,
  InterestIn,
  InterestList,
  InterestListQuery,
  InterestOut,
  ReportOut,
  ReportQuery,
} from './collaborations.schemas.ts';
import {
  decideInterest,
  expressInterest,
  getCollaboration,
  getInterest,
  getReport,
  interestFormData,
  listCollaborations,
  listInterests,
  reportClusters,
  updateCollaboration,
  withdrawInterest,
} from './collaborations.ts';

const parties = ['member', 'org_admin'] as const;
const deciders = ['member', 'org_admin', 'staff'] as const;
const readers = ['member', 'org_admin', 'staff', 'region', 'platform_admin'] as const;
const overseers = ['staff', 'region', 'platform_admin'] as const;
const tags = ['collaborations'];

export const collaborationsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/interests',
    {
      config: { access: parties },
      schema: {
        tags,
        summary:
          'Express interest in a published profile, for an organisation with an active membership (not the profile’s own). ' +
          'organisationId is needed only when the user belongs to several organisations. 409 interest_exists when the organisation already has an open one.',
        body: InterestIn,
        response: { 201: InterestOut },
      },
    },
    async (req, reply) => reply.code(201).send(await expressInterest(app.db, req.actor, { ...req.body, publicUrl: app.config.publicUrl, locale: req.locale })),
  );
  app.get(
    '/interests',
    {
      config: { access: readers },
      schema: {
        tags,
        summary:
          'Interests received (in profiles of the reader’s organisations, or of the clusters they staff) or sent (by the reader’s organisations). ' +
          'The owner of an anonymous profile is null for the interested party until the interest is accepted.',
        querystring: InterestListQuery,
        response: { 200: InterestList },
      },
    },
    async (req) => listInterests(app.db, req.actor, { ...req.query, locale: req.locale }),
  );
  app.get(
    '/interests/:id',
    {
      config: { access: readers },
      schema: { tags, summary: 'One expression of interest (its two parties, the profile cluster’s staff, region officers); contacts once accepted', params: IdParams, response: { 200: InterestOut } },
    },
    async (req) => getInterest(app.db, req.actor, { id: req.params.id, locale: req.locale }),
  );
  app.post(
    '/interests/:id/decision',
    {
      config: { access: deciders },
      schema: {
        tags,
        summary:
          'Accept or decline a pending interest (the profile owner’s users, or the staff of its cluster). A decline needs a reason ' +
          '(too_early, not_a_fit, benefit_unclear, has_partner, other; a comment for other) and e-mails the interested party. ' +
          'Acceptance reveals both contacts to both sides, e-mails them, and opens a collaboration at stage contact.',
        params: IdParams,
        body: DecisionIn,
        response: { 200: InterestOut },
      },
    },
    async (req) => decideInterest(app.db, req.actor, { id: req.params.id, decision: req.body, publicUrl: app.config.publicUrl, locale: req.locale }),
  );
  app.post(
    '/interests/:id/withdrawal',
    {
      config: { access: parties },
      schema: { tags, summary: 'Withdraw a pending interest (the interested organisation’s users)', params: IdParams, response: { 200: InterestOut } },
    },
    async (req) => withdrawInterest(app.db, req.actor, { id: req.params.id, locale: req.locale }),
  );
  app.get(
    '/collaborations',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: 'Collaborations of the reader’s organisations, or of the clusters they staff (region officers: all); filters cluster (slug), stage, outcome (open: none yet)',
        querystring: CollaborationListQuery,
        response: { 200: CollaborationList },
      },
    },
    async (req) => listCollaborations(app.db, req.actor, { ...req.query, locale: req.locale }),
  );
  app.get(
    '/collaborations/report',
    {
      config: { access: overseers },
      schema: {
        tags,
        summary:
          'Counts for a cluster and a period (from, to: days, both included; default the current year): collaborations opened by stage and outcome, ' +
          'interests expressed by status, declines by reason. Staff: their cluster; region officers and platform admins: any cluster, or all without one.',
        querystring: ReportQuery,
        response: { 200: ReportOut },
      },
    },
    async (req) => getReport(app.db, req.actor, { ...req.query, locale: req.locale }),
  );
  app.get(
    '/collaborations/report.csv',
    { config: { access: overseers }, schema: { tags, summary: 'The same report as CSV (UTF-8, labels in ?lang=)', querystring: ReportQuery } },
    async (req, reply) => {
      const r = await getReport(app.db, req.actor, { ...req.query, locale: req.locale });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${reportFileName(r)}"`)
        .send(reportCsv(r, req.t));
    },
  );
  app.get(
    '/collaborations/:id',
    {
      config: { access: readers },
      schema: { tags, summary: 'One collaboration with both parties’ contacts and its history (the parties, the cluster’s staff, region officers)', params: IdParams, response: { 200: CollaborationOut } },
    },
    async (req) => getCollaboration(app.db, req.actor, { id: req.params.id, locale: req.locale }),
  );
  app.post(
    '/collaborations/:id/events',
    {
      config: { access: deciders },
      schema: {
        tags,
        summary: 'Move the stage and/or record the outcome (with a note) of a collaboration (its two parties and the cluster’s staff)',
        params: IdParams,
        body: EventIn,
        response: { 200: CollaborationOut },
      },
    },
    async (req) => updateCollaboration(app.db, req.actor, { id: req.params.id, event: req.body, locale: req.locale }),
  );
};

type Body = Record<string, unknown>;
const str = (body: Body, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
/** Form fields as the schema wants them: an empty select means "not given". */
const formValues = (body: Body, keys: string[]) => Object.fromEntries(keys.map((k) => [k, str(body, k)]));
const given = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));

function parseOr400<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, v: unknown): T {
  const parsed = schema.safeParse(v);
  if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
  return parsed.data;
}
const formError = (err: unknown) => (err instanceof AppError && err.fields ? err : null);

export const collaborationsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/marketplace/:id/interest', { config: { access: parties }, schema: { params: IdParams } }, async (req, reply) => {
    const data = await interestFormData(app.db, req.actor, { profileId: req.params.id, locale: req.locale });
    return sendPage(reply, h(InterestFormPage, { ctx: pageContext(req, reply), data, values: {} }));
  });
  app.post('/marketplace/:id/interest', { config: { access: parties }, schema: { params: IdParams } }, async (req, reply) => {
    const values = formValues((req.body ?? {}) as Body, ['message', 'organisationId']);
    try {
      const input = parseOr400(InterestFormIn, given(values));
      const i = await expressInterest(app.db, req.actor, { ...input, profileId: req.params.id, publicUrl: app.config.publicUrl, locale: req.locale });
      return reply.redirect(`/${req.locale}/interests/${i.id}?sent=1`, 303);
    } catch (err) {
      const e = formError(err);
      if (!e) throw err;
      const data = await interestFormData(app.db, req.actor, { profileId: req.params.id, locale: req.locale });
      return sendPage(reply, h(InterestFormPage, { ctx: pageContext(req, reply), data, values, errors: e.fields }), e.status);
    }
  });

  app.get('/interests', { config: { access: readers }, schema: { querystring: InterestListQuery } }, async (req, reply) => {
    const list = await listInterests(app.db, req.actor, { ...req.query, locale: req.locale });
    return sendPage(reply, h(InterestsPage, { ctx: pageContext(req, reply), list, box: req.query.box, status: req.query.status }));
  });
  app.get('/interests/:id', { config: { access: readers }, schema: { params: IdParams } }, async (req, reply) => {
    const interest = await getInterest(app.db, req.actor, { id: req.params.id, locale: req.locale });
    return sendPage(reply, h(InterestPage, { ctx: pageContext(req, reply), interest, values: {} }));
  });
  app.post('/interests/:id/decision', { config: { access: deciders }, schema: { params: IdParams } }, async (req, reply) => {
    const values = formValues((req.body ?? {}) as Body, ['decision', 'reason', 'comment']);
    try {
      const decision = parseOr400(DecisionIn, given(values));
      await decideInterest(app.db, req.actor, { id: req.params.id, decision, publicUrl: app.config.publicUrl, locale: req.locale });
      return reply.redirect(`/${req.locale}/interests/${req.params.id}?decided=1`, 303);
    } catch (err) {
      const e = formError(err);
      if (!e) throw err;
      const interest = await getInterest(app.db, req.actor, { id: req.params.id, locale: req.locale });
      return sendPage(reply, h(InterestPage, { ctx: pageContext(req, reply), interest, values, errors: e.fields }), e.status);
    }
  });
  app.post('/interests/:id/withdraw', { config: { access: parties }, schema: { params: IdParams } }, async (req, reply) => {
    await withdrawInterest(app.db, req.actor, { id: req.params.id, locale: req.locale });
    return reply.redirect(`/${req.locale}/interests/${req.params.id}?withdrawn=1`, 303);
  });

  app.get('/collaborations/:id', { config: { access: readers }, schema: { params: IdParams } }, async (req, reply) => {
    const collaboration = await getCollaboration(app.db, req.actor, { id: req.params.id, locale: req.locale });
    return sendPage(reply, h(CollaborationPage, { ctx: pageContext(req, reply), collaboration, values: {} }));
  });
  app.post('/collaborations/:id/events', { config: { access: deciders }, schema: { params: IdParams } }, async (req, reply) => {
    const values = formValues((req.body ?? {}) as Body, ['stage', 'outcome', 'note']);
    try {
      const event = parseOr400(EventIn, given(values));
      await updateCollaboration(app.db, req.actor, { id: req.params.id, event, locale: req.locale });
      return reply.redirect(`/${req.locale}/collaborations/${req.params.id}?updated=1`, 303);
    } catch (err) {
      const e = formError(err);
      if (!e) throw err;
      const collaboration = await getCollaboration(app.db, req.actor, { id: req.params.id, locale: req.locale });
      return sendPage(reply, h(CollaborationPage, { ctx: pageContext(req, reply), collaboration, values, errors: e.fields }), e.status);
    }
  });

  app.get('/staff/collaborations', { config: { access: overseers }, schema: { querystring: CollaborationListQuery } }, async (req, reply) => {
    const list = await listCollaborations(app.db, req.actor, { ...req.query, locale: req.locale });
    const clusters = await reportClusters(app.db, req.actor);
    return sendPage(reply, h(CollaborationsListPage, { ctx: pageContext(req, reply), list, clusters, query: req.query }));
  });
  app.get('/staff/collaborations/report', { config: { access: overseers } }, async (req, reply) => {
    const raw = (req.query ?? {}) as Body;
    const values = formValues(raw, ['cluster', 'from', 'to']);
    const clusters = await reportClusters(app.db, req.actor);
    try {
      // a parameter given twice is not a choice: named, rather than the default period shown in its place
      const repeated = ['cluster', 'from', 'to'].filter((k) => Array.isArray(raw[k]));
      if (repeated.length) throw new ValidationError(Object.fromEntries(repeated.map((k) => [k, 'invalid'])));
      const query = parseOr400(ReportQuery, given(values));
      const report = await getReport(app.db, req.actor, { ...query, locale: req.locale });
      return sendPage(reply, h(ReportPage, { ctx: pageContext(req, reply), clusters, report, values }));
    } catch (err) {
      const e = formError(err);
      if (!e?.fields) throw err;
      const errors = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k.replace(/^query\./, ''), v]));
      return sendPage(reply, h(ReportPage, { ctx: pageContext(req, reply), clusters, report: null, values, errors }), e.status);
    }
  });
};
