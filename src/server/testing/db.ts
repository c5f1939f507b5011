import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type Db, pgliteDb, pgliteExtensions, pgliteParsers, postgresDb } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { dataDir, loadReferenceData, referenceDataFiles } from '../db/reference-data.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = `${root}.cache/`;
const migrationsDir = fileURLToPath(new URL('../db/migrations/', import.meta.url));

/** Which engine the suite runs on: PostgreSQL when DATABASE_URL is set, PGlite otherwise. */
export const testEngine: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function schemaHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of (await readdir(migrationsDir)).sort()) hash.update(f).update(await readFile(migrationsDir + f));
  hash.update(await readFile(fileURLToPath(new URL('../db/reference-data.ts', import.meta.url))));
  for (const f of referenceDataFiles()) {
    hash.update(await readFile(dataDir + f));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A migrated template with reference data, made once per schema: a PGlite dump file, or on PostgreSQL
 * the database named by DATABASE_URL itself (each test file then copies it with CREATE DATABASE … TEMPLATE).
 */
export async function prepareTemplate(): Promise<void> {
  if (testEngine === 'postgres') {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const db = postgresDb(pool);
    await migrate(db);
    await loadReferenceData(db);
    await db.close();
    return;
  }
  const file = `${cacheDir}pglite-template-${await schemaHash()}.tar.gz`;
  try {
    await readFile(file);
    return;
  } catch {}
  const pglite = new PGlite({ extensions: pgliteExtensions, parsers: pgliteParsers });
  const db = pgliteDb(pglite);
  await migrate(db);
  await loadReferenceData(db);
  const dump = await pglite.dumpDataDir('gzip');
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
  await import('node:fs/promises').then((fs) => fs.rename(tmp, file));
  await pglite.close();
}

/** A fresh database for one test file: the real engine, never a mock. */
export async function createTestDb(): Promise<Db> {
  if (testEngine === 'postgres') {
    const url = new URL(process.env.DATABASE_URL as string);
    const template = url.pathname.slice(1);
    const name = `${template}_t${process.pid}_${randomBytes(3).toString('hex')}`;
    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        // Another test file may be copying the template at this very moment.
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 5 });
    // DROP DATABASE … WITH (FORCE) at the end terminates idle connections; that is expected here.
    pool.on('error', () => {});
    const db = postgresDb(pool);
    return {
      ...db,
      async close() {
        await pool.end();
        const a = new pg.Client({ connectionString: adminUrl.toString() });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await a.end();
      },
    };
  }
  await prepareTemplate();
  const dump = await readFile(`${cacheDir}pglite-template-${await schemaHash()}.tar.gz`);
  const pglite = new PGlite({
    loadDataDir: new Blob([dump]),
    extensions: pgliteExtensions,
    parsers: pgliteParsers,
  });
  await pglite.waitReady;
  return pgliteDb(pglite);
}

/**
 * An empty database for a test that runs Filiera as a separate process: a PGlite folder, or on
 * PostgreSQL a fresh database on the server of DATABASE_URL. The process migrates it itself.
 */
export async function createEmptyDatabase(): Promise<{ env: Record<string, string>; open(): Promise<Db>; drop(): Promise<void> }> {
  if (testEngine === 'postgres') {
    const url = new URL(process.env.DATABASE_URL as string);
    const name = `${url.pathname.slice(1)}_p${process.pid}_${randomBytes(3).toString('hex')}`;
    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: dbUrl.toString() },
      open: async () => postgresDb(new pg.Pool({ connectionString: dbUrl.toString(), max: 2 })),
      async drop() {
        const a = new pg.Client({ connectionString: adminUrl.toString() });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(`${tmpdir()}/filiera-test-`);
  return {
    env: { FILIERA_DATA_DIR: dir, DATABASE_URL: '' },
    async open() {
      const pglite = new PGlite(dir, { extensions: pgliteExtensions, parsers: pgliteParsers });
      await pglite.waitReady;
      return pgliteDb(pglite);
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
