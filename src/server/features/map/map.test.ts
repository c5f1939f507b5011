import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import { listDirectory } from '../organisations/organisations.ts';
import { provinceShapes } from './map.geo.ts';
import { getMapPageData, legendClasses, listProvinceCounts, shadeClass } from './map.ts';

const LOMBARD = ['BG', 'BS', 'CO', 'CR', 'LC', 'LO', 'MB', 'MI', 'MN', 'PV', 'SO', 'VA'];
const byAcronym = (rows: { acronym: string; members: number }[]) => Object.fromEntries(rows.map((r) => [r.acronym, r.members]));

describe('map: members per province', () => {
  let db: Db;
  let slug: string;
  let otherSlug: string;
  before(async () => {
    db = await createTestDb();
    const cluster = await buildCluster(db);
    const other = await buildCluster(db);
    slug = cluster.slug;
    otherSlug = other.slug;
    // Milano 015146, Bergamo 016024, Cremona 019036, Roma 058091 (outside Lombardy).
    const add = async (seat: string, category: string, clusterId = cluster.id, status = 'active') => {
      const o = await buildOrganisation(db, { seatMunicipality: seat, category });
      await buildMembership(db, clusterId, o.id, { status });
      return o;
    };
    await add('015146', 'company');
    await add('015146', 'company');
    await add('015146', 'university');
    await add('016024', 'company');
    await add('019036', 'company', other.id);
    await add('016024', 'company', cluster.id, 'withdrawn');
    await add('058091', 'company');
    // Not a member at all.
    await buildOrganisation(db, { seatMunicipality: '015146' });
  });
  after(() => db.close());

  test('all 12 Lombard provinces, zeros included, counting only active members', async () => {
    const rows = await listProvinceCounts(db, {});
    assert.deepEqual(rows.map((r) => r.acronym).sort(), LOMBARD);
    assert.ok(rows.every((r) => r.regionCode === '03' && r.name.length > 0));
    const counts = byAcronym(rows);
    assert.equal(counts.MI, 3);
    assert.equal(counts.BG, 1);
    assert.equal(counts.CR, 1);
    assert.equal(counts.VA, 0);
  });

  test('filters by cluster and by category; an unknown cluster is NotFound', async () => {
    assert.deepEqual(byAcronym(await listProvinceCounts(db, { cluster: slug })), { ...byAcronym(await listProvinceCounts(db, {})), CR: 0 });
    assert.equal(byAcronym(await listProvinceCounts(db, { cluster: otherSlug })).CR, 1);
    const companies = byAcronym(await listProvinceCounts(db, { cluster: slug, category: 'company' }));
    assert.equal(companies.MI, 2);
    assert.equal(byAcronym(await listProvinceCounts(db, { category: 'university' })).MI, 1);
    await assert.rejects(listProvinceCounts(db, { cluster: 'no-such-cluster' }), NotFoundError);
  });

  test('each province count equals the directory total for the same filter and province', async () => {
    for (const filter of [{}, { cluster: slug }, { cluster: slug, category: 'company' as const }, { category: 'university' as const }]) {
      const rows = await listProvinceCounts(db, filter);
      for (const r of rows) {
        const dir = await listDirectory(db, { ...filter, province: r.acronym, page: 1, pageSize: 1 });
        assert.equal(r.members, dir.total, `${JSON.stringify(filter)} ${r.acronym}`);
      }
    }
  });

  test('an organisation with seats in two provinces counts in each, once in the region total', async () => {
    const cluster = await buildCluster(db);
    const o = await buildOrganisation(db, { seatMunicipality: '015146', legalSeatMunicipality: '016024' });
    await buildMembership(db, cluster.id, o.id);
    const data = await getMapPageData(db, { cluster: cluster.slug });
    const counts = byAcronym(data.provinces);
    assert.equal(counts.MI, 1);
    assert.equal(counts.BG, 1);
    assert.equal(data.regionMembers, 1);
  });

  test('shading: 0 is its own class, the largest count the darkest, the legend covers every count once', () => {
    assert.equal(shadeClass(0, 10), 0);
    assert.equal(shadeClass(1, 10), 1);
    assert.equal(shadeClass(5, 10), 2);
    assert.equal(shadeClass(6, 10), 3);
    assert.equal(shadeClass(10, 10), 4);
    assert.equal(shadeClass(1, 1), 4);
    for (const max of [1, 2, 3, 4, 7, 10, 101]) {
      const legend = legendClasses(max);
      for (let n = 0; n <= max; n++) {
        const holding = legend.filter((l) => l.from <= n && n <= l.to);
        assert.equal(holding.length, 1, `max ${max} n ${n}`);
        assert.equal(holding[0].shade, shadeClass(n, max), `max ${max} n ${n}`);
      }
    }
  });

  test('the boundaries project to 12 compact SVG paths inside the view box', async () => {
    const shapes = await provinceShapes();
    assert.deepEqual(shapes.map((s) => s.acronym).sort(), LOMBARD);
    for (const s of shapes) {
      assert.match(s.d, /^M[\d.]+,[\d.]+L/);
      assert.doesNotMatch(s.d, /\.\d{2}/, 'coordinates rounded to one decimal');
      const nums = s.d.match(/-?[\d.]+/g)!.map(Number);
      assert.ok(nums.every((v) => v >= -1 && v <= 601), `${s.acronym} inside the view box`);
      assert.ok(s.labelX > 0 && s.labelX < 600 && s.labelY > 0 && s.labelY < 560);
    }
    // Milano lies south-west of Bergamo, Sondrio north of both.
    const at = Object.fromEntries(shapes.map((s) => [s.acronym, s]));
    assert.ok(at.MI.labelX < at.BG.labelX && at.MI.labelY > at.BG.labelY);
    assert.ok(at.SO.labelY < at.BG.labelY && at.SO.labelY < at.MI.labelY);
  });
});
