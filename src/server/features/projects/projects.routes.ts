import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { z } from 'zod';
import { AppError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import {
  type FormValues,
  type Notice,
  ProjectEditPage,
  ProjectsPage,
  ReviewQueuePage,
  formFields,
  notices,
  projectFormValues,
  reviewedNotices,
} from './projects.pages.tsx';
import {
  DeclarationIn,
  DeclarationOut,
  OrganisationParams,
  OrganisationProjectList,
  ParticipationParams,
  ProjectDetailsIn,
  ProjectOut,
  ProjectParams,
  ProjectPatch,
  QueueOut,
  QueueQuery,
  RemovalOut,
  ResubmitOut,
  ReviewIn,
  ReviewOut,
} from './projects.schemas.ts';
import {
  declareProject,
  getProject,
  listOrganisationProjects,
  projectEditData,
  projectsPageData,
  removeParticipation,
  resubmitParticipation,
  reviewParticipation,
  reviewQueue,
  updateProject,
} from './projects.ts';

// The organisation's own users, the staff of its clusters and platform admins (scope checked by the domain).
const managers = ['member', 'org_admin', 'staff', 'platform_admin'] as const;
// The staff of the organisation's clusters and platform admins check members' declarations (scope checked by the domain).
const reviewers = ['staff', 'platform_admin'] as const;
const tags = ['projects'];

export const projectsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/organisations/:id/projects',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Funded projects the organisation took part in, each with its role and the other participants the reader may see',
        params: OrganisationParams,
        response: { 200: OrganisationProjectList },
      },
    },
    async (req) => {
      const { organisation, items } = await listOrganisationProjects(app.db, req.actor, req.params.id);
      return { organisation, items };
    },
  );
  app.post(
    '/organisations/:id/projects',
    {
      config: { access: managers },
      schema: {
        tags,
        summary:
          "Declare that the organisation took part in a project (its users, its clusters' staff, platform admins). The same programme and reference link it to the project already known (linkedToExisting, details kept); a second declaration of the same project is a 409",
        params: OrganisationParams,
        body: DeclarationIn,
        response: { 201: DeclarationOut },
      },
    },
    async (req, reply) => reply.code(201).send(await declareProject(app.db, req.actor, { organisationId: req.params.id, data: req.body, publicUrl: app.config.publicUrl })),
  );
  app.delete(
    '/organisations/:id/projects/:projectId',
    {
      config: { access: managers },
      schema: { tags, summary: 'Remove the organisation from a project; a project left without participants is deleted', params: ParticipationParams, response: { 200: RemovalOut } },
    },
    async (req) => removeParticipation(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId }),
  );
  app.post(
    '/organisations/:id/projects/:projectId/resubmit',
    {
      config: { access: managers },
      schema: {
        tags,
        summary: "Send a rejected participation back to the staff (the organisation's users, its clusters' staff, platform admins); 409 not_rejected otherwise",
        params: ParticipationParams,
        response: { 200: ResubmitOut },
      },
    },
    async (req) => resubmitParticipation(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId, publicUrl: app.config.publicUrl }),
  );
  app.get(
    '/projects/:projectId',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'A project and the participants the reader may see', params: ProjectParams, response: { 200: ProjectOut } },
    },
    async (req) => getProject(app.db, req.actor, req.params.projectId),
  );
  app.patch(
    '/projects/:projectId',
    {
      config: { access: managers },
      schema: {
        tags,
        summary: "Edit a project's shared details (users of any participant, staff of a cluster where one is a member, platform admins)",
        params: ProjectParams,
        body: ProjectPatch,
        response: { 200: ProjectOut },
      },
    },
    async (req) => updateProject(app.db, req.actor, { projectId: req.params.projectId, patch: req.body }),
  );
  app.get(
    '/projects/review-queue',
    {
      config: { access: reviewers },
      schema: { tags, summary: "Members' declared participations waiting for the staff of the reader's clusters, oldest first", querystring: QueueQuery, response: { 200: QueueOut } },
    },
    async (req) => reviewQueue(app.db, req.actor, req.query),
  );
  app.post(
    '/organisations/:id/projects/:projectId/review',
    {
      config: { access: reviewers },
      schema: {
        tags,
        summary: "Validate the organisation's participation in a project, or reject it with a note (staff of a cluster where it is a member, platform admins); only validated participations are public and used by matchmaking",
        params: ParticipationParams,
        body: ReviewIn,
        response: { 200: ReviewOut },
      },
    },
    async (req) => reviewParticipation(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId, review: req.body, publicUrl: app.config.publicUrl }),
  );
};

const str = (body: Record<string, unknown>, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
const PageQuery = z.object({ done: z.string().max(40).optional() });

export const projectsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  type Req = Parameters<typeof pageContext>[0];
  type Reply = Parameters<typeof pageContext>[1];
  const render = async (req: Req, reply: Reply, id: string, extra: { values?: FormValues; errors?: Record<string, string>; notice?: Notice } = {}, status = 200) => {
    const data = await projectsPageData(app.db, req.actor, id);
    return sendPage(reply, h(ProjectsPage, { ctx: pageContext(req, reply), data, ...extra }), status);
  };
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, values: FormValues): T => {
    const parsed = schema.safeParse(values);
    if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
    return parsed.data;
  };

  app.get('/organisations/:id/projects', { config: { access: managers }, schema: { params: OrganisationParams, querystring: PageQuery } }, async (req, reply) => {
    const notice = notices.find((n) => n === req.query.done);
    return render(req, reply, req.params.id, { notice });
  });

  app.post('/organisations/:id/projects', { config: { access: managers }, schema: { params: OrganisationParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries([...formFields, 'role'].map((k) => [k, str(body, k)]));
    try {
      const out = await declareProject(app.db, req.actor, { organisationId: req.params.id, data: parse(DeclarationIn, values), publicUrl: app.config.publicUrl });
      const done = out.linkedToExisting ? 'linked' : out.status === 'validated' ? 'declaredValidated' : 'declared';
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}/projects?done=${done}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return render(req, reply, req.params.id, { values, errors: err.fields }, err.status);
    }
  });

  app.get('/organisations/:id/projects/:projectId/edit', { config: { access: managers }, schema: { params: ParticipationParams } }, async (req, reply) => {
    const d = await projectEditData(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId });
    const props = { ctx: pageContext(req, reply), organisation: d.organisation, projectId: d.project.id, acronym: d.project.acronym };
    return sendPage(reply, h(ProjectEditPage, { ...props, values: projectFormValues(d.project) }));
  });

  app.post('/organisations/:id/projects/:projectId/edit', { config: { access: managers }, schema: { params: ParticipationParams } }, async (req, reply) => {
    const input = { organisationId: req.params.id, projectId: req.params.projectId };
    // The form is reached from a participant's page: the same checks as showing it, before anything is written.
    const d = await projectEditData(app.db, req.actor, input);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = Object.fromEntries(formFields.map((k) => [k, str(body, k)]));
    try {
      const details = parse(ProjectDetailsIn, values);
      // Blank optional fields clear them; the language keeps the form's choice.
      const patch = { ...details, reference: details.reference ?? null, url: details.url ?? null, startDate: details.startDate ?? null, endDate: details.endDate ?? null, summary: details.summary ?? '' };
      await updateProject(app.db, req.actor, { projectId: input.projectId, patch });
      return reply.redirect(`/${req.locale}/organisations/${input.organisationId}/projects?done=updated`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const props = { ctx: pageContext(req, reply), organisation: d.organisation, projectId: d.project.id, acronym: d.project.acronym };
      return sendPage(reply, h(ProjectEditPage, { ...props, values, errors: err.fields }), err.status);
    }
  });

  const ReviewedQuery = QueueQuery.extend({ reviewed: z.string().max(20).optional() });
  app.get('/staff/projects', { config: { access: reviewers }, schema: { querystring: ReviewedQuery } }, async (req, reply) => {
    const reviewed = reviewedNotices.find((n) => n === req.query.reviewed);
    return sendPage(reply, h(ReviewQueuePage, { ctx: pageContext(req, reply), queue: await reviewQueue(app.db, req.actor, req.query), reviewed }));
  });

  app.post('/organisations/:id/projects/:projectId/review', { config: { access: reviewers }, schema: { params: ParticipationParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { decision: str(body, 'decision'), note: str(body, 'note'), expectedStatus: str(body, 'expectedStatus'), projectUpdatedAt: str(body, 'projectUpdatedAt') };
    const input = { organisationId: req.params.id, projectId: req.params.projectId };
    const { page } = QueueQuery.parse({ page: /^\d{1,6}$/.test(str(body, 'page')) ? str(body, 'page') : undefined });
    try {
      const out = await reviewParticipation(app.db, req.actor, { ...input, review: parse(ReviewIn, values), publicUrl: app.config.publicUrl });
      return reply.redirect(`/${req.locale}/staff/projects?reviewed=${out.status}`, 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'already_reviewed' || err.code === 'project_changed')) {
        return reply.redirect(`/${req.locale}/staff/projects?reviewed=stale`, 303);
      }
      if (!(err instanceof ValidationError)) throw err;
      const queue = await reviewQueue(app.db, req.actor, { page, pageSize: 50 });
      return sendPage(reply, h(ReviewQueuePage, { ctx: pageContext(req, reply), queue, failed: { ...input, values, errors: err.fields ?? {} } }), 400);
    }
  });

  app.post('/organisations/:id/projects/:projectId/resubmit', { config: { access: managers }, schema: { params: ParticipationParams } }, async (req, reply) => {
    const back = `/${req.locale}/organisations/${req.params.id}/projects`;
    try {
      await resubmitParticipation(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId, publicUrl: app.config.publicUrl });
    } catch (err) {
      // a second click, or a page read before the staff decided: the list shows where it stands
      if (err instanceof AppError && err.code === 'not_rejected') return reply.redirect(back, 303);
      throw err;
    }
    return reply.redirect(`${back}?done=resubmitted`, 303);
  });

  app.post('/organisations/:id/projects/:projectId/remove', { config: { access: managers }, schema: { params: ParticipationParams } }, async (req, reply) => {
    const { projectDeleted } = await removeParticipation(app.db, req.actor, { organisationId: req.params.id, projectId: req.params.projectId });
    return reply.redirect(`/${req.locale}/organisations/${req.params.id}/projects?done=${projectDeleted ? 'removedDeleted' : 'removed'}`, 303);
  });
};
