import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('taxonomy over HTTP', () => {
  let t: TestApp;
  let memberId: string;
  let staffId: string;
  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    const org = await buildOrganisation(t.db);
    memberId = (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id;
    staffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id;
  });
  after(() => t.close());

  test('GET /api/v1/concepts lists one scheme in tree order with both languages', async () => {
    const res = await t.app.inject({ url: '/api/v1/concepts?scheme=stage' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(body.total >= 50);
    assert.ok(body.items.every((c: { scheme: string }) => c.scheme === 'stage'));
    const first = body.items[0];
    assert.equal(first.depth, 0);
    assert.equal(body.items[1].parentId, first.id);
    assert.ok(first.label.it && first.label.en && Array.isArray(first.synonyms.it));
    assert.equal((await t.app.inject({ url: '/api/v1/concepts?scheme=nope' })).statusCode, 400);
  });

  test('GET /api/v1/concepts/:id and suggest', async () => {
    const res = await t.app.inject({ url: '/api/v1/concepts/stage.packaging.plastic' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().atecoLinks.map((a: { code: string }) => a.code), ['22.22']);
    assert.equal(res.json().ancestors[0].id, 'stage.packaging');
    assert.equal((await t.app.inject({ url: '/api/v1/concepts/stage.none' })).statusCode, 404);
    const s = await t.app.inject({ url: '/api/v1/concepts/suggest?ateco=22.22.00,46.45' });
    assert.equal(s.statusCode, 200);
    const ids = s.json().items.map((i: { id: string }) => i.id);
    assert.ok(ids.includes('stage.packaging.plastic') && ids.includes('stage.logistics.wholesale'));
    assert.equal((await t.app.inject({ url: '/api/v1/concepts/suggest?ateco=abc' })).statusCode, 400);
  });

  test('PATCH: visitor 401, member 403, staff 200 with an audit row', async () => {
    const url = '/api/v1/concepts/tech.encapsulation';
    const payload = { label_en: 'Encapsulation and delivery', synonyms_it: ['incapsulamento', ' veicolazione ', ''] };
    assert.equal((await t.app.inject({ method: 'PATCH', url, payload })).statusCode, 401);
    const member = await agentFor(t.app, memberId);
    assert.equal((await t.app.inject({ method: 'PATCH', url, headers: member.headers, payload })).statusCode, 403);
    const staff = await agentFor(t.app, staffId);
    const res = await t.app.inject({ method: 'PATCH', url, headers: staff.headers, payload });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().label.en, 'Encapsulation and delivery');
    assert.deepEqual(res.json().synonyms.it, ['incapsulamento', 'veicolazione']);
    const audits = await t.db.query<{ actor_user_id: string; after: { label_en: string } }>(
      "SELECT actor_user_id, after FROM audit_event WHERE action = 'concept.updated' AND subject_id = 'tech.encapsulation'",
    );
    assert.equal(audits.length, 1);
    assert.equal(audits[0].actor_user_id, staffId);
    assert.equal(audits[0].after.label_en, 'Encapsulation and delivery');
    const bad = await t.app.inject({ method: 'PATCH', url, headers: staff.headers, payload: { label_it: '  ' } });
    assert.equal(bad.statusCode, 400);
  });

  test('pages render in both languages; the edit form saves comma-separated synonyms and shows errors', async () => {
    const it = await t.app.inject({ url: '/it/taxonomy' });
    assert.equal(it.statusCode, 200);
    assert.match(it.body, /Fasi della filiera/);
    assert.match(it.body, /Produzione conto terzi/);
    const en = await t.app.inject({ url: '/en/taxonomy' });
    assert.match(en.body, /Value-chain stages/);
    assert.match(en.body, /Contract manufacturing/);
    assert.equal((en.body.match(/<h1/g) ?? []).length, 1);
    const detail = await t.app.inject({ url: '/en/taxonomy/stage.manufacturing.contract' });
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /Manufacture of perfumes and toilet preparations/);
    assert.match(detail.body, /terzista/);
    assert.doesNotMatch(detail.body, /\/edit"/);
    assert.equal((await t.app.inject({ url: '/it/taxonomy/stage.none' })).statusCode, 404);

    const visitorEdit = await t.app.inject({ url: '/it/taxonomy/product.baby/edit' });
    assert.equal(visitorEdit.statusCode, 302);
    const member = await agentFor(t.app, memberId);
    assert.equal((await t.app.inject({ url: '/it/taxonomy/product.baby/edit', headers: { cookie: member.cookie } })).statusCode, 403);

    const staff = await agentFor(t.app, staffId);
    const page = await t.app.inject({ url: '/it/taxonomy/product.baby/edit', headers: { cookie: staff.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /baby care, cosmetici per bambini/);
    const fields = { _csrf: staff.csrf, label_it: 'Cosmetici per l’infanzia', label_en: 'Baby care', definition_it: 'Per bambini.', definition_en: 'For babies.', synonyms_it: 'baby care, prima infanzia ,', synonyms_en: 'baby products' };
    const bad = await t.app.inject({ method: 'POST', url: '/it/taxonomy/product.baby/edit', headers: formHeaders(staff), payload: form({ ...fields, label_it: '' }) });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="label_it"/);
    assert.match(bad.body, /prima infanzia/);
    const ok = await t.app.inject({ method: 'POST', url: '/it/taxonomy/product.baby/edit', headers: formHeaders(staff), payload: form(fields) });
    assert.equal(ok.statusCode, 303);
    const after = (await t.app.inject({ url: '/api/v1/concepts/product.baby' })).json();
    assert.equal(after.label.it, 'Cosmetici per l’infanzia');
    assert.deepEqual(after.synonyms.it, ['baby care', 'prima infanzia']);
    assert.equal(after.overridden, true);
    const shown = await t.app.inject({ url: '/it/taxonomy/product.baby', headers: { cookie: staff.cookie } });
    assert.match(shown.body, /\/it\/taxonomy\/product\.baby\/edit/);
  });
});
