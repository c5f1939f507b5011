/**
 * `node --import tsx bench/requirements.ts`: the S5 figure alone — evaluateRequirements on the 10k-member cluster
 * that `npm run bench` generates (same data, bench/run.ts's generate()), without the whole bench's other load runs.
 * PGlite in a temporary folder, or PostgreSQL when DATABASE_URL is set (a fresh database filiera_bench_req_<pid> on
 * that server, dropped at the end). RUNS (default 600) evaluations one at a time after 50 to warm up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, openDb } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { loadReferenceData } from '../src/server/db/reference-data.ts';
import { evaluateRequirements } from '../src/server/features/requirements/requirements.ts';
import { generate } from './run.ts';
import { pct } from './timing.ts';

const RUNS = Number(process.env.RUNS ?? 600);

let db: Db;
let cleanup: () => Promise<void>;
if (process.env.DATABASE_URL) {
  const admin = new URL(process.env.DATABASE_URL);
  admin.pathname = '/postgres';
  const name = `filiera_bench_req_${process.pid}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  db = await openDb({ databaseUrl: url.toString() });
  cleanup = async () => {
    await db.close();
    await run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
} else {
  const dir = await mkdtemp(join(tmpdir(), 'filiera-bench-req-'));
  db = await openDb({ dataDir: dir });
  cleanup = async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  };
}
try {
  await migrate(db);
  await loadReferenceData(db);
  const clusterId = await generate(db);
  let queries = 0;
  const counting: Db = { ...db, query: (sql, params) => (queries++, db.query(sql, params)) };
  const results = await evaluateRequirements(counting, clusterId);
  for (let i = 0; i < 50; i++) await evaluateRequirements(db, clusterId);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await evaluateRequirements(db, clusterId);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${db.engine}: ${results.length} requirements, ${queries} ${queries === 1 ? 'query' : 'queries'}; ${RUNS} runs p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`,
  );
} finally {
  await cleanup();
}
