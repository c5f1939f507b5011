import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordAudit } from '../../lib/audit.ts';
import { type TestApp, agentFor, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildOrganisation, buildUser } from '../../testing/factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

test('GET /api/v1/audit and /audit: staff see their cluster, members and visitors are kept out', async () => {
  const a = await buildCluster(t.db, { name_it: 'Cluster Alfa', name_en: 'Alpha cluster' });
  const b = await buildCluster(t.db);
  const writer = await buildUser(t.db, { name: 'Chi Decide' });
  await recordAudit(t.db, { userId: writer.id } as never, { action: 'role.granted', subjectType: 'user', subjectId: 'u-a', clusterId: a.id, after: { role: 'staff' } });
  await recordAudit(t.db, null, { action: 'something.unlabelled', subjectType: 'widget', subjectId: 'w-b', clusterId: b.id });
  const staff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: a.id }] });
  const member = await buildUser(t.db, { roles: [{ role: 'member', organisationId: (await buildOrganisation(t.db)).id }] });
  const region = await buildUser(t.db, { roles: [{ role: 'region' }] });

  const staffAgent = await agentFor(t.app, staff.id);
  const api = await t.app.inject({ url: '/api/v1/audit', headers: staffAgent.headers });
  assert.equal(api.statusCode, 200);
  assert.deepEqual(api.json().items.map((i: { subjectId: string }) => i.subjectId), ['u-a']);
  assert.equal(api.json().items[0].actor.name, 'Chi Decide');
  assert.equal(api.json().pageSize, 50);
  const other = await t.app.inject({ url: `/api/v1/audit?clusterId=${b.id}`, headers: staffAgent.headers });
  assert.equal(other.statusCode, 403);

  const page = await t.app.inject({ url: '/it/audit', headers: { cookie: staffAgent.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Ruolo assegnato/);
  assert.match(page.body, /Cluster Alfa/);
  assert.match(page.body, /ruolo: Staff del cluster/, 'field and value in the reader’s words');
  // a subject with a page of its own is linked to it
  const profileId = '00000000-0000-4000-8000-0000000000aa';
  await recordAudit(t.db, null, { action: 'profile.published', subjectType: 'profile', subjectId: profileId, clusterId: a.id, before: { status: 'submitted' }, after: { status: 'published' } });
  const linked = await t.app.inject({ url: '/it/audit', headers: { cookie: staffAgent.cookie } });
  assert.match(linked.body, new RegExp(`<a href="/it/marketplace/${profileId}"><code>${profileId}</code></a>`));
  assert.match(linked.body, /stato: inviato/);
  assert.match(linked.body, /stato: pubblicato/);
  assert.doesNotMatch(page.body, /w-b/);

  const regionPage = await t.app.inject({ url: '/en/audit?action=something.unlabelled', headers: { cookie: (await agentFor(t.app, region.id)).cookie } });
  assert.equal(regionPage.statusCode, 200);
  assert.match(regionPage.body, /something\.unlabelled/, 'raw code as fallback label');
  assert.doesNotMatch(regionPage.body, /u-a/);
  const badDate = await t.app.inject({ url: '/en/audit?from=yesterday', headers: { cookie: (await agentFor(t.app, region.id)).cookie } });
  assert.equal(badDate.statusCode, 400);
  assert.match(badDate.body, /data-field="from"/);

  assert.equal((await t.app.inject({ url: '/api/v1/audit', headers: (await agentFor(t.app, member.id)).headers })).statusCode, 403);
  assert.equal((await t.app.inject({ url: '/api/v1/audit' })).statusCode, 401);
  const visitor = await t.app.inject({ url: '/it/audit' });
  assert.equal(visitor.statusCode, 302);
});

test('impossible dates are a 400 naming the field, on the API and the page, never a 500', async () => {
  const region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
  for (const [field, value] of [
    ['from', '2024-02-30'],
    ['to', '2023-02-29'],
    ['from', '2024-13-01'],
    ['to', '0000-01-01'],
  ]) {
    const api = await t.app.inject({ url: `/api/v1/audit?${field}=${value}`, headers: region.headers });
    assert.equal(api.statusCode, 400, `${field}=${value}: ${api.body}`);
    assert.equal(api.json().fields?.[`query.${field}`], 'invalid_date', `${field}=${value}: ${api.body}`);
    const page = await t.app.inject({ url: `/en/audit?${field}=${value}`, headers: { cookie: region.cookie } });
    assert.equal(page.statusCode, 400, `${field}=${value}`);
    assert.match(page.body, new RegExp(`data-field="${field}"`));
  }
  const leap = await t.app.inject({ url: '/api/v1/audit?from=2024-02-29&to=2024-03-01', headers: region.headers });
  assert.equal(leap.statusCode, 200);
});

test('the decisions of the marketplace and of collaborations are named in the page language', async () => {
  const c = await buildCluster(t.db);
  await recordAudit(t.db, null, { action: 'profile.published', subjectType: 'profile', subjectId: 'p-1', clusterId: c.id });
  await recordAudit(t.db, null, { action: 'interest.declined', subjectType: 'interest', subjectId: 'i-1', clusterId: c.id });
  const region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
  const it = await t.app.inject({ url: `/it/audit?clusterId=${c.id}`, headers: { cookie: region.cookie } });
  assert.match(it.body, /Profilo pubblicato/);
  assert.match(it.body, /Manifestazione di interesse rifiutata/);
  const en = await t.app.inject({ url: `/en/audit?clusterId=${c.id}`, headers: { cookie: region.cookie } });
  assert.match(en.body, /Profile published/);
  assert.match(en.body, /Expression of interest declined/);
  assert.doesNotMatch(en.body, />profile\.published</, "no raw code shown");
});
