import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { loadReferenceData } from '../../db/reference-data.ts';
import { createTestDb } from '../../testing/db.ts';

describe('CosIng reference data', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('the Annexes and the inventory are loaded', async () => {
    const annexes = await db.query<{ annex: string; n: number }>('SELECT annex, count(*)::int AS n FROM cosing_annex_entry GROUP BY annex');
    const counts = Object.fromEntries(annexes.map((r) => [r.annex, r.n]));
    assert.deepEqual(counts, { II: 1744, III: 373, IV: 154, V: 57, VI: 34 });
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cosing_ingredient');
    assert.ok(n >= 30000, `ingredients: ${n}`);
    const [water] = await db.query<{ cas_numbers: string[]; functions: string[] }>(
      `SELECT cas_numbers, functions FROM cosing_ingredient WHERE inci_name = 'AQUA'`,
    );
    assert.deepEqual(water.cas_numbers, ['7732-18-5']);
    assert.ok(water.functions.includes('SOLVENT'));
  });

  test('Annex rows keep their multi-line conditions and link to the INCI names they name', async () => {
    const [phenoxy] = await db.query<{ reference: string; max_concentration: string; cas_numbers: string[] }>(
      `SELECT e.reference, e.max_concentration, e.cas_numbers FROM cosing_annex_entry e
         JOIN cosing_annex_ingredient l USING (annex, reference, seq)
        WHERE l.inci_name = 'PHENOXYETHANOL' AND e.annex = 'V'`,
    );
    assert.equal(phenoxy.reference, '29');
    assert.equal(phenoxy.max_concentration, '1.0%');
    assert.deepEqual(phenoxy.cas_numbers, ['122-99-6']);
    // A name holding a comma is not split in two: Annex III ref. 242 names 2,4-DIAMINOPHENOXYETHANOL HCL.
    const linked = await db.query<{ inci_name: string }>(
      `SELECT inci_name FROM cosing_annex_ingredient WHERE annex = 'III' AND reference = '242' ORDER BY inci_name`,
    );
    assert.ok(linked.some((r) => r.inci_name === '2,4-DIAMINOPHENOXYETHANOL HCL'), JSON.stringify(linked));
    // Repeated reference numbers are all kept (Annex II no. 38 lists three substances).
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cosing_annex_entry WHERE annex = 'II' AND reference = '38'`);
    assert.equal(n, 3);
  });

  test('an unchanged file is skipped; a changed hash reloads without duplicating', async () => {
    const [first] = await db.query<{ loaded_at: Date }>(`SELECT loaded_at FROM reference_load WHERE name = 'cosing'`);
    await loadReferenceData(db);
    const [again] = await db.query<{ loaded_at: Date }>(`SELECT loaded_at FROM reference_load WHERE name = 'cosing'`);
    assert.equal(again.loaded_at.getTime(), first.loaded_at.getTime());
    await db.query(`UPDATE reference_load SET hash = 'stale' WHERE name = 'cosing'`);
    await db.query(`UPDATE cosing_annex_entry SET max_concentration = 'edited' WHERE annex = 'V' AND reference = '29'`);
    const started = performance.now();
    await loadReferenceData(db);
    const ms = performance.now() - started;
    const [reloaded] = await db.query<{ hash: string; loaded_at: Date }>(`SELECT hash, loaded_at FROM reference_load WHERE name = 'cosing'`);
    assert.notEqual(reloaded.hash, 'stale');
    const [entry] = await db.query<{ max_concentration: string }>(
      `SELECT max_concentration FROM cosing_annex_entry WHERE annex = 'V' AND reference = '29'`,
    );
    assert.notEqual(entry.max_concentration, 'edited');
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cosing_annex_entry`);
    assert.equal(n, 1744 + 373 + 154 + 57 + 34);
    assert.ok(ms < 30000, `reload took ${ms} ms`);
  });
});
