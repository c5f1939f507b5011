import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { AppError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { CompetencesPage, EditPage, type FormValues, ReviewQueuePage, competenceFormValues, facilityFormValues } from './competences.pages.tsx';
import {
  CompetenceIn,
  CompetenceList,
  CompetenceOut,
  CompetenceParams,
  CompetencePatch,
  FacilityIn,
  FacilityList,
  FacilityOut,
  FacilityParams,
  FacilityPatch,
  ListQuery,
  OrganisationParams,
  QueueOut,
  ReviewIn,
  ReviewParams,
} from './competences.schemas.ts';
import {
  competenceEditData,
  competencesPageData,
  declareCompetence,
  declareFacility,
  deleteCompetence,
  deleteFacility,
  facilityEditData,
  listCompetences,
  listFacilities,
  reviewCompetence,
  reviewFacility,
  reviewQueue,
  updateCompetence,
  updateFacility,
} from './competences.ts';

const owners = ['member', 'org_admin'] as const;
const reviewers = ['staff', 'region', 'platform_admin'] as const;
const tags = ['competences'];

export const competencesApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/organisations/:id/competences',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Competences of an organisation that the reader may see (public: validated and public only)',
        params: OrganisationParams,
        querystring: ListQuery,
        response: { 200: CompetenceList },
      },
    },
    async (req) => listCompetences(app.db, req.actor, { organisationId: req.params.id, ...req.query }),
  );
  app.post(
    '/organisations/:id/competences',
    {
      config: { access: owners },
      schema: { tags, summary: 'Declare a competence (member users of the organisation); staff validate it', params: OrganisationParams, body: CompetenceIn, response: { 201: CompetenceOut } },
    },
    async (req, reply) => reply.code(201).send(await declareCompetence(app.db, req.actor, { organisationId: req.params.id, data: req.body })),
  );
  app.patch(
    '/organisations/:id/competences/:competenceId',
    {
      config: { access: owners },
      schema: { tags, summary: 'Edit a competence: it goes back to review', params: CompetenceParams, body: CompetencePatch, response: { 200: CompetenceOut } },
    },
    async (req) => updateCompetence(app.db, req.actor, { organisationId: req.params.id, competenceId: req.params.competenceId, patch: req.body }),
  );
  app.delete(
    '/organisations/:id/competences/:competenceId',
    { config: { access: owners }, schema: { tags, summary: 'Delete a competence', params: CompetenceParams } },
    async (req, reply) => {
      await deleteCompetence(app.db, req.actor, { organisationId: req.params.id, competenceId: req.params.competenceId });
      return reply.code(204).send();
    },
  );
  app.get(
    '/organisations/:id/facilities',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Facilities (laboratories, equipment, certified services) the reader may see', params: OrganisationParams, querystring: ListQuery, response: { 200: FacilityList } },
    },
    async (req) => listFacilities(app.db, req.actor, { organisationId: req.params.id, ...req.query }),
  );
  app.post(
    '/organisations/:id/facilities',
    {
      config: { access: owners },
      schema: { tags, summary: 'Declare a facility (member users of the organisation); staff validate it', params: OrganisationParams, body: FacilityIn, response: { 201: FacilityOut } },
    },
    async (req, reply) => reply.code(201).send(await declareFacility(app.db, req.actor, { organisationId: req.params.id, data: req.body })),
  );
  app.patch(
    '/organisations/:id/facilities/:facilityId',
    {
      config: { access: owners },
      schema: { tags, summary: 'Edit a facility: it goes back to review', params: FacilityParams, body: FacilityPatch, response: { 200: FacilityOut } },
    },
    async (req) => updateFacility(app.db, req.actor, { organisationId: req.params.id, facilityId: req.params.facilityId, patch: req.body }),
  );
  app.delete(
    '/organisations/:id/facilities/:facilityId',
    { config: { access: owners }, schema: { tags, summary: 'Delete a facility', params: FacilityParams } },
    async (req, reply) => {
      await deleteFacility(app.db, req.actor, { organisationId: req.params.id, facilityId: req.params.facilityId });
      return reply.code(204).send();
    },
  );
  app.get(
    '/competences/review-queue',
    { config: { access: reviewers }, schema: { tags, summary: 'Submitted competences and facilities of the clusters the reader staffs', response: { 200: QueueOut } } },
    async (req) => reviewQueue(app.db, req.actor),
  );
  app.post(
    '/competences/:id/review',
    {
      config: { access: reviewers },
      schema: { tags, summary: 'Validate or reject (with a note) a competence: staff of a cluster where the organisation is an active member', params: ReviewParams, body: ReviewIn, response: { 200: CompetenceOut } },
    },
    async (req) => reviewCompetence(app.db, req.actor, { id: req.params.id, review: req.body }),
  );
  app.post(
    '/facilities/:id/review',
    {
      config: { access: reviewers },
      schema: { tags, summary: 'Validate or reject (with a note) a facility', params: ReviewParams, body: ReviewIn, response: { 200: FacilityOut } },
    },
    async (req) => reviewFacility(app.db, req.actor, { id: req.params.id, review: req.body }),
  );
};

const str = (body: Record<string, unknown>, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
const list = (body: Record<string, unknown>, k: string) =>
  (Array.isArray(body[k]) ? (body[k] as unknown[]) : [body[k]]).filter((v): v is string => typeof v === 'string' && v !== '');

export const competencesPageRoutes: FastifyPluginAsyncZod = async (app) => {
  const render = async (req: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], id: string, extra: { form?: 'competence' | 'facility'; values?: FormValues; errors?: Record<string, string> } = {}, status = 200) => {
    const data = await competencesPageData(app.db, req.actor, id);
    return sendPage(reply, h(CompetencesPage, { ctx: pageContext(req, reply), data, ...extra }), status);
  };

  app.get('/organisations/:id/competences', { config: { access: 'public' }, schema: { params: OrganisationParams } }, async (req, reply) =>
    render(req, reply, req.params.id),
  );

  app.post('/organisations/:id/competences', { config: { access: owners }, schema: { params: OrganisationParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries(['conceptId', 'kind', 'description', 'evidence', 'visibility'].map((k) => [k, str(body, k)]));
    try {
      const parsed = CompetenceIn.safeParse(values);
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await declareCompetence(app.db, req.actor, { organisationId: req.params.id, data: parsed.data });
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}/competences?declared=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return render(req, reply, req.params.id, { form: 'competence', values, errors: err.fields }, 400);
    }
  });

  app.post('/organisations/:id/facilities', { config: { access: owners }, schema: { params: OrganisationParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries(
      ['kind', 'name', 'description', 'certification', 'accreditationReference', 'visibility'].map((k) => [k, str(body, k)]),
    );
    const conceptIds = list(body, 'conceptIds');
    try {
      const parsed = FacilityIn.safeParse({ ...values, conceptIds });
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await declareFacility(app.db, req.actor, { organisationId: req.params.id, data: parsed.data });
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}/competences?declared=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k.split('.')[0], v]));
      return render(req, reply, req.params.id, { form: 'facility', values: { ...values, conceptIds: conceptIds[0] ?? '' }, errors }, 400);
    }
  });

  app.post('/organisations/:id/competences/:competenceId/delete', { config: { access: owners }, schema: { params: CompetenceParams } }, async (req, reply) => {
    await deleteCompetence(app.db, req.actor, { organisationId: req.params.id, competenceId: req.params.competenceId });
    return reply.redirect(`/${req.locale}/organisations/${req.params.id}/competences`, 303);
  });
  app.post('/organisations/:id/facilities/:facilityId/delete', { config: { access: owners }, schema: { params: FacilityParams } }, async (req, reply) => {
    await deleteFacility(app.db, req.actor, { organisationId: req.params.id, facilityId: req.params.facilityId });
    return reply.redirect(`/${req.locale}/organisations/${req.params.id}/competences`, 303);
  });

  app.get('/organisations/:id/competences/:competenceId/edit', { config: { access: owners }, schema: { params: CompetenceParams } }, async (req, reply) => {
    const input = { organisationId: req.params.id, competenceId: req.params.competenceId };
    const d = await competenceEditData(app.db, req.actor, input);
    const props = { ctx: pageContext(req, reply), what: 'competence' as const, organisationId: input.organisationId, id: input.competenceId, name: d.name, options: d.options };
    return sendPage(reply, h(EditPage, { ...props, values: competenceFormValues(d.competence) }));
  });
  app.post('/organisations/:id/competences/:competenceId/edit', { config: { access: owners }, schema: { params: CompetenceParams } }, async (req, reply) => {
    const input = { organisationId: req.params.id, competenceId: req.params.competenceId };
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries(['conceptId', 'kind', 'description', 'evidence', 'visibility'].map((k) => [k, str(body, k)]));
    try {
      const parsed = CompetenceIn.safeParse(values);
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await updateCompetence(app.db, req.actor, { ...input, patch: parsed.data });
      return reply.redirect(`/${req.locale}/organisations/${input.organisationId}/competences`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const d = await competenceEditData(app.db, req.actor, input);
      const props = { ctx: pageContext(req, reply), what: 'competence' as const, organisationId: input.organisationId, id: input.competenceId, name: d.name, options: d.options };
      return sendPage(reply, h(EditPage, { ...props, values, errors: err.fields }), 400);
    }
  });
  app.get('/organisations/:id/facilities/:facilityId/edit', { config: { access: owners }, schema: { params: FacilityParams } }, async (req, reply) => {
    const input = { organisationId: req.params.id, facilityId: req.params.facilityId };
    const d = await facilityEditData(app.db, req.actor, input);
    const props = { ctx: pageContext(req, reply), what: 'facility' as const, organisationId: input.organisationId, id: input.facilityId, name: d.name, options: d.options };
    return sendPage(reply, h(EditPage, { ...props, values: facilityFormValues(d.facility) }));
  });
  app.post('/organisations/:id/facilities/:facilityId/edit', { config: { access: owners }, schema: { params: FacilityParams } }, async (req, reply) => {
    const input = { organisationId: req.params.id, facilityId: req.params.facilityId };
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries(
      ['kind', 'name', 'description', 'certification', 'accreditationReference', 'visibility'].map((k) => [k, str(body, k)]),
    );
    const conceptIds = list(body, 'conceptIds');
    try {
      const parsed = FacilityIn.safeParse({ ...values, conceptIds });
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await updateFacility(app.db, req.actor, { ...input, patch: parsed.data });
      return reply.redirect(`/${req.locale}/organisations/${input.organisationId}/competences`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const d = await facilityEditData(app.db, req.actor, input);
      const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k.split('.')[0], v]));
      const props = { ctx: pageContext(req, reply), what: 'facility' as const, organisationId: input.organisationId, id: input.facilityId, name: d.name, options: d.options };
      return sendPage(reply, h(EditPage, { ...props, values: { ...values, conceptIds: conceptIds[0] ?? '' }, errors }), 400);
    }
  });

  app.get('/staff/competences', { config: { access: reviewers } }, async (req, reply) =>
    sendPage(reply, h(ReviewQueuePage, { ctx: pageContext(req, reply), queue: await reviewQueue(app.db, req.actor) })),
  );

  const reviewForm = (review: typeof reviewCompetence | typeof reviewFacility, kind: 'competence' | 'facility') =>
    async (req: { params: { id: string }; body: unknown; actor: Parameters<typeof reviewCompetence>[1]; locale: string } & Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1]) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = { decision: str(body, 'decision'), note: str(body, 'note') };
      try {
        const parsed = ReviewIn.safeParse(values);
        if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
        await review(app.db, req.actor, { id: req.params.id, review: parsed.data });
        return reply.redirect(`/${req.locale}/staff/competences?reviewed=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const queue = await reviewQueue(app.db, req.actor);
        return sendPage(reply, h(ReviewQueuePage, { ctx: pageContext(req, reply), queue, failed: { kind, id: req.params.id, values, errors: err.fields ?? {} } }), 400);
      }
    };
  app.post('/staff/competences/:id/review', { config: { access: reviewers }, schema: { params: ReviewParams } }, (req, reply) => reviewForm(reviewCompetence, 'competence')(req, reply));
  app.post('/staff/facilities/:id/review', { config: { access: reviewers }, schema: { params: ReviewParams } }, (req, reply) => reviewForm(reviewFacility, 'facility')(req, reply));
};

