import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { buildPublishedProfile } from './matching.testing.ts';

describe('matchmaking pages and API', () => {
  let t: TestApp;
  const org: Record<string, string> = {};
  let request: string;
  let anonOffer: string;
  let owner: Agent;
  let offerer: Agent;
  let emptyMember: Agent;
  let staff: Agent;
  let otherStaff: Agent;
  let region: Agent;
  let plainUser: Agent;

  before(async () => {
    t = await createTestApp();
    const a = (await buildCluster(t.db)).id;
    const b = (await buildCluster(t.db)).id;
    const mk = async (key: string, cluster: string, category: string, it: string | null) => {
      const row = await buildOrganisation(t.db, { legal_name: `${key} Srl`, category });
      await t.db.query('UPDATE organisation SET description_it = $2 WHERE id = $1', [row.id, it]);
      await buildMembership(t.db, cluster, row.id);
      org[key] = row.id;
    };
    await mk('Ateneo', a, 'university', 'Microincapsulazione di principi attivi per la cosmetica.');
    await t.db.query(
      `INSERT INTO organisation_competence (organisation_id, concept_id, kind, visibility, status) VALUES ($1, 'tech.encapsulation', 'research', 'public', 'validated')`,
      [org.Ateneo],
    );
    await mk('Cosmo', a, 'company', 'Creme viso.');
    await mk('Segreta', b, 'company', 'Encapsulation.');
    await mk('Vuota', a, 'company', null);
    request = (
      await buildPublishedProfile(t.db, {
        clusterId: a,
        organisationId: org.Cosmo,
        type: 'technology_request',
        titleIt: 'Cerchiamo microincapsulazione di attivi',
        titleEn: 'Looking for microencapsulation of actives',
        descriptionIt: 'Incapsulare principi attivi in una crema.',
        conceptIds: ['tech.encapsulation'],
      })
    ).id;
    anonOffer = (
      await buildPublishedProfile(t.db, {
        clusterId: b,
        organisationId: org.Segreta,
        type: 'technology_offer',
        titleEn: 'Encapsulated actives (anonymous)',
        descriptionEn: 'Encapsulation of actives for creams.',
        conceptIds: ['tech.encapsulation'],
        anonymous: true,
      })
    ).id;
    owner = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.Cosmo }] })).id);
    offerer = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.Ateneo }] })).id);
    emptyMember = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: org.Vuota }] })).id);
    staff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: a }] })).id);
    otherStaff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: b }] })).id);
    region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
    plainUser = await agentFor(t.app, (await buildUser(t.db)).id);
  });
  after(() => t.close());

  test('profile suggestions page, Italian and English, without JavaScript: results with why; the all-clusters checkbox', async () => {
    const it = await t.app.inject({ url: `/it/marketplace/${request}/suggestions`, headers: { cookie: owner.cookie } });
    assert.equal(it.statusCode, 200, it.body);
    assert.match(it.body, /<html lang="it"/);
    assert.ok(it.body.includes('Ateneo Srl'));
    assert.ok(it.body.includes('Complementarità: impresa ↔ organizzazione di ricerca.'), 'each reason starts its own sentence');
    assert.ok(it.body.includes('(Richiesta di tecnologia)'), 'the profile type is named as the marketplace names it');
    assert.ok(it.body.includes('name="allClusters"'));
    assert.ok(it.body.includes('href="/it/suggestions"') && it.body.includes('href="/it/saved-searches"'), 'the navigation links both');
    assert.ok(!it.body.includes('Encapsulated actives (anonymous)'), 'another cluster only on request');
    const en = await t.app.inject({ url: `/en/marketplace/${request}/suggestions?allClusters=1`, headers: { cookie: owner.cookie } });
    assert.equal(en.statusCode, 200, en.body);
    assert.ok(en.body.includes('Suggestions for “Looking for microencapsulation of actives”'));
    assert.ok(en.body.includes('Complementarity: company ↔ research organisation.'));
    assert.ok(en.body.includes('Encapsulated actives (anonymous)'));
    assert.ok(en.body.includes('Anonymous profile'));
    assert.ok(!en.body.includes('Segreta'), 'the owner of an anonymous profile is never shown');
    assert.ok(en.body.includes(`href="/en/marketplace/${anonOffer}"`));
    assert.ok(en.body.includes(`href="/en/marketplace/${anonOffer}/interest"`), 'a member may express interest from the list');
    assert.ok(!en.body.includes('lang="it">Looking'), 'a title in the page language is not marked');
    // a title written in Italian only is marked as Italian on the English page, in the heading and the breadcrumb
    await t.db.query('UPDATE profile SET title_en = NULL WHERE id = $1', [request]);
    try {
      const itOnly = await t.app.inject({ url: `/en/marketplace/${request}/suggestions`, headers: { cookie: owner.cookie } });
      assert.ok(itOnly.body.includes('Suggestions for “<span lang="it">Cerchiamo microincapsulazione di attivi</span>”'), itOnly.body);
      assert.ok(itOnly.body.includes(`<a href="/en/marketplace/${request}" lang="it">Cerchiamo microincapsulazione di attivi</a>`));
    } finally {
      await t.db.query("UPDATE profile SET title_en = 'Looking for microencapsulation of actives' WHERE id = $1", [request]);
    }
  });

  test('profile suggestions API: who may ask; 400 names the field', async () => {
    const ok = await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions?lang=en`, headers: staff.headers });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(ok.json().organisations.some((i: { id: string }) => i.id === org.Ateneo));
    const reg = await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions`, headers: region.headers });
    assert.equal(reg.statusCode, 200);
    const anon = reg.json().profiles.find((i: { id: string }) => i.id === anonOffer);
    assert.ok(anon, 'region officers search every cluster');
    assert.equal(anon.owner, null);
    assert.equal((await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions`, headers: otherStaff.headers })).statusCode, 403);
    assert.equal((await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions`, headers: offerer.headers })).statusCode, 403);
    assert.equal((await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions` })).statusCode, 401);
    const bad = await t.app.inject({ url: `/api/v1/profiles/${request}/suggestions?allClusters=maybe&lang=fr`, headers: owner.headers });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['query.allClusters', 'query.lang']);
    assert.equal((await t.app.inject({ url: '/api/v1/profiles/not-a-uuid/suggestions', headers: owner.headers })).statusCode, 400);
  });

  test('suggested for you: results for the university; the empty state says what to do', async () => {
    const res = await t.app.inject({ url: '/it/suggestions', headers: { cookie: offerer.cookie } });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.body.includes('Cerchiamo microincapsulazione di attivi'));
    assert.ok(res.body.includes('organizzazione di ricerca ↔ impresa'));
    const api = await t.app.inject({ url: '/api/v1/suggestions', headers: offerer.headers });
    assert.equal(api.statusCode, 200);
    assert.deepEqual(api.json().items.map((i: { id: string }) => i.id), [request]);
    const empty = await t.app.inject({ url: '/en/suggestions', headers: { cookie: emptyMember.cookie } });
    assert.equal(empty.statusCode, 200);
    assert.ok(empty.body.includes('data-testid="empty"'));
    assert.ok(empty.body.includes('The organisation has no description yet.'));
    assert.ok(empty.body.includes(`/en/organisations/${org.Vuota}/competences`));
    assert.ok(empty.body.includes(`/en/organisations/${org.Vuota}/edit`), 'an org admin is sent to write the description');
    // a plain member cannot edit the organisation: told whom to ask, not sent to a 403
    const plain = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.Vuota }] })).id);
    const asMember = await t.app.inject({ url: '/en/suggestions', headers: { cookie: plain.cookie } });
    assert.ok(!asMember.body.includes(`/en/organisations/${org.Vuota}/edit`));
    assert.ok(asMember.body.includes('An administrator of your organisation writes the description'));
    assert.equal((await t.app.inject({ url: `/en/organisations/${org.Vuota}/edit`, headers: { cookie: plain.cookie } })).statusCode, 403);
    assert.equal((await t.app.inject({ url: '/api/v1/suggestions', headers: staff.headers })).statusCode, 403);
  });

  test('saved searches through the API: create, list, results, delete; every invalid field named', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/saved-searches',
      headers: plainUser.headers,
      payload: { query: '', frequency: 'hourly', profileTypes: ['technology_offer', 'poem'], locale: 'fr' },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['frequency', 'locale', 'profileTypes.1', 'query']);
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/saved-searches', headers: plainUser.headers, payload: { query: 'capsule', conceptIds: ['tech.nothing-here'] } });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().fields, { 'conceptIds.0': 'unknown_concept' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/saved-searches',
      headers: plainUser.headers,
      payload: { query: 'incapsulazione', profileTypes: ['technology_request'], frequency: 'immediate', locale: 'en' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    assert.deepEqual(created.json().filters, { profileTypes: ['technology_request'], conceptIds: [], allClusters: false });
    const listed = await t.app.inject({ url: '/api/v1/saved-searches', headers: plainUser.headers });
    assert.deepEqual(listed.json().items.map((i: { id: string }) => i.id), [id]);
    const results = await t.app.inject({ url: `/api/v1/saved-searches/${id}/results`, headers: plainUser.headers });
    assert.equal(results.statusCode, 200);
    assert.deepEqual(results.json().items.map((i: { id: string }) => i.id), [request]);
    assert.equal((await t.app.inject({ url: `/api/v1/saved-searches/${id}/results`, headers: owner.headers })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/saved-searches/${id}`, headers: owner.headers })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/saved-searches/${id}`, headers: plainUser.headers })).statusCode, 204);
    assert.deepEqual((await t.app.inject({ url: '/api/v1/saved-searches', headers: plainUser.headers })).json().items, []);
    assert.equal((await t.app.inject({ url: '/api/v1/saved-searches' })).statusCode, 401);
  });

  test('try a search before saving it: API and page (nothing stored)', async () => {
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/saved-searches/preview?lang=en', headers: plainUser.headers, payload: { query: 'incapsulazione', profileTypes: ['technology_request'] } });
    assert.equal(api.statusCode, 200, api.body);
    assert.deepEqual(api.json().items.map((i: { id: string }) => i.id), [request]);
    assert.equal(api.json().items[0].name, 'Looking for microencapsulation of actives');
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/saved-searches/preview', headers: plainUser.headers, payload: { query: ' ', frequency: 'monthly' } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['frequency', 'query']);
    const page = await t.app.inject({
      method: 'POST',
      url: '/it/saved-searches/preview',
      headers: formHeaders(offerer),
      payload: form({ _csrf: offerer.csrf, query: 'incapsulazione', frequency: 'weekly', locale: 'it' }),
    });
    assert.equal(page.statusCode, 200, page.body);
    assert.ok(page.body.includes('data-testid="preview"'));
    assert.ok(page.body.includes('Cerchiamo microincapsulazione di attivi'));
    assert.ok(page.body.includes('value="incapsulazione"'), 'the form keeps what was typed, ready to save');
    assert.deepEqual((await t.app.inject({ url: '/api/v1/saved-searches', headers: offerer.headers })).json().items, []);
  });

  test('saved searches pages without JavaScript: errors beside the fields, then save, show and delete', async () => {
    const page = await t.app.inject({ url: '/en/saved-searches', headers: { cookie: owner.cookie } });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('You have no saved searches yet.'));
    const bad = await t.app.inject({
      method: 'POST',
      url: '/it/saved-searches',
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, query: '', frequency: 'hourly', profileTypes: 'poem' }),
    });
    assert.equal(bad.statusCode, 400);
    for (const field of ['query', 'frequency', 'profileTypes']) assert.ok(bad.body.includes(`data-field="${field}"`), field);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/it/saved-searches',
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, query: 'incapsulazione', name: 'Capsule', profileTypes: ['technology_offer', 'lab_service'], conceptIds: 'tech.encapsulation', frequency: 'daily', locale: 'it', allClusters: '1' }),
    });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal(ok.headers.location, '/it/saved-searches?created=1');
    const list = await t.app.inject({ url: '/it/saved-searches?created=1', headers: { cookie: owner.cookie } });
    assert.ok(list.body.includes('Ricerca salvata.'));
    assert.ok(list.body.includes('Capsule'));
    const id = /data-id="([0-9a-f-]{36})"/.exec(list.body)?.[1] as string;
    const shown = await t.app.inject({ url: `/it/saved-searches/${id}`, headers: { cookie: owner.cookie } });
    assert.equal(shown.statusCode, 200);
    assert.ok(shown.body.includes('Encapsulated actives (anonymous)'), 'all clusters, offers only');
    assert.ok(shown.body.includes(`href="/it/marketplace/${anonOffer}" lang="en"`), 'an English-only title is marked as English on an Italian page');
    assert.ok(!shown.body.includes('Segreta'));
    const del = await t.app.inject({ method: 'POST', url: `/it/saved-searches/${id}/delete`, headers: formHeaders(owner), payload: form({ _csrf: owner.csrf }) });
    assert.equal(del.statusCode, 303);
    assert.equal((await t.app.inject({ url: `/it/saved-searches/${id}`, headers: { cookie: owner.cookie } })).statusCode, 404);
  });
});
