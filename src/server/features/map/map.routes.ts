import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { ValidationError } from '../../lib/errors.ts';
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
          'Members (organisations with an active membership) per province of Lombardy, all 12 provinces with zeros; optionally of one cluster (slug), one organisation category, or one taxonomy concept (members with a validated, public competence or facility on the concept or on any concept below it, as the directory concept filter does; unknown concept: 400 on query.concept). An organisation with seats in several provinces counts in each.',
        querystring: MapQuerySchema,
        response: { 200: ProvinceCountListSchema },
      },
    },
    async (req) => listProvinceCounts(app.db, req.query),
  );
};

export const mapPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/map', { config: { access: 'public' }, schema: { querystring: MapQuerySchema } }, async (req, reply) => {
    try {
      const data = await getMapPageData(app.db, req.query);
      return sendPage(reply, h(MapPage, { ctx: pageContext(req, reply), data }));
    } catch (err) {
      // An unknown concept: the map without it, the error beside the select.
      if (!(err instanceof ValidationError && err.fields?.['query.concept'])) throw err;
      const data = await getMapPageData(app.db, { ...req.query, concept: undefined });
      return sendPage(reply, h(MapPage, { ctx: pageContext(req, reply), data, errors: { concept: err.fields['query.concept'] } }), 400);
    }
  });
};
