import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp, type RouteEntry } from './app.ts';
import type { Db } from './db/db.ts';
import { createSession } from './lib/auth.ts';
import { createMemoryMailer } from './lib/mail.ts';
import { agentFor, createTestApp, testConfig } from './testing/app.ts';
import { createTestDb } from './testing/db.ts';
import { type ClusterRow, buildCluster, buildMembership, buildOrganisation, buildUser } from './testing/factories.ts';

/**
 * Bad input on every route (TARGETS Q4): malformed, oversized and wrongly typed bodies, query strings and
 * path params, as a user who passes every role check and as a visitor. No response may be a 5xx, and
 * every JSON 400 names its error (and, for validation_failed, the invalid fields).
 * Deterministic: FUZZ_SEED (default below) and FUZZ_RUNS (runs per route and actor) reproduce a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260217);
const RUNS = Number(process.env.FUZZ_RUNS ?? 0);

const uuid = fc.uuid();
const shortText = fc.string({ maxLength: 40, unit: 'grapheme' });
const hugeText = fc
  .tuple(fc.string({ minLength: 1, maxLength: 4, unit: 'grapheme' }), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const weirdText = fc.constantFrom(
  '',
  ' ',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  'a\ud800b',
  '\udfff',
  '0000-01-01',
  "'; DROP TABLE organisation; --",
  '<script>alert(1)</script>',
  'città àèìòù ß 漢字 🙂',
  '\u202e\u200b',
  'null',
  'true',
  '-1',
  '1e308',
  'NaN',
  '9999999999999999999999',
  '2026-02-30',
  'a@b',
  'http://',
  '00000000-0000-0000-0000-000000000000',
);
const anyScalar = fc.oneof(
  shortText,
  weirdText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  uuid,
  fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: anyScalar },
  { weight: 1, arbitrary: hugeText },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.array(anyScalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(shortText, anyScalar, { maxKeys: 4 }) },
);
const formValue = fc.oneof({ weight: 6, arbitrary: fc.oneof(shortText, weirdText, uuid, fc.integer().map(String)) }, { weight: 1, arbitrary: hugeText });

/** A path param: uuids, unicode, traversal, very long, empty-ish; usually encoded, sometimes raw. */
const paramArb = fc.oneof(
  uuid,
  shortText.filter((s) => s.length > 0),
  weirdText.filter((s) => s.length > 0),
  fc.integer({ min: 1, max: 5_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('..', '.', '%', '%zz', 'a/b', 'cosmetica', '-1', '0'),
);

function encodeParam(p: string, raw: boolean): string {
  if (raw && /^[\x21-\x7e]*$/.test(p) && !p.includes('?') && !p.includes('#')) return p;
  try {
    return encodeURIComponent(p) || '%20';
  } catch {
    return encodeURIComponent(p.replace(/[\ud800-\udfff]/g, '?')) || '%20';
  }
}

type Shape = { bodyKeys: string[]; queryKeys: string[] };

/** Body and query field names from the OpenAPI document, so wrong types hit the real fields too. */
function apiShapes(app: FastifyInstance): Map<string, Shape> {
  const doc = app.swagger() as { paths?: Record<string, Record<string, any>> };
  const out = new Map<string, Shape>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const schema = op?.requestBody?.content?.['application/json']?.schema;
      out.set(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, {
        bodyKeys: Object.keys(schema?.properties ?? {}),
        queryKeys: (op?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
      });
    }
  }
  return out;
}

const commonQueryKeys = ['page', 'pageSize', 'q', 'category', 'province', 'sort', 'status', 'lang', 'next', 'cluster'];

function queryArb(keys: string[]) {
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys, ...commonQueryKeys) }, { weight: 1, arbitrary: shortText });
  return fc.array(fc.tuple(key, formValue.filter((v) => v.length < 5_000)), { maxLength: 6 }).map((pairs) => {
    const p = new URLSearchParams();
    for (const [k, v] of pairs) p.append(k, v);
    return p.toString();
  });
}

type Body = { contentType?: string; payload?: string; withCsrf: boolean };

function bodyArb(keys: string[]): fc.Arbitrary<Body> {
  const fieldKey = keys.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: shortText }) : shortText;
  const json = (v: unknown) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null', withCsrf: true });
  return fc.oneof(
    // the real fields with wrong, missing, huge or nested values
    fc.dictionary(fieldKey, anyValue, { maxKeys: Math.max(3, keys.length + 2) }).map(json),
    // any JSON value at all: null, arrays, numbers, deep objects
    fc.jsonValue({ maxDepth: 6 }).map(json),
    hugeText.map(json),
    // malformed JSON text
    fc.constantFrom('{', '{"a":', '[1,2', 'nul', '"unterminated', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}').map((payload) => ({
      contentType: 'application/json',
      payload,
      withCsrf: true,
    })),
    // a form post with a valid _csrf and random or real field names (repeated keys are arrays)
    fc.array(fc.tuple(fieldKey, formValue), { maxLength: Math.max(4, keys.length + 3) }).map((pairs) => {
      const p = new URLSearchParams();
      for (const [k, v] of pairs) p.append(k, v);
      return { contentType: 'application/x-www-form-urlencoded', payload: p.toString(), withCsrf: true };
    }),
    // an unexpected content type
    shortText.map((payload) => ({ contentType: 'text/plain', payload, withCsrf: true })),
    fc.constant({ withCsrf: true }),
  );
}

describe('fuzz: no 5xx and named errors on every route', () => {
  let db: Db;
  let app: FastifyInstance;
  let cluster: ClusterRow;
  let superUserId: string;
  let csrf: { cookie: string; token: string };
  let lastError: Error | undefined;
  const shapes = new Map<string, Shape>();

  before(async () => {
    db = await createTestDb();
    app = await buildApp({ config: testConfig(), db, mailer: createMemoryMailer(), logger: false });
    // Requests run one at a time: the last error is the current request's, shown beside a 5xx.
    app.addHook('onError', async (_req, _reply, err) => {
      lastError = err;
    });
    await app.ready();
    cluster = await buildCluster(db);
    const org = await buildOrganisation(db);
    await buildMembership(db, cluster.id, org.id);
    superUserId = (
      await buildUser(db, {
        roles: [
          { role: 'platform_admin' },
          { role: 'region' },
          { role: 'staff', clusterId: cluster.id },
          { role: 'org_admin', organisationId: org.id },
          { role: 'member', organisationId: org.id },
        ],
      })
    ).id;
    const res = await app.inject({ method: 'GET', url: '/api/v1/csrf' });
    csrf = { cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '), token: res.json().token };
    for (const [k, v] of apiShapes(app)) shapes.set(k, v);
    // Page forms: their field names come from the page itself (GET of the same url as the signed-in user).
    const session = await createSession(db, superUserId);
    for (const r of app.routeTable) {
      if (r.method !== 'POST' || !/^\/(it|en)\//.test(r.url)) continue;
      const get = await app.inject({
        url: r.url.replace(/:([A-Za-z_]+)/g, (_m, n) => (n === 'slug' ? cluster.slug : randomUUID())),
        headers: { cookie: `${csrf.cookie}; filiera_session=${session}` },
      });
      const names = [...get.body.matchAll(/name="([^"]+)"/g)].map((m) => m[1]).filter((n) => n !== '_csrf' && n !== 'viewport');
      shapes.set(`${r.method} ${r.url}`, { bodyKeys: [...new Set(names)], queryKeys: [] });
    }
  });
  after(async () => {
    await app?.close();
    await db?.close();
  });

  test('every route, signed in with every role and as a visitor', async () => {
    const routes = app.routeTable;
    // About 6,000 requests in all by default, at least 8 per route and actor: the file stays well under a minute.
    const runs = RUNS || Math.max(8, Math.floor(6_000 / Math.max(1, routes.length * 2)));
    const checked: string[] = [];
    const failures: string[] = [];
    for (const route of routes) {
      for (const actor of ['signed-in', 'visitor'] as const) {
        const shape = shapes.get(`${route.method} ${route.url}`) ?? { bodyKeys: [], queryKeys: [] };
        const paramNames = [...route.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);
        const hasBody = !['GET', 'HEAD'].includes(route.method);
        const arb = fc.record({
          params: fc.array(fc.tuple(paramArb, fc.boolean(), fc.boolean()), { minLength: paramNames.length, maxLength: paramNames.length }),
          query: fc.option(queryArb(shape.queryKeys), { nil: undefined, freq: 2 }),
          body: hasBody ? bodyArb(shape.bodyKeys) : fc.constant<Body>({ withCsrf: false }),
        });
        const result = await fc.check(
          fc.asyncProperty(arb, async ({ params, query, body }) => {
            let i = 0;
            const path = route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
              const [value, raw, real] = params[i++];
              // Half of the time a real slug, so the request goes past "not found" into validation.
              return name === 'slug' && real ? cluster.slug : name !== 'slug' && real && !raw ? randomUUID() : encodeParam(value, raw);
            });
            const url = query ? `${path}?${query}` : path;
            const cookie =
              actor === 'signed-in' ? `${csrf.cookie}; filiera_session=${await createSession(db, superUserId)}` : csrf.cookie;
            let payload = body.payload;
            if (payload !== undefined && body.contentType === 'application/x-www-form-urlencoded' && body.withCsrf) {
              payload = `_csrf=${encodeURIComponent(csrf.token)}${payload ? `&${payload}` : ''}`;
            }
            lastError = undefined;
            const res = await app.inject({
              method: route.method as 'GET',
              url,
              headers: {
                cookie,
                'x-csrf-token': csrf.token,
                ...(body.contentType ? { 'content-type': body.contentType } : {}),
              },
              ...(payload !== undefined ? { payload } : {}),
            });
            const where = `${actor} ${route.method} ${url.slice(0, 300)}`;
            if (res.statusCode >= 500) {
              const sent = payload === undefined ? '' : ` ${body.contentType} ${payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length} chars)` : payload}`;
              assert.fail(`${where}${sent} → ${res.statusCode}: ${(lastError as Error | undefined)?.stack?.split('\n').slice(0, 4).join(' | ') ?? res.body.slice(0, 200)}`);
            }
            if (res.statusCode === 400 && String(res.headers['content-type']).includes('application/json')) {
              const json = res.json();
              assert.equal(typeof json.error, 'string', `${where}: 400 without error code: ${res.body.slice(0, 300)}`);
              if (json.error === 'validation_failed') {
                assert.ok(
                  json.fields && typeof json.fields === 'object' && Object.keys(json.fields).length > 0,
                  `${where}: validation_failed without fields: ${res.body.slice(0, 300)}`,
                );
              }
            }
          }),
          { seed: SEED, numRuns: runs, endOnFailure: true, includeErrorInReport: true },
        );
        if (result.failed) {
          const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
          failures.push(`${actor} ${route.method} ${route.url} (FUZZ_SEED=${SEED}, path ${result.counterexamplePath}):\n    ${error.split('\n')[0]}`);
        }
        checked.push(`${actor} ${route.method} ${route.url}`);
      }
    }
    assert.equal(checked.length, routes.length * 2);
    assert.deepEqual(failures, [], `fuzz failures (seed ${SEED}):\n${failures.join('\n')}`);
  });
});

describe('text a database cannot store', () => {
  test('a lone UTF-16 surrogate in a JSON body is a 400 naming the field, not a database error', async () => {
    const t = await createTestApp();
    try {
      const org = await buildOrganisation(t.db);
      const cluster = await buildCluster(t.db);
      await buildMembership(t.db, cluster.id, org.id);
      const member = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id);
      // JSON.stringify keeps a lone surrogate as the escape \ud800, as a client would send it
      const payload = JSON.stringify({ profileId: randomUUID(), message: 'hi \ud800' });
      assert.match(payload, /\\ud800/);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/interests', headers: { ...member.headers, 'content-type': 'application/json' }, payload });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json().fields, { message: 'invalid' });
      const emoji = await t.app.inject({ method: 'POST', url: '/api/v1/interests', headers: { ...member.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ profileId: randomUUID(), message: 'ok 🙂' }) });
      assert.equal(emoji.statusCode, 404, 'a whole emoji is fine (the profile is unknown)');
    } finally {
      await t.close();
    }
  });
});

describe('NUL bytes', () => {
  test('a U+0000 anywhere in query, params or body is a 400 naming the field, never a database error', async () => {
    const db = await createTestDb();
    const app = await buildApp({ config: testConfig(), db, mailer: createMemoryMailer(), logger: false });
    try {
      const res = await app.inject({ url: '/api/v1/csrf?x=a%00b&y=ok' });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json().fields, { 'query.x': 'invalid' });
      const page = await app.inject({ url: '/it?q=%00' });
      assert.equal(page.statusCode, 400);
      assert.match(page.headers['content-type'] as string, /text\/html/);
      assert.match(page.body, /query\.q/, 'the page names the field');
      // a sentence as a parameter's name is not repeated on the page (no text of the sender's on this site)
      const spoof = await app.inject({ url: '/it?Chiama%20subito%20il%20numero%20verde=%00' });
      assert.equal(spoof.statusCode, 400);
      assert.doesNotMatch(spoof.body, /numero verde/);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
