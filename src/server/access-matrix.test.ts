import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Db } from './db/db.ts';
import { type Access, type Role, createSession } from './lib/auth.ts';
import { createMemoryMailer } from './lib/mail.ts';
import { testConfig } from './testing/app.ts';
import { createTestDb } from './testing/db.ts';
import { type ClusterRow, buildCluster, buildMembership, buildOrganisation, buildUser } from './testing/factories.ts';

/**
 * The role × route matrix (TARGETS Q6). Every route of the app must be listed here with the access it
 * declares: a new route fails this test until someone decides, on purpose, who may call it.
 * Keys are "METHOD url"; a url starting with /:lang stands for the same page route under /it and /en.
 */
const R = (...roles: Role[]): readonly Role[] => roles;
const STAFF = R('staff', 'region', 'platform_admin');
const ORG_ADMIN_OR_STAFF = R('org_admin', 'staff', 'region', 'platform_admin');

export const expectedAccess: Record<string, Access> = {
  // app shell
  'GET /': 'public',
  'GET /api/v1/csrf': 'public',
  'GET /:lang': 'public',

  // accounts: sign-in, password reset, invitations, own account, organisation users, platform admin
  'POST /api/v1/sessions': 'public',
  'DELETE /api/v1/sessions/current': 'authenticated',
  'POST /api/v1/password-resets': 'public',
  'POST /api/v1/password-resets/:token': 'public',
  'GET /api/v1/account': 'authenticated',
  'GET /api/v1/account/tokens': 'authenticated',
  'POST /api/v1/account/tokens': 'authenticated',
  'DELETE /api/v1/account/tokens/:id': 'authenticated',
  'GET /api/v1/organisations/:id/users': ORG_ADMIN_OR_STAFF,
  'POST /api/v1/organisations/:id/users': ORG_ADMIN_OR_STAFF,
  'DELETE /api/v1/organisations/:id/users/:userId': ORG_ADMIN_OR_STAFF,
  'GET /api/v1/admin/users': R('platform_admin'),
  'POST /api/v1/admin/users/:id/roles': R('platform_admin'),
  'DELETE /api/v1/admin/users/:id/roles/:roleId': R('platform_admin'),
  'GET /:lang/login': 'public',
  'POST /:lang/login': 'public',
  // Signing out a visitor is a harmless no-op redirect.
  'POST /:lang/logout': 'public',
  'GET /:lang/password-reset': 'public',
  'POST /:lang/password-reset': 'public',
  'GET /:lang/password-reset/:token': 'public',
  'POST /:lang/password-reset/:token': 'public',
  'GET /:lang/invitations/:token': 'public',
  'POST /:lang/invitations/:token': 'public',
  'GET /:lang/organisations/:id/users': ORG_ADMIN_OR_STAFF,
  'POST /:lang/organisations/:id/users': ORG_ADMIN_OR_STAFF,
  'POST /:lang/organisations/:id/users/:userId/remove': ORG_ADMIN_OR_STAFF,
  'GET /:lang/account': 'authenticated',
  'POST /:lang/account': 'authenticated',
  'POST /:lang/account/password': 'authenticated',
  'GET /:lang/account/tokens': 'authenticated',
  'POST /:lang/account/tokens': 'authenticated',
  'POST /:lang/account/tokens/:id/revoke': 'authenticated',
  'GET /:lang/admin/users': R('platform_admin'),
  'POST /:lang/admin/users/:id/roles': R('platform_admin'),
  'POST /:lang/admin/users/:id/roles/:roleId/revoke': R('platform_admin'),

  // audit
  'GET /api/v1/audit': STAFF,
  'GET /:lang/audit': STAFF,

  // organisations: public directory and detail; creation by staff; edits checked by the domain (own organisation or staff)
  'GET /api/v1/organisations': 'public',
  'POST /api/v1/organisations': STAFF,
  'GET /api/v1/organisations/:id': 'public',
  'PATCH /api/v1/organisations/:id': 'authenticated',
  'GET /api/v1/municipalities': 'public',
  'GET /api/v1/ateco': 'public',
  'GET /:lang/organisations': 'public',
  'GET /:lang/clusters/:slug/members': 'public',
  'GET /:lang/organisations/:id': 'public',
  'GET /:lang/organisations/:id/edit': 'authenticated',
  'POST /:lang/organisations/:id/edit': 'authenticated',

  // clusters: public pages; the cluster's own data is edited by its staff (region officers only read)
  'GET /api/v1/clusters': 'public',
  'GET /api/v1/clusters/:slug': 'public',
  'PATCH /api/v1/clusters/:slug': R('staff', 'platform_admin'),
  'GET /:lang/clusters': 'public',
  'GET /:lang/clusters/:slug': 'public',
  'GET /:lang/clusters/:slug/edit': R('staff', 'platform_admin'),
  'POST /:lang/clusters/:slug/edit': R('staff', 'platform_admin'),

  // members: anyone may apply; the cluster's staff decide (the Region reads); an organisation's admin may withdraw its membership
  'POST /api/v1/clusters/:slug/applications': 'public',
  'GET /api/v1/applications': STAFF,
  'GET /api/v1/applications/:id': STAFF,
  'POST /api/v1/applications/:id/decision': R('staff'),
  'GET /api/v1/clusters/:slug/memberships': 'public',
  'GET /api/v1/memberships/:id': 'public',
  'POST /api/v1/memberships/:id/status-changes': R('staff', 'org_admin'),
  'PATCH /api/v1/memberships/:id': R('staff'),
  'GET /:lang/clusters/:slug/apply': 'public',
  'POST /:lang/clusters/:slug/apply': 'public',
  'GET /:lang/clusters/:slug/apply/sent': 'public',
  'GET /:lang/staff/applications': STAFF,
  'GET /:lang/staff/applications/:id': STAFF,
  'POST /:lang/staff/applications/:id/decision': R('staff'),
  'GET /:lang/clusters/:slug/memberships/:id': R('staff', 'region', 'platform_admin', 'org_admin'),
  'POST /:lang/clusters/:slug/memberships/:id/status': R('staff', 'org_admin'),
  'POST /:lang/clusters/:slug/memberships/:id/update': R('staff'),

  // cosing: the ingredient lookup is public; an organisation's own users or its clusters' staff link ingredients (checked by the domain)
  'GET /api/v1/cosing/ingredients': 'public',
  'GET /api/v1/cosing/ingredients/*': 'public',
  'GET /api/v1/organisations/:id/ingredients': 'public',
  'POST /api/v1/organisations/:id/ingredients': R('member', 'org_admin', 'staff'),
  'DELETE /api/v1/organisations/:id/ingredients/*': R('member', 'org_admin', 'staff'),
  'GET /:lang/cosing': 'public',
  'GET /:lang/cosing/ingredients/*': 'public',
  'GET /:lang/organisations/:id/ingredients': 'public',
  'POST /:lang/organisations/:id/ingredients': R('member', 'org_admin', 'staff'),
  'POST /:lang/organisations/:id/ingredients/remove': R('member', 'org_admin', 'staff'),

  // requirements: the recognition requirements are public
  'GET /api/v1/clusters/:slug/requirements': 'public',
  'GET /:lang/clusters/:slug/requirements': 'public',

  // map: members per province are public, like the directory
  'GET /api/v1/map/provinces': 'public',
  'GET /:lang/map': 'public',
  // search: public; documents hold public content only
  'GET /api/v1/search': 'public',
  'GET /:lang/search': 'public',
  // imports: staff of the batch's cluster (checked in the domain)
  'GET /api/v1/imports/template.csv': R('staff'),
  'GET /api/v1/imports/template.xlsx': R('staff'),
  'POST /api/v1/imports': R('staff'),
  'GET /api/v1/imports/:id': R('staff'),
  'POST /api/v1/imports/:id/apply': R('staff'),
  'GET /:lang/staff/imports': R('staff'),
  'POST /:lang/staff/imports': R('staff'),
  'GET /:lang/staff/imports/:id': R('staff'),
  'POST /:lang/staff/imports/:id/apply': R('staff'),

  // taxonomy: public to read; any cluster's staff and platform admins edit labels, definitions and synonyms
  'GET /api/v1/concepts': 'public',
  'GET /api/v1/concepts/suggest': 'public',
  'GET /api/v1/concepts/:id': 'public',
  'PATCH /api/v1/concepts/:id': R('staff', 'platform_admin'),
  'GET /:lang/taxonomy': 'public',
  'GET /:lang/taxonomy/:id': 'public',
  'GET /:lang/taxonomy/:id/edit': R('staff', 'platform_admin'),
  'POST /:lang/taxonomy/:id/edit': R('staff', 'platform_admin'),
  // competences: public to read (visibility applied in the queries); the organisation's member users declare;
  // staff of a cluster where the organisation is an active member review (checked in the domain)
  'GET /api/v1/organisations/:id/competences': 'public',
  'POST /api/v1/organisations/:id/competences': R('member', 'org_admin'),
  'PATCH /api/v1/organisations/:id/competences/:competenceId': R('member', 'org_admin'),
  'DELETE /api/v1/organisations/:id/competences/:competenceId': R('member', 'org_admin'),
  'GET /api/v1/organisations/:id/facilities': 'public',
  'POST /api/v1/organisations/:id/facilities': R('member', 'org_admin'),
  'PATCH /api/v1/organisations/:id/facilities/:facilityId': R('member', 'org_admin'),
  'DELETE /api/v1/organisations/:id/facilities/:facilityId': R('member', 'org_admin'),
  'GET /api/v1/competences/review-queue': STAFF,
  'POST /api/v1/competences/:id/review': STAFF,
  'POST /api/v1/facilities/:id/review': STAFF,
  'GET /:lang/organisations/:id/competences': 'public',
  'POST /:lang/organisations/:id/competences': R('member', 'org_admin'),
  'POST /:lang/organisations/:id/facilities': R('member', 'org_admin'),
  'POST /:lang/organisations/:id/competences/:competenceId/delete': R('member', 'org_admin'),
  'POST /:lang/organisations/:id/facilities/:facilityId/delete': R('member', 'org_admin'),
  'GET /:lang/organisations/:id/competences/:competenceId/edit': R('member', 'org_admin'),
  'POST /:lang/organisations/:id/competences/:competenceId/edit': R('member', 'org_admin'),
  'GET /:lang/organisations/:id/facilities/:facilityId/edit': R('member', 'org_admin'),
  'POST /:lang/organisations/:id/facilities/:facilityId/edit': R('member', 'org_admin'),
  'GET /:lang/staff/competences': STAFF,
  'POST /:lang/staff/competences/:id/review': STAFF,
  'POST /:lang/staff/facilities/:id/review': STAFF,

  // coverage: public to read (members-only counts for the cluster staff; across clusters for region/platform admins, checked in the domain)
  'GET /api/v1/coverage': 'public',
  'GET /api/v1/coverage.csv': 'public',
  'GET /api/v1/coverage.xlsx': 'public',
  'GET /:lang/coverage': 'public',

  // marketplace: published profiles are public (drafts and anonymous owners filtered by the domain); member users of an
  // organisation with an active membership write its profiles; staff of the profile's cluster publish or return them
  'GET /api/v1/profiles': 'public',
  'POST /api/v1/profiles': R('member', 'org_admin'),
  'GET /api/v1/profiles/mine': R('member', 'org_admin'),
  'GET /api/v1/profiles/queue': STAFF,
  'GET /api/v1/profiles/:id': 'public',
  'PATCH /api/v1/profiles/:id': R('member', 'org_admin'),
  'POST /api/v1/profiles/:id/submit': R('member', 'org_admin'),
  'POST /api/v1/profiles/:id/review': R('staff'),
  'POST /api/v1/profiles/:id/close': R('member', 'org_admin', 'staff'),
  'POST /api/v1/profiles/:id/renew': R('member', 'org_admin'),
  'GET /:lang/marketplace': 'public',
  'GET /:lang/marketplace/new': R('member', 'org_admin'),
  'POST /:lang/marketplace/new': R('member', 'org_admin'),
  'GET /:lang/marketplace/mine': R('member', 'org_admin'),
  'GET /:lang/marketplace/:id': 'public',
  'GET /:lang/marketplace/:id/edit': R('member', 'org_admin'),
  'POST /:lang/marketplace/:id/edit': R('member', 'org_admin'),
  'POST /:lang/marketplace/:id/submit': R('member', 'org_admin'),
  'POST /:lang/marketplace/:id/close': R('member', 'org_admin', 'staff'),
  'POST /:lang/marketplace/:id/renew': R('member', 'org_admin'),
  'GET /:lang/staff/marketplace': STAFF,
  'POST /:lang/staff/marketplace/:id/review': R('staff'),
  // matching: suggestions for a profile (its owner's users, its cluster's staff, region officers, platform admins: checked
  // in the domain); suggested for you (member users); saved searches belong to the signed-in user
  'GET /api/v1/profiles/:id/suggestions': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'GET /api/v1/suggestions': R('member', 'org_admin'),
  'GET /api/v1/saved-searches': 'authenticated',
  'POST /api/v1/saved-searches': 'authenticated',
  'GET /api/v1/saved-searches/:id/results': 'authenticated',
  'DELETE /api/v1/saved-searches/:id': 'authenticated',
  'POST /api/v1/saved-searches/preview': 'authenticated',
  'GET /:lang/marketplace/:id/suggestions': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'GET /:lang/suggestions': R('member', 'org_admin'),
  'GET /:lang/saved-searches': 'authenticated',
  'POST /:lang/saved-searches': 'authenticated',
  'GET /:lang/saved-searches/:id': 'authenticated',
  'POST /:lang/saved-searches/:id/delete': 'authenticated',
  'POST /:lang/saved-searches/preview': 'authenticated',

  // collaborations: member users of an organisation express interest and withdraw it; the profile owner's users or the staff of
  // the profile's cluster decide (checked in the domain); the two parties and the cluster's staff follow the collaboration;
  // staff and region officers read the cluster lists and the report
  'POST /api/v1/interests': R('member', 'org_admin'),
  'GET /api/v1/interests': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'GET /api/v1/interests/:id': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'POST /api/v1/interests/:id/decision': R('member', 'org_admin', 'staff'),
  'POST /api/v1/interests/:id/withdrawal': R('member', 'org_admin'),
  'GET /api/v1/collaborations': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'GET /api/v1/collaborations/report': STAFF,
  'GET /api/v1/collaborations/report.csv': STAFF,
  'GET /api/v1/collaborations/:id': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'POST /api/v1/collaborations/:id/events': R('member', 'org_admin', 'staff'),
  'GET /:lang/marketplace/:id/interest': R('member', 'org_admin'),
  'POST /:lang/marketplace/:id/interest': R('member', 'org_admin'),
  'GET /:lang/interests': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'GET /:lang/interests/:id': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'POST /:lang/interests/:id/decision': R('member', 'org_admin', 'staff'),
  'POST /:lang/interests/:id/withdraw': R('member', 'org_admin'),
  'GET /:lang/collaborations/:id': R('member', 'org_admin', 'staff', 'region', 'platform_admin'),
  'POST /:lang/collaborations/:id/events': R('member', 'org_admin', 'staff'),
  'GET /:lang/staff/collaborations': STAFF,
  'GET /:lang/staff/collaborations/report': STAFF,

  // projects: public to read (organisations without an active membership hidden, checked in the domain); an organisation's
  // users, the staff of its clusters and platform admins declare and remove its participations; users or staff of any
  // participant edit a project's shared details until the staff have validated a participation (scope checked in the
  // domain); the staff of its clusters and platform admins validate or reject members' declarations
  'GET /api/v1/organisations/:id/projects': 'public',
  'POST /api/v1/organisations/:id/projects': R('member', 'org_admin', 'staff', 'platform_admin'),
  'DELETE /api/v1/organisations/:id/projects/:projectId': R('member', 'org_admin', 'staff', 'platform_admin'),
  'GET /api/v1/projects/:projectId': 'public',
  'PATCH /api/v1/projects/:projectId': R('member', 'org_admin', 'staff', 'platform_admin'),
  'GET /:lang/organisations/:id/projects': R('member', 'org_admin', 'staff', 'platform_admin'),
  'POST /:lang/organisations/:id/projects': R('member', 'org_admin', 'staff', 'platform_admin'),
  'GET /:lang/organisations/:id/projects/:projectId/edit': R('member', 'org_admin', 'staff', 'platform_admin'),
  'POST /:lang/organisations/:id/projects/:projectId/edit': R('member', 'org_admin', 'staff', 'platform_admin'),
  'POST /:lang/organisations/:id/projects/:projectId/remove': R('member', 'org_admin', 'staff', 'platform_admin'),
  'GET /api/v1/projects/review-queue': R('staff', 'platform_admin'),
  'POST /api/v1/organisations/:id/projects/:projectId/review': R('staff', 'platform_admin'),
  'GET /:lang/staff/projects': R('staff', 'platform_admin'),
  'POST /:lang/organisations/:id/projects/:projectId/review': R('staff', 'platform_admin'),
  'POST /api/v1/organisations/:id/projects/:projectId/resubmit': R('member', 'org_admin', 'staff', 'platform_admin'),
  'POST /:lang/organisations/:id/projects/:projectId/resubmit': R('member', 'org_admin', 'staff', 'platform_admin'),
};

// Actors of the matrix. 'user' is signed in without any role: it separates 'authenticated' from role lists.
const actors = ['visitor', 'user', 'member', 'org_admin', 'staff', 'region', 'platform_admin'] as const;
type ActorName = (typeof actors)[number];

export function expandExpected(table: Record<string, Access>): Map<string, Access> {
  const out = new Map<string, Access>();
  for (const [key, access] of Object.entries(table)) {
    const [method, url] = key.split(' ');
    if (url.startsWith('/:lang')) {
      for (const lang of ['it', 'en']) out.set(`${method} /${lang}${url.slice('/:lang'.length)}`, access);
    } else out.set(key, access);
  }
  return out;
}

function allowed(actor: ActorName, access: Access): boolean {
  if (access === 'public') return true;
  if (actor === 'visitor') return false;
  if (access === 'authenticated') return true;
  return access.includes(actor as Role);
}

const sameAccess = (a: Access, b: Access) =>
  typeof a === 'string' || typeof b === 'string' ? a === b : [...a].sort().join(',') === [...b].sort().join(',');

/** Fills path params: the real cluster slug for :slug, a random UUID for anything else. */
export function fillParams(url: string, slug: string, other: () => string = randomUUID): string {
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (name === 'slug' ? slug : other()));
}

describe('role × route matrix', () => {
  let db: Db;
  let app: FastifyInstance;
  let cluster: ClusterRow;
  const users = new Map<ActorName, string>();
  const csrf = new Map<ActorName, { cookie: string; token: string }>();

  before(async () => {
    db = await createTestDb();
    app = await buildApp({ config: testConfig(), db, mailer: createMemoryMailer(), logger: false });
    // Marks the requests that got past the role check and the CSRF check (both run before validation):
    // a 403 from a domain scope check carries the mark, a 403 from the route's declared access never does.
    app.addHook('preValidation', async (_req, reply) => {
      reply.header('x-matrix-reached', '1');
    });
    await app.ready();
    cluster = await buildCluster(db);
    const org = await buildOrganisation(db);
    await buildMembership(db, cluster.id, org.id);
    const grants: Record<Exclude<ActorName, 'visitor'>, { role: Role; clusterId?: string; organisationId?: string }[]> = {
      user: [],
      member: [{ role: 'member', organisationId: org.id }],
      org_admin: [{ role: 'org_admin', organisationId: org.id }],
      staff: [{ role: 'staff', clusterId: cluster.id }],
      region: [{ role: 'region' }],
      platform_admin: [{ role: 'platform_admin' }],
    };
    for (const [name, roles] of Object.entries(grants)) {
      users.set(name as ActorName, (await buildUser(db, { roles })).id);
    }
    for (const name of actors) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/csrf' });
      csrf.set(name, { cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '), token: res.json().token });
    }
  });
  after(async () => {
    await app?.close();
    await db?.close();
  });

  test('every route is in the expected table with the access it declares, and every entry has its route', () => {
    const expected = expandExpected(expectedAccess);
    const actual = new Map(app.routeTable.map((r) => [`${r.method} ${r.url}`, r.access]));
    const missing = [...actual.keys()].filter((k) => !expected.has(k));
    const stale = [...expected.keys()].filter((k) => !actual.has(k));
    const differing = [...actual].filter(([k, a]) => expected.has(k) && !sameAccess(a, expected.get(k) as Access));
    const suggestion = [...new Set(missing.map((k) => k.replace(/^(\w+) \/(it|en)(?=\/|$)/, '$1 /:lang')))]
      .map((k) => `  '${k}': ${JSON.stringify(actual.get(k) ?? actual.get(k.replace('/:lang', '/it')))},`)
      .join('\n');
    assert.deepEqual(missing, [], `routes without an entry in expectedAccess: add them on purpose, after checking:\n${suggestion}\n`);
    assert.deepEqual(stale, [], `entries of expectedAccess without a route`);
    assert.deepEqual(
      differing.map(([k, a]) => `${k}: declares ${JSON.stringify(a)}, table says ${JSON.stringify(expected.get(k))}`),
      [],
    );
  });

  test('every role on every route: denied roles get 401/403 before validation, allowed roles get through, never 5xx', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const route of app.routeTable) {
      const url = fillParams(route.url, cluster.slug);
      const isPage = /^\/(it|en)(\/|$)/.test(route.url);
      for (const actor of actors) {
        const c = csrf.get(actor) as { cookie: string; token: string };
        const userId = users.get(actor);
        // A fresh session per request: a logout route must not sign out the rest of the matrix.
        const cookie = userId ? `${c.cookie}; filiera_session=${await createSession(db, userId)}` : c.cookie;
        const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
        const res = await app.inject({
          method: route.method as 'GET',
          url,
          headers: {
            cookie,
            'x-csrf-token': c.token,
            ...(hasBody ? { 'content-type': 'application/json' } : {}),
          },
          ...(hasBody ? { payload: '{}' } : {}),
        });
        requests++;
        const status = res.statusCode;
        const reached = res.headers['x-matrix-reached'] === '1';
        const where = `${actor} ${route.method} ${url} (declared ${JSON.stringify(route.access)})`;
        if (status >= 500) {
          failures.push(`${where}: ${status} ${res.body.slice(0, 200)}`);
          continue;
        }
        if (allowed(actor, route.access)) {
          if (!reached || status === 401) failures.push(`${where}: allowed but got ${status} before validation`);
        } else {
          const visitorRedirect =
            actor === 'visitor' && isPage && route.method === 'GET' && status === 302 && /\/(it|en)\/login\?next=/.test(String(res.headers.location));
          const refused = visitorRedirect || (actor === 'visitor' ? status === 401 : status === 403);
          if (!refused || reached) failures.push(`${where}: should be refused before validation, got ${status}${reached ? ' after validation' : ''}`);
        }
      }
    }
    assert.ok(requests >= app.routeTable.length * actors.length);
    assert.deepEqual(failures, []);
  });
});
