import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';

type Row = { acronym: string; name: string; regionCode: string; members: number };

/** The province links, shading classes and table counts of a rendered map page. */
function parseMap(html: string) {
  const svg = html.slice(html.indexOf('<svg class="map-svg"'), html.indexOf('</svg>', html.indexOf('<svg class="map-svg"')));
  const links = [...svg.matchAll(/<a href="([^"]+)"[^>]*data-province="([A-Z]{2})"[^>]*>[\s\S]*?<path class="map-province map-q(\d)" d="([^"]*)"/g)].map(
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
    assert.match(svg, /role="group"/);
    assert.doesNotMatch(svg, /role="img"|tabindex="-1"/, 'links stay reachable and are not nested in an image');
    assert.match(svg, /<a [^>]*aria-label="[^"]+"/);
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
    assert.match(it.body, /<h1>Mappa dei soci in Lombardia<\/h1>/);
    assert.match(en.body, /<h1>Map of members in Lombardy<\/h1>/);
    assert.match(en.body, /href="\/en\/organisations\?province=MI"/);
    assert.match(en.body, /Openpolis \/ ISTAT/);
    const missing = await t.app.inject({ url: '/en/map?cluster=no-such-cluster' });
    assert.equal(missing.statusCode, 404);
  });
});

describe('map routes: concept filter', () => {
  let t: TestApp;
  let slug: string;
  let submittedOrg: string;
  const parent = 'stage.raw-materials';
  const child = 'stage.raw-materials.botanical';
  const competence = (organisationId: string, conceptId: string, status: string, visibility: string) =>
    t.db.query(`INSERT INTO organisation_competence (organisation_id, concept_id, kind, status, visibility) VALUES ($1, $2, 'produces', $3, $4)`, [
      organisationId,
      conceptId,
      status,
      visibility,
    ]);
  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    slug = cluster.slug;
    const member = async (seat: string) => {
      const o = await buildOrganisation(t.db, { seatMunicipality: seat });
      await buildMembership(t.db, cluster.id, o.id);
      return o.id;
    };
    // Milano: validated public on the sub-stage, and on the stage itself; Bergamo: validated public on the sub-stage.
    await competence(await member('015146'), child, 'validated', 'public');
    await competence(await member('015146'), parent, 'validated', 'public');
    await competence(await member('016024'), child, 'validated', 'public');
    // Not counted: submitted, members-only, rejected, and a validated public one of a non-member.
    submittedOrg = await member('015146');
    await competence(submittedOrg, child, 'submitted', 'public');
    await competence(await member('017029'), child, 'validated', 'members');
    await competence(await member('017029'), parent, 'rejected', 'public');
    const outsider = await buildOrganisation(t.db, { seatMunicipality: '015146' });
    await competence(outsider.id, child, 'validated', 'public');
    // Pavia: a validated public laboratory on the sub-stage; a submitted one does not count.
    await t.db.query(`INSERT INTO facility (organisation_id, kind, name, concept_ids, status, visibility) VALUES ($1, 'laboratory', 'Lab', $2::text[], 'validated', 'public')`, [
      await member('018110'),
      [child],
    ]);
    await t.db.query(`INSERT INTO facility (organisation_id, kind, name, concept_ids, status, visibility) VALUES ($1, 'laboratory', 'Lab', $2::text[], 'submitted', 'public')`, [
      await member('018110'),
      [child],
    ]);
    // A member with no competence at all.
    await member('015146');
  });
  after(() => t.close());

  const counts = async (qs: string) => {
    const res = await t.app.inject({ url: `/api/v1/map/provinces?${qs}` });
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json() as Row[];
    assert.equal(rows.length, 12);
    return Object.fromEntries(rows.map((r) => [r.acronym, r.members]));
  };

  test('API: a validated public competence on a sub-stage counts under its parent stage; submitted or members-only ones do not', async () => {
    const all = await counts('');
    assert.equal(all.MI, 4);
    assert.equal(all.BS, 2);
    const stage = await counts(`concept=${parent}`);
    assert.equal(stage.MI, 2);
    assert.equal(stage.BG, 1);
    assert.equal(stage.BS, 0, 'members-only and rejected competences do not count');
    assert.equal(stage.PV, 1, 'a validated public facility counts, a submitted one does not');
    const sub = await counts(`concept=${child}&cluster=${slug}`);
    assert.equal(sub.MI, 1, 'the competence on the parent stage does not count under the sub-stage');
    assert.equal(sub.BG, 1);
    assert.equal(sub.BS, 0);
    assert.equal(sub.PV, 1);
    // Other stages hold nothing.
    const other = await counts('concept=stage.biotech');
    assert.equal(Object.values(other).reduce((a, b) => a + b, 0), 0);
    // Validating the submitted one makes it count.
    await t.db.query(`UPDATE organisation_competence SET status = 'validated' WHERE organisation_id = $1`, [submittedOrg]);
    assert.equal((await counts(`concept=${parent}`)).MI, 3);
    await t.db.query(`UPDATE organisation_competence SET status = 'submitted' WHERE organisation_id = $1`, [submittedOrg]);
    assert.equal((await counts(`concept=${parent}`)).MI, 2);
  });

  test('API: an unknown concept is a 400 naming the field', async () => {
    const res = await t.app.inject({ url: '/api/v1/map/provinces?concept=stage.no-such-stage' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'validation_failed');
    assert.deepEqual(Object.keys(res.json().fields), ['query.concept']);
  });

  test('page: the concept select grouped by scheme in both languages, the filter reflected, links carrying the concept', async () => {
    for (const [lang, stages, techs, products, label] of [
      ['it', 'Fasi della filiera', 'Tecnologie', 'Categorie di prodotto', 'Filtra la mappa'],
      ['en', 'Value-chain stages', 'Technologies', 'Product categories', 'Filter the map'],
    ]) {
      const plain = await t.app.inject({ url: `/${lang}/map` });
      assert.equal(plain.statusCode, 200);
      assert.match(plain.body, new RegExp(label));
      assert.match(plain.body, /<label for="concept">[^<]+<\/label>/);
      const select = plain.body.slice(plain.body.indexOf('<select id="concept"'), plain.body.indexOf('</select>', plain.body.indexOf('<select id="concept"')));
      const groups = [...select.matchAll(/<optgroup label="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(groups, [stages, techs, products]);
      assert.ok(select.indexOf(`value="${parent}"`) < select.indexOf(`value="${child}"`));
      assert.ok(select.indexOf(`value="${child}"`) < select.indexOf('<optgroup', select.indexOf('<optgroup') + 1), 'stages come first');
      assert.doesNotMatch(plain.body, /data-testid="map-concept"/);

      const res = await t.app.inject({ url: `/${lang}/map?concept=${parent}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`<option value="${parent}" selected`));
      const [{ label_it, label_en }] = await t.db.query<{ label_it: string; label_en: string }>('SELECT label_it, label_en FROM concept_effective WHERE id = $1', [parent]);
      const conceptLabel = lang === 'it' ? label_it : label_en;
      const caption = /<caption>([^<]+)<\/caption>/.exec(res.body)![1];
      assert.ok(caption.includes(conceptLabel.replace(/&/g, '&amp;')), caption);
      assert.match(res.body, /data-testid="map-concept"/);
      const { rows, links } = parseMap(res.body);
      assert.equal(rows.find((r) => r.acronym === 'MI')!.members, 2);
      assert.equal(links.find((l) => l.acronym === 'MI')!.shade, 4);
      assert.equal(links.find((l) => l.acronym === 'BS')!.shade, 0);
      for (const r of rows) {
        const url = new URL(r.href, 'http://x');
        assert.equal(url.searchParams.get('concept'), parent);
        assert.equal(url.searchParams.get('province'), r.acronym);
      }
      assert.doesNotMatch(res.body, /cannot filter by competence|non filtra ancora/);
      assert.match(res.body, /data-members="2"/);
      assert.doesNotMatch(res.body, /style="/);
    }
  });

  test('page: a province link leads to the directory listing exactly the members the map counts there', async () => {
    const holders = await t.db.query<{ legal_name: string; province: string }>(
      `SELECT DISTINCT o.legal_name, a.province FROM organisation o CROSS JOIN unnest(o.province_acronyms) a(province)
        WHERE o.active_cluster_ids <> '{}'
          AND (o.id IN (SELECT organisation_id FROM organisation_competence WHERE concept_id IN ($1, $2) AND status = 'validated' AND visibility = 'public')
               OR o.id IN (SELECT organisation_id FROM facility WHERE concept_ids && ARRAY[$1, $2] AND status = 'validated' AND visibility = 'public'))`,
      [parent, child],
    );
    for (const lang of ['it', 'en']) {
      const map = await t.app.inject({ url: `/${lang}/map?concept=${parent}&cluster=${slug}` });
      const { rows, links } = parseMap(map.body);
      assert.deepEqual(new Set(rows.map((r) => r.href)), new Set(links.map((l) => l.href)));
      for (const r of rows) {
        const page = await t.app.inject({ url: r.href });
        assert.equal(page.statusCode, 200, r.href);
        assert.match(page.body, /data-testid="directory-concept"/, 'the directory shows the concept filter');
        assert.match(page.body, new RegExp(`data-total="${r.members}"`), `${lang} ${r.acronym}`);
        const listed = [...page.body.matchAll(/<th scope="row"><a href="\/[a-z]{2}\/organisations\/[0-9a-f-]{36}">([^<]+)<\/a><\/th>/g)].map((m) => m[1]).sort();
        const expected = holders.filter((h) => h.province === r.acronym).map((h) => h.legal_name).sort();
        assert.deepEqual(listed, expected, `${lang} ${r.acronym}`);
      }
      assert.deepEqual(
        rows.filter((r) => r.members > 0).map((r) => r.acronym).sort(),
        ['BG', 'MI', 'PV'],
      );
    }
  });

  test('API: each province count is the directory total for the same filters, concept included', async () => {
    for (const q of [`concept=${parent}`, `concept=${child}`, `concept=${parent}&cluster=${slug}&category=company`]) {
      const rows = (await t.app.inject({ url: `/api/v1/map/provinces?${q}` })).json() as Row[];
      for (const r of rows) {
        const dir = (await t.app.inject({ url: `/api/v1/organisations?${q}&province=${r.acronym}&pageSize=1` })).json();
        assert.equal(r.members, dir.total, `${q} ${r.acronym}`);
      }
    }
  });

  test('page: an unknown concept is a 400 with the error beside the select', async () => {
    const res = await t.app.inject({ url: '/en/map?concept=stage.no-such-stage' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="concept-error"/);
    assert.match(res.body, /aria-invalid="true"/);
    assert.equal(parseMap(res.body).rows.length, 12);
  });
});
