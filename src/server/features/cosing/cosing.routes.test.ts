import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

const enc = encodeURIComponent;

describe('CosIng lookup and member ingredients', () => {
  let t: TestApp;
  let org: { id: string };
  let hiddenOrg: { id: string };
  let member: { id: string };
  let otherMember: { id: string };
  let staff: { id: string };
  let otherStaff: { id: string };

  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    const otherCluster = await buildCluster(t.db);
    org = await buildOrganisation(t.db, { legal_name: 'Laboratorio Conservanti di prova' });
    await buildMembership(t.db, cluster.id, org.id);
    const other = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster.id, other.id);
    hiddenOrg = await buildOrganisation(t.db, { legal_name: 'Ex socio di prova' });
    await buildMembership(t.db, cluster.id, hiddenOrg.id, { status: 'withdrawn' });
    member = await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] });
    otherMember = await buildUser(t.db, { roles: [{ role: 'member', organisationId: other.id }] });
    staff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] });
    otherStaff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: otherCluster.id }] });
  });
  after(() => t.close());

  test('a search by INCI name tolerates a typo, case and accents', async () => {
    const res = await t.app.inject({ url: `/api/v1/cosing/ingredients?q=${enc('phenoxyétanol')}` });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.kind, 'name');
    assert.equal(body.items[0].inciName, 'PHENOXYETHANOL');
    assert.deepEqual(body.items[0].annexEntries, [{ annex: 'V', reference: '29' }]);
    assert.ok(body.items[0].functions.includes('PRESERVATIVE'));
    const words = (await t.app.inject({ url: '/api/v1/cosing/ingredients?q=acid%20salicylic&pageSize=5' })).json();
    assert.ok(words.total > 1);
    assert.ok(words.items.some((i: { inciName: string }) => i.inciName === 'SALICYLIC ACID'));
    assert.equal(words.pageSize, 5);
    const none = (await t.app.inject({ url: '/api/v1/cosing/ingredients?q=zzqqxxkk' })).json();
    assert.equal(none.total, 0);
  });

  test('a search by CAS number finds the ingredient', async () => {
    const res = (await t.app.inject({ url: '/api/v1/cosing/ingredients?q=7732-18-5' })).json();
    assert.equal(res.kind, 'cas');
    assert.ok(res.items.some((i: { inciName: string }) => i.inciName === 'AQUA'));
    assert.ok(res.items.every((i: { casNumbers: string[]; annexEntries: unknown[] }) => i.casNumbers.includes('7732-18-5') || i.annexEntries.length));
  });

  test('a restricted substance shows its Annex entries with reference, conditions and translated meaning', async () => {
    const it = (await t.app.inject({ url: `/api/v1/cosing/ingredients/${enc('SALICYLIC ACID')}?lang=it` })).json();
    const refs = it.annexEntries.map((e: { annex: string; reference: string }) => `${e.annex}/${e.reference}`);
    assert.deepEqual(refs, ['III/98', 'V/3']);
    const preservative = it.annexEntries.find((e: { annex: string }) => e.annex === 'V');
    assert.equal(preservative.meaning, 'Conservante ammesso');
    assert.match(preservative.maxConcentration, /0[.,]5\s*%/);
    assert.ok(it.casNumbers.includes('69-72-7'));
    const restricted = it.annexEntries.find((e: { annex: string }) => e.annex === 'III');
    assert.ok(restricted.conditions && restricted.conditions.length > 10);
    const en = (await t.app.inject({ url: `/api/v1/cosing/ingredients/${enc('salicylic acid')}?lang=en` })).json();
    assert.equal(en.annexEntries.find((e: { annex: string }) => e.annex === 'V').meaning, 'Preservative allowed');
    assert.match(en.source, /European Union, CosIng/);
    const missing = await t.app.inject({ url: '/api/v1/cosing/ingredients/NOT%20AN%20INCI%20NAME' });
    assert.equal(missing.statusCode, 404);
  });

  test('members link and unlink ingredients of their organisation; others get 403; audited', async () => {
    const url = `/api/v1/organisations/${org.id}/ingredients`;
    const visitor = await t.app.inject({ method: 'POST', url, payload: { inciName: 'PHENOXYETHANOL', relation: 'supplies' } });
    assert.equal(visitor.statusCode, 401);
    const stranger = await agentFor(t.app, otherMember.id);
    const denied = await t.app.inject({ method: 'POST', url, headers: stranger.headers, payload: { inciName: 'PHENOXYETHANOL', relation: 'supplies' } });
    assert.equal(denied.statusCode, 403);
    const farStaff = await agentFor(t.app, otherStaff.id);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: farStaff.headers, payload: { inciName: 'AQUA', relation: 'supplies' } })).statusCode, 403);

    const own = await agentFor(t.app, member.id);
    const created = await t.app.inject({ method: 'POST', url, headers: own.headers, payload: { inciName: 'phenoxyethanol', relation: 'supplies', note: 'Grado farmaceutico' } });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json().items.map((i: { inciName: string }) => i.inciName), ['PHENOXYETHANOL']);
    const unknown = await t.app.inject({ method: 'POST', url, headers: own.headers, payload: { inciName: 'NOT AN INCI NAME', relation: 'supplies' } });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().fields, { inciName: 'unknown_ingredient' });
    const byStaff = await agentFor(t.app, staff.id);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: byStaff.headers, payload: { inciName: 'SALICYLIC ACID', relation: 'researches' } })).statusCode, 201);

    // The ingredient now names the public member, and the search counts it.
    const detail = (await t.app.inject({ url: '/api/v1/cosing/ingredients/PHENOXYETHANOL' })).json();
    assert.deepEqual(detail.organisations, [{ id: org.id, name: 'Laboratorio Conservanti di prova', relation: 'supplies', note: 'Grado farmaceutico' }]);
    const found = (await t.app.inject({ url: '/api/v1/cosing/ingredients?q=122-99-6' })).json();
    assert.equal(found.items[0].organisationCount, 1);

    const del = await t.app.inject({ method: 'DELETE', url: `${url}/${enc('PHENOXYETHANOL')}?relation=supplies`, headers: stranger.headers });
    assert.equal(del.statusCode, 403);
    const ok = await t.app.inject({ method: 'DELETE', url: `${url}/${enc('PHENOXYETHANOL')}?relation=supplies`, headers: own.headers });
    assert.equal(ok.statusCode, 204);
    const again = await t.app.inject({ method: 'DELETE', url: `${url}/${enc('PHENOXYETHANOL')}?relation=supplies`, headers: own.headers });
    assert.equal(again.statusCode, 404);
    const audit = await t.db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE subject_type = 'organisation' AND subject_id = $1 AND action LIKE 'organisation_ingredient.%' ORDER BY at, action`,
      [org.id],
    );
    assert.deepEqual(audit.map((a) => a.action).sort(), ['organisation_ingredient.linked', 'organisation_ingredient.linked', 'organisation_ingredient.unlinked']);
  });

  test('an organisation without an active membership is not shown', async () => {
    await t.db.query(`INSERT INTO organisation_ingredient (organisation_id, inci_name, relation) VALUES ($1, 'AQUA', 'supplies')`, [hiddenOrg.id]);
    const detail = (await t.app.inject({ url: '/api/v1/cosing/ingredients/AQUA' })).json();
    assert.ok(!detail.organisations.some((o: { id: string }) => o.id === hiddenOrg.id));
    assert.equal((await t.app.inject({ url: `/api/v1/organisations/${hiddenOrg.id}/ingredients` })).statusCode, 404);
  });

  test('pages in both languages: search form, empty state, results, ingredient, organisation list and form', async () => {
    const empty = await t.app.inject({ url: '/it/cosing' });
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /data-testid="cosing-empty"/);
    assert.match(empty.body, /<form method="get"/);
    assert.match(empty.body, /© Unione europea/);
    const results = await t.app.inject({ url: '/en/cosing?q=phenoxyetanol' });
    assert.match(results.body, /data-inci="PHENOXYETHANOL"/);
    assert.match(results.body, /Annex V ref\. 29/);
    assert.match(results.body, /© European Union/);
    const page = await t.app.inject({ url: `/it/cosing/ingredients/${enc('SALICYLIC ACID')}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Conservante ammesso/);
    assert.match(page.body, /All\. III n\. 98/);
    assert.equal((await t.app.inject({ url: '/en/cosing/ingredients/NOT%20AN%20INCI' })).statusCode, 404);

    const own = await agentFor(t.app, member.id);
    const list = await t.app.inject({ url: `/en/organisations/${org.id}/ingredients`, headers: { cookie: own.cookie } });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Add an ingredient/);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/ingredients`,
      headers: formHeaders(own),
      payload: form({ _csrf: own.csrf, inciName: 'NON ESISTE', relation: 'supplies', note: 'nota' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Nome INCI non trovato in CosIng/);
    assert.match(bad.body, /value="NON ESISTE"/);
    const good = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/ingredients`,
      headers: formHeaders(own),
      payload: form({ _csrf: own.csrf, inciName: 'aqua', relation: 'supplies', note: '' }),
    });
    assert.equal(good.statusCode, 303);
    const publicList = await t.app.inject({ url: `/it/organisations/${org.id}/ingredients` });
    assert.match(publicList.body, /data-inci="AQUA"/);
    assert.doesNotMatch(publicList.body, /Aggiungi un ingrediente/);
    const removed = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/ingredients/remove`,
      headers: formHeaders(own),
      payload: form({ _csrf: own.csrf, inciName: 'AQUA', relation: 'supplies' }),
    });
    assert.equal(removed.statusCode, 303);
    const stranger = await agentFor(t.app, otherMember.id);
    const forbidden = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/ingredients`,
      headers: formHeaders(stranger),
      payload: form({ _csrf: stranger.csrf, inciName: 'AQUA', relation: 'supplies' }),
    });
    assert.equal(forbidden.statusCode, 403);
  });
});
