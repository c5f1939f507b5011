import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { type TestApp, agentFor, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { addCompetence } from './coverage.fixtures.ts';

describe('coverage API, exports and page', () => {
  let t: TestApp;
  let slug: string;
  let emptySlug: string;
  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    slug = cluster.slug;
    emptySlug = (await buildCluster(t.db)).slug;
    const company = await buildOrganisation(t.db, { category: 'company' });
    await buildMembership(t.db, cluster.id, company.id);
    await addCompetence(t.db, company.id, 'stage.testing.in-vitro');
    const uni = await buildOrganisation(t.db, { category: 'university', seatMunicipality: '016024' });
    await buildMembership(t.db, cluster.id, uni.id);
    await addCompetence(t.db, uni.id, 'stage.testing.clinical.patch-test');
    await addCompetence(t.db, uni.id, 'stage.formulation.academic-research', { status: 'submitted' });
  });
  after(() => t.close());

  test('JSON by province and by category', async () => {
    const res = await t.app.inject({ url: `/api/v1/coverage?cluster=${slug}&by=province&lang=en` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const testing = body.stages.find((s: { id: string }) => s.id === 'stage.testing');
    assert.equal(testing.label, 'Safety assessment and efficacy testing');
    assert.deepEqual([testing.total, testing.researchOrganisations, testing.cells.MI, testing.cells.BG], [2, 1, 1, 1]);
    const formulation = body.stages.find((s: { id: string }) => s.id === 'stage.formulation');
    assert.deepEqual(formulation.flags, ['no_member', 'no_research']);
    const cat = (await t.app.inject({ url: `/api/v1/coverage?cluster=${slug}&by=category` })).json();
    const t2 = cat.stages.find((s: { id: string }) => s.id === 'stage.testing');
    assert.deepEqual([t2.cells.university, t2.cells.company, t2.cells.irccs], [1, 1, 0]);
    assert.equal((await t.app.inject({ url: '/api/v1/coverage?cluster=no-such-cluster' })).statusCode, 404);
    assert.equal((await t.app.inject({ url: `/api/v1/coverage?cluster=${slug}&by=colour` })).statusCode, 400);
  });

  test('across clusters: 400 asking for a cluster, except for region officers and platform admins', async () => {
    const visitor = await t.app.inject({ url: '/api/v1/coverage' });
    assert.equal(visitor.statusCode, 400);
    assert.equal(visitor.json().fields.cluster, 'required');
    const staff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: (await buildCluster(t.db)).id }] })).id);
    assert.equal((await t.app.inject({ url: '/api/v1/coverage.csv', headers: staff.headers })).statusCode, 400);
    for (const role of ['region', 'platform_admin'] as const) {
      const a = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role }] })).id);
      const res = await t.app.inject({ url: '/api/v1/coverage', headers: a.headers });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().cluster, null);
      assert.ok(res.json().stages.find((s: { id: string }) => s.id === 'stage.testing').total >= 2);
    }
  });

  test('CSV has the header and one row per stage', async () => {
    const res = await t.app.inject({ url: `/api/v1/coverage.csv?cluster=${slug}&by=province&lang=it` });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/csv/);
    assert.match(res.headers['content-disposition'] as string, /^attachment; filename="filiera-coverage-.*\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    const header = lines[0].split(',');
    assert.equal(header[0], 'Fase');
    assert.ok(header.includes('Milano (MI)'));
    assert.deepEqual(header.slice(-3), ['Totale soci', 'Enti di ricerca', 'Segnalazioni']);
    const json = (await t.app.inject({ url: `/api/v1/coverage?cluster=${slug}` })).json();
    assert.equal(lines.length, 1 + json.stages.length);
    const row = lines.find((l) => l.startsWith('Valutazione della sicurezza e test di efficacia,'));
    assert.ok(row);
    const cells = row.split(',');
    assert.equal(cells[header.indexOf('Milano (MI)')], '1');
    assert.equal(cells[header.indexOf('Totale soci')], '2');
  });

  test('XLSX parses back to the same numbers', async () => {
    const res = await t.app.inject({ url: `/api/v1/coverage.xlsx?cluster=${slug}&by=category&lang=en` });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-disposition'] as string, /^attachment; filename=".*\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const json = (await t.app.inject({ url: `/api/v1/coverage?cluster=${slug}&by=category&lang=en` })).json();
    assert.deepEqual(header.slice(1, 1 + json.columns.length), json.columns.map((c: { label: string }) => c.label));
    assert.equal(ws.rowCount, 1 + json.stages.length);
    json.stages.forEach((s: { label: string; total: number; cells: Record<string, number> }, i: number) => {
      const values = (ws.getRow(i + 2).values as unknown[]).slice(1);
      assert.equal(values[0], s.label);
      json.columns.forEach((c: { key: string }, j: number) => assert.equal(values[1 + j], s.cells[c.key]));
      assert.equal(values[1 + json.columns.length], s.total);
    });
  });

  test('page in both languages: table, flags in text, legend, exports; empty state; cluster prompt', async () => {
    for (const [lang, caption, flag] of [
      ['it', 'Soci per fase della filiera e provincia', 'Nessun socio'],
      ['en', 'Members by value-chain stage and province', 'No member'],
    ]) {
      const res = await t.app.inject({ url: `/${lang}/coverage?cluster=${slug}&by=province` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`<caption>${caption}`));
      assert.match(res.body, /<th scope="row">/);
      assert.match(res.body, new RegExp(`<span class="badge[^"]*">${flag}</span>`));
      assert.match(res.body, /data-testid="coverage-legend"/);
      assert.match(res.body, new RegExp(`/api/v1/coverage.xlsx\\?by=province&amp;lang=${lang}&amp;cluster=${slug}`));
      assert.doesNotMatch(res.body, /data-testid="coverage-empty"/);
    }
    const empty = await t.app.inject({ url: `/en/coverage?cluster=${emptySlug}&by=category` });
    assert.match(empty.body, /data-testid="coverage-empty"/);
    assert.match(empty.body, /cluster staff validate them/);
    const choose = await t.app.inject({ url: '/it/coverage' });
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /data-testid="coverage-choose"/);
    assert.doesNotMatch(choose.body, /data-testid="coverage-table"/);
  });
});
