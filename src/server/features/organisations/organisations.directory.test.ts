import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import { listDirectory } from './organisations.ts';

const query = (q: Record<string, unknown>) => ({ page: 1, pageSize: 20, ...q }) as Parameters<typeof listDirectory>[1];

describe('directory derived columns and cached totals', () => {
  let db: Db;
  let slug: string;
  let clusterId: string;
  before(async () => {
    db = await createTestDb();
    const cluster = await buildCluster(db);
    slug = cluster.slug;
    clusterId = cluster.id;
  });
  after(() => db.close());

  test('memberships, seats and ATECO codes keep the filter columns in step, whatever writes them', async () => {
    const org = await buildOrganisation(db, { category: 'company', seatMunicipality: '019036', ateco: ['20.42.00'] });
    const read = async () =>
      (
        await db.query<{ active_cluster_ids: string[]; province_acronyms: string[]; ateco_sections: string[] }>(
          'SELECT active_cluster_ids, province_acronyms, ateco_sections FROM organisation WHERE id = $1',
          [org.id],
        )
      )[0];
    assert.deepEqual(await read(), { active_cluster_ids: [], province_acronyms: ['CR'], ateco_sections: ['C'] });
    const m = await buildMembership(db, clusterId, org.id);
    assert.deepEqual((await read()).active_cluster_ids, [clusterId]);
    await db.query(`UPDATE membership SET status = 'suspended' WHERE id = $1`, [m.id]);
    assert.deepEqual((await read()).active_cluster_ids, []);
    await db.query(`UPDATE membership SET status = 'active' WHERE id = $1`, [m.id]);
    await db.query(`UPDATE seat SET municipality_code = '015146' WHERE organisation_id = $1`, [org.id]);
    assert.deepEqual((await read()).province_acronyms, ['MI']);
    await db.query('DELETE FROM organisation_ateco WHERE organisation_id = $1', [org.id]);
    assert.deepEqual((await read()).ateco_sections, []);
  });

  test('the total is exact after every change, though it is not counted on every request', async () => {
    const before = await listDirectory(db, query({ cluster: slug, province: 'BG' }));
    assert.equal(before.total, 0);
    const a = await buildOrganisation(db, { legal_name: 'Alfa Bergamo', category: 'company', seatMunicipality: '016024' });
    await buildMembership(db, clusterId, a.id);
    const one = await listDirectory(db, query({ cluster: slug, province: 'BG' }));
    assert.equal(one.total, 1);
    assert.deepEqual(one.items.map((i) => i.legalName), ['Alfa Bergamo']);
    assert.deepEqual(one.items[0].provinces, ['BG']);
    assert.deepEqual(one.items[0].clusters, [slug]);
    await db.query(`UPDATE membership SET status = 'withdrawn' WHERE organisation_id = $1`, [a.id]);
    assert.equal((await listDirectory(db, query({ cluster: slug, province: 'BG' }))).total, 0);
    // A page past the end still reports the total.
    await db.query(`UPDATE membership SET status = 'active' WHERE organisation_id = $1`, [a.id]);
    const past = await listDirectory(db, query({ cluster: slug, province: 'BG', page: 5 }));
    assert.equal(past.items.length, 0);
    assert.equal(past.total, 1);
  });
});
