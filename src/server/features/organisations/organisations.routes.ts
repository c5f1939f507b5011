import { type FastifyPluginAsyncZod, serializerCompiler } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { h } from 'preact';
import { z } from 'zod';
import { AppError, ValidationError } from '../../lib/errors.ts';
import { pageContext, sendPage, sendPublicPage } from '../../lib/html.tsx';
import { getCluster } from '../clusters/clusters.ts';
import { DirectoryPage, OrganisationEditPage, OrganisationPage, orgFormValues } from './organisations.pages.tsx';
import { listOrganisationProjects } from '../projects/projects.ts';
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
  type DirectoryQuery,
  type OrganisationPatch,
  OrganisationPatchSchema,
} from './organisations.schemas.ts';
import {
  canEditOrganisation,
  browseDirectory,
  createOrganisation,
  getDirectoryOptions,
  getOrganisation,
  getOrganisationForEdit,
  municipalitySuggestions,
  lookupAteco,
  lookupMunicipalities,
  updateOrganisation,
} from './organisations.ts';

const tags = ['organisations'];

/** The schema's serializer, run once per object: for routes whose domain hands out the same object while it holds. */
function serializeOncePerObject<S>(route: FastifyRouteSchemaDef<S>): (data: unknown) => string {
  const serialize = serializerCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
  const done = new WeakMap<object, string>();
  return (data) => {
    if (typeof data !== 'object' || data === null) return serialize(data);
    let json = done.get(data);
    if (json === undefined) done.set(data, (json = serialize(data)));
    return json;
  };
}
const ErrorSchema = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });

export const organisationsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/organisations',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Member directory: organisations with an active membership, filtered and paginated. `concept` (a taxonomy concept id) keeps members with a validated, public competence or facility on the concept or on any concept below it; an unknown concept is a 400 on query.concept.',
        querystring: DirectoryQuerySchema,
        response: { 200: DirectoryResponseSchema },
      },
      // The directory hands out one page object while its data version holds: serialised once.
      serializerCompiler: serializeOncePerObject,
    },
    async (req) => (await browseDirectory(app.db, req.query)).result,
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
        summary:
          'An organisation: public data, seats, ATECO codes and active memberships; tax code, size figures, addresses, all memberships and their history only for its users, staff of its clusters, region officers and platform admins',
        params: OrganisationIdParams,
        response: { 200: OrganisationDetailSchema },
      },
    },
    async (req) => getOrganisation(app.db, req.actor, req.params.id),
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


const numberField = (v: string | undefined) => {
  const s = (v ?? '').trim().replace(/\s/g, '');
  if (!s) return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : (s as unknown as number);
};

/** Form fields → the API's PATCH shape; blank seat rows are dropped, `rows` maps back to the form's row numbers. */
export function organisationFromForm(body: Record<string, string | undefined>): { patch: OrganisationPatch; rows: number[] } {
  const rows: number[] = [];
  const seats: NonNullable<OrganisationPatch['seats']> = [];
  for (let i = 0; i < 20; i++) {
    const get = (k: string) => (body[`seats.${i}.${k}`] ?? '').trim();
    if (!get('kind') && !get('municipalityCode') && !get('foreignCity') && !get('address')) continue;
    rows.push(i);
    seats.push({
      kind: get('kind') as 'legal',
      country: get('country') || 'IT',
      municipalityCode: get('municipalityCode'),
      foreignCity: get('foreignCity'),
      address: get('address'),
    });
  }
  const text = (k: string) => body[k] ?? '';
  return {
    rows,
    patch: {
      legalName: text('legalName'),
      shortName: text('shortName'),
      // Absent when the form shows the category read-only (it is not the user's to change): keep the current one.
      category: body.category === undefined ? undefined : ((body.category || null) as OrganisationPatch['category']),
      vatCountry: text('vatCountry').trim() || null,
      vatNumber: text('vatNumber'),
      taxCode: text('taxCode'),
      staffHeadcount: numberField(body.staffHeadcount),
      annualTurnoverEur: numberField(body.annualTurnoverEur),
      balanceSheetEur: numberField(body.balanceSheetEur),
      website: text('website'),
      descriptionIt: text('descriptionIt'),
      descriptionEn: text('descriptionEn'),
      atecoCodes: text('atecoCodes')
        .split(/[\s,;]+/)
        .filter(Boolean),
      seats,
    },
  };
}

/** Error keys of the API shape → the form's field names. */
function formErrors(fields: Record<string, string> | undefined, rows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    const seat = /^seats\.(\d+)\.(\w+)$/.exec(k);
    const key = seat ? `seats.${rows[Number(seat[1])] ?? seat[1]}.${seat[2]}` : k.startsWith('atecoCodes') ? 'atecoCodes' : k;
    out[key] ??= v;
  }
  return out;
}

export const organisationsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  const directory = async (req: FastifyRequest, reply: FastifyReply, query: DirectoryQuery, clusterSlug?: string) => {
    const cluster = clusterSlug ? await getCluster(app.db, clusterSlug) : undefined;
    const options = await getDirectoryOptions(app.db);
    try {
      const { result, concept, version } = await browseDirectory(app.db, { ...query, cluster: clusterSlug });
      // A visitor's page is rendered once per data version (and cluster details, on a cluster's member list).
      const key = version === null ? null : JSON.stringify([version, cluster ?? null]);
      return sendPublicPage(req, reply, key, (ctx) => h(DirectoryPage, { ctx, query, result, options, cluster, concept }));
    } catch (err) {
      // An unknown concept: the list without it, and the page says the filter was not understood.
      if (!(err instanceof ValidationError && err.fields?.['query.concept'])) throw err;
      const withoutConcept = { ...query, concept: undefined };
      const { result } = await browseDirectory(app.db, { ...withoutConcept, cluster: clusterSlug });
      return sendPage(
        reply,
        h(DirectoryPage, { ctx: pageContext(req, reply), query: withoutConcept, result, options, cluster, unknownConcept: true }),
        400,
      );
    }
  };
  app.get('/organisations', { config: { access: 'public' }, schema: { querystring: DirectoryQuerySchema } }, async (req, reply) =>
    directory(req, reply, req.query),
  );
  app.get(
    '/clusters/:slug/members',
    { config: { access: 'public' }, schema: { params: z.object({ slug: z.string().max(100) }), querystring: DirectoryQuerySchema } },
    async (req, reply) => directory(req, reply, req.query, req.params.slug),
  );
  app.get('/organisations/:id', { config: { access: 'public' }, schema: { params: OrganisationIdParams } }, async (req, reply) => {
    const org = await getOrganisation(app.db, req.actor, req.params.id);
    const canEdit = await canEditOrganisation(app.db, req.actor, org.id);
    const projects = await listOrganisationProjects(app.db, req.actor, org.id);
    return sendPage(reply, h(OrganisationPage, { ctx: pageContext(req, reply), org, canEdit, projects }));
  });
  app.get('/organisations/:id/edit', { config: { access: 'authenticated' }, schema: { params: OrganisationIdParams } }, async (req, reply) => {
    const { org, canEditCategory } = await getOrganisationForEdit(app.db, req.actor!, req.params.id);
    const municipalities = await municipalitySuggestions(app.db);
    return sendPage(reply, h(OrganisationEditPage, { ctx: pageContext(req, reply), org, values: orgFormValues(org), municipalities, canEditCategory }));
  });
  app.post(
    '/organisations/:id/edit',
    { config: { access: 'authenticated' }, schema: { params: OrganisationIdParams, body: z.record(z.string(), z.string()) } },
    async (req, reply) => {
      const body = req.body as Record<string, string>;
      const { patch, rows } = organisationFromForm(body);
      try {
        await updateOrganisation(app.db, req.actor!, req.params.id, patch);
      } catch (err) {
        if (!(err instanceof AppError) || (err.status !== 400 && err.status !== 409)) throw err;
        const { org, canEditCategory } = await getOrganisationForEdit(app.db, req.actor!, req.params.id);
        const municipalities = await municipalitySuggestions(app.db);
        const errors = formErrors(err.fields, rows);
        const values = canEditCategory ? body : { ...body, category: org.category ?? '' };
        return sendPage(reply, h(OrganisationEditPage, { ctx: pageContext(req, reply), org, values, errors, municipalities, canEditCategory }), err.status);
      }
      return reply.redirect(`/${req.locale}/organisations/${req.params.id}`, 303);
    },
  );
};
