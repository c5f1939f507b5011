import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { RequirementsPage } from './requirements.pages.tsx';
import { ClusterSlugParams, RequirementsResponse } from './requirements.schemas.ts';
import { getClusterRequirements } from './requirements.ts';

export const requirementsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/clusters/:slug/requirements',
    {
      config: { access: 'public' },
      schema: {
        tags: ['requirements'],
        summary: "The decree's recognition requirements for a cluster, evaluated live from the registry, with evidence",
        params: ClusterSlugParams,
        response: { 200: RequirementsResponse },
      },
    },
    async (req) => {
      const { cluster, results, overall } = await getClusterRequirements(app.db, req.params.slug);
      return {
        cluster: { slug: cluster.slug, name: req.locale === 'en' ? cluster.name_en : cluster.name_it },
        overall,
        requirements: results.map((r) => ({
          id: r.id,
          status: r.status,
          value: r.value,
          threshold: r.threshold,
          satisfiedBy: r.satisfiedBy,
          issues: r.issues,
          facts: r.facts,
        })),
      };
    },
  );
};

export const requirementsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/clusters/:slug/requirements',
    { config: { access: 'public' }, schema: { params: ClusterSlugParams } },
    async (req, reply) => {
      const data = await getClusterRequirements(app.db, req.params.slug);
      return sendPage(reply, h(RequirementsPage, { ctx: pageContext(req, reply), ...data }));
    },
  );
};
