import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDb } from '../testing/db.ts';
import { openDb } from './db.ts';
import { migrate } from './migrate.ts';

test('migrations are applied once: running them again changes nothing', async () => {
  const db = await createTestDb();
  try {
    assert.deepEqual(await migrate(db), []);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migration');
    assert.ok(row.n >= 4);
  } finally {
    await db.close();
  }
});

test('the size class is computed, never typed, and only for companies and consortia', async () => {
  const db = await createTestDb();
  try {
    const sizeOf = async (category: string | null, staff: number | null, turnover: number | null, balance: number | null) => {
      const [row] = await db.query<{ size_class: string | null }>(
        `INSERT INTO organisation (legal_name, category, staff_headcount, annual_turnover_eur, balance_sheet_eur)
         VALUES ('x', $1, $2, $3, $4) RETURNING size_class`,
        [category, staff, turnover, balance],
      );
      return row.size_class;
    };
    assert.equal(await sizeOf(null, 5, 100000, null), null);
    assert.equal(await sizeOf('university', 5000, null, null), null);
    assert.equal(await sizeOf('company', null, 100000, null), 'unknown');
    assert.equal(await sizeOf('company', 9, 2_000_000, null), 'micro');
    assert.equal(await sizeOf('company', 9, 5_000_000, 1_000_000), 'micro');
    assert.equal(await sizeOf('consortium', 49, 10_000_000, null), 'small');
    assert.equal(await sizeOf('company', 249, 60_000_000, 43_000_000), 'medium');
    assert.equal(await sizeOf('company', 250, 1, 1), 'large');
    await assert.rejects(db.query(`INSERT INTO organisation (legal_name, size_class) VALUES ('y', 'micro')`));
  } finally {
    await db.close();
  }
});

test('an in-memory embedded database (memory://) gets the extensions the migrations need', async () => {
  const db = await openDb({ dataDir: 'memory://' });
  try {
    assert.ok((await migrate(db)).length > 0);
    const [row] = await db.query<{ s: number }>("SELECT similarity('emulsione', 'emulsioni') AS s");
    assert.ok(row.s > 0.5);
  } finally {
    await db.close();
  }
});
