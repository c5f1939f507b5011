import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';

describe('requirements over HTTP', () => {
  let t: TestApp;
  let slug: string;
  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db, { legal_personality: true, association_name: 'Associazione di prova' });
    slug = cluster.slug;
    const uni = await buildOrganisation(t.db, { category: 'university', legal_name: 'Università di prova' });
    await buildMembership(t.db, cluster.id, uni.id, { role: 'capofila' });
  });
  after(() => t.close());

  test('the API lists every requirement with status and evidence', async () => {
    const res = await t.app.inject({ url: `/api/v1/clusters/${slug}/requirements` });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.overall, 'not_met');
    const ids = body.requirements.map((r: { id: string }) => r.id);
    assert.deepEqual(ids, ['min_members', 'research_organisation', 'leader_company', 'lombardy_seats', 'capofila', 'partnership_agreement', 'legal_personality']);
    const research = body.requirements.find((r: { id: string }) => r.id === 'research_organisation');
    assert.equal(research.status, 'met');
    assert.equal(research.satisfiedBy.organisations[0].name, 'Università di prova');
  });

  test('unknown cluster is a 404 on the API and on the page', async () => {
    assert.equal((await t.app.inject({ url: '/api/v1/clusters/nope/requirements' })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/it/clusters/nope/requirements' })).statusCode, 404);
  });

  test('the page renders in Italian and English with the status of each requirement', async () => {
    const it = await t.app.inject({ url: `/it/clusters/${slug}/requirements` });
    assert.equal(it.statusCode, 200);
    assert.match(it.body, /Requisiti di riconoscimento/);
    assert.match(it.body, /data-requirement="min_members" data-status="not_met"/);
    assert.match(it.body, /data-requirement="legal_personality" data-status="met"/);
    const en = await t.app.inject({ url: `/en/clusters/${slug}/requirements` });
    assert.match(en.body, /Recognition requirements/);
    assert.match(en.body, /The signing date of the partnership agreement is not recorded/);
  });
});
