import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';

type Row = { acronym: string; name: string; regionCode: string; members: number };

/** The province links, shading classes and table counts of a rendered map page. */
function parseMap(html: string) {
  const svg = html.slice(html.indexOf('<svg class="map-svg"'), html.indexOf('</svg>', html.indexOf('<svg class="map-svg"')));
  const links = [...svg.matchAll(/<a href="([^"]+)"[^>]*data-province="([A-Z]{2})">[\s\S]*?<path class="map-province map-q(\d)" d="([^"]*)"/g)].map(
    (m) => ({ href: m[1].replace(/&amp;/g, '&'), acronym: m[2], shade: Number(m[3]), d: m[4] }),
  );
  const table = html.slice(html.indexOf('data-testid="map-table"'), html.indexOf('</table>', html.indexOf('data-testid="map-table"')));
  const rows = [...table.matchAll(/<tr data-province="([A-Z]{2})">[\s\S]*?data-members="(\d+)"[\s\S]*?<a href="([^"]+)"/g)].map((m) => ({
    acronym: m[1],
    members: Number(m[2]),
    href: m[3].replace(/&amp;/g, '&'),
  }));
  return { svg, links, rows };
}

describe('map routes', () => {
  let t: TestApp;
  let slug: string;
  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    slug = cluster.slug;
    // Milano 015146, Bergamo 016024, Brescia 017029.
    for (const [seat, category] of [
      ['015146', 'company'],
      ['015146', 'company'],
      ['015146', 'company'],
      ['015146', 'university'],
      ['016024', 'company'],
    ]) {
      const o = await buildOrganisation(t.db, { seatMunicipality: seat, category });
      await buildMembership(t.db, cluster.id, o.id);
    }
    const elsewhere = await buildCluster(t.db);
    const o = await buildOrganisation(t.db, { seatMunicipality: '017029', category: 'company' });
    await buildMembership(t.db, elsewhere.id, o.id);
  });
  after(() => t.close());

  test('API: the 12 Lombard provinces with zeros, filtered by cluster and category', async () => {
    const all = await t.app.inject({ url: '/api/v1/map/provinces' });
    assert.equal(all.statusCode, 200);
    const rows = all.json() as Row[];
    assert.equal(rows.length, 12);
    assert.deepEqual(Object.keys(rows[0]).sort(), ['acronym', 'members', 'name', 'regionCode']);
    const count = (rs: Row[], a: string) => rs.find((r) => r.acronym === a)!.members;
    assert.equal(count(rows, 'MI'), 4);
    assert.equal(count(rows, 'BS'), 1);
    assert.equal(count(rows, 'SO'), 0);
    assert.equal(rows.filter((r) => r.members === 0).length, 9);
    const filtered = (await t.app.inject({ url: `/api/v1/map/provinces?cluster=${slug}&category=company` })).json() as Row[];
    assert.equal(filtered.length, 12);
    assert.equal(count(filtered, 'MI'), 3);
    assert.equal(count(filtered, 'BS'), 0);
  });

  test('API: an unknown cluster is a 404, an unknown category a 400', async () => {
    const res = await t.app.inject({ url: '/api/v1/map/provinces?cluster=no-such-cluster' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error, 'not_found');
    const bad = await t.app.inject({ url: '/api/v1/map/provinces?category=spaceship' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.json().fields['query.category']);
  });

  test('page: 12 province paths, links carrying the filter, an accessible image and table', async () => {
    const res = await t.app.inject({ url: `/it/map?cluster=${slug}&category=company` });
    assert.equal(res.statusCode, 200);
    const { svg, links, rows } = parseMap(res.body);
    assert.match(svg, /role="img"/);
    assert.match(svg, /<title id="map-title">[^<]+<\/title>/);
    assert.match(svg, /<desc id="map-desc">[^<]+<\/desc>/);
    assert.equal(links.length, 12);
    for (const l of links) {
      assert.ok(l.d.length > 100, `${l.acronym} has a path`);
      const url = new URL(l.href, 'http://x');
      assert.equal(url.pathname, '/it/organisations');
      assert.equal(url.searchParams.get('province'), l.acronym);
      assert.equal(url.searchParams.get('cluster'), slug);
      assert.equal(url.searchParams.get('category'), 'company');
    }
    assert.equal(rows.length, 12);
    assert.deepEqual(new Set(rows.map((r) => r.href)), new Set(links.map((l) => l.href)));
    assert.match(res.body, /<caption>[^<]+<\/caption>/);
    assert.match(res.body, /<th scope="row">Milano \(MI\)<\/th>/);
    assert.doesNotMatch(res.body, /style="/);
    assert.doesNotMatch(res.body, /<script>/);
    // The filter form keeps the choice.
    assert.match(res.body, new RegExp(`<option value="${slug}" selected`));
  });

  test('page: shading follows the counts', async () => {
    const shadeOf = async (url: string) => Object.fromEntries(parseMap((await t.app.inject({ url })).body).links.map((l) => [l.acronym, l.shade]));
    const before = await shadeOf(`/it/map?cluster=${slug}`);
    assert.equal(before.MI, 4);
    assert.equal(before.BG, 1);
    assert.equal(before.SO, 0);
    const cluster = (await t.db.query<{ id: string }>('SELECT id FROM cluster WHERE slug = $1', [slug]))[0];
    for (let i = 0; i < 4; i++) {
      const o = await buildOrganisation(t.db, { seatMunicipality: '014061' });
      await buildMembership(t.db, cluster.id, o.id);
    }
    const after = await shadeOf(`/it/map?cluster=${slug}`);
    assert.equal(after.SO, 4, 'Sondrio now holds the largest count');
    assert.equal(after.MI, 4);
    assert.equal(after.BG, 1);
    await t.db.query(`UPDATE membership SET status = 'withdrawn' WHERE organisation_id IN (SELECT organisation_id FROM seat WHERE municipality_code = '014061')`);
    assert.equal((await shadeOf(`/it/map?cluster=${slug}`)).SO, 0);
  });

  test('page: the table sums to the directory total for the same filter', async () => {
    for (const q of ['', `cluster=${slug}`, `cluster=${slug}&category=company`, 'category=university']) {
      const { rows } = parseMap((await t.app.inject({ url: `/en/map?${q}` })).body);
      const sum = rows.reduce((s, r) => s + r.members, 0);
      const dir = (await t.app.inject({ url: `/api/v1/organisations?${q}&pageSize=1` })).json();
      assert.equal(sum, dir.total, q);
      for (const r of rows) {
        const p = (await t.app.inject({ url: `/api/v1/organisations?${q}&province=${r.acronym}&pageSize=1` })).json();
        assert.equal(r.members, p.total, `${q} ${r.acronym}`);
      }
    }
  });

  test('page: both languages; an unknown cluster is a 404 page', async () => {
    const it = await t.app.inject({ url: '/it/map' });
    const en = await t.app.inject({ url: '/en/map' });
    assert.equal(it.statusCode, 200);
    assert.equal(en.statusCode, 200);
    assert.match(it.body, /<html lang="it"/);
    assert.match(it.body, /<h1>Mappa dei membri in Lombardia<\/h1>/);
    assert.match(en.body, /<h1>Map of members in Lombardy<\/h1>/);
    assert.match(en.body, /href="\/en\/organisations\?province=MI"/);
    assert.match(en.body, /Openpolis \/ ISTAT/);
    const missing = await t.app.inject({ url: '/en/map?cluster=no-such-cluster' });
    assert.equal(missing.statusCode, 404);
  });
});
