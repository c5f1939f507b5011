import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
