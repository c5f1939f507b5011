import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { IngredientPage, OrganisationIngredientsPage, SearchPage } from './cosing.pages.tsx';
import {
  IngredientDetailSchema,
  IngredientListSchema,
  IngredientSearchQuery,
  type LinkIngredient,
  LinkIngredientSchema,
  OrganisationIdParams,
  OrganisationIngredientListSchema,
  OrganisationIngredientParams,
  UnlinkQuery,
  relations,
} from './cosing.schemas.ts';
import { getIngredient, linkIngredient, listOrganisationIngredients, searchIngredients, unlinkIngredient } from './cosing.ts';

const tags = ['cosing'];
const ErrorSchema = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });
// Who may link ingredients to an organisation: its own users, or staff of its clusters (checked by the domain).
const editors = ['member', 'org_admin', 'staff'] as const;
// INCI names run to 2,000+ characters and contain '/': a wildcard, not a length-limited :param.
const InciParams = z.object({ '*': z.string().min(1).max(3000) });

export const cosingApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cosing/ingredients',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Search CosIng ingredients by INCI name (accents, case and small typos ignored) or by CAS number (e.g. 7732-18-5)',
        querystring: IngredientSearchQuery,
        response: { 200: IngredientListSchema },
      },
    },
    async (req) => searchIngredients(app.db, req.query),
  );
  app.get(
    '/cosing/ingredients/*',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One ingredient by its URL-encoded INCI name: functions, CAS/EC numbers, Annex II–VI entries with their conditions, member organisations',
        params: InciParams,
        response: { 200: IngredientDetailSchema, 404: ErrorSchema },
      },
    },
    async (req) => getIngredient(app.db, req.params['*'], req.t),
  );
  app.get(
    '/organisations/:id/ingredients',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "The ingredients an organisation supplies or researches (public for member organisations; otherwise its users and its clusters' staff)",
        params: OrganisationIdParams,
        response: { 200: OrganisationIngredientListSchema, 404: ErrorSchema },
      },
    },
    async (req) => {
      const { organisation, items } = await listOrganisationIngredients(app.db, req.actor, req.params.id);
      return { organisation, items };
    },
  );
  app.post(
    '/organisations/:id/ingredients',
    {
      config: { access: editors },
      schema: {
        tags,
        summary: "Link an ingredient the organisation supplies or researches (its users or its clusters' staff; audited)",
        params: OrganisationIdParams,
        body: LinkIngredientSchema,
        response: { 201: OrganisationIngredientListSchema, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      await linkIngredient(app.db, req.actor!, req.params.id, req.body);
      const { organisation, items } = await listOrganisationIngredients(app.db, req.actor, req.params.id);
      return reply.code(201).send({ organisation, items });
    },
  );
  app.delete(
    '/organisations/:id/ingredients/*',
    {
      config: { access: editors },
      schema: {
        tags,
        summary: 'Remove a linked ingredient (URL-encoded INCI name) for one relation (audited)',
        params: OrganisationIngredientParams,
        querystring: UnlinkQuery,
      },
    },
    async (req, reply) => {
      await unlinkIngredient(app.db, req.actor!, req.params.id, req.params['*'], req.query.relation);
      return reply.code(204).send();
    },
  );
};

const FormBody = z.record(z.string(), z.string());

function fromForm(body: Record<string, string>): LinkIngredient {
  const relation = (relations as readonly string[]).includes(body.relation ?? '') ? (body.relation as LinkIngredient['relation']) : undefined;
  const parsed = LinkIngredientSchema.safeParse({ inciName: body.inciName ?? '', relation, note: body.note ?? '' });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '_');
      fields[key] ??= issue.code === 'too_big' ? 'too_big' : 'required';
    }
    throw new AppError(400, 'validation_failed', 'Some fields are not valid', fields);
  }
  return parsed.data;
}

export const cosingPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/cosing', { config: { access: 'public' }, schema: { querystring: IngredientSearchQuery } }, async (req, reply) => {
    const q = req.query.q ?? '';
    const result = q ? await searchIngredients(app.db, req.query) : null;
    return sendPage(reply, h(SearchPage, { ctx: pageContext(req, reply), q, result }));
  });
  app.get('/cosing/ingredients/*', { config: { access: 'public' }, schema: { params: InciParams } }, async (req, reply) => {
    const ingredient = await getIngredient(app.db, req.params['*'], req.t);
    return sendPage(reply, h(IngredientPage, { ctx: pageContext(req, reply), ingredient }));
  });
  app.get('/organisations/:id/ingredients', { config: { access: 'public' }, schema: { params: OrganisationIdParams } }, async (req, reply) => {
    const data = await listOrganisationIngredients(app.db, req.actor, req.params.id);
    return sendPage(reply, h(OrganisationIngredientsPage, { ctx: pageContext(req, reply), ...data, values: {} }));
  });
  app.post(
    '/organisations/:id/ingredients',
    { config: { access: editors }, schema: { params: OrganisationIdParams, body: FormBody } },
    async (req, reply) => {
      const body = req.body as Record<string, string>;
      try {
        await linkIngredient(app.db, req.actor!, req.params.id, fromForm(body));
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 400) throw err;
        const data = await listOrganisationIngredients(app.db, req.actor, req.params.id);
        return sendPage(reply, h(OrganisationIngredientsPage, { ctx: pageContext(req, reply), ...data, values: body, errors: err.fields }), 400);
      }
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}/ingredients`, 303);
    },
  );
  app.post(
    '/organisations/:id/ingredients/remove',
    { config: { access: editors }, schema: { params: OrganisationIdParams, body: FormBody } },
    async (req, reply) => {
      const body = req.body as Record<string, string>;
      const relation = UnlinkQuery.safeParse({ relation: body.relation });
      if (!relation.success || !body.inciName) throw new AppError(400, 'validation_failed', 'Some fields are not valid', { relation: 'required' });
      await unlinkIngredient(app.db, req.actor!, req.params.id, body.inciName, relation.data.relation);
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}/ingredients`, 303);
    },
  );
};
