/**
 * S4 (TARGETS.md): competence search over 100k organisations with 5 validated public competences each.
 * The product's search() (facets included) is timed one query at a time against a baseline measured in the
 * same run on the same data: a ranked full-text query for one common word, top 20, directly on search_document
 * with the same tsvector column. Indexing goes through the search module's own stale queue (reindexStale).
 */
import type { Db } from '../src/server/db/db.ts';
import { readerOf } from '../src/server/features/competences/competences.ts';
import { reindexStale, search } from '../src/server/features/search/search.ts';
import { type Timing, timing } from './timing.ts';

export const SEARCH_ORGS = Number(process.env.BENCH_SEARCH_ORGS ?? 100_000);
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 100);
/** Time budget per measured series (seconds): a slow engine stops early (at least 3 runs) and says how many runs it made. */
const BUDGET_MS = Number(process.env.BENCH_SEARCH_BUDGET_S ?? 60) * 1000;
const QUERIES: { q: string; lang: 'it' | 'en' }[] = [
  { q: 'emolliente', lang: 'it' },
  { q: 'stability testing', lang: 'en' },
  { q: 'conto terzi', lang: 'it' },
  { q: 'packaging', lang: 'en' },
];
/** The common word of the baseline: every synthetic description contains it (one in five competences). */
const COMMON_WORD = 'laboratorio';

export type SearchBench = {
  organisations: number;
  competences: number;
  generateSeconds: number;
  documentsIndexed: number;
  indexSeconds: number;
  documentsPerSecond: number;
  queries: (Timing & { q: string; lang: string; total: number })[];
  /** all runs pooled (the series can differ in length when the time budget cut them) */
  search: Timing;
  /** the slowest query's p95: the S4 figure */
  worstP95: number;
  baseline: Timing & { word: string; matching: number };
  ratioP95: number;
};


/** Clearly synthetic organisations, each an active member of one bench cluster, in a few INSERT … SELECT statements. */
async function generate(db: Db, n: number): Promise<string> {
  await db.query(
    `INSERT INTO organisation (legal_name, category, staff_headcount, annual_turnover_eur, balance_sheet_eur, description_it, description_en)
     SELECT 'Bench Search Org ' || lpad(g::text, 6, '0'),
            (ARRAY['company','company','company','company','consortium','university','research_institute','private_institution'])[1 + g % 8],
            (g * 7) % 400, ((g * 7) % 400) * 120000, ((g * 7) % 400) * 90000,
            'Organizzazione sintetica del benchmark di ricerca n. ' || g,
            'Synthetic organisation of the search benchmark no. ' || g
       FROM generate_series(1, $1::int) AS g`,
    [n],
  );
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY legal_name) - 1 AS n FROM organisation WHERE legal_name LIKE 'Bench Search Org %'),
          lom AS (SELECT m.istat_code, row_number() OVER (ORDER BY m.istat_code) - 1 AS n
                    FROM municipality m JOIN province p ON p.code = m.province_code WHERE p.region_code = '03'),
          c AS (SELECT count(*) AS c FROM lom)
     INSERT INTO seat (organisation_id, kind, municipality_code)
     SELECT o.id, 'operational', lom.istat_code FROM o CROSS JOIN c JOIN lom ON lom.n = (o.n * 7919) % c.c`,
  );
  const [cluster] = await db.query<{ id: string }>(
    `INSERT INTO cluster (slug, name_it, name_en, association_name, legal_form, legal_personality, partnership_agreement_signed_on)
     VALUES ('bench-search', 'Cluster sintetico del benchmark di ricerca', 'Synthetic search benchmark cluster', 'Associazione sintetica', 'Associazione', true, '2026-01-15')
     RETURNING id`,
  );
  await db.query(
    `INSERT INTO membership (cluster_id, organisation_id, role, status)
     SELECT $1, id, 'member', 'active' FROM organisation WHERE legal_name LIKE 'Bench Search Org %'`,
    [cluster.id],
  );
  // 5 validated public competences each; concepts drawn deterministically from the taxonomy, distinct per organisation.
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY legal_name) - 1 AS n FROM organisation WHERE legal_name LIKE 'Bench Search Org %'),
          k AS (SELECT id, label_it, label_en, row_number() OVER (ORDER BY id) - 1 AS n FROM concept WHERE NOT retired),
          kc AS (SELECT count(*) AS c FROM k)
     INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, visibility, status, reviewed_at)
     SELECT o.id, k.id, (ARRAY['produces','service','research'])[1 + (o.n + i) % 3],
            (ARRAY['laboratorio','produzione','servizio','sviluppo','analisi'])[1 + (o.n + i) % 5] || ' ' || lower(k.label_it)
              || ' — synthetic ' || (ARRAY['testing','manufacturing','service','development','quality'])[1 + (o.n * 3 + i) % 5] || ' ' || lower(k.label_en),
            'public', 'validated', now()
       FROM o CROSS JOIN generate_series(0, 4) AS i CROSS JOIN kc
       JOIN k ON k.n = (o.n * 31 + i * (kc.c / 5)) % kc.c`,
  );
  await db.exec('ANALYZE');
  return cluster.id;
}

export async function benchSearch(db: Db, log: (msg: string) => void, size = SEARCH_ORGS): Promise<SearchBench> {
  const t0 = performance.now();
  await generate(db, size);
  const [counts] = await db.query<{ organisations: number; competences: number }>(
    `SELECT (SELECT count(*)::int FROM organisation WHERE legal_name LIKE 'Bench Search Org %') AS organisations,
            (SELECT count(*)::int FROM organisation_competence c JOIN organisation o ON o.id = c.organisation_id
              WHERE o.legal_name LIKE 'Bench Search Org %' AND c.status = 'validated' AND c.visibility = 'public') AS competences`,
  );
  const generateSeconds = (performance.now() - t0) / 1000;
  log(`S4 data          ${counts.organisations} organisations, ${counts.competences} validated public competences generated in ${generateSeconds.toFixed(1)} s`);

  // Indexing through the module's own stale queue (the triggers queued every organisation above).
  const t1 = performance.now();
  const documentsIndexed = await reindexStale(db);
  const indexSeconds = (performance.now() - t1) / 1000;
  // the steady state: autovacuum (PostgreSQL) has moved the GIN indexes' pending entries into the index proper
  await db.exec('VACUUM ANALYZE search_document');
  const [{ docs }] = await db.query<{ docs: number }>(`SELECT count(*)::int AS docs FROM search_document`);
  log(`S4 indexing      ${documentsIndexed} organisations rebuilt (${docs} documents) in ${indexSeconds.toFixed(1)} s, ${(documentsIndexed / indexSeconds).toFixed(0)} documents/s`);

  const reader = readerOf(null);
  const baselineSql = `SELECT d.id, d.name, ts_rank(d.tsv, q) AS rank
                         FROM search_document d, plainto_tsquery('italian', fold_text($1)) q
                        WHERE d.tsv @@ q ORDER BY rank DESC LIMIT 20`;
  const [{ matching }] = await db.query<{ matching: number }>(
    `SELECT count(*)::int AS matching FROM search_document d WHERE d.tsv @@ plainto_tsquery('italian', fold_text($1))`,
    [COMMON_WORD],
  );
  // warm-up
  for (const q of QUERIES) await search(db, reader, q);
  for (let i = 0; i < 5; i++) await db.query(baselineSql, [COMMON_WORD]);

  const all: number[] = [];
  const queries: SearchBench['queries'] = [];
  const perQuery = Math.max(1, Math.ceil(RUNS / QUERIES.length));
  for (const q of QUERIES) {
    const times: number[] = [];
    let total = 0;
    const started = performance.now();
    for (let i = 0; i < perQuery && (i < 3 || performance.now() - started < BUDGET_MS / QUERIES.length); i++) {
      const t = performance.now();
      const out = await search(db, reader, q);
      times.push(performance.now() - t);
      total = out.total;
    }
    all.push(...times);
    const tq = timing(times);
    queries.push({ q: q.q, lang: q.lang, total, ...tq });
    log(`S4 search        "${q.q}" (${q.lang}): ${total} matching; p50 ${tq.p50.toFixed(1)} ms  p95 ${tq.p95.toFixed(1)} ms over ${tq.runs} runs`);
  }
  const baseTimes: number[] = [];
  const baseStarted = performance.now();
  for (let i = 0; i < RUNS && (i < 3 || performance.now() - baseStarted < BUDGET_MS); i++) {
    const t = performance.now();
    await db.query(baselineSql, [COMMON_WORD]);
    baseTimes.push(performance.now() - t);
  }
  const searchT = timing(all);
  const worstP95 = Math.max(...queries.map((q) => q.p95));
  const baseline = { word: COMMON_WORD, matching, ...timing(baseTimes) };
  log(`S4 baseline      ranked full text "${COMMON_WORD}" (${matching} matching), top 20: p50 ${baseline.p50.toFixed(1)} ms  p95 ${baseline.p95.toFixed(1)} ms over ${baseline.runs} runs`);
  log(`S4 search (all)  p50 ${searchT.p50.toFixed(1)} ms  p95 ${searchT.p95.toFixed(1)} ms over ${searchT.runs} runs; slowest query p95 ${worstP95.toFixed(1)} ms = ${(worstP95 / baseline.p95).toFixed(2)} × baseline p95`);
  return {
    organisations: counts.organisations,
    competences: counts.competences,
    generateSeconds,
    documentsIndexed,
    indexSeconds,
    documentsPerSecond: documentsIndexed / indexSeconds,
    queries,
    search: searchT,
    worstP95,
    baseline,
    ratioP95: worstP95 / baseline.p95,
  };
}
