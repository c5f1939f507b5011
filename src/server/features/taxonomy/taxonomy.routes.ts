import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { ConceptEditPage, type ConceptForm, ConceptPage, TaxonomyPage, conceptFormValues } from './taxonomy.pages.tsx';
import {
  ConceptDetailOut,
  ConceptIdParams,
  ConceptList,
  ConceptListQuery,
  ConceptOut,
  ConceptPatch,
  SuggestOut,
  SuggestQuery,
} from './taxonomy.schemas.ts';
import { conceptTree, getConcept, listConcepts, suggestConcepts, updateConcept } from './taxonomy.ts';

const editors = ['staff', 'platform_admin'] as const;

export const taxonomyApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/concepts',
    {
      config: { access: 'public' },
      schema: {
        tags: ['taxonomy'],
        summary: 'Taxonomy concepts in tree order (each parent followed by its children; parentId and depth rebuild the tree), optionally one scheme',
        querystring: ConceptListQuery,
        response: { 200: ConceptList },
      },
    },
    async (req) => listConcepts(app.db, req.query),
  );
  app.get(
    '/concepts/suggest',
    {
      config: { access: 'public' },
      schema: {
        tags: ['taxonomy'],
        summary: 'Concepts suggested by ATECO 2025 codes (comma-separated): those linked to a code or to one of its ancestors',
        querystring: SuggestQuery,
        response: { 200: SuggestOut },
      },
    },
    async (req) => suggestConcepts(app.db, req.query.ateco),
  );
  app.get(
    '/concepts/:id',
    {
      config: { access: 'public' },
      schema: { tags: ['taxonomy'], summary: 'One concept with its ATECO links, ancestors and children', params: ConceptIdParams, response: { 200: ConceptDetailOut } },
    },
    async (req) => getConcept(app.db, req.params.id),
  );
  app.patch(
    '/concepts/:id',
    {
      config: { access: editors },
      schema: {
        tags: ['taxonomy'],
        summary: 'Edit labels, definitions or synonyms (cluster staff, platform admins); stored as an override of the file, audited',
        params: ConceptIdParams,
        body: ConceptPatch,
        response: { 200: ConceptOut },
      },
    },
    async (req) => updateConcept(app.db, req.actor, { id: req.params.id, patch: req.body }),
  );
};

const splitSynonyms = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export const taxonomyPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/taxonomy', { config: { access: 'public' } }, async (req, reply) =>
    sendPage(reply, h(TaxonomyPage, { ctx: pageContext(req, reply), tree: await conceptTree(app.db) })),
  );
  app.get('/taxonomy/:id', { config: { access: 'public' }, schema: { params: ConceptIdParams } }, async (req, reply) =>
    sendPage(reply, h(ConceptPage, { ctx: pageContext(req, reply), concept: await getConcept(app.db, req.params.id) })),
  );
  app.get('/taxonomy/:id/edit', { config: { access: editors }, schema: { params: ConceptIdParams } }, async (req, reply) => {
    const concept = await getConcept(app.db, req.params.id);
    return sendPage(reply, h(ConceptEditPage, { ctx: pageContext(req, reply), concept, values: conceptFormValues(concept) }));
  });
  app.post('/taxonomy/:id/edit', { config: { access: editors }, schema: { params: ConceptIdParams } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const values: ConceptForm = {
      label_it: str('label_it'),
      label_en: str('label_en'),
      definition_it: str('definition_it'),
      definition_en: str('definition_en'),
      synonyms_it: str('synonyms_it'),
      synonyms_en: str('synonyms_en'),
    };
    const parsed = ConceptPatch.safeParse({ ...values, synonyms_it: splitSynonyms(values.synonyms_it), synonyms_en: splitSynonyms(values.synonyms_en) });
    try {
      if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
      await updateConcept(app.db, req.actor, { id: req.params.id, patch: parsed.data });
      return reply.redirect(`/${req.locale}/taxonomy/${req.params.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const concept = await getConcept(app.db, req.params.id);
      // One synonym too long is reported on its list field, where the form shows it.
      const errors = Object.fromEntries(Object.entries(err.fields ?? {}).map(([k, v]) => [k.split('.')[0], v]));
      return sendPage(reply, h(ConceptEditPage, { ctx: pageContext(req, reply), concept, values, errors }), 400);
    }
  });
};
