import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { visitorPagesKept } from '../../lib/html.tsx';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('organisations HTTP', () => {
  let t: TestApp;
  let clusterA: { id: string; slug: string };
  let clusterB: { id: string; slug: string };
  let orgIds: Record<string, string> = {};
  let staffId: string;
  let adminA: string;
  let adminOther: string;

  before(async () => {
    t = await createTestApp();
    clusterA = await buildCluster(t.db, { slug: 'alpha' });
    clusterB = await buildCluster(t.db, { slug: 'beta' });
    const mk = async (key: string, o: Parameters<typeof buildOrganisation>[1], cluster: string | null, status = 'active') => {
      const org = await buildOrganisation(t.db, o);
      orgIds[key] = org.id;
      if (cluster) await buildMembership(t.db, cluster, org.id, { status });
      return org;
    };
    // Milano (MI) is the factory default seat; 019035 is Crema (CR).
    await mk('bicocca', { legal_name: 'Università Bicocca Prova', category: 'university' }, clusterA.id);
    await mk('cosm', { legal_name: 'Cosmesi Cremasca', category: 'company', seatMunicipality: '019035', staff_headcount: 5, annual_turnover_eur: 1e6, ateco: ['20.42.00'] }, clusterA.id);
    await mk('pack', { legal_name: 'Packaging Élite', category: 'company', staff_headcount: 100, annual_turnover_eur: 3e7 }, clusterB.id);
    await mk('gone', { legal_name: 'Ritirata SpA', category: 'company' }, clusterA.id, 'withdrawn');
    await mk('none', { legal_name: 'Senza Cluster', category: 'company' }, null);
    for (let i = 0; i < 23; i++) await mk(`bulk${i}`, { legal_name: `Zeta Bulk ${String(i).padStart(2, '0')}`, category: 'consortium' }, clusterB.id);
    staffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: clusterA.id }] })).id;
    adminA = (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: orgIds.cosm }] })).id;
    adminOther = (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: orgIds.pack }] })).id;
  });
  after(() => t.close());

  const list = async (qs: string) => {
    const res = await t.app.inject({ url: `/api/v1/organisations?${qs}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: { id: string; legalName: string; provinces: string[]; clusters: string[]; sizeClass: string | null }[]; total: number; page: number; pageSize: number };
  };

  test('the public directory lists only organisations with an active membership, paginated with a total', async () => {
    const all = await list('pageSize=100');
    const names = all.items.map((i) => i.legalName);
    assert.equal(all.total, 26);
    assert.ok(names.includes('Packaging Élite'));
    assert.ok(!names.includes('Ritirata SpA'));
    assert.ok(!names.includes('Senza Cluster'));
    const p1 = await list('');
    assert.equal(p1.pageSize, 20);
    assert.equal(p1.items.length, 20);
    const p2 = await list('page=2');
    assert.equal(p2.items.length, 6);
    assert.equal(p2.total, 26);
    assert.equal(new Set([...p1.items, ...p2.items].map((i) => i.id)).size, 26);
    const past = await list('page=9');
    assert.deepEqual([past.items.length, past.total], [0, 26]);
    const bad = await t.app.inject({ url: '/api/v1/organisations?pageSize=101' });
    assert.equal(bad.statusCode, 400);
  });

  test('filters: cluster, category, province, size class, ATECO section, accent-insensitive name search', async () => {
    assert.deepEqual((await list('cluster=alpha')).items.map((i) => i.legalName), ['Cosmesi Cremasca', 'Università Bicocca Prova']);
    assert.equal((await list('category=consortium')).total, 23);
    const cr = await list('province=cr');
    assert.deepEqual(cr.items.map((i) => [i.legalName, i.provinces]), [['Cosmesi Cremasca', ['CR']]]);
    assert.deepEqual((await list('sizeClass=medium')).items.map((i) => i.legalName), ['Packaging Élite']);
    assert.deepEqual((await list('atecoSection=C')).items.map((i) => i.legalName), ['Cosmesi Cremasca']);
    assert.deepEqual((await list('q=elite')).items.map((i) => i.legalName), ['Packaging Élite']);
    assert.deepEqual((await list('q=UNIVERSITA')).items.map((i) => i.legalName), ['Università Bicocca Prova']);
    assert.equal((await list('q=%25')).total, 0);
    assert.equal((await list('cluster=beta&category=company')).total, 1);
    assert.equal((await list('cluster=nope')).total, 0);
  });

  test('organisation detail; malformed or unknown ids are 404', async () => {
    const res = await t.app.inject({ url: `/api/v1/organisations/${orgIds.cosm}` });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.sizeClass, 'micro');
    assert.deepEqual(body.seats.map((s: { municipality: string; province: string; region: string }) => [s.municipality, s.province, s.region]), [
      ['Crema', 'CR', 'Lombardia'],
    ]);
    assert.equal(body.ateco[0].titleEn, 'Manufacture of perfumes and toilet preparations');
    assert.deepEqual(body.memberships.map((m: { cluster: string; status: string }) => [m.cluster, m.status]), [['alpha', 'active']]);
    assert.equal((await t.app.inject({ url: '/api/v1/organisations/not-a-uuid' })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/api/v1/organisations/00000000-0000-0000-0000-000000000000' })).statusCode, 404);
  });

  test('POST creates (staff only), names every invalid field, and answers 409 on a duplicate VAT number', async () => {
    const staff = await agentFor(t.app, staffId);
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', payload: { legalName: 'X' } });
    assert.equal(anon.statusCode, 401);
    const member = await agentFor(t.app, adminA);
    const denied = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', headers: member.headers, payload: { legalName: 'X' } });
    assert.equal(denied.statusCode, 403);

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: staff.headers,
      payload: { legalName: 'Nuova Srl', category: 'company', vatNumber: '00743110157', seats: [{ kind: 'operational', municipalityCode: 'Crema' }] },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: staff.headers,
      payload: { legalName: 'Copia Srl', vatNumber: '00743110157' },
    });
    assert.equal(dup.statusCode, 409);
    assert.deepEqual(dup.json().fields, { vatNumber: 'taken' });

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: staff.headers,
      payload: { legalName: '', category: 'alien', vatNumber: '12345678901', taxCode: 'XYZ', atecoCodes: ['00.00'], seats: [{ kind: 'legal', municipalityCode: '000000' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().fields, {
      legalName: 'required',
      category: 'invalid_value',
      vatNumber: 'invalid_vat',
      taxCode: 'invalid_tax_code',
      'atecoCodes.0': 'unknown_ateco',
      'seats.0.municipalityCode': 'unknown_municipality',
    });
  });

  test('PATCH: the organisation admin and cluster staff may edit, another organisation admin may not; audited', async () => {
    const other = await agentFor(t.app, adminOther);
    const denied = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: other.headers, payload: { shortName: 'X' } });
    assert.equal(denied.statusCode, 403);

    const admin = await agentFor(t.app, adminA);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/organisations/${orgIds.cosm}`,
      headers: admin.headers,
      payload: { shortName: 'CosCrem', staffHeadcount: 60, annualTurnoverEur: 20_000_000 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().shortName, 'CosCrem');
    assert.equal(res.json().sizeClass, 'medium');
    assert.equal(res.json().seats.length, 1, 'seats kept when not given');
    const [audit] = await t.db.query<{ before: { shortName: string | null }; after: { shortName: string } }>(
      `SELECT before, after FROM audit_event WHERE action = 'organisation.updated' AND subject_id = $1`,
      [orgIds.cosm],
    );
    assert.deepEqual([audit.before.shortName, audit.after.shortName], [null, 'CosCrem']);

    const staff = await agentFor(t.app, staffId);
    const byStaff = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.bicocca}`, headers: staff.headers, payload: { website: 'www.example.org' } });
    assert.equal(byStaff.statusCode, 200, byStaff.body);
    assert.equal(byStaff.json().website, 'https://www.example.org');
    const notTheirs = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.pack}`, headers: staff.headers, payload: { website: 'x.org' } });
    assert.equal(notTheirs.statusCode, 403);
    const invalid = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: admin.headers, payload: { vatNumber: '1', legalName: '' } });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.json().fields, { legalName: 'required', vatNumber: 'invalid_vat' });
    const missing = await t.app.inject({ method: 'PATCH', url: '/api/v1/organisations/nope', headers: admin.headers, payload: {} });
    assert.equal(missing.statusCode, 404);
  });

  test('lookups: municipalities (accent-insensitive, by region) and ATECO (code prefix or words)', async () => {
    const m = (await t.app.inject({ url: '/api/v1/municipalities?q=crema&region=Lombardia' })).json();
    assert.equal(m.items[0].name, 'Crema');
    assert.equal(m.items[0].istatCode, '019035');
    assert.equal(m.items[0].province, 'CR');
    assert.ok(m.items.every((i: { region: string }) => i.region === 'Lombardia'));
    assert.ok(m.items.length <= 20);
    const accents = (await t.app.inject({ url: '/api/v1/municipalities?q=agli' })).json();
    assert.ok(accents.items.some((i: { name: string }) => i.name === 'Agliè'));
    const withAccent = (await t.app.inject({ url: '/api/v1/municipalities?q=agliè' })).json();
    assert.equal(withAccent.items[0].name, 'Agliè');
    const code = (await t.app.inject({ url: '/api/v1/ateco?q=20.42' })).json();
    assert.deepEqual(code.items.map((i: { code: string }) => i.code), ['20.42', '20.42.0', '20.42.00']);
    const words = (await t.app.inject({ url: '/api/v1/ateco?q=profumi cosmetici' })).json();
    assert.ok(words.items.some((i: { code: string }) => i.code === '20.42.00'));
    const en = (await t.app.inject({ url: '/api/v1/ateco?q=perfumes' })).json();
    assert.ok(en.items.some((i: { code: string }) => i.code === '20.42'));
  });

  test('directory pages: filters in a GET form, count, pagination keeping the filters, empty state', async () => {
    const page = await t.app.inject({ url: '/it/organisations?category=consortium' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="get" action="\/it\/organisations"/);
    assert.match(page.body, /data-total="23"/);
    assert.match(page.body, /href="\/it\/organisations\?category=consortium&amp;page=2"/);
    assert.match(page.body, /<option value="consortium" selected>/);
    const empty = await t.app.inject({ url: '/en/organisations?q=nothing-like-this' });
    assert.match(empty.body, /No member matches the filters chosen/);
    const cluster = await t.app.inject({ url: '/en/clusters/alpha/members' });
    assert.equal(cluster.statusCode, 200);
    assert.match(cluster.body, /data-total="2"/);
    assert.match(cluster.body, /Cosmesi Cremasca/);
    assert.doesNotMatch(cluster.body, /Packaging/);
    assert.equal((await t.app.inject({ url: '/en/clusters/nope/members' })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/it/organisations?sizeClass=huge' })).statusCode, 400);
  });

  test('directory pages and API served again from memory follow every change, and visitors get no cookie', async () => {
    const visit = (url: string) => t.app.inject({ url });
    const first = await visit('/it/organisations?category=consortium');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['set-cookie'], undefined, 'a page without a form sets no CSRF cookie');
    assert.doesNotMatch(first.body, /name="_csrf"/);
    assert.equal((await visit('/it/organisations?category=consortium')).body, first.body);
    const apiFirst = await list('category=consortium');
    assert.deepEqual(await list('category=consortium'), apiFirst);
    assert.equal(apiFirst.items[0].legalName, 'Zeta Bulk 00');

    // A rename, a withdrawal, a move to another province: each is in the next read of the page and the API.
    await t.db.query(`UPDATE organisation SET legal_name = 'Aaa Consorzio Rinominato' WHERE id = $1`, [orgIds.bulk0]);
    const renamed = await visit('/it/organisations?category=consortium');
    assert.match(renamed.body, /Aaa Consorzio Rinominato/);
    assert.doesNotMatch(renamed.body, /Zeta Bulk 00/);
    assert.equal((await list('category=consortium')).items[0].legalName, 'Aaa Consorzio Rinominato');
    await t.db.query(`UPDATE membership SET status = 'withdrawn' WHERE organisation_id = $1`, [orgIds.bulk1]);
    assert.match((await visit('/it/organisations?category=consortium')).body, /data-total="22"/);
    assert.equal((await list('category=consortium')).total, 22);
    await t.db.query(`UPDATE seat SET municipality_code = '019035' WHERE organisation_id = $1`, [orgIds.bulk2]);
    assert.equal((await list('category=consortium&province=CR')).total, 1);
    assert.equal((await list('category=consortium&province=MI')).total, 21);

    // A cluster's member list shows the cluster's name, which the data version does not follow.
    const before = await visit('/it/clusters/beta/members');
    await t.db.query(`UPDATE cluster SET name_it = 'Beta Rinominato' WHERE id = $1`, [clusterB.id]);
    const after = await visit('/it/clusters/beta/members');
    assert.doesNotMatch(before.body, /Beta Rinominato/);
    assert.match(after.body, /Beta Rinominato/);

    // A URL with a parameter the directory does not know is served, but not kept: junk cannot push real pages out.
    const kept = visitorPagesKept(t.app.config);
    const junk = await visit('/it/organisations?category=consortium&utm_source=x1');
    assert.equal(junk.statusCode, 200);
    assert.match(junk.body, /Aaa Consorzio Rinominato/);
    assert.equal(visitorPagesKept(t.app.config), kept);
    await visit('/it/organisations?category=consortium&page=2');
    assert.equal(visitorPagesKept(t.app.config), kept + 1, 'a known parameter is a page of its own, kept');

    // A signed-in reader gets a page of their own (their navigation, their CSRF token), never a visitor's.
    const staff = await agentFor(t.app, staffId);
    const signedIn = await t.app.inject({ url: '/it/organisations?category=consortium', headers: { cookie: staff.cookie } });
    assert.match(signedIn.body, /name="_csrf"/);
    assert.notEqual(signedIn.body, renamed.body);
    assert.doesNotMatch((await visit('/it/organisations?category=consortium')).body, /name="_csrf"/);

    await t.db.query(`UPDATE organisation SET legal_name = 'Zeta Bulk 00' WHERE id = $1`, [orgIds.bulk0]);
    await t.db.query(`UPDATE membership SET status = 'active' WHERE organisation_id = $1`, [orgIds.bulk1]);
    await t.db.query(`UPDATE seat SET municipality_code = '015146' WHERE organisation_id = $1`, [orgIds.bulk2]);
  });

  test('organisation page: facts, seats with province and region, ATECO title in the page language, description fallback', async () => {
    await t.db.query(`UPDATE organisation SET description_it = 'Solo in italiano' WHERE id = $1`, [orgIds.cosm]);
    const en = await t.app.inject({ url: `/en/organisations/${orgIds.cosm}` });
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /<p lang="it">Solo in italiano<\/p>/);
    assert.match(en.body, /Cremona \(CR\)/);
    assert.match(en.body, /Lombardia/);
    assert.match(en.body, /Manufacture of perfumes and toilet preparations/);
    const it = await t.app.inject({ url: `/it/organisations/${orgIds.bicocca}` });
    assert.match(it.body, /Università/);
    assert.doesNotMatch(it.body, /data-size=/, 'no size class for a university');
    assert.equal((await t.app.inject({ url: '/it/organisations/zzz' })).statusCode, 404);
  });

  test('edit page: errors beside the fields with the input kept, a municipality name resolved, other admins refused', async () => {
    const admin = await agentFor(t.app, adminA);
    // the organisation's page leads its administrator to the edit form and to its users and invitations, and back
    const own = await t.app.inject({ url: `/it/organisations/${orgIds.cosm}`, headers: { cookie: admin.cookie } });
    assert.match(own.body, new RegExp(`href="/it/organisations/${orgIds.cosm}/users"`));
    assert.doesNotMatch((await t.app.inject({ url: `/it/organisations/${orgIds.cosm}` })).body, /\/users"/, 'not for visitors');
    const users = await t.app.inject({ url: `/it/organisations/${orgIds.cosm}/users`, headers: { cookie: admin.cookie } });
    assert.equal(users.statusCode, 200);
    assert.match(users.body, new RegExp(`class="breadcrumb-item"><a href="/it/organisations/${orgIds.cosm}">`));
    const page = await t.app.inject({ url: `/it/organisations/${orgIds.cosm}/edit`, headers: { cookie: admin.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="seats.0.municipalityCode" [^>]*value="019035"/);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgIds.cosm}/edit`,
      headers: formHeaders(admin),
      payload: form({ _csrf: admin.csrf, legalName: 'Cosmesi Cremasca', vatNumber: '12345', 'seats.0.kind': 'legal', 'seats.0.municipalityCode': 'Atlantide', atecoCodes: '20.42.00, 99.99' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="vatNumber"/);
    assert.match(bad.body, /data-field="seats.0.municipalityCode"/);
    assert.match(bad.body, /data-field="atecoCodes"/);
    assert.match(bad.body, /value="Atlantide"/);
    const good = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgIds.cosm}/edit`,
      headers: formHeaders(admin),
      payload: form({ _csrf: admin.csrf, legalName: 'Cosmesi Cremasca', staffHeadcount: '5', annualTurnoverEur: '1000000,50', 'seats.1.kind': 'operational', 'seats.1.municipalityCode': 'crema', atecoCodes: '20.42.00' }),
    });
    assert.equal(good.statusCode, 303, good.body);
    const seats = await t.db.query<{ municipality_code: string }>('SELECT municipality_code FROM seat WHERE organisation_id = $1', [orgIds.cosm]);
    assert.deepEqual(seats, [{ municipality_code: '019035' }]);
    const other = await agentFor(t.app, adminOther);
    assert.equal((await t.app.inject({ url: `/it/organisations/${orgIds.cosm}/edit`, headers: { cookie: other.cookie } })).statusCode, 403);
    const denied = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgIds.cosm}/edit`,
      headers: formHeaders(other),
      payload: form({ _csrf: other.csrf, legalName: 'Presa' }),
    });
    assert.equal(denied.statusCode, 403);
  });

  test('category: only staff of its clusters and platform admins change it; the organisation admin gets a 403 naming the field', async () => {
    const categoryOf = async (id: string) => (await t.db.query<{ category: string }>('SELECT category FROM organisation WHERE id = $1', [id]))[0].category;
    const admin = await agentFor(t.app, adminA);
    const refused = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: admin.headers, payload: { category: 'research_institute', shortName: 'X' } });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.deepEqual(refused.json().fields, { category: 'staff_only' });
    assert.equal(await categoryOf(orgIds.cosm), 'company');
    const same = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: admin.headers, payload: { category: 'company' } });
    assert.equal(same.statusCode, 200, 'restating the current category is not a change');

    // The edit form shows the category read-only to the organisation admin and keeps it on save.
    const page = await t.app.inject({ url: `/it/organisations/${orgIds.cosm}/edit`, headers: { cookie: admin.cookie } });
    assert.doesNotMatch(page.body, /name="category"/);
    assert.match(page.body, /data-readonly="category"[^]*Impresa/);
    const saved = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgIds.cosm}/edit`,
      headers: formHeaders(admin),
      payload: form({ _csrf: admin.csrf, legalName: 'Cosmesi Cremasca', 'seats.0.kind': 'legal', 'seats.0.municipalityCode': '019035', atecoCodes: '20.42.00' }),
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(await categoryOf(orgIds.cosm), 'company');
    const forged = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgIds.cosm}/edit`,
      headers: formHeaders(admin),
      payload: form({ _csrf: admin.csrf, legalName: 'Cosmesi Cremasca', category: 'university', 'seats.0.kind': 'legal', 'seats.0.municipalityCode': '019035' }),
    });
    assert.equal(forged.statusCode, 403);
    assert.equal(await categoryOf(orgIds.cosm), 'company');

    const staff = await agentFor(t.app, staffId);
    const staffPage = await t.app.inject({ url: `/it/organisations/${orgIds.cosm}/edit`, headers: { cookie: staff.cookie } });
    assert.match(staffPage.body, /<select id="f-category" name="category"/);
    const byStaff = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: staff.headers, payload: { category: 'consortium' } });
    assert.equal(byStaff.statusCode, 200, byStaff.body);
    assert.equal(await categoryOf(orgIds.cosm), 'consortium');
    const platform = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'platform_admin' }] })).id);
    const byAdmin = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${orgIds.cosm}`, headers: platform.headers, payload: { category: 'company' } });
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    assert.equal(await categoryOf(orgIds.cosm), 'company');
  });

  describe('privacy of the organisation page and API', () => {
    let priv: string;
    let users: Record<string, string>;
    before(async () => {
      const org = await buildOrganisation(t.db, {
        legal_name: 'Riservata Srl',
        category: 'company',
        vat_number: '00488410010',
        tax_code: 'RSSMRA85T10A562S',
        staff_headcount: 12,
        annual_turnover_eur: 3_456_789,
        balance_sheet_eur: 2_345_678,
      });
      priv = org.id;
      await t.db.query(`UPDATE seat SET address = 'Via Segreta 7' WHERE organisation_id = $1`, [priv]);
      await buildMembership(t.db, clusterA.id, priv);
      const suspended = await buildMembership(t.db, clusterB.id, priv, { status: 'suspended' });
      await t.db.query(`INSERT INTO membership_event (membership_id, kind, reason, decided_on) VALUES ($1, 'suspended', 'Quota non versata', '2026-03-01')`, [
        suspended.id,
      ]);
      users = {
        ownAdmin: (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: priv }] })).id,
        ownMember: (await buildUser(t.db, { roles: [{ role: 'member', organisationId: priv }] })).id,
        staffB: (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: clusterB.id }] })).id,
        region: (await buildUser(t.db, { roles: [{ role: 'region' }] })).id,
        platform: (await buildUser(t.db, { roles: [{ role: 'platform_admin' }] })).id,
      };
    });

    const get = async (url: string, userId?: string) => {
      const headers = userId ? (await agentFor(t.app, userId)).headers : {};
      return t.app.inject({ url, headers });
    };
    const privateKeys = ['taxCode', 'staffHeadcount', 'annualTurnoverEur', 'balanceSheetEur', 'history'];

    test('visitors and unrelated users get the public fields only: no figures, tax code, address, inactive memberships or reasons', async () => {
      for (const who of [undefined, adminOther]) {
        const res = await get(`/api/v1/organisations/${priv}`, who);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.view, 'public');
        for (const k of privateKeys) assert.ok(!(k in body), `${k} is private`);
        assert.equal(body.vatNumber, '00488410010', 'a VAT number is public');
        assert.equal(body.sizeClass, 'small');
        assert.deepEqual(body.seats.map((s: Record<string, unknown>) => [s.municipality, s.province, s.region, 'address' in s]), [['Milano', 'MI', 'Lombardia', false]]);
        assert.deepEqual(body.memberships.map((m: { cluster: string; status: string; role: string }) => [m.cluster, m.status, m.role]), [['alpha', 'active', 'member']]);
        assert.doesNotMatch(res.body, /RSSMRA85T10A562S|3456789|Via Segreta|Quota non versata|suspended|beta/);

        const page = await get(`/en/organisations/${priv}`, who);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /00488410010/);
        assert.doesNotMatch(page.body, /RSSMRA85T10A562S|3456789|Via Segreta|Quota non versata|Suspended/);
      }
    });

    test('an organisation without an active membership is a 404 to visitors and unrelated users', async () => {
      for (const id of [orgIds.gone, orgIds.none]) {
        assert.equal((await get(`/api/v1/organisations/${id}`)).statusCode, 404);
        assert.equal((await get(`/api/v1/organisations/${id}`, adminOther)).statusCode, 404);
        assert.equal((await get(`/it/organisations/${id}`)).statusCode, 404);
      }
    });

    test('its own users, staff of any of its clusters, region officers and platform admins see everything', async () => {
      for (const who of [users.ownAdmin, users.ownMember, users.staffB, users.region, users.platform]) {
        const res = await get(`/api/v1/organisations/${priv}`, who);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.view, 'full');
        assert.equal(body.taxCode, 'RSSMRA85T10A562S');
        assert.equal(body.annualTurnoverEur, 3456789);
        assert.equal(body.seats[0].address, 'Via Segreta 7');
        assert.deepEqual(body.memberships.map((m: { cluster: string; status: string }) => [m.cluster, m.status]).sort(), [['alpha', 'active'], ['beta', 'suspended']]);
        assert.equal(body.history[0].reason, 'Quota non versata');
      }
      const page = await get(`/it/organisations/${priv}`, users.ownAdmin);
      assert.match(page.body, /RSSMRA85T10A562S/);
      assert.match(page.body, /Quota non versata/);
      // Staff of the cluster it withdrew from keep its records; a platform admin sees an organisation with no membership.
      assert.equal((await get(`/api/v1/organisations/${orgIds.gone}`, staffId)).json().view, 'full');
      assert.equal((await get(`/api/v1/organisations/${orgIds.none}`, users.platform)).json().view, 'full');
    });
  });
});

describe('directory concept filter', () => {
  let t: TestApp;
  let alpha: { id: string; slug: string };
  const ids: Record<string, string> = {};
  const stage = 'stage.testing';
  const sub = 'stage.testing.clinical';
  const leaf = 'stage.testing.clinical.patch-test';
  const competence = (org: string, concept: string, status = 'validated', visibility = 'public') =>
    t.db.query(`INSERT INTO organisation_competence (organisation_id, concept_id, kind, status, visibility) VALUES ($1, $2, 'service', $3, $4)`, [
      org,
      concept,
      status,
      visibility,
    ]);
  const facility = (org: string, concepts: string[], status = 'validated', visibility = 'public') =>
    t.db.query(`INSERT INTO facility (organisation_id, kind, name, concept_ids, status, visibility) VALUES ($1, 'laboratory', 'Lab', $2::text[], $3, $4)`, [
      org,
      concepts,
      status,
      visibility,
    ]);

  before(async () => {
    t = await createTestApp();
    alpha = await buildCluster(t.db, { slug: 'conc-alpha' });
    const beta = await buildCluster(t.db, { slug: 'conc-beta' });
    const mk = async (key: string, o: Parameters<typeof buildOrganisation>[1], cluster: string | null = alpha.id, status = 'active') => {
      const org = await buildOrganisation(t.db, { legal_name: key, ...o });
      ids[key] = org.id;
      if (cluster) await buildMembership(t.db, cluster, org.id, { status });
      return org.id;
    };
    // Holders: on the leaf two levels down, on the stage itself, through a facility, on two concepts of the subtree.
    await competence(await mk('Alfa Leaf', {}), leaf);
    await competence(await mk('Bravo Stage', { category: 'university' }), stage);
    await facility(await mk('Charlie Facility', { seatMunicipality: '019035' }), ['tech.encapsulation', sub]);
    const delta = await mk('Delta Twice', {}, beta.id);
    await competence(delta, sub);
    await competence(delta, leaf);
    // Not holders: submitted, members-only, rejected; facilities submitted or members-only; another stage;
    // a holder without an active membership; a non-member.
    await competence(await mk('Echo Submitted', {}), leaf, 'submitted');
    await competence(await mk('Foxtrot Members', {}), sub, 'validated', 'members');
    await competence(await mk('Golf Rejected', {}), stage, 'rejected');
    await facility(await mk('Hotel Facility Submitted', {}), [sub], 'submitted');
    await facility(await mk('India Facility Members', {}), [leaf], 'validated', 'members');
    await competence(await mk('Juliett Other Stage', {}), 'stage.raw-materials');
    await competence(await mk('Kilo Withdrawn', {}, alpha.id, 'withdrawn'), stage);
    await competence(await mk('Lima Outsider', {}, null), stage);
  });
  after(() => t.close());

  const list = async (qs: string) => {
    const res = await t.app.inject({ url: `/api/v1/organisations?${qs}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: { legalName: string }[]; total: number };
  };
  const names = async (qs: string) => {
    const r = await list(qs);
    assert.equal(r.total, r.items.length, qs);
    return r.items.map((i) => i.legalName);
  };

  test('API: validated public competences and facilities on the concept or below it; sub-stages roll up to their stage', async () => {
    assert.deepEqual(await names(`concept=${stage}`), ['Alfa Leaf', 'Bravo Stage', 'Charlie Facility', 'Delta Twice']);
    assert.deepEqual(await names(`concept=${sub}`), ['Alfa Leaf', 'Charlie Facility', 'Delta Twice']);
    assert.deepEqual(await names(`concept=${leaf}`), ['Alfa Leaf', 'Delta Twice']);
    assert.deepEqual(await names('concept=tech.encapsulation'), ['Charlie Facility']);
    assert.deepEqual(await names('concept=stage.biotech'), []);
    // An empty value is no filter.
    assert.equal((await list('concept=&pageSize=100')).total, 10);
  });

  test('API: the concept combines with the other filters and with pagination', async () => {
    assert.deepEqual(await names(`concept=${stage}&cluster=conc-beta`), ['Delta Twice']);
    assert.deepEqual(await names(`concept=${stage}&category=university`), ['Bravo Stage']);
    assert.deepEqual(await names(`concept=${stage}&province=CR`), ['Charlie Facility']);
    assert.deepEqual(await names(`concept=${stage}&q=twice`), ['Delta Twice']);
    const pages = [];
    for (const page of [1, 2, 3]) {
      const r = await list(`concept=${stage}&pageSize=3&page=${page}`);
      assert.equal(r.total, 4);
      pages.push(...r.items.map((i) => i.legalName));
    }
    assert.deepEqual(pages, ['Alfa Leaf', 'Bravo Stage', 'Charlie Facility', 'Delta Twice']);
  });

  test('API: the total follows validations and withdrawals of competences and facilities, which do not touch organisations', async () => {
    const total = async () => (await list(`concept=${stage}&pageSize=1`)).total;
    assert.equal(await total(), 4);
    assert.equal(await total(), 4);
    await t.db.query(`UPDATE organisation_competence SET status = 'validated' WHERE organisation_id = $1`, [ids['Echo Submitted']]);
    assert.equal(await total(), 5);
    await t.db.query(`UPDATE facility SET visibility = 'public' WHERE organisation_id = $1`, [ids['India Facility Members']]);
    assert.equal(await total(), 6);
    await t.db.query(`DELETE FROM organisation_competence WHERE organisation_id = $1`, [ids['Alfa Leaf']]);
    assert.equal(await total(), 5);
    await t.db.query(`UPDATE facility SET status = 'submitted' WHERE organisation_id = $1`, [ids['India Facility Members']]);
    await t.db.query(`UPDATE organisation_competence SET status = 'submitted' WHERE organisation_id = $1`, [ids['Echo Submitted']]);
    await competence(ids['Alfa Leaf'], leaf);
    assert.equal(await total(), 4);
    // Membership changes reach it too.
    await t.db.query(`UPDATE membership SET status = 'suspended' WHERE organisation_id = $1`, [ids['Bravo Stage']]);
    assert.equal(await total(), 3);
    await t.db.query(`UPDATE membership SET status = 'active' WHERE organisation_id = $1`, [ids['Bravo Stage']]);
    assert.equal(await total(), 4);
  });

  test('API: an unknown concept is a 400 naming the field', async () => {
    for (const c of ['stage.no-such-stage', 'NOT A CONCEPT', 'x'.repeat(200)]) {
      const res = await t.app.inject({ url: `/api/v1/organisations?concept=${encodeURIComponent(c)}` });
      assert.equal(res.statusCode, 400, c);
      assert.equal(res.json().error, 'validation_failed');
      assert.deepEqual(Object.keys(res.json().fields), ['query.concept']);
    }
    const long = await t.app.inject({ url: `/api/v1/organisations?concept=${'x'.repeat(201)}` });
    assert.equal(long.statusCode, 400);
    assert.deepEqual(Object.keys(long.json().fields), ['query.concept']);
  });

  test('page: the active concept with its label in the page language, a link that removes it, kept by the form and the pages', async () => {
    const [{ label_it, label_en }] = await t.db.query<{ label_it: string; label_en: string }>('SELECT label_it, label_en FROM concept_effective WHERE id = $1', [stage]);
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [lang, label, remove] of [
      ['it', label_it, 'Togli il filtro'],
      ['en', label_en, 'Remove the filter'],
    ]) {
      const res = await t.app.inject({ url: `/${lang}/organisations?concept=${stage}&category=company&pageSize=1` });
      assert.equal(res.statusCode, 200);
      const callout = res.body.slice(res.body.indexOf('data-testid="directory-concept"'), res.body.indexOf('</div>', res.body.indexOf('data-testid="directory-concept"')));
      assert.match(callout, new RegExp(esc(label)));
      const removeLink = new RegExp(`<a href="([^"]+)">${remove}[^<]*${esc(label)}`).exec(callout);
      assert.ok(removeLink, callout);
      const removeUrl = new URL(removeLink[1].replace(/&amp;/g, '&'), 'http://x');
      assert.equal(removeUrl.pathname, `/${lang}/organisations`);
      assert.equal(removeUrl.searchParams.get('concept'), null);
      assert.equal(removeUrl.searchParams.get('category'), 'company');
      const without = await t.app.inject({ url: removeLink[1].replace(/&amp;/g, '&') });
      assert.equal(without.statusCode, 200);
      assert.doesNotMatch(without.body, /data-testid="directory-concept"/);
      assert.match(without.body, /data-total="9"/);
      // Three companies hold it (Bravo is a university): the count, the hidden field and the next page keep the concept.
      assert.match(res.body, /data-total="3"/);
      assert.match(res.body, new RegExp(`<input type="hidden" name="concept" value="${esc(stage)}"`));
      const next = /<a class="page-link" href="([^"]+)" rel="next">/.exec(res.body);
      assert.ok(next);
      assert.equal(new URL(next[1].replace(/&amp;/g, '&'), 'http://x').searchParams.get('concept'), stage);
    }
    const plain = await t.app.inject({ url: '/en/organisations' });
    assert.doesNotMatch(plain.body, /data-testid="directory-concept"|name="concept"/);
    const members = await t.app.inject({ url: `/en/clusters/conc-beta/members?concept=${stage}` });
    assert.match(members.body, /data-total="1"/);
    assert.match(members.body, /Delta Twice/);
  });

  test('page: an unknown concept is a 400 that shows the list without it and says so', async () => {
    const res = await t.app.inject({ url: '/en/organisations?concept=stage.no-such-stage' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /data-testid="directory-concept-unknown"/);
    assert.match(res.body, /not in the taxonomy/);
    assert.match(res.body, /data-total="10"/);
    assert.doesNotMatch(res.body, /name="concept"/);
  });
});
