import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import pg from 'pg';

export type Row = Record<string, unknown>;

/** The one database interface every query file receives: PGlite and PostgreSQL look the same. */
export type Db = {
  engine: 'pglite' | 'postgres';
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Multi-statement SQL without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction; nested calls reuse the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

// numeric and bigint come back as numbers on both engines (counts, money in euro, headcounts).
const numberParser = (v: string) => Number(v);
pg.types.setTypeParser(1700, numberParser);
pg.types.setTypeParser(20, numberParser);
// `date` stays a 'YYYY-MM-DD' string on both engines: no time-zone shifts.
pg.types.setTypeParser(1082, (v: string) => v);

export const pgliteExtensions = { pg_trgm, unaccent };
export const pgliteParsers = { 1700: numberParser, 20: numberParser, 1082: (v: string) => v };

export function pgliteDb(pglite: PGlite): Db {
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>, inTx: boolean): Db => ({
    engine: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      const res = await q.query<T>(sql, params as any[]);
      return res.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>) {
      if (inTx) return fn(wrap(q, true));
      return pglite.transaction((tx) => fn(wrap(tx as any, true)));
    },
    async close() {
      if (!inTx) await pglite.close();
    },
  });
  return wrap(pglite, false);
}

export function postgresDb(pool: pg.Pool): Db {
  const fromClient = (client: pg.PoolClient): Db => ({
    engine: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    transaction: (fn) => fn(fromClient(client)),
    async close() {},
  });
  return {
    engine: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(fromClient(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export async function openDb(opts: {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  onIdleError?: (err: Error) => void;
}): Promise<Db> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection that the server drops (restart, failover) must not take the process down: the pool replaces it.
    pool.on('error', (err) => opts.onIdleError?.(err));
    await pool.query('SELECT 1');
    return postgresDb(pool);
  }
  let dir: string | undefined;
  if (opts.dataDir && opts.dataDir !== 'memory://') {
    await mkdir(opts.dataDir, { recursive: true });
    dir = opts.dataDir;
  }
  // new PGlite(undefined, options) reads undefined as the options and drops the extensions: pass the options alone
  const options = { extensions: pgliteExtensions, parsers: pgliteParsers };
  const pglite = dir ? new PGlite(dir, options) : new PGlite(options);
  await pglite.waitReady;
  return pgliteDb(pglite);
}

/** Maps the PostgreSQL error codes that mean something to the domain. */
export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
