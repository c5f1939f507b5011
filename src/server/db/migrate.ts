import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies the numbered SQL files in order, each in its own transaction, once. */
export async function migrate(db: Db, log: (msg: string) => void = () => {}): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    // Several instances may start together: one migrates, the others wait (no-op on PGlite's single connection).
    if (tx.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(727274)');
    const done = new Map(
      (await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migration')).map((r) => [
        r.name,
        r.checksum,
      ]),
    );
    for (const file of files) {
      const sql = await readFile(migrationsDir + file, 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const seen = done.get(file);
      if (seen) {
        if (seen !== checksum) throw new Error(`Migration ${file} was edited after it was applied`);
        continue;
      }
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)', [file, checksum]);
      applied.push(file);
      log(`migration applied: ${file}`);
    }
  });
  return applied;
}
