import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { MapPage } from './map.pages.tsx';
import { MapQuerySchema, ProvinceCountListSchema } from './map.schemas.ts';
import { getMapPageData, listProvinceCounts } from './map.ts';

const tags = ['map'];

export const mapApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/map/provinces',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Members (organisations with an active membership) per province of Lombardy, all 12 provinces with zeros; optionally of one cluster (slug) or one organisation category. An organisation with seats in several provinces counts in each.',
        querystring: MapQuerySchema,
        response: { 200: ProvinceCountListSchema },
      },
    },
    async (req) => listProvinceCounts(app.db, req.query),
  );
};

export const mapPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/map', { config: { access: 'public' }, schema: { querystring: MapQuerySchema } }, async (req, reply) => {
    const data = await getMapPageData(app.db, req.query);
    return sendPage(reply, h(MapPage, { ctx: pageContext(req, reply), data }));
  });
};
