import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { type ClusterRow, buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { todayInItaly } from '../../lib/i18n.ts';
import { applicationBody, makeVat } from './members.testdata.ts';

let t: TestApp;
let cluster: ClusterRow;
let staffId: string;
before(async () => {
  t = await createTestApp();
  cluster = await buildCluster(t.db, { name_it: 'Cluster Cosmetico di Prova', name_en: 'Test Cosmetics Cluster' });
  staffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id;
});
after(() => t.close());
beforeEach(async () => {
  await t.db.query('DELETE FROM rate_limit');
});

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function validForm(vat = makeVat()): Record<string, string> {
  return {
    'organisation.legalName': 'Laboratorio "Rosa" & Figli Srl',
    'organisation.category': 'company',
    'organisation.vatNumber': vat,
    'organisation.staffHeadcount': '8',
    'organisation.annualTurnoverEur': '1.500.000',
    'organisation.website': 'laboratorio-rosa.example.org',
    'organisation.atecoCodes': '20.42.00',
    'organisation.description': 'Dati di prova.',
    'operationalSeat.municipality': '015146',
    'referent.name': 'Giulia Prova',
    'referent.role': 'Titolare',
    'referent.email': 'giulia@example.org',
    'declarations.operationalSeatInLombardy': 'on',
    'declarations.statute': 'on',
    'declarations.truthfulness': 'on',
    'declarations.privacy': 'on',
  };
}

async function submitApi(body: unknown) {
  return t.app.inject({ method: 'POST', url: `/api/v1/clusters/${cluster.slug}/applications`, payload: body as object });
}

describe('application form', () => {
  test('the form is served in both languages with a label for every field', async () => {
    for (const [lang, heading] of [
      ['it', 'Domanda di adesione a Cluster Cosmetico di Prova'],
      ['en', 'Application to join Test Cosmetics Cluster'],
    ]) {
      const res = await t.app.inject({ url: `/${lang}/clusters/${cluster.slug}/apply` });
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes(heading), heading);
      const ids = [...res.body.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(ids.length >= 20);
      for (const id of ids) assert.ok(res.body.includes(`for="${id}"`), `label for ${id}`);
      assert.equal((res.body.match(/<h1/g) ?? []).length, 1);
    }
    const missing = await t.app.inject({ url: '/it/clusters/no-such-cluster/apply' });
    assert.equal(missing.statusCode, 404);
  });

  test('an invalid form comes back (400) with every error beside its field and the input kept, in Italian and in English', async () => {
    for (const [lang, required, email, accept] of [
      ['it', 'Campo obbligatorio.', 'Indirizzo e-mail non valido.', 'Devi accettare per proseguire.'],
      ['en', 'This field is required.', 'Not a valid e-mail address.', 'You must accept to continue.'],
    ]) {
      const agent = await agentFor(t.app);
      const fields = {
        ...validForm(),
        'organisation.legalName': '',
        'operationalSeat.municipality': 'Atlantide',
        'referent.email': 'giulia-at-example',
        'referent.role': 'Titolare & socia',
        'declarations.privacy': undefined,
        _csrf: agent.csrf,
      } as Record<string, string | undefined>;
      const res = await t.app.inject({ method: 'POST', url: `/${lang}/clusters/${cluster.slug}/apply`, headers: formHeaders(agent), payload: form(fields) });
      assert.equal(res.statusCode, 400, res.body.slice(0, 500));
      const errorOf = (name: string) => res.body.match(new RegExp(`data-field="${name.replace(/\./g, '\\.')}">([^<]*)<`))?.[1];
      assert.equal(errorOf('organisation.legalName'), required);
      assert.equal(errorOf('referent.email'), email);
      assert.equal(errorOf('declarations.privacy'), accept);
      assert.ok(errorOf('operationalSeat.municipality'));
      assert.equal(errorOf('referent.name'), undefined);
      assert.match(res.body, /id="error-summary"/);
      // What the user typed is still there.
      assert.ok(res.body.includes(`value="${attr('giulia-at-example')}"`));
      assert.ok(res.body.includes(`value="${attr('Titolare & socia')}"`));
      assert.ok(res.body.includes(`value="Atlantide"`));
      assert.match(res.body, /id="f-declarations-statute"[^>]*checked/);
      assert.doesNotMatch(res.body, /id="f-declarations-privacy"[^>]*checked/);
      assert.match(res.body, new RegExp(`<html lang="${lang}"`));
    }
  });

  test('a VAT number with a wrong check digit is refused on the form (400) beside its field, the input kept', async () => {
    const agent = await agentFor(t.app);
    const bad = makeVat(false);
    const res = await t.app.inject({
      method: 'POST',
      url: `/en/clusters/${cluster.slug}/apply`,
      headers: formHeaders(agent),
      payload: form({ ...validForm(bad), _csrf: agent.csrf }),
    });
    assert.equal(res.statusCode, 400, res.body.slice(0, 300));
    assert.match(res.body, /data-field="organisation\.vatNumber">Invalid VAT number: 11 digits with a correct check digit are needed\.</);
    assert.ok(res.body.includes(`value="${bad}"`));
    const api = await submitApi({ ...applicationBody(), organisation: { ...applicationBody().organisation, vatNumber: undefined, taxCode: 'RSSMRA80A01F205Y' } });
    assert.equal(api.statusCode, 400);
    assert.deepEqual(api.json().fields, { 'organisation.taxCode': 'invalid_tax_code' });
  });

  test('a valid form is stored as submitted and redirects to the confirmation page; the applicant gets a receipt', async () => {
    const agent = await agentFor(t.app);
    const vat = makeVat();
    const res = await t.app.inject({
      method: 'POST',
      url: `/en/clusters/${cluster.slug}/apply`,
      headers: formHeaders(agent),
      payload: form({ ...validForm(vat), _csrf: agent.csrf }),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(res.headers.location, `/en/clusters/${cluster.slug}/apply/sent`);
    const sent = await t.app.inject({ url: res.headers.location as string });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /Test Cosmetics Cluster/);
    const [row] = await t.db.query<{ data: any; locale: string; applicant_email: string }>(
      `SELECT data, locale, applicant_email FROM application WHERE data->'organisation'->>'vatNumber' = $1`,
      [vat],
    );
    assert.equal(row.locale, 'en');
    assert.equal(row.applicant_email, 'giulia@example.org');
    assert.equal(row.data.organisation.legalName, 'Laboratorio "Rosa" & Figli Srl');
    assert.equal(row.data.organisation.annualTurnoverEur, 1500000);
    assert.equal(row.data.organisation.website, 'https://laboratorio-rosa.example.org');
    assert.equal(row.data.operationalSeat.municipalityCode, '015146');
    await t.runJobs();
    const receipt = t.mailer.sent.find((m) => m.to === 'giulia@example.org');
    assert.ok(receipt);
    assert.match(receipt.subject, /Application to join Test Cosmetics Cluster received/);
  });

  test('a form without the CSRF token is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/it/clusters/${cluster.slug}/apply`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(validForm()),
    });
    assert.equal(res.statusCode, 403);
  });
});

describe('applications API', () => {
  test('400 names every invalid field; 201 on a valid application; 429 after ten an hour', async () => {
    const bad = await submitApi({ organisation: { legalName: '', vatNumber: '12' }, operationalSeat: { municipality: 'Nowhere' }, declarations: {} });
    assert.equal(bad.statusCode, 400);
    const { error, fields } = bad.json();
    assert.equal(error, 'validation_failed');
    for (const f of [
      'organisation.legalName',
      'organisation.category',
      'organisation.vatNumber',
      'operationalSeat.municipality',
      'referent',
      'declarations.operationalSeatInLombardy',
      'declarations.statute',
      'declarations.truthfulness',
      'declarations.privacy',
    ]) {
      assert.ok(fields[f], `${f} in ${JSON.stringify(fields)}`);
    }
    assert.equal(fields['operationalSeat.municipality'], 'unknown_municipality');
    const notObject = await submitApi([1, 2]);
    assert.equal(notObject.statusCode, 400);

    const ok = await submitApi(applicationBody());
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().status, 'submitted');
    for (let i = 0; i < 9; i++) assert.equal((await submitApi(applicationBody())).statusCode, 201);
    const limited = await submitApi(applicationBody());
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  test('staff list, read and decide; unknown id 404, malformed id 400, never 500; another cluster 403; twice 409', async () => {
    const staff = await agentFor(t.app, staffId);
    const created = await submitApi(applicationBody({ legalName: 'Da Decidere Srl' }));
    const id = created.json().id as string;

    const list = await t.app.inject({ url: `/api/v1/applications?cluster=${cluster.slug}&pageSize=5`, headers: staff.headers });
    assert.equal(list.statusCode, 200);
    const body = list.json();
    assert.equal(body.pageSize, 5);
    assert.ok(body.total >= 1);
    assert.ok(body.items.length <= 5);
    assert.ok(body.items.every((a: { status: string }) => a.status === 'submitted'));
    const page = await t.app.inject({ url: `/api/v1/applications?cluster=${cluster.slug}&pageSize=100`, headers: staff.headers });
    assert.ok(page.json().items.some((a: { id: string }) => a.id === id));

    const one = await t.app.inject({ url: `/api/v1/applications/${id}`, headers: staff.headers });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().data.organisation.legalName, 'Da Decidere Srl');
    assert.equal(one.json().checks.length, 5);

    const unknown = await t.app.inject({ url: '/api/v1/applications/6f1c2d3e-4b5a-4c6d-8e7f-001122334455', headers: staff.headers });
    assert.equal(unknown.statusCode, 404, unknown.body);
    for (const bad of ['not-a-uuid', '%27%20OR%201%3D1', '1'.repeat(150)]) {
      const r = await t.app.inject({ url: `/api/v1/applications/${bad}`, headers: staff.headers });
      assert.equal(r.statusCode, 400, bad);
      const p = await t.app.inject({ url: `/it/staff/applications/${bad}`, headers: staff.headers });
      assert.equal(p.statusCode, 404, bad);
    }

    const other = await buildCluster(t.db);
    const outsider = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: other.id }] })).id);
    assert.equal((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: outsider.headers })).statusCode, 403);
    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/decision`,
      headers: outsider.headers,
      payload: { decision: 'approve', boardMeetingOn: todayInItaly() },
    });
    assert.equal(denied.statusCode, 403);

    // A region officer reads the application; the decision is the cluster staff's.
    const region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
    assert.equal((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: region.headers })).statusCode, 200);
    const regionDecides = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/decision`,
      headers: region.headers,
      payload: { decision: 'approve', boardMeetingOn: todayInItaly() },
    });
    assert.equal(regionDecides.statusCode, 403);
    const regionPage = await t.app.inject({ url: `/it/staff/applications/${id}`, headers: { cookie: region.cookie } });
    assert.equal(regionPage.statusCode, 200);
    assert.match(regionPage.body, /data-testid="read-only"/);
    assert.doesNotMatch(regionPage.body, /\/decision"/);

    const invalid = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/decision`,
      headers: staff.headers,
      payload: { decision: 'reject', boardMeetingOn: '2999-01-01' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.json().fields, { boardMeetingOn: 'in_future', reason: 'required' });

    const decided = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/decision`,
      headers: staff.headers,
      payload: { decision: 'approve', reason: 'Requisiti verificati', boardMeetingOn: todayInItaly() },
    });
    assert.equal(decided.statusCode, 200, decided.body);
    assert.equal(decided.json().application.status, 'approved');
    assert.deepEqual(decided.json().requirementsAffected, []);
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/decision`,
      headers: staff.headers,
      payload: { decision: 'reject', reason: 'x', boardMeetingOn: todayInItaly() },
    });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error, 'already_decided');

    const visitor = await t.app.inject({ url: '/api/v1/applications' });
    assert.equal(visitor.statusCode, 401);
  });
});

describe('staff pages', () => {
  test('the queue shows submitted applications with their checks as badges; the decision form re-renders its errors and records the decision', async () => {
    const staff = await agentFor(t.app, staffId);
    const created = await submitApi(applicationBody({ legalName: 'Torinese Srl', municipality: 'Torino' }));
    const id = created.json().id as string;
    const queue = await t.app.inject({ url: '/it/staff/applications', headers: { cookie: staff.cookie } });
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /Torinese Srl/);
    const row = queue.body.slice(queue.body.indexOf(`data-application="${id}"`));
    assert.match(row, /data-check="seat_in_lombardy" data-ok="false"/);
    assert.match(row, /data-check="tax_identity_valid" data-ok="true"/);
    assert.match(row, /data-check="organisation_registered" data-ok="true"/);

    const page = await t.app.inject({ url: `/en/staff/applications/${id}`, headers: { cookie: staff.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Application of Torinese Srl/);
    assert.match(page.body, /Record the board’s decision/);
    assert.match(page.body, /data-testid="impact"/);

    const bad = await t.app.inject({
      method: 'POST',
      url: `/en/staff/applications/${id}/decision`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, decision: 'reject', reason: '', boardMeetingOn: '2999-12-31' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="reason">This field is required\./);
    assert.match(bad.body, /data-field="boardMeetingOn">The date cannot be in the future\./);
    assert.match(bad.body, /value="2999-12-31"/);
    assert.match(bad.body, /id="f-decision-reject"[^>]*checked/);

    const ok = await t.app.inject({
      method: 'POST',
      url: `/en/staff/applications/${id}/decision`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, decision: 'reject', reason: 'Operational seat outside Lombardy', boardMeetingOn: todayInItaly() }),
    });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
    const after = await t.app.inject({ url: ok.headers.location as string, headers: { cookie: staff.cookie } });
    assert.match(after.body, /data-testid="decided"/);
    assert.match(after.body, /Operational seat outside Lombardy/);
    const again = await t.app.inject({
      method: 'POST',
      url: `/en/staff/applications/${id}/decision`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, decision: 'approve', boardMeetingOn: todayInItaly() }),
    });
    assert.equal(again.statusCode, 409);

    const member = await agentFor(t.app, (await buildUser(t.db)).id);
    assert.equal((await t.app.inject({ url: '/it/staff/applications', headers: { cookie: member.cookie } })).statusCode, 403);
    const visitor = await t.app.inject({ url: '/it/staff/applications' });
    assert.equal(visitor.statusCode, 302);
  });
});

describe('memberships', () => {
  test('the public sees active members only, staff all; the membership page shows the impact and records a suspension', async () => {
    const c = await buildCluster(t.db);
    const staff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: c.id }] })).id);
    const orgs = [];
    for (let i = 0; i < 9; i++) {
      const org = await buildOrganisation(t.db, { legal_name: `Socio ${i}`, category: 'company', vat_number: makeVat() });
      orgs.push({ org, ms: await buildMembership(t.db, c.id, org.id) });
    }
    await t.db.query(`UPDATE membership SET joined_on = '2025-01-15' WHERE cluster_id = $1`, [c.id]);
    const gone = await buildOrganisation(t.db, { legal_name: 'Ex Socio', vat_number: makeVat() });
    const goneMs = await buildMembership(t.db, c.id, gone.id, { status: 'withdrawn' });

    const pub = await t.app.inject({ url: `/api/v1/clusters/${c.slug}/memberships?status=all` });
    assert.equal(pub.statusCode, 200);
    assert.equal(pub.json().total, 9);
    assert.ok(pub.json().items.every((m: { status: string }) => m.status === 'active'));
    const all = await t.app.inject({ url: `/api/v1/clusters/${c.slug}/memberships`, headers: staff.headers });
    assert.equal(all.json().total, 10);
    assert.equal((await t.app.inject({ url: `/api/v1/memberships/${goneMs.id}` })).statusCode, 404);
    assert.equal((await t.app.inject({ url: `/api/v1/memberships/${goneMs.id}`, headers: staff.headers })).statusCode, 200);
    assert.equal((await t.app.inject({ url: '/api/v1/memberships/nope' })).statusCode, 400);

    const target = orgs[4].ms.id;
    const page = await t.app.inject({ url: `/it/clusters/${c.slug}/memberships/${target}`, headers: { cookie: staff.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-requirement="min_members"/);
    assert.equal((await t.app.inject({ url: `/it/clusters/wrong-slug/memberships/${target}`, headers: { cookie: staff.cookie } })).statusCode, 404);

    const bad = await t.app.inject({
      method: 'POST',
      url: `/it/clusters/${c.slug}/memberships/${target}/status`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, status: 'suspended', reason: '', decidedOn: '' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="reason">Campo obbligatorio\./);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/it/clusters/${c.slug}/memberships/${target}/status`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, status: 'suspended', reason: 'Quota non versata', decidedOn: todayInItaly() }),
    });
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers.location), /affected=min_members/);
    const shown = await t.app.inject({ url: ok.headers.location as string, headers: { cookie: staff.cookie } });
    assert.match(shown.body, /data-status="suspended"/);
    assert.match(shown.body, /Quota non versata/);

    const api = await t.app.inject({
      method: 'POST',
      url: `/api/v1/memberships/${target}/status-changes`,
      headers: staff.headers,
      payload: { status: 'active', reason: 'Quota versata', decidedOn: todayInItaly() },
    });
    assert.equal(api.statusCode, 200, api.body);
    assert.equal(api.json().membership.status, 'active');
    const leader = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/memberships/${target}`,
      headers: staff.headers,
      payload: { isLeaderCompany: true, leaderReason: 'Leader di mercato nel settore' },
    });
    assert.equal(leader.statusCode, 200, leader.body);
    assert.equal(leader.json().membership.isLeaderCompany, true);

    const admin = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: orgs[2].org.id }] })).id);
    const suspendOwn = await t.app.inject({
      method: 'POST',
      url: `/api/v1/memberships/${orgs[2].ms.id}/status-changes`,
      headers: admin.headers,
      payload: { status: 'suspended', reason: 'x', decidedOn: todayInItaly() },
    });
    assert.equal(suspendOwn.statusCode, 403);
    const withdraw = await t.app.inject({
      method: 'POST',
      url: `/api/v1/memberships/${orgs[2].ms.id}/status-changes`,
      headers: admin.headers,
      payload: { status: 'withdrawn', reason: 'Uscita dal settore', decidedOn: todayInItaly() },
    });
    assert.equal(withdraw.statusCode, 200, withdraw.body);
    assert.deepEqual(withdraw.json().requirementsAffected, ['min_members']);
  });
});
