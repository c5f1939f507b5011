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

  test('the capofila is a membership role: choosing one moves the role (the previous capofila becomes a promoter), with events and audit; the cluster column is not used', async () => {
    const roles = async () =>
      (
        await t.db.query<{ legal_name: string; role: string }>(
          `SELECT o.legal_name, m.role FROM membership m JOIN organisation o ON o.id = m.organisation_id JOIN cluster c ON c.id = m.cluster_id
            WHERE c.slug = 'cosmetica' AND m.role = 'capofila'`,
        )
      ).map((r) => r.legal_name);
    const roleOf = async (name: string) =>
      (await t.db.query<{ role: string }>(`SELECT m.role FROM membership m JOIN organisation o ON o.id = m.organisation_id WHERE o.legal_name = $1`, [name]))[0].role;
    const rei = (await t.db.query<{ id: string }>(`SELECT id FROM organisation WHERE legal_name = 'REI – Reindustria Innovazione'`))[0].id;
    const staff = await agentFor(t.app, staffId);
    const patch = (payload: Record<string, unknown>) => t.app.inject({ method: 'PATCH', url: '/api/v1/clusters/cosmetica', headers: staff.headers, payload });

    assert.equal((await patch({ capofilaOrganisationId: rei })).statusCode, 200);
    assert.deepEqual(await roles(), ['REI – Reindustria Innovazione']);
    const res = await patch({ capofilaOrganisationId: memberOrg });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().capofila.legalName, 'Lumson');
    assert.deepEqual(await roles(), ['Lumson']);
    assert.equal(await roleOf('REI – Reindustria Innovazione'), 'promoter');
    const events = await t.db.query<{ legal_name: string; reason: string }>(
      `SELECT o.legal_name, e.reason FROM membership_event e JOIN membership m ON m.id = e.membership_id JOIN organisation o ON o.id = m.organisation_id
        WHERE e.kind = 'role_changed' ORDER BY e.at DESC, o.legal_name LIMIT 2`,
    );
    assert.deepEqual(events.map((e) => [e.legal_name, e.reason]).sort(), [
      ['Lumson', 'promoter → capofila'],
      ['REI – Reindustria Innovazione', 'capofila → promoter'],
    ]);
    const [audit] = await t.db.query<{ before: { capofilaOrganisationId: string }; after: { capofilaOrganisationId: string } }>(
      `SELECT before, after FROM audit_event WHERE action = 'cluster.updated' ORDER BY id DESC LIMIT 1`,
    );
    assert.deepEqual([audit.before.capofilaOrganisationId, audit.after.capofilaOrganisationId], [rei, memberOrg]);

    // The old column is neither written nor read.
    const [col] = await t.db.query<{ capofila_organisation_id: string | null }>(`SELECT capofila_organisation_id FROM cluster WHERE slug = 'cosmetica'`);
    assert.equal(col.capofila_organisation_id, null);
    await t.db.query(`UPDATE cluster SET capofila_organisation_id = $1 WHERE slug = 'cosmetica'`, [rei]);
    assert.equal((await t.app.inject({ url: '/api/v1/clusters/cosmetica' })).json().capofila.legalName, 'Lumson');
    await t.db.query(`UPDATE cluster SET capofila_organisation_id = NULL WHERE slug = 'cosmetica'`);

    // A form with the capofila emptied leaves the cluster without one; a suspended member cannot be chosen.
    assert.equal((await patch({ capofilaOrganisationId: '' })).json().capofila, null);
    assert.deepEqual(await roles(), []);
    assert.equal(await roleOf('Lumson'), 'promoter');
    await t.db.query(`UPDATE membership SET status = 'suspended' WHERE organisation_id = $1`, [rei]);
    const suspended = await patch({ capofilaOrganisationId: rei });
    assert.deepEqual(suspended.json().fields, { capofilaOrganisationId: 'not_a_member' });
    await t.db.query(`UPDATE membership SET status = 'active' WHERE organisation_id = $1`, [rei]);
    assert.equal((await patch({ capofilaOrganisationId: rei })).json().capofila.legalName, 'REI – Reindustria Innovazione');
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
