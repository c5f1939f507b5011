import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { ClusterEditPage, ClusterListPage, ClusterPage, HomePage, clusterFormValues } from './clusters.pages.tsx';
import { ClusterListSchema, ClusterSchema, ClusterSlugParams, ClusterUpdateSchema, type ClusterUpdate } from './clusters.schemas.ts';
import { canEditCluster, getCluster, getClusterForEdit, getClusterPageData, listClusters, updateCluster } from './clusters.ts';

const tags = ['clusters'];
const ErrorSchema = z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() });

export const clustersApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/clusters',
    { config: { access: 'public' }, schema: { tags, summary: 'The clusters hosted, with their public facts', response: { 200: ClusterListSchema } } },
    async () => ({ items: await listClusters(app.db) }),
  );
  app.get(
    '/clusters/:slug',
    {
      config: { access: 'public' },
      schema: { tags, summary: "A cluster's public facts: association, recognition, decree, member count", params: ClusterSlugParams, response: { 200: ClusterSchema } },
    },
    async (req) => getCluster(app.db, req.params.slug),
  );
  app.patch(
    '/clusters/:slug',
    {
      config: { access: ['staff', 'platform_admin'] },
      schema: {
        tags,
        summary: "Record the cluster's facts (staff of this cluster or platform admin): partnership agreement, legal personality, capofila, descriptions",
        params: ClusterSlugParams,
        body: ClusterUpdateSchema,
        response: { 200: ClusterSchema, 400: ErrorSchema },
      },
    },
    async (req) => updateCluster(app.db, req.actor!, req.params.slug, req.body as ClusterUpdate),
  );
};

/** Form fields → the API's shape. */
function fromForm(body: Record<string, string | undefined>): ClusterUpdate {
  const lp = body.legalPersonality;
  return {
    partnershipAgreementSignedOn: body.partnershipAgreementSignedOn ?? '',
    partnershipAgreementReference: body.partnershipAgreementReference ?? '',
    legalPersonality: lp === 'yes' ? true : lp === 'no' ? false : null,
    legalPersonalityEvidence: body.legalPersonalityEvidence ?? '',
    capofilaOrganisationId: body.capofilaOrganisationId ?? '',
    descriptionIt: body.descriptionIt ?? '',
    descriptionEn: body.descriptionEn ?? '',
  };
}

export const clustersPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', { config: { access: 'public' } }, async (req, reply) => {
    return sendPage(reply, h(HomePage, { ctx: pageContext(req, reply), clusters: await listClusters(app.db) }));
  });
  app.get('/clusters', { config: { access: 'public' } }, async (req, reply) => {
    return sendPage(reply, h(ClusterListPage, { ctx: pageContext(req, reply), clusters: await listClusters(app.db) }));
  });
  app.get('/clusters/:slug', { config: { access: 'public' }, schema: { params: ClusterSlugParams } }, async (req, reply) => {
    const data = await getClusterPageData(app.db, req.params.slug);
    return sendPage(reply, h(ClusterPage, { ctx: pageContext(req, reply), ...data, canEdit: canEditCluster(req.actor, data.c.id) }));
  });
  app.get(
    '/clusters/:slug/edit',
    { config: { access: ['staff', 'platform_admin'] }, schema: { params: ClusterSlugParams } },
    async (req, reply) => {
      const { cluster, members } = await getClusterForEdit(app.db, req.actor!, req.params.slug);
      return sendPage(reply, h(ClusterEditPage, { ctx: pageContext(req, reply), c: cluster, members, values: clusterFormValues(cluster) }));
    },
  );
  app.post(
    '/clusters/:slug/edit',
    { config: { access: ['staff', 'platform_admin'] }, schema: { params: ClusterSlugParams, body: z.record(z.string(), z.string()) } },
    async (req, reply) => {
      const body = req.body as Record<string, string>;
      try {
        await updateCluster(app.db, req.actor!, req.params.slug, fromForm(body));
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 400) throw err;
        const { cluster, members } = await getClusterForEdit(app.db, req.actor!, req.params.slug);
        return sendPage(reply, h(ClusterEditPage, { ctx: pageContext(req, reply), c: cluster, members, values: body, errors: err.fields }), 400);
      }
      return reply.redirect(`/${req.locale}/clusters/${req.params.slug}`, 303);
    },
  );
};
