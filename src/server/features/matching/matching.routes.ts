import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { AppError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { ForYouPage, SavedSearchResultsPage, SavedSearchesPage, type SavedFormValues, SuggestionsPage, emptySavedForm } from './matching.pages.tsx';
import {
  ForYouOut,
  ForYouQuery,
  PreviewOut,
  ProfileParams,
  ResultsOut,
  SavedSearchIn,
  SavedSearchList,
  SavedSearchOut,
  SavedSearchParams,
  SuggestionsOut,
  SuggestionsQuery,
  type SuggestionItem,
} from './matching.schemas.ts';
import {
  conceptChoices,
  createSavedSearch,
  deleteSavedSearch,
  listSavedSearches,
  previewSavedSearch,
  savedSearchResults,
  suggestionsForOrganisation,
  suggestionsForProfile,
} from './matching.ts';

// The profile's owner users, its cluster's staff, region officers and platform admins (scope checked in the domain).
const profileReaders = ['member', 'org_admin', 'staff', 'region', 'platform_admin'] as const;
const members = ['member', 'org_admin'] as const;
const tags = ['matching'];

export const matchingApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/profiles/:id/suggestions',
    {
      config: { access: profileReaders },
      schema: {
        tags,
        summary:
          'What fits a marketplace profile: for a need, the organisations and published offers; for an offer, the published requests and organisations. Own cluster by default, allClusters=1 for every cluster (region officers: always). Each result says why, in the reader’s language; anonymous profiles never show their owner.',
        params: ProfileParams,
        querystring: SuggestionsQuery,
        response: { 200: SuggestionsOut },
      },
    },
    async (req) => suggestionsForProfile(app.db, req.actor, { profileId: req.params.id, query: req.query, locale: req.locale }),
  );
  app.get(
    '/suggestions',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'Suggested for you: published profiles that fit the reader’s organisation (its description and validated competences), with why; `missing` says what would improve them',
        querystring: ForYouQuery,
        response: { 200: ForYouOut },
      },
    },
    async (req) => suggestionsForOrganisation(app.db, req.actor, { query: req.query, locale: req.locale }),
  );
  app.get(
    '/saved-searches',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'The signed-in user’s saved matchmaking searches', response: { 200: SavedSearchList } } },
    async (req) => listSavedSearches(app.db, req.actor),
  );
  app.post(
    '/saved-searches',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Save a matchmaking search (query, optional profile types and concepts, all clusters); new matching profiles are e-mailed immediately, daily or weekly (at most 20 per user)',
        body: SavedSearchIn,
        response: { 201: SavedSearchOut },
      },
    },
    async (req, reply) => reply.code(201).send(await createSavedSearch(app.db, req.actor, req.body)),
  );
  app.post(
    '/saved-searches/preview',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Try a search before saving it: the published profiles it finds now, ranked, with why (nothing is stored)',
        body: SavedSearchIn,
        querystring: SuggestionsQuery.pick({ lang: true }),
        response: { 200: PreviewOut },
      },
    },
    async (req) => previewSavedSearch(app.db, req.actor, { search: req.body, locale: req.locale }),
  );
  app.get(
    '/saved-searches/:id/results',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Runs one of the user’s saved searches now: published profiles, ranked, with why', params: SavedSearchParams, querystring: SuggestionsQuery.pick({ lang: true }), response: { 200: ResultsOut } },
    },
    async (req) => savedSearchResults(app.db, req.actor, { id: req.params.id, locale: req.locale }),
  );
  app.delete(
    '/saved-searches/:id',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Delete one of the user’s saved searches', params: SavedSearchParams } },
    async (req, reply) => {
      await deleteSavedSearch(app.db, req.actor, req.params.id);
      return reply.code(204).send();
    },
  );
};

const str = (body: Record<string, unknown>, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
const list = (body: Record<string, unknown>, k: string) =>
  (Array.isArray(body[k]) ? (body[k] as unknown[]) : [body[k]]).filter((v): v is string => typeof v === 'string' && v !== '');

export const matchingPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/marketplace/:id/suggestions',
    { config: { access: profileReaders }, schema: { params: ProfileParams, querystring: SuggestionsQuery } },
    async (req, reply) => {
      const data = await suggestionsForProfile(app.db, req.actor, { profileId: req.params.id, query: req.query, locale: req.locale });
      return sendPage(reply, h(SuggestionsPage, { ctx: pageContext(req, reply), data }));
    },
  );

  app.get('/suggestions', { config: { access: members, forbiddenHint: 'matching.forYou.onlyMembers' }, schema: { querystring: ForYouQuery } }, async (req, reply) => {
    const data = await suggestionsForOrganisation(app.db, req.actor, { query: req.query, locale: req.locale });
    return sendPage(reply, h(ForYouPage, { ctx: pageContext(req, reply), data }));
  });

  const savedPage = async (
    req: Parameters<typeof pageContext>[0],
    reply: Parameters<typeof pageContext>[1],
    extra: { values?: SavedFormValues; errors?: Record<string, string>; notice?: string; preview?: SuggestionItem[] } = {},
    status = 200,
  ) => {
    const { items } = await listSavedSearches(app.db, req.actor);
    const choices = await conceptChoices(app.db);
    const values = extra.values ?? emptySavedForm(req.locale);
    return sendPage(reply, h(SavedSearchesPage, { ctx: pageContext(req, reply), items, choices, values, errors: extra.errors, notice: extra.notice, preview: extra.preview }), status);
  };

  app.get('/saved-searches', { config: { access: 'authenticated' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const notice = q.created === '1' ? 'created' : q.deleted === '1' ? 'deleted' : undefined;
    return savedPage(req, reply, { notice });
  });

  const formValues = (body: Record<string, unknown>): SavedFormValues => ({
    name: str(body, 'name'),
    query: str(body, 'query'),
    profileTypes: list(body, 'profileTypes'),
    conceptIds: list(body, 'conceptIds'),
    allClusters: str(body, 'allClusters') !== '',
    frequency: str(body, 'frequency'),
    locale: str(body, 'locale'),
  });
  const parseForm = (values: SavedFormValues) => {
    const parsed = SavedSearchIn.safeParse({ ...values, frequency: values.frequency || undefined, locale: values.locale || undefined });
    if (!parsed.success) throw new ValidationError(fieldsFromZodIssues(parsed.error.issues as never));
    return parsed.data;
  };

  app.post('/saved-searches', { config: { access: 'authenticated' } }, async (req, reply) => {
    const values = formValues((req.body ?? {}) as Record<string, unknown>);
    try {
      await createSavedSearch(app.db, req.actor, parseForm(values));
      return reply.redirect(`/${req.locale}/saved-searches?created=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return savedPage(req, reply, { values, errors: err.fields }, 400);
    }
  });

  // The form's "Try it" button posts here: the results now, and the form as filled, ready to save.
  app.post('/saved-searches/preview', { config: { access: 'authenticated' } }, async (req, reply) => {
    const values = formValues((req.body ?? {}) as Record<string, unknown>);
    try {
      const { items } = await previewSavedSearch(app.db, req.actor, { search: parseForm(values), locale: req.locale });
      return savedPage(req, reply, { values, preview: items });
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      return savedPage(req, reply, { values, errors: err.fields }, 400);
    }
  });

  app.get('/saved-searches/:id', { config: { access: 'authenticated' }, schema: { params: SavedSearchParams } }, async (req, reply) => {
    const data = await savedSearchResults(app.db, req.actor, { id: req.params.id, locale: req.locale });
    return sendPage(reply, h(SavedSearchResultsPage, { ctx: pageContext(req, reply), data }));
  });

  app.post('/saved-searches/:id/delete', { config: { access: 'authenticated' }, schema: { params: SavedSearchParams } }, async (req, reply) => {
    await deleteSavedSearch(app.db, req.actor, req.params.id);
    return reply.redirect(`/${req.locale}/saved-searches?deleted=1`, 303);
  });
};
