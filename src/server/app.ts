import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { h } from 'preact';
import { z } from 'zod';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { compressedAssets } from './lib/static-assets.ts';
import type { Db } from './db/db.ts';
import { accountsApiRoutes, accountsPageRoutes } from './features/accounts/accounts.routes.ts';
import { auditApiRoutes, auditPageRoutes } from './features/audit/audit.routes.ts';
import { clustersApiRoutes, clustersPageRoutes } from './features/clusters/clusters.routes.ts';
import { competencesApiRoutes, competencesPageRoutes } from './features/competences/competences.routes.ts';
import { cosingApiRoutes, cosingPageRoutes } from './features/cosing/cosing.routes.ts';
import { coverageApiRoutes, coveragePageRoutes } from './features/coverage/coverage.routes.ts';
import { importsApiRoutes, importsPageRoutes } from './features/imports/imports.routes.ts';
import { mapApiRoutes, mapPageRoutes } from './features/map/map.routes.ts';
import { membersApiRoutes, membersPageRoutes } from './features/members/members.routes.ts';
import { organisationsApiRoutes, organisationsPageRoutes } from './features/organisations/organisations.routes.ts';
import { requirementsApiRoutes, requirementsPageRoutes } from './features/requirements/requirements.routes.ts';
import { searchApiRoutes, searchPageRoutes } from './features/search/search.routes.ts';
import { marketplaceApiRoutes, marketplacePageRoutes } from './features/marketplace/marketplace.routes.ts';
import { queueCount } from './features/marketplace/marketplace.ts';
import { queueCount as projectsQueueCount } from './features/projects/projects.ts';
import { collaborationsApiRoutes, collaborationsPageRoutes } from './features/collaborations/collaborations.routes.ts';
import { matchingApiRoutes, matchingPageRoutes } from './features/matching/matching.routes.ts';
import { projectsApiRoutes, projectsPageRoutes } from './features/projects/projects.routes.ts';
import { taxonomyApiRoutes, taxonomyPageRoutes } from './features/taxonomy/taxonomy.routes.ts';
import {
  type Access,
  type Actor,
  SESSION_COOKIE,
  actorFromApiToken,
  actorFromSession,
  allowedByAccess,
} from './lib/auth.ts';
import { AppError, ValidationError, fieldsFromZodIssues } from './lib/errors.ts';
import { ErrorPage, type NavCounts, pageContext, sendPage } from './lib/html.tsx';
import { type Locale, type Translate, isLocale, translateIfKnown, translator } from './lib/i18n.ts';
import type { Mailer } from './lib/mail.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    mailer: Mailer;
    /** Every route with its declared access: the role × route matrix test walks this. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    actor: Actor | null;
    locale: Locale;
    t: Translate;
    /** What the navigation counts for the reader (staff: marketplace profiles to validate); null when nothing. */
    navCounts: NavCounts | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** A page's own word for a reader its access refuses (a message key: who may use it, and how to become one). */
    forbiddenHint?: string;
  }
}

export type RouteEntry = { method: string; url: string; access: Access };

export type AppOptions = { config: Config; db: Db; mailer: Mailer; logger?: boolean };

const webDir = fileURLToPath(new URL('../web/', import.meta.url));
const biDir = fileURLToPath(new URL('../../node_modules/bootstrap-italia/dist/', import.meta.url));
const biCssDir = join(biDir, 'css');

const isPageUrl = (url: string) => /^\/(it|en)(\/|$|\?)/.test(url);

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: opts.config.logLevel,
            // One-time tokens travel in the path of reset and invitation links: never write them to the log.
            serializers: {
              req: (req: FastifyRequest) => ({ method: req.method, url: redactTokens(req.url), hostname: req.hostname, remoteAddress: req.ip }),
            },
          },
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    trustProxy:
      typeof opts.config.trustProxy === 'number'
        ? ((hops: number) => (_address: string, hop: number) => hop < hops)(opts.config.trustProxy)
        : opts.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', opts.config);
  app.decorate('db', opts.db);
  app.decorate('mailer', opts.mailer);
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'it');
  app.decorateRequest('t', null as unknown as Translate);
  app.decorateRequest('navCounts', null);

  app.addHook('onRoute', (route) => {
    const publicInfra = route.url.startsWith('/static') || route.url.startsWith('/api/docs') || route.url === '/health' || route.url === '/favicon.ico';
    const access = route.config?.access ?? (publicInfra ? 'public' : undefined);
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access`);
    route.config = { ...route.config, access };
    if (!route.url.startsWith('/api/v1')) route.schema = { ...route.schema, hide: true };
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || publicInfra) continue;
      app.routeTable.push({ method, url: route.url, access });
    }
  });

  await app.register(cookie, { secret: opts.config.sessionSecret });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'filiera_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.config.secureCookies, signed: true },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? (req.headers['x-csrf-token'] as string | undefined);
    },
  });
  // Security headers: helmet, built once. Only the headers the pages need (helmet's defaults halve the request rate,
  // STACK-NOTES); and not through @fastify/helmet, which builds helmet again on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        // Bootstrap Italia's stylesheet embeds one font as a data: URI (refused, it was an error on every page)
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: opts.config.secureCookies ? { maxAge: 31536000 } : false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: true,
    xXssProtection: false,
  });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Filiera API',
        version: '1',
        description:
          'JSON API of Filiera. Read endpoints are public where the data is public. Authenticate with a personal API token (`Authorization: Bearer …`) or a session cookie plus the `x-csrf-token` header for writes.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  // The stylesheets and the script go out compressed (brotli or gzip, as the browser accepts), from copies made once
  // (lib/static-assets.ts); fonts (woff2, compressed already) and icons from Bootstrap Italia's folder as they are.
  const compressed = await compressedAssets(
    [
      { name: 'web', dir: webDir, files: ['filiera.css', 'filiera.js'] },
      { name: 'bi-css', dir: biCssDir, files: ['bootstrap-italia.min.css'] },
    ],
    opts.config.cacheDir,
    (err) =>
      app.log.warn({ err }, `no compressed copies of the stylesheets and script in ${opts.config.cacheDir}: they are sent uncompressed (FILIERA_CACHE_DIR names a writable folder)`),
  );
  await app.register(fastifyStatic, {
    root: compressed ? [compressed.web, webDir] : webDir,
    preCompressed: compressed !== null,
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: compressed ? [compressed['bi-css'], biCssDir] : biCssDir,
    preCompressed: compressed !== null,
    prefix: '/static/bi/css/',
    decorateReply: false,
    maxAge: '7d',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: biDir,
    prefix: '/static/bi/',
    decorateReply: false,
    maxAge: '7d',
    index: false,
    allowedPath: (path) => /^\/(fonts|svg)\//.test(path),
  });

  app.addHook('onRequest', async (req) => {
    const prefix = req.url.slice(1, 3);
    const lang = (req.query as Record<string, unknown> | undefined)?.lang;
    req.locale = isPageUrl(req.url) && isLocale(prefix) ? prefix : isLocale(lang) ? lang : preferredLocale(req);
    req.t = translator(req.locale);
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.actor = await actorFromApiToken(app.db, auth.slice(7).trim());
      if (!req.actor) throw new AppError(401, 'invalid_token', 'The API token is unknown, expired or revoked');
    } else {
      const raw = req.cookies[SESSION_COOKIE];
      if (raw) req.actor = await actorFromSession(app.db, raw);
    }
    // A page shows the staff how many marketplace profiles and declared projects wait for them: one indexed count
    // each, only for reviewers.
    if (req.actor && req.method === 'GET' && isPageUrl(req.url)) {
      const [marketplaceQueue, projectsQueue] = await Promise.all([queueCount(app.db, req.actor), projectsQueueCount(app.db, req.actor)]);
      if (marketplaceQueue !== null || projectsQueue !== null) req.navCounts = { marketplaceQueue: marketplaceQueue ?? undefined, projectsQueue: projectsQueue ?? undefined };
    }
  });

  // Role check before the body is even validated: an unauthorised caller learns nothing about the schema.
  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (!req.actor) {
      if (isPageUrl(req.url) && req.method === 'GET') {
        return reply.redirect(`/${req.locale}/login?next=${encodeURIComponent(req.url)}`);
      }
      throw new AppError(401, 'unauthorized', 'Sign in to continue');
    }
    if (!allowedByAccess(req.actor, access)) throw new AppError(403, 'forbidden', 'You are not allowed to do this');
    if (req.actor.tokenScope === 'read' && !['GET', 'HEAD'].includes(req.method)) {
      throw new AppError(403, 'token_scope', 'This API token is read-only');
    }
  });

  // CSRF on every state-changing request that rides on a cookie or comes from a form.
  app.addHook('preValidation', (req, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.actor?.tokenScope) return done();
    const type = req.headers['content-type'] ?? '';
    const fromForm = /application\/x-www-form-urlencoded|multipart\/form-data/.test(type);
    if (!fromForm && !req.cookies[SESSION_COOKIE]) return done();
    app.csrfProtection(req, reply, done);
  });

  // PostgreSQL text cannot hold U+0000: refuse it here with the fields named, not as a 500 from the database.
  app.addHook('preValidation', async (req) => {
    const fields: Record<string, string> = {};
    findNul(req.params, 'params.', fields);
    findNul(req.query, 'query.', fields);
    findNul(req.body, '', fields);
    if (Object.keys(fields).length) throw new ValidationError(fields);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, body } = errorBody(err, req);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (err instanceof AppError && err.code === 'too_many_requests' && 'retryAfterSeconds' in err) {
      reply.header('retry-after', String((err as { retryAfterSeconds: number }).retryAfterSeconds));
    }
    if (isPageUrl(req.url) && !req.headers.accept?.includes('application/json')) {
      // Always in the page's language: the code's own message when there is one, else one for its kind of error
      // (a developer's English message is for the API only).
      // field names come from the request itself: only plain ones are shown, a few at most (no text of the sender's)
      const names = Object.keys(body.fields ?? {}).filter((n) => /^[A-Za-z0-9_.]{1,40}$/.test(n));
      const params = { requestId: String(req.id), fields: names.length ? names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '') : '—' };
      const translated = (key: string) => translateIfKnown(req.t, key, params);
      const fallback = status >= 500 ? 'common.error.internal' : status === 409 ? 'common.error.conflict' : 'common.error.bad_request';
      const hint = status === 403 ? req.routeOptions.config?.forbiddenHint : undefined;
      const message = (hint && translated(hint)) || translated(`common.error.${body.error}`) || (translated(fallback) as string);
      return sendPage(reply, h(ErrorPage, { ctx: pageContext(req, reply), status, message, back: sameSiteReferer(req) }), status);
    }
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    // a page address without its language (/organisations, a link typed or shared without it): the reader's language
    const bare = (req.method === 'GET' || req.method === 'HEAD') && !isPageUrl(req.url) && !/^\/(api|static)(\/|$)/.test(req.url);
    if (bare) return reply.redirect(`/${preferredLocale(req)}${req.url}`);
    if (isPageUrl(req.url)) {
      return sendPage(reply, h(ErrorPage, { ctx: pageContext(req, reply), status: 404, message: req.t('common.error.not_found') }), 404);
    }
    return reply.code(404).send({ error: 'not_found', message: `Route ${req.method} ${req.url.split('?')[0]} not found` });
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/static/favicon.svg', 301));
  app.get(
    '/api/v1/csrf',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'A CSRF token for state-changing requests made with a session cookie (send it as x-csrf-token)',
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (_req, reply) => ({ token: reply.generateCsrf() }),
  );
  app.get('/', { config: { access: 'public' } }, async (req, reply) => reply.redirect(`/${preferredLocale(req)}`));

  const apiRoutes = [clustersApiRoutes, organisationsApiRoutes, membersApiRoutes, requirementsApiRoutes, accountsApiRoutes, auditApiRoutes,
    taxonomyApiRoutes, cosingApiRoutes, mapApiRoutes, importsApiRoutes, competencesApiRoutes, searchApiRoutes, coverageApiRoutes,
    marketplaceApiRoutes, collaborationsApiRoutes, matchingApiRoutes, projectsApiRoutes];
  const pageRoutes = [clustersPageRoutes, organisationsPageRoutes, membersPageRoutes, requirementsPageRoutes, accountsPageRoutes, auditPageRoutes,
    taxonomyPageRoutes, cosingPageRoutes, mapPageRoutes, importsPageRoutes, competencesPageRoutes, searchPageRoutes, coveragePageRoutes,
    marketplacePageRoutes, collaborationsPageRoutes, matchingPageRoutes, projectsPageRoutes];
  for (const routes of apiRoutes) {
    await app.register(routes, { prefix: '/api/v1' });
  }
  for (const locale of ['it', 'en'] as const) {
    for (const routes of pageRoutes) {
      await app.register(routes, { prefix: `/${locale}` });
    }
  }

  return app;
}

function findNul(value: unknown, path: string, out: Record<string, string>, depth = 0): void {
  if (typeof value === 'string') {
    // NUL and a lone UTF-16 surrogate (half an emoji) cannot be stored: PostgreSQL refuses both in text and jsonb
    if (value.includes('\u0000') || /\p{Cs}/u.test(value)) out[path.replace(/\.$/, '') || '_'] = 'invalid';
  } else if (value && typeof value === 'object' && depth < 32) {
    for (const [k, v] of Object.entries(value)) findNul(v, `${path}${k}.`, out, depth + 1);
  }
}

export function redactTokens(url: string): string {
  return url.replace(/(\/(?:password-reset|password-resets|invitations)\/)[^/?#]+/g, '$1[redacted]');
}

function preferredLocale(req: FastifyRequest): Locale {
  const header = req.headers['accept-language'] ?? '';
  const first = header.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return first === 'en' ? 'en' : 'it';
}

/** The page the reader came from, when it is one of this site's pages other than this one: the error page links back to it. */
function sameSiteReferer(req: FastifyRequest): string | undefined {
  const referer = req.headers.referer;
  if (!referer) return undefined;
  try {
    const url = new URL(referer);
    const back = url.pathname + url.search;
    // only the path is linked (never another site), and only when the reader came from this host
    const sameHost = url.hostname === new URL(`http://${req.headers.host ?? ''}`).hostname;
    return sameHost && isPageUrl(back) && back !== req.url ? back : undefined;
  } catch {
    return undefined;
  }
}

function errorBody(err: FastifyError, req: FastifyRequest): { status: number; body: { error: string; message: string; fields?: Record<string, string>; requestId?: string } } {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as { validationContext?: string }).validationContext;
    const prefix = context === 'querystring' ? 'query.' : context === 'params' ? 'params.' : context === 'headers' ? 'headers.' : '';
    const fields = fieldsFromZodIssues(
      err.validation.map((v) => ({
        ...(v.params as object),
        path: v.instancePath.split('/').filter(Boolean),
        code: v.keyword,
        message: v.message,
      })) as never,
    );
    const prefixed = Object.fromEntries(Object.entries(fields).map(([k, v]) => [prefix + k, v]));
    return { status: 400, body: { error: 'validation_failed', message: 'Some fields are not valid', fields: prefixed } };
  }
  if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
    return { status: 403, body: { error: 'csrf', message: 'Missing or invalid CSRF token' } };
  }
  if (err.statusCode === 413) return { status: 413, body: { error: 'payload_too_large', message: 'Request body too large' } };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const code = (err.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return { status: err.statusCode, body: { error: code, message: err.message } };
  }
  return { status: 500, body: { error: 'internal', message: 'Internal error', requestId: String(req.id) } };
}

export type { FastifyReply, FastifyRequest };
