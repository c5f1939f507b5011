import assert from 'node:assert/strict';
import { test } from 'node:test';
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import type { Actor, RoleGrant } from './auth.ts';
import { ErrorSummary, Layout, type PageContext } from './html.tsx';
import { type Locale, translator } from './i18n.ts';

const ctx = (locale: Locale, roles: RoleGrant[] | null): PageContext => ({
  locale,
  t: translator(locale),
  actor: roles && ({ userId: 'u', email: 'u@example.org', name: 'Giulia Esempio', locale, isDemo: false, roles } satisfies Actor),
  path: '/',
  query: '',
  csrfToken: 'x',
  demo: false,
});

/** The hrefs of the main navigation and of the user's menu, in order. */
function navigation(c: PageContext) {
  const html = render(h(Layout, { ctx: c, title: 'T', children: null }));
  const hrefs = (part: string) => [...part.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]);
  const main = html.match(/<nav class="navbar[^>]*>([\s\S]*?)<\/nav>/)?.[1] ?? '';
  const user = html.match(/<details class="user-menu"[^>]*>([\s\S]*?)<\/details>/)?.[1] ?? '';
  return { main: hrefs(main), user: hrefs(user), userSummary: user.match(/<summary[^>]*>([\s\S]*?)<\/summary>/)?.[1] ?? '', html };
}

const publicSections = ['/it', '/it/clusters', '/it/organisations', '/it/map', '/it/search', '/it/marketplace', '/it/taxonomy', '/it/cosing'];

test('a visitor sees the public sections and no user menu', () => {
  const n = navigation(ctx('it', null));
  assert.deepEqual(n.main, [...publicSections, '/api/docs']);
  assert.equal(n.user.length, 0);
});

test('a member’s own pages are under their name, not in the main navigation', () => {
  const n = navigation(ctx('it', [{ role: 'org_admin', organisationId: 'o', clusterId: null }]));
  assert.deepEqual(n.main, [...publicSections, '/api/docs']);
  assert.deepEqual(n.user, ['/it/account', '/it/marketplace/mine', '/it/interests', '/it/suggestions', '/it/saved-searches']);
  // the disclosure is named by the user's name and says what it holds
  assert.match(n.userSummary, /Giulia Esempio/);
  assert.match(n.userSummary, /Le tue pagine/);
  assert.match(n.html, /<nav class="user-menu-panel" aria-label="Le tue pagine">/);
});

test('staff keep their work in one disclosure of the main navigation; their own pages are under their name', () => {
  const n = navigation(ctx('en', [{ role: 'staff', organisationId: null, clusterId: 'c' }]));
  assert.deepEqual(n.main, [
    ...publicSections.map((p) => p.replace(/^\/it/, '/en')),
    '/en/staff/applications',
    '/en/staff/competences',
    '/en/staff/marketplace',
    '/en/staff/projects',
    '/en/staff/imports',
    '/en/staff/collaborations',
    '/en/audit',
    '/api/docs',
  ]);
  assert.match(n.html, /<summary class="nav-link"><span>Staff area<\/span><\/summary>/);
  assert.deepEqual(n.user, ['/en/account', '/en/saved-searches']);
});

test('region officers have no projects queue: the staff area does not offer one', () => {
  const n = navigation({ ...ctx('en', [{ role: 'region', organisationId: null, clusterId: null }]), navCounts: { marketplaceQueue: 3 } });
  assert.ok(n.main.includes('/en/staff/marketplace'));
  assert.ok(!n.main.includes('/en/staff/projects'));
  assert.match(n.html, /data-count="3"/);
});

test('the error summary counts in words a reader expects: one error, or n errors', () => {
  const summary = (locale: Locale, n: number) =>
    render(h(ErrorSummary, { ctx: ctx(locale, null), errors: Object.fromEntries([...Array(n).keys()].map((i) => [`f${i}`, 'required'])) }));
  assert.match(summary('it', 1), /Il modulo contiene un errore\. Correggi il campo indicato\./);
  assert.match(summary('it', 3), /Il modulo contiene 3 errori\./);
  assert.match(summary('en', 1), /The form has one error\./);
  assert.equal(summary('en', 0), '');
});
