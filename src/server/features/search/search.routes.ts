import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { ValidationError } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { SearchPage } from './search.pages.tsx';
import { SearchOutSchema, SearchQuerySchema } from './search.schemas.ts';
import { searchFor } from './search.ts';

const tags = ['search'];

export const searchApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/search',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Competence search over the public profiles of member organisations, in Italian and English: full text with stemming, accent-insensitive, taxonomy synonyms in both languages, typo-tolerant on the taxonomy; facets; each result says why it matched.',
        querystring: SearchQuerySchema,
        response: { 200: SearchOutSchema },
      },
    },
    async (req) => searchFor(app.db, req.actor, req.query),
  );
};

export const searchPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/search', { config: { access: 'public' }, schema: { querystring: SearchQuerySchema } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const lang = ctx.locale === 'en' ? 'en' : 'it';
    try {
      const data = await searchFor(app.db, req.actor, { ...req.query, lang });
      return sendPage(reply, h(SearchPage, { ctx, query: req.query, data }));
    } catch (err) {
      // a filter from an old link (a taxonomy entry since retired): the results without it, and the page says so
      if (!(err instanceof ValidationError) || !err.fields) throw err;
      const query = { ...req.query };
      for (const key of Object.keys(err.fields)) delete query[key.replace(/^query\./, '') as 'stage' | 'technology' | 'product'];
      const data = await searchFor(app.db, req.actor, { ...query, lang });
      return sendPage(reply, h(SearchPage, { ctx, query, data, filterUnknown: true }));
    }
  });
};
