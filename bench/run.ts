/**
 * `npm run bench`: speed figures of TARGETS.md (S1–S7) measured in one run on this machine.
 * Every speed target is a ratio against a baseline measured in the same run; absolute figures are printed
 * for information. PGlite always; PostgreSQL too when DATABASE_URL is set (a fresh database
 * filiera_bench_<pid> is created on that server and dropped at the end).
 *
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 32) tune the load runs.
 * S4 (bench/search.ts) generates BENCH_SEARCH_ORGS organisations (default 100,000) on PostgreSQL and
 * BENCH_SEARCH_ORGS_PGLITE (default 100,000 too; indexing them takes a few minutes on PGlite) on PGlite;
 * the size used is printed and written with the figures. BENCH_SEARCH_BUDGET_S caps each timed series.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { benchImport } from './import.ts';
import { MATCH_DOCS, MATCH_DOCS_PGLITE, benchMatch } from './match.ts';
import { SEARCH_ORGS, benchSearch } from './search.ts';
import { loadConfig } from '../src/server/config.ts';
import { type Db, openDb } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { loadReferenceData } from '../src/server/db/reference-data.ts';
import { evaluateRequirements } from '../src/server/features/requirements/requirements.ts';
import { createMemoryMailer } from '../src/server/lib/mail.ts';
import { pct } from './timing.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ORGS = 10_000;
const EVAL_RUNS = 200;
const FILTER = 'category=company&province=MI&page=3';

type Load = { rps: number; requests: number; p50: number; p95: number; p99: number; statuses: Record<string, number>; errors: number; timeouts: number };
type EngineResult = {
  engine: 'pglite' | 'postgres';
  setupSeconds: number;
  rows: { organisations: number; activeMemberships: number; filteredTotal: number; pageItems: number };
  load: Record<'api' | 'page' | 'select1' | 'indexedSelect' | 'bare', Load>;
  ratios: { apiToSelect1: number; pageToSelect1: number; apiToIndexedSelect: number; pageToIndexedSelect: number };
  requirements: { runs: number; p50: number; p95: number; max: number; queriesPerEvaluation: number; requirements: number };
  import: Awaited<ReturnType<typeof benchImport>>;
  memory: { rssUnderLoad: number | null; rssWithSearchData: number };
  pageWeight: Awaited<ReturnType<typeof pageWeights>>;
  search: Awaited<ReturnType<typeof benchSearch>>;
  match: Awaited<ReturnType<typeof benchMatch>>;
};
const SEARCH_ORGS_PGLITE = Number(process.env.BENCH_SEARCH_ORGS_PGLITE ?? 100_000);

const log = (msg: string) => console.log(`[bench] ${msg}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function runLoad(url: string, seconds = SECONDS): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/load.ts'), url, String(CONNECTIONS), String(seconds)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load run for ${url} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() as string));
    });
  });
}

async function measure(name: string, url: string): Promise<Load> {
  await runLoad(url, 2); // warm-up: JIT, query plans, connection pool
  const r = await runLoad(url);
  const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
  log(`${name.padEnd(16)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p95 ${r.p95} ms  p99 ${r.p99} ms${bad.length ? `  NON-200: ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
  if (bad.length || r.errors) throw new Error(`${name}: responses other than 200 (${JSON.stringify(r.statuses)}, ${r.errors} errors)`);
  return r;
}

/** 10,000 clearly synthetic organisations in a few INSERT … SELECT statements, all active members of one cluster. */
export async function generate(db: Db): Promise<string> {
  await db.query(
    `INSERT INTO organisation (legal_name, category, staff_headcount, annual_turnover_eur, balance_sheet_eur, description_it, description_en, verified)
     SELECT 'Bench Org ' || lpad(g::text, 5, '0'),
            (ARRAY['company','company','company','company','company','consortium','university','research_institute',
                   'irccs','trade_association','chamber_of_commerce','public_institution','private_institution','hospital'])[1 + g % 14],
            (g * 7) % 400, ((g * 7) % 400) * 120000, ((g * 7) % 400) * 90000,
            'Organizzazione sintetica generata per il benchmark n. ' || g,
            'Synthetic organisation generated for the benchmark no. ' || g,
            g % 3 = 0
       FROM generate_series(1, $1::int) AS g`,
    [ORGS],
  );
  // Operational seats in Lombard municipalities; three in ten in the province of Milan.
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY legal_name) - 1 AS n FROM organisation WHERE legal_name LIKE 'Bench Org %'),
          lom AS (SELECT m.istat_code, p.acronym = 'MI' AS milan,
                         row_number() OVER (PARTITION BY p.acronym = 'MI' ORDER BY m.istat_code) - 1 AS n
                    FROM municipality m JOIN province p ON p.code = m.province_code WHERE p.region_code = '03'),
          counts AS (SELECT milan, count(*) AS c FROM lom GROUP BY milan)
     INSERT INTO seat (organisation_id, kind, municipality_code)
     SELECT o.id, 'operational', lom.istat_code
       FROM o JOIN counts c ON c.milan = (o.n % 10 < 3)
       JOIN lom ON lom.milan = c.milan AND lom.n = (o.n * 7919) % c.c`,
  );
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY legal_name) - 1 AS n FROM organisation WHERE legal_name LIKE 'Bench Org %'),
          a AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM ateco
                 WHERE level = (SELECT max(level) FROM ateco) AND (code LIKE '20.%' OR code LIKE '21.%' OR code LIKE '46.%' OR code LIKE '72.%')),
          ac AS (SELECT count(*) AS c FROM a)
     INSERT INTO organisation_ateco (organisation_id, ateco_code, is_primary)
     SELECT o.id, a.code, true FROM o CROSS JOIN ac JOIN a ON a.n = o.n % ac.c`,
  );
  const [cluster] = await db.query<{ id: string }>(
    `INSERT INTO cluster (slug, name_it, name_en, association_name, legal_form, legal_personality, partnership_agreement_signed_on)
     VALUES ('bench', 'Cluster sintetico del benchmark', 'Synthetic benchmark cluster', 'Associazione sintetica', 'Associazione', true, '2026-01-15')
     RETURNING id`,
  );
  await db.query(
    `INSERT INTO membership (cluster_id, organisation_id, role, status, is_leader_company, leader_reason)
     SELECT $1, id,
            CASE WHEN legal_name = 'Bench Org 00001' THEN 'capofila' WHEN legal_name < 'Bench Org 00020' THEN 'promoter' ELSE 'member' END,
            'active', legal_name IN ('Bench Org 00005', 'Bench Org 00010'),
            CASE WHEN legal_name IN ('Bench Org 00005', 'Bench Org 00010') THEN 'Synthetic leader for the benchmark' END
       FROM organisation WHERE legal_name LIKE 'Bench Org %'`,
    [cluster.id],
  );
  await db.query(
    `UPDATE cluster SET capofila_organisation_id = (SELECT id FROM organisation WHERE legal_name = 'Bench Org 00001') WHERE id = $1`,
    [cluster.id],
  );
  await db.exec('ANALYZE');
  return cluster.id;
}

/** Counts the queries a function sends, to check "≤ 1 indexed query per requirement". */
function countingDb(db: Db): { db: Db; count: () => number; reset: () => void } {
  let n = 0;
  const wrap = (d: Db): Db => ({
    ...d,
    query: (sql, params) => {
      n++;
      return d.query(sql, params);
    },
    transaction: (fn) => d.transaction((tx) => fn(wrap(tx))),
  });
  return { db: wrap(db), count: () => n, reset: () => (n = 0) };
}


const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/**
 * S8: what public pages weigh, gzipped (level 9): the HTML plus the stylesheets and scripts it links (fonts and
 * images apart, as TARGETS.md counts). The pages: those the home page and the directory link to (the navigation,
 * the clusters, the first organisations' pages), at most 40.
 */
async function pageWeights(base: string) {
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual' });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };
  const linked = async (path: string) => [...(await get(path)).body.toString().matchAll(/href="(\/it(?:\/[a-z0-9-]+)*)"/g)].map((m) => m[1]);
  const paths = [...new Set(['/it', '/en', ...(await linked('/it')), ...(await linked('/it/organisations'))])].slice(0, 40);
  const gz = (body: string | Buffer) => gzipSync(body, { level: 9 }).length;
  const assets = new Map<string, number>();
  const weigh = async (href: string) => {
    if (!assets.has(href)) {
      const asset = await get(href);
      if (asset.status !== 200) throw new Error(`page weight: ${href} answered ${asset.status}`);
      assets.set(href, gz(asset.body));
    }
    return assets.get(href) as number;
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const pages: { path: string; html: number; css: number; js: number; total: number }[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    const page = await get(path);
    if (page.status !== 200) {
      skipped.push(`${path} (${page.status})`);
      continue;
    }
    const html = page.body.toString();
    const tags = [...html.matchAll(/<(link|script)\b[^>]*>/g)].map((m) => m[0]);
    const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(tag)?.[1];
    const css = sum(await Promise.all(tags.filter((t) => t.startsWith('<link') && attr(t, 'rel') === 'stylesheet').map((t) => weigh(attr(t, 'href') as string))));
    const js = sum(await Promise.all(tags.filter((t) => t.startsWith('<script') && attr(t, 'src')).map((t) => weigh(attr(t, 'src') as string))));
    pages.push({ path, html: gz(html), css, js, total: gz(html) + css + js });
  }
  const heaviest = pages.reduce((a, b) => (b.total > a.total ? b : a));
  return { pages, skipped, heaviest, maxJs: Math.max(...pages.map((p) => p.js)) };
}

async function benchEngine(engine: 'pglite' | 'postgres'): Promise<EngineResult> {
  log(`── ${engine} ──`);
  const started = performance.now();
  let db: Db;
  let dbUrl: string | undefined;
  let cleanup: () => Promise<void>;
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'filiera-bench-'));
    db = await openDb({ dataDir: dir });
    cleanup = async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    };
  } else {
    const serverUrl = new URL(process.env.DATABASE_URL as string);
    const admin = new URL(serverUrl);
    admin.pathname = '/postgres';
    const name = `filiera_bench_${process.pid}`;
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    dbUrl = url.toString();
    db = await openDb({ databaseUrl: dbUrl });
    cleanup = async () => {
      await db.close();
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  }
  try {
    await migrate(db);
    await loadReferenceData(db);
    const t0 = performance.now();
    const clusterId = await generate(db);
    const [counts] = await db.query<{ organisations: number; active: number }>(
      `SELECT (SELECT count(*)::int FROM organisation) AS organisations,
              (SELECT count(*)::int FROM membership WHERE cluster_id = $1 AND status = 'active') AS active`,
      [clusterId],
    );
    log(`${counts.organisations} organisations, ${counts.active} active memberships generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00',
      FILIERA_DEMO: '0',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://127.0.0.1',
    });
    const app = await buildApp({ config, db, mailer: createMemoryMailer(), logger: false });
    const appPort = await freePort();
    await app.listen({ host: '127.0.0.1', port: appPort });

    // The baselines live on a bare Fastify instance (not the product app) over the same Db.
    const [{ id: someId }] = await db.query<{ id: string }>(`SELECT id FROM organisation WHERE legal_name = 'Bench Org 05000'`);
    const bare = Fastify({ logger: false });
    bare.get('/select1', async () => {
      const [row] = await db.query<{ one: number }>('SELECT 1 AS one');
      return { one: row.one };
    });
    bare.get('/indexed', async () => {
      const [row] = await db.query<{ id: string; legal_name: string }>('SELECT id, legal_name FROM organisation WHERE id = $1', [someId]);
      return row;
    });
    bare.get('/hello', async () => ({ hello: 'world' }));
    const barePort = await freePort();
    await bare.listen({ host: '127.0.0.1', port: barePort });

    const api = `http://127.0.0.1:${appPort}/api/v1/organisations?${FILTER}`;
    const check = await fetch(api);
    if (check.status !== 200) throw new Error(`GET ${api} → ${check.status}: ${(await check.text()).slice(0, 300)}`);
    const body = (await check.json()) as { items: unknown[]; total: number };
    log(`filtered page: ${body.items.length} items of ${body.total} matching (${FILTER})`);

    const pageUrl = `http://127.0.0.1:${appPort}/it/organisations?${FILTER}`;
    const pageCheck = await fetch(pageUrl);
    if (pageCheck.status !== 200) throw new Error(`GET ${pageUrl} → ${pageCheck.status}`);
    const load = {
      api: await measure('API filtered', api),
      page: await measure('directory page', pageUrl),
      select1: await measure('bare SELECT 1', `http://127.0.0.1:${barePort}/select1`),
      indexedSelect: await measure('bare indexed', `http://127.0.0.1:${barePort}/indexed`),
      bare: await measure('bare no query', `http://127.0.0.1:${barePort}/hello`),
    };
    const weight = await pageWeights(`http://127.0.0.1:${appPort}`);
    log(
      `page weight      ${weight.pages.length} public pages; heaviest ${weight.heaviest.path}: ${kb(weight.heaviest.total)} KB gzipped ` +
        `(HTML ${kb(weight.heaviest.html)}, CSS ${kb(weight.heaviest.css)}, JS ${kb(weight.heaviest.js)})` +
        (weight.skipped.length ? `; not weighed: ${weight.skipped.join(', ')}` : ''),
    );
    await app.close();
    await bare.close();
    // S9 on PostgreSQL: the peak resident memory of `npm start`'s server process, over the same database, under the
    // API's and the directory page's load.
    const rssUnderLoad = engine === 'postgres' ? await serverPeakRss(dbUrl as string) : null;
    if (rssUnderLoad !== null) log(`memory           server process peak RSS under load: ${mb(rssUnderLoad)} MB`);

    // Requirement evaluation of the 10k-member cluster, one evaluation at a time.
    const counting = countingDb(db);
    const first = await evaluateRequirements(counting.db, clusterId);
    const queries = counting.count();
    const times: number[] = [];
    for (let i = 0; i < EVAL_RUNS; i++) {
      const t = performance.now();
      await evaluateRequirements(db, clusterId);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const requirements = {
      runs: EVAL_RUNS,
      p50: pct(times, 50),
      p95: pct(times, 95),
      max: times[times.length - 1],
      queriesPerEvaluation: queries,
      requirements: first.length,
    };
    log(`requirements     ${first.length} requirements, ${queries} queries; p50 ${requirements.p50.toFixed(2)} ms  p95 ${requirements.p95.toFixed(2)} ms over ${EVAL_RUNS} runs`);

    const imported = await benchImport(db, clusterId);
    log(
      `import           ${imported.rows} CSV rows (${imported.badRowsReported} bad, all reported): dry run ${imported.dryRunSeconds.toFixed(2)} s, apply ${imported.applySeconds.toFixed(2)} s, ${imported.rowsPerSecond.toFixed(0)} rows/s`,
    );

    const searched = await benchSearch(db, log, engine === 'pglite' ? SEARCH_ORGS_PGLITE : SEARCH_ORGS);
    // S9 on PGlite: the bench process holds the database as a server would, and the bench's own data besides: its
    // peak resident memory so far (loads, generation, indexing and search over S4's organisations) bounds a server's.
    const rssWithSearchData = process.resourceUsage().maxRSS * 1024;
    log(`memory           bench process peak RSS up to the search over ${searched.organisations.toLocaleString('en')} organisations and their competences: ${mb(rssWithSearchData)} MB`);
    // matchmaking ranking (docs/matching.md): profile documents next to S4's organisations
    const matched = await benchMatch(db, log, engine === 'pglite' ? MATCH_DOCS_PGLITE : MATCH_DOCS);

    return {
      engine,
      setupSeconds: (performance.now() - started) / 1000,
      rows: { organisations: counts.organisations, activeMemberships: counts.active, filteredTotal: body.total, pageItems: body.items.length },
      load,
      ratios: {
        apiToSelect1: load.api.rps / load.select1.rps,
        pageToSelect1: load.page.rps / load.select1.rps,
        apiToIndexedSelect: load.api.rps / load.indexedSelect.rps,
        pageToIndexedSelect: load.page.rps / load.indexedSelect.rps,
      },
      requirements,
      import: imported,
      memory: { rssUnderLoad, rssWithSearchData },
      pageWeight: weight,
      search: searched,
      match: matched,
    };
  } finally {
    await cleanup();
  }
}

/**
 * Spawns the real server (`node --import tsx src/server/main.ts serve`: what `npm start` runs, without tsx's wrapper
 * process) with `env`, waits for
 * the first 200 of /health, runs `whileUp` with its port, pid and the seconds it took to be ready, then stops it.
 */
async function withServer<T>(env: NodeJS.ProcessEnv, whileUp: (s: { port: number; pid: number; readySeconds: number }) => Promise<T>): Promise<T> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr.slice(-500)}`);
      if (performance.now() - started > 60_000) throw new Error('server not ready after 60 s');
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return await whileUp({ port, pid: child.pid as number, readySeconds: (performance.now() - started) / 1000 });
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

/** Peak resident memory (VmHWM) of the server process on PostgreSQL while the API and the directory page are loaded. */
async function serverPeakRss(databaseUrl: string): Promise<number> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', PUBLIC_URL: 'http://127.0.0.1', FILIERA_DEMO: '0' };
  return withServer(env, async ({ port, pid }) => {
    for (const url of [`http://127.0.0.1:${port}/api/v1/organisations?${FILTER}`, `http://127.0.0.1:${port}/it/organisations?${FILTER}`]) {
      const r = await runLoad(url);
      if (Object.keys(r.statuses).some((s) => s !== '200') || r.errors) throw new Error(`${url}: responses other than 200 (${JSON.stringify(r.statuses)})`);
    }
    const kib = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    if (!kib) throw new Error('no VmHWM in /proc/<pid>/status');
    return Number(kib[1]) * 1024;
  });
}

/** Times `npm start`'s server to the first 200 of /health on PGlite (a new or an existing data folder). */
async function coldStart(dataDir: string, demo: boolean): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, FILIERA_DATA_DIR: dataDir, FILIERA_DEMO: demo ? '1' : '0' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  return withServer(env, async ({ readySeconds }) => readySeconds);
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function main() {
  const benchStarted = performance.now();
  const engines: ('pglite' | 'postgres')[] = ['pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  log(`${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; ${CONNECTIONS} connections × ${SECONDS} s per load run`);
  const results: EngineResult[] = [];
  for (const e of engines) results.push(await benchEngine(e));

  log('── cold start (PGlite, npm start) ──');
  const dir = await mkdtemp(join(tmpdir(), 'filiera-cold-'));
  let cold: { emptyWithDemo: number; existing: number[] };
  try {
    const emptyWithDemo = await coldStart(dir, true);
    log(`empty folder + demo data: ${emptyWithDemo.toFixed(2)} s to first 200`);
    const existing: number[] = [];
    for (let i = 0; i < 3; i++) existing.push(await coldStart(dir, true));
    log(`existing folder: ${existing.map((s) => s.toFixed(2)).join(' / ')} s to first 200`);
    cold = { emptyWithDemo, existing };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const existingMedian = [...cold.existing].sort((a, b) => a - b)[1];

  const pgR = results.find((r) => r.engine === 'postgres');
  const liteR = results.find((r) => r.engine === 'pglite') as EngineResult;
  const targets = [
    pgR && { id: 'S1', what: 'API ≥ 50 % of SELECT 1 baseline, p99 < 20 ms (PostgreSQL)', value: `${fmt(pgR.ratios.apiToSelect1 * 100)} %, p99 ${pgR.load.api.p99} ms`, ok: pgR.ratios.apiToSelect1 >= 0.5 && pgR.load.api.p99 < 20 },
    { id: 'S2', what: 'API ≥ 80 % of the indexed-SELECT baseline (PGlite)', value: `${fmt(liteR.ratios.apiToIndexedSelect * 100)} % (of SELECT 1: ${fmt(liteR.ratios.apiToSelect1 * 100)} %)`, ok: liteR.ratios.apiToIndexedSelect >= 0.8 },
    pgR && { id: 'S3', what: 'directory page ≥ 40 % of SELECT 1 baseline (PostgreSQL)', value: `${fmt(pgR.ratios.pageToSelect1 * 100)} %`, ok: pgR.ratios.pageToSelect1 >= 0.4 },
    ...results.map((r) => ({
      id: 'S5',
      what: `requirements of a 10k-member cluster: ≤ 1 query per requirement${r.engine === 'postgres' ? ', p95 ≤ 10 ms' : ''} (${r.engine})`,
      value: `${r.requirements.queriesPerEvaluation} queries for ${r.requirements.requirements} requirements, p95 ${fmt(r.requirements.p95, 2)} ms`,
      ok: r.requirements.queriesPerEvaluation <= r.requirements.requirements && (r.engine !== 'postgres' || r.requirements.p95 <= 10),
    })),
    ...results.map((r) => {
      const limit = r.engine === 'postgres' ? 60 : 150;
      const size = r.search.organisations >= 100_000 ? '' : ` — MEASURED AT ${r.search.organisations.toLocaleString('en')} ORGANISATIONS, not 100k`;
      return {
        id: 'S4',
        what: `competence search (facets) ≤ 3 × ranked full-text top 20, p95 ≤ ${limit} ms (${r.engine}${size})`,
        value: `slowest query p95 ${fmt(r.search.worstP95, 1)} ms vs baseline ${fmt(r.search.baseline.p95, 1)} ms (× ${fmt(r.search.ratioP95, 1)}); indexing ${fmt(r.search.documentsPerSecond)} documents/s`,
        ok: r.search.organisations >= 100_000 && r.search.ratioP95 <= 3 && r.search.worstP95 <= limit,
      };
    }),
    ...results.map((r) => {
      const limit = r.engine === 'postgres' ? 60 : 150;
      const m = r.match;
      return {
        id: 'S4',
        what: `matchmaking ≤ 3 × ranked full-text top 20, p95 ≤ ${limit} ms (${r.engine}, ${m.documents.toLocaleString('en')} documents)`,
        value: `slowest need p95 ${fmt(m.worstP95, 1)} ms vs baseline ${fmt(m.baseline.p95, 1)} ms (× ${fmt(m.ratioP95, 2)}); indexDocument ${fmt(m.indexDocument.documentsPerSecond)} documents/s`,
        ok: m.documents >= 100_000 && m.ratioP95 <= 3 && m.worstP95 <= limit,
      };
    }),
    {
      id: 'S8',
      what: 'page weight of every public page of the navigation: HTML + CSS + JS ≤ 150 KB gzipped, JS ≤ 30 KB',
      value: `heaviest ${liteR.pageWeight.heaviest.path} ${kb(liteR.pageWeight.heaviest.total)} KB, JS at most ${kb(liteR.pageWeight.maxJs)} KB (${liteR.pageWeight.pages.length} pages)`,
      ok: liteR.pageWeight.heaviest.total <= 150 * 1024 && liteR.pageWeight.maxJs <= 30 * 1024,
    },
    pgR && { id: 'S9', what: 'memory: RSS ≤ 300 MB on PostgreSQL under load (the server process, peak)', value: `${mb(pgR.memory.rssUnderLoad ?? NaN)} MB`, ok: (pgR.memory.rssUnderLoad ?? Infinity) <= 300 * 2 ** 20 },
    {
      id: 'S9',
      what: `memory: RSS ≤ 1.5 GB on PGlite with ${liteR.search.organisations.toLocaleString('en')} organisations and their competences (the bench process's peak, an upper bound)`,
      value: `${mb(liteR.memory.rssWithSearchData)} MB`,
      ok: liteR.search.organisations >= 100_000 && liteR.memory.rssWithSearchData <= 1.5 * 2 ** 30,
    },
    pgR && { id: 'S7', what: 'import of 10k organisations from CSV ≥ 2,000 rows/s, every bad row reported (PostgreSQL)', value: `${fmt(pgR.import.rowsPerSecond)} rows/s, ${pgR.import.badRowsReported} bad rows reported`, ok: pgR.import.rowsPerSecond >= 2000 && pgR.import.badRowsReported === pgR.import.rows / 50 },
    { id: 'S6', what: 'start on an existing data folder ≤ 3 s', value: `${fmt(existingMedian, 2)} s (median of 3)`, ok: existingMedian <= 3 },
    { id: 'S6', what: 'first start with demo data ≤ 10 s', value: `${fmt(cold.emptyWithDemo, 2)} s`, ok: cold.emptyWithDemo <= 10 },
  ].filter(Boolean) as { id: string; what: string; value: string; ok: boolean }[];

  console.log('\nThroughput and latency (autocannon, %d connections, %d s, load generator in its own process)', CONNECTIONS, SECONDS);
  console.log('engine    route                                   req/s     p50    p95    p99  (ms)');
  const labels: Record<keyof EngineResult['load'], string> = {
    api: `GET /api/v1/organisations?${FILTER}`.slice(0, 38),
    page: 'GET /it/organisations (same filters)',
    select1: 'bare route, SELECT 1',
    indexedSelect: 'bare route, one indexed SELECT',
    bare: 'bare route, no query',
  };
  for (const r of results) {
    for (const k of Object.keys(labels) as (keyof EngineResult['load'])[]) {
      const l = r.load[k];
      console.log(`${r.engine.padEnd(9)} ${labels[k].padEnd(38)} ${fmt(l.rps).padStart(7)} ${String(l.p50).padStart(7)} ${String(l.p95).padStart(6)} ${String(l.p99).padStart(6)}`);
    }
    console.log(
      `${r.engine.padEnd(9)} ratios: API/SELECT 1 ${fmt(r.ratios.apiToSelect1 * 100)} %, page/SELECT 1 ${fmt(r.ratios.pageToSelect1 * 100)} %, API/indexed ${fmt(r.ratios.apiToIndexedSelect * 100)} %, page/indexed ${fmt(r.ratios.pageToIndexedSelect * 100)} %`,
    );
  }
  console.log('\nTargets (TARGETS.md)');
  for (const t of targets) console.log(`  ${t.id}  ${pass(t.ok)}  ${t.what}: ${t.value}`);

  const out = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version },
    settings: { connections: CONNECTIONS, seconds: SECONDS, organisations: ORGS, evaluationRuns: EVAL_RUNS, filter: FILTER, searchOrganisations: { postgres: SEARCH_ORGS, pglite: SEARCH_ORGS_PGLITE }, matchDocuments: { postgres: MATCH_DOCS, pglite: MATCH_DOCS_PGLITE } },
    engines: results,
    coldStart: cold,
    targets,
    totalSeconds: (performance.now() - benchStarted) / 1000,
  };
  await writeFile(join(root, 'bench/last-run.json'), `${JSON.stringify(out, null, 2)}\n`);
  log(`written bench/last-run.json; whole run ${fmt(out.totalSeconds)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
