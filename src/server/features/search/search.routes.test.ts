import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, agentFor, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('search API and page', () => {
  let t: TestApp;
  let enId: string;
  let peerId: string;

  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    const org = await buildOrganisation(t.db, { legal_name: 'Westbrook Fragrances Srl' });
    enId = org.id;
    await t.db.query('UPDATE organisation SET description_en = $2 WHERE id = $1', [org.id, 'Fine perfume compositions for niche brands.']);
    await buildMembership(t.db, cluster.id, org.id);
    await t.db.query(
      `INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, visibility, status) VALUES
         ($1, 'stage.raw-materials.fragrance-compounds', 'produces', 'Bespoke accords', 'public', 'validated'),
         ($1, 'tech.encapsulation', 'service', 'Vexmorial capsules', 'members', 'validated'),
         ($1, 'tech.extraction', 'service', 'Drabulite extraction', 'public', 'submitted')`,
      [org.id],
    );
    const peer = await buildOrganisation(t.db);
    peerId = peer.id;
    await buildMembership(t.db, cluster.id, peer.id);
  });
  after(() => t.close());

  test('GET /api/v1/search: an Italian word finds the English-only profile, with facets and why', async () => {
    const res = await t.app.inject({ url: '/api/v1/search?q=profumo&lang=it' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    const item = body.items.find((i: { organisation: { id: string } }) => i.organisation.id === enId);
    assert.ok(item);
    assert.deepEqual(Object.keys(item.organisation).sort(), ['category', 'id', 'name', 'provinces']);
    assert.ok(item.why.concepts.length + item.why.words.length > 0);
    assert.equal(body.facets.stage.find((f: { id: string }) => f.id === 'stage.raw-materials.fragrance-compounds')?.label, 'Composizioni profumate');
    assert.equal(body.page, 1);
    assert.ok(body.total >= 1);
    assert.equal((await t.app.inject({ url: '/api/v1/search?q=x&sizeClass=huge' })).statusCode, 400);
    // a filter naming no taxonomy entry is named, not a silent empty result
    const unknown = await t.app.inject({ url: '/api/v1/search?q=profumo&stage=stage.nonexistent&product=product.nope' });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().fields, { 'query.stage': 'unknown_concept', 'query.product': 'unknown_concept' });
    // the page (an old link): the results without that filter, and it says so
    const page = await t.app.inject({ url: '/en/search?q=profumo&stage=stage.nonexistent' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-notice="filter-unknown"/);
    assert.doesNotMatch(page.body, /name="stage" value="stage.nonexistent"/);
    assert.doesNotMatch((await t.app.inject({ url: '/en/search?q=profumo&stage=stage.raw-materials' })).body, /filter-unknown/);
  });

  test('members-only declarations show to signed-in members of the same cluster only; submitted ones to nobody', async () => {
    assert.equal((await t.app.inject({ url: '/api/v1/search?q=vexmorial' })).json().total, 0);
    assert.equal((await t.app.inject({ url: '/api/v1/search?q=drabulite' })).json().total, 0);
    const member = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: peerId }] })).id);
    const seen = (await t.app.inject({ url: '/api/v1/search?q=vexmorial', headers: member.headers })).json();
    assert.deepEqual(seen.items.map((i: { organisation: { id: string } }) => i.organisation.id), [enId]);
    assert.equal((await t.app.inject({ url: '/api/v1/search?q=drabulite', headers: member.headers })).json().total, 0);
    const outsiderOrg = await buildOrganisation(t.db);
    await buildMembership(t.db, (await buildCluster(t.db)).id, outsiderOrg.id);
    const outsider = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: outsiderOrg.id }] })).id);
    assert.equal((await t.app.inject({ url: '/api/v1/search?q=vexmorial', headers: outsider.headers })).json().total, 0);
  });

  test('the page renders in both languages, with the why in the page language and an empty state', async () => {
    const it = await t.app.inject({ url: '/it/search?q=fragranze' });
    assert.equal(it.statusCode, 200);
    assert.match(it.body, /Westbrook Fragrances Srl/);
    assert.match(it.body, /Perché:/);
    assert.match(it.body, /Composizioni profumate/);
    const en = await t.app.inject({ url: '/en/search?q=fragranze' });
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /Why:/);
    assert.match(en.body, /Fragrance compounds/);
    const empty = await t.app.inject({ url: '/en/search' });
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /Type at least one word/);
    const none = await t.app.inject({ url: '/it/search?q=zzqxv' });
    assert.match(none.body, /Nessun profilo pubblico corrisponde/);
    assert.match(none.body, /dichiara le tue competenze dalla pagina della tua organizzazione/, 'where results come from, and how to get there');
    assert.doesNotMatch(none.body, /<h2 class="h4">Filtri<\/h2>/, 'no filters heading without filters');
    const filtered = await t.app.inject({ url: '/it/search?q=fragranze&province=MI' });
    assert.match(filtered.body, /Togli il filtro Provincia: MI/);
  });
});
