import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { seedDemo } from './clusters.demo.ts';

describe('clusters HTTP', () => {
  let t: TestApp;
  let staffId: string;
  let otherStaffId: string;
  let adminId: string;
  let memberOrg: string;
  let outsider: string;

  before(async () => {
    t = await createTestApp();
    await seedDemo(t.db);
    const [c] = await t.db.query<{ id: string }>(`SELECT id FROM cluster WHERE slug = 'cosmetica'`);
    const other = await buildCluster(t.db, { slug: 'altro' });
    staffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: c.id }] })).id;
    otherStaffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: other.id }] })).id;
    adminId = (await buildUser(t.db, { roles: [{ role: 'platform_admin' }] })).id;
    memberOrg = (await t.db.query<{ id: string }>(`SELECT id FROM organisation WHERE legal_name = 'Lumson'`))[0].id;
    const o = await buildOrganisation(t.db, { legal_name: 'Fuori Cluster' });
    await buildMembership(t.db, other.id, o.id);
    outsider = o.id;
  });
  after(() => t.close());

  test('lists clusters and shows one with its public facts', async () => {
    const list = (await t.app.inject({ url: '/api/v1/clusters' })).json();
    assert.deepEqual(list.items.map((c: { slug: string }) => c.slug).sort(), ['altro', 'cosmetica']);
    const res = await t.app.inject({ url: '/api/v1/clusters/cosmetica' });
    assert.equal(res.statusCode, 200);
    const c = res.json();
    assert.equal(c.nameEn, 'Lombardy Technology Cluster for Made in Italy – Cosmetics System');
    assert.equal(c.memberCount, 13);
    assert.equal(c.recognitionApplicationOn, '2025-12-30');
    assert.equal((await t.app.inject({ url: '/api/v1/clusters/none' })).statusCode, 404);
  });

  test('home, list and cluster pages in both languages', async () => {
    const home = await t.app.inject({ url: '/it' });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Sistema Cosmetico/);
    const en = await t.app.inject({ url: '/en/clusters/cosmetica' });
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /decree no\. 2002 of 17 February 2026/);
    assert.match(en.body, /REI – Reindustria Innovazione/);
    assert.match(en.body, /data-requirement=/);
    assert.match(en.body, /href="\/en\/clusters\/cosmetica\/members"/);
    const it = await t.app.inject({ url: '/it/clusters' });
    assert.match(it.body, /Soci attivi: 13/);
    assert.equal((await t.app.inject({ url: '/it/clusters/none' })).statusCode, 404);
  });

  test('PATCH: staff of the cluster records the agreement (audited); staff of another cluster cannot; capofila must be a member', async () => {
    const other = await agentFor(t.app, otherStaffId);
    const denied = await t.app.inject({ method: 'PATCH', url: '/api/v1/clusters/cosmetica', headers: other.headers, payload: { partnershipAgreementReference: 'X' } });
    assert.equal(denied.statusCode, 403);
    const staff = await agentFor(t.app, staffId);
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/clusters/cosmetica',
      headers: staff.headers,
      payload: { partnershipAgreementSignedOn: '2026-01-10', partnershipAgreementReference: 'Prot. 1' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().partnershipAgreementSignedOn, '2026-01-10');
    assert.equal(ok.json().capofila.legalName, 'REI – Reindustria Innovazione', 'untouched fields kept');
    const [audit] = await t.db.query<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      `SELECT before, after FROM audit_event WHERE action = 'cluster.updated'`,
    );
    assert.equal(audit.before.partnershipAgreementSignedOn, null);
    assert.equal(audit.after.partnershipAgreementSignedOn, '2026-01-10');
    const notMember = await t.app.inject({ method: 'PATCH', url: '/api/v1/clusters/cosmetica', headers: staff.headers, payload: { capofilaOrganisationId: outsider } });
    assert.equal(notMember.statusCode, 400);
    assert.deepEqual(notMember.json().fields, { capofilaOrganisationId: 'not_a_member' });
    const admin = await agentFor(t.app, adminId);
    const moved = await t.app.inject({ method: 'PATCH', url: '/api/v1/clusters/cosmetica', headers: admin.headers, payload: { capofilaOrganisationId: memberOrg } });
    assert.equal(moved.json().capofila.legalName, 'Lumson');
  });

  test('edit page: form posts, errors re-render with 400, success redirects', async () => {
    const staff = await agentFor(t.app, staffId);
    const page = await t.app.inject({ url: '/it/clusters/cosmetica/edit', headers: { cookie: staff.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="partnershipAgreementSignedOn"/);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/it/clusters/cosmetica/edit',
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, partnershipAgreementSignedOn: '31/01/2026', capofilaOrganisationId: memberOrg, legalPersonality: 'yes' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="partnershipAgreementSignedOn"/);
    assert.match(bad.body, /value="31\/01\/2026"/);
    const good = await t.app.inject({
      method: 'POST',
      url: '/it/clusters/cosmetica/edit',
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, partnershipAgreementSignedOn: '2026-01-31', capofilaOrganisationId: memberOrg, legalPersonality: 'yes', descriptionIt: 'Nuova descrizione' }),
    });
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, '/it/clusters/cosmetica');
    const visitor = await t.app.inject({ url: '/it/clusters/cosmetica/edit' });
    assert.equal(visitor.statusCode, 302);
    const other = await agentFor(t.app, otherStaffId);
    assert.equal((await t.app.inject({ url: '/it/clusters/cosmetica/edit', headers: { cookie: other.cookie } })).statusCode, 403);
  });
});
