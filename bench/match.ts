/**
 * Matchmaking ranking at scale (docs/matching.md): matchDocuments() over BENCH_MATCH_DOCS profile documents
 * (default 100,000; BENCH_MATCH_DOCS_PGLITE, default 100,000, on PGlite) against a baseline measured in
 * the same run on the same data: a plain ranked full-text lookup of one word (top 20), directly on search_document.
 * Also: indexing throughput through indexDocument(), and the time to rebuild the lexeme statistics.
 *
 * The documents are clearly synthetic: each is a profile with a title and ~60 words drawn (skewed, deterministic)
 * from the bilingual lexicon's vocabulary, in Italian for two thirds of them and in English for the rest.
 *
 * Run alone: `DATABASE_URL=postgres://… npx tsx bench/match.ts` (creates and drops a database next to the one named),
 * or without DATABASE_URL on PGlite in memory. `npm run bench` runs it after S4.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Db, openDb } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { loadReferenceData } from '../src/server/db/reference-data.ts';
import { lexiconFile, matchDocuments, parseLexicon } from '../src/server/features/search/search.match.ts';
import { refreshLexemeStats } from '../src/server/features/search/search.match.queries.ts';
import { indexDocument } from '../src/server/features/search/search.ts';
import { type Timing, timing } from './timing.ts';

export const MATCH_DOCS = Number(process.env.BENCH_MATCH_DOCS ?? 100_000);
export const MATCH_DOCS_PGLITE = Number(process.env.BENCH_MATCH_DOCS_PGLITE ?? 100_000);
const RUNS = Number(process.env.BENCH_MATCH_RUNS ?? 30);
const BUDGET_MS = Number(process.env.BENCH_MATCH_BUDGET_S ?? 60) * 1000;
const INDEX_SAMPLE = 1000;
const BASELINE_WORD = 'emulsione';

const itNeeds = JSON.parse(
  `[${readFileSync(fileURLToPath(new URL('../data/match-eval/queries-it.jsonl', import.meta.url)), 'utf8').trim().split('\n').join(',')}]`,
) as { text: string }[];

const NEEDS: { name: string; text: string; lang?: 'it' | 'en' }[] = [
  { name: 'short it', text: 'laboratorio per test di stabilità di emulsioni cosmetiche', lang: 'it' },
  { name: 'short en', text: 'clinical trials of skin care products and efficacy testing', lang: 'en' },
  {
    name: 'paragraph it',
    text:
      'Cerchiamo un partner di ricerca per sviluppare una nuova linea di creme idratanti con estratti vegetali ottenuti da ' +
      'sottoprodotti agroalimentari, con estrazione supercritica, prove di stabilità, test di efficacia e valutazione della ' +
      'sicurezza, e un terzista per il riempimento e il confezionamento in flaconi di vetro riciclato.',
    lang: 'it',
  },
  {
    name: 'paragraph en',
    text:
      'We are looking for a research partner to develop probiotic food supplements for gut microbiota, with fermentation ' +
      'scale-up in bioreactors, encapsulation of the strains, stability testing and a clinical study on patients.',
    lang: 'en',
  },
  { name: 'project it (long)', text: itNeeds[0]?.text ?? 'biocatalizzatori esterasi', lang: 'it' },
  { name: 'project it (long, no lang)', text: itNeeds[9]?.text ?? 'imballaggi biodegradabili' },
];

export type MatchBench = {
  documents: number;
  bulkSeconds: number;
  indexDocument: { documents: number; seconds: number; documentsPerSecond: number };
  statisticsSeconds: number;
  needs: (Timing & { name: string; results: number })[];
  match: Timing;
  worstP95: number;
  baseline: Timing & { word: string; matching: number };
  ratioP95: number;
};


/** Profile documents in one INSERT … SELECT: words drawn from the lexicon, skewed towards the start of each list. */
async function generate(db: Db, n: number, clusterId: string): Promise<void> {
  const lexicon = parseLexicon(readFileSync(lexiconFile, 'utf8'));
  const it = lexicon.map((e) => e.it[0]);
  const en = lexicon.map((e) => e.en[0]);
  const fillIt = ['il', 'laboratorio', 'offre', 'servizi', 'di', 'per', 'la', 'e', 'con', 'nuovi', 'processi', 'prodotti'];
  const fillEn = ['the', 'laboratory', 'offers', 'services', 'of', 'for', 'and', 'with', 'new', 'processes', 'products', 'our'];
  await db.query(
    `INSERT INTO search_document (type, id, subtype, cluster_ids, name, text_it, text_en, category)
     SELECT 'profile', gen_random_uuid(),
            (ARRAY['technology_offer','technology_request','rd_partner_search','business_offer','lab_service'])[1 + g % 5],
            ARRAY[$6::uuid], 'Bench Match Profile ' || lpad(g::text, 6, '0'),
            CASE WHEN g % 3 <> 0 THEN (SELECT string_agg(CASE WHEN i % 3 = 0 THEN ($4::text[])[1 + (g + i) % cardinality($4::text[])]
                                                          ELSE ($2::text[])[1 + floor(cardinality($2::text[]) * power(((hashint4(g * 131 + i) & 2147483647)::float8 / 2147483648), 2))::int] END, ' ')
                                         FROM generate_series(1, 60) i) ELSE '' END,
            CASE WHEN g % 3 = 0 THEN (SELECT string_agg(CASE WHEN i % 3 = 0 THEN ($5::text[])[1 + (g + i) % cardinality($5::text[])]
                                                          ELSE ($3::text[])[1 + floor(cardinality($3::text[]) * power(((hashint4(g * 131 + i) & 2147483647)::float8 / 2147483648), 2))::int] END, ' ')
                                        FROM generate_series(1, 60) i) ELSE '' END,
            (ARRAY['company','company','company','university','research_institute'])[1 + g % 5]
       FROM generate_series(1, $1::int) g`,
    [n, it, en, fillIt, fillEn, clusterId],
  );
}

export async function benchMatch(db: Db, log: (msg: string) => void, size: number): Promise<MatchBench> {
  const clusterId = randomUUID();
  const t0 = performance.now();
  await generate(db, size, clusterId);
  const bulkSeconds = (performance.now() - t0) / 1000;
  log(`match data       ${size} synthetic profile documents inserted in ${bulkSeconds.toFixed(1)} s (${(size / bulkSeconds).toFixed(0)} documents/s, set-based)`);

  // indexing throughput through the search module's indexDocument (one call per document, as features do)
  const sample = await db.query<{ id: string; subtype: string; name: string; text_it: string; text_en: string; category: string }>(
    `SELECT id, subtype, name, text_it, text_en, category FROM search_document WHERE name LIKE 'Bench Match Profile %' ORDER BY name LIMIT $1`,
    [INDEX_SAMPLE],
  );
  const t1 = performance.now();
  for (const d of sample) {
    await indexDocument(db, {
      type: 'profile',
      id: d.id,
      subtype: d.subtype,
      clusterIds: [clusterId],
      name: d.name,
      textIt: d.text_it,
      textEn: d.text_en,
      conceptIds: [],
      provinces: [],
      category: d.category,
      sizeClass: null,
    });
  }
  const indexSeconds = (performance.now() - t1) / 1000;
  const indexing = { documents: sample.length, seconds: indexSeconds, documentsPerSecond: sample.length / indexSeconds };
  log(`match indexing   indexDocument: ${sample.length} documents in ${indexSeconds.toFixed(1)} s, ${indexing.documentsPerSecond.toFixed(0)} documents/s`);
  // the steady state: autovacuum (PostgreSQL) has moved the GIN indexes' pending entries into the index proper
  await db.exec('VACUUM ANALYZE search_document');

  const t2 = performance.now();
  await refreshLexemeStats(db);
  const statisticsSeconds = (performance.now() - t2) / 1000;
  const [{ docs }] = await db.query<{ docs: number }>('SELECT count(*)::int AS docs FROM search_document');
  log(`match statistics lexeme document frequencies over ${docs} documents rebuilt in ${statisticsSeconds.toFixed(1)} s`);

  const input = (need: (typeof NEEDS)[number]) => ({
    text: need.text,
    lang: need.lang,
    types: ['profile' as const],
    clusterIds: null,
    boostCategories: ['university', 'research_institute'],
    limit: 20,
    locale: 'it' as const,
  });
  const baselineSql = `SELECT d.id, d.name, ts_rank(d.tsv, q) AS rank
                         FROM search_document d, plainto_tsquery('italian', fold_text($1)) q
                        WHERE d.type = 'profile' AND d.tsv @@ q ORDER BY rank DESC LIMIT 20`;
  const [{ matching }] = await db.query<{ matching: number }>(
    `SELECT count(*)::int AS matching FROM search_document d WHERE d.type = 'profile' AND d.tsv @@ plainto_tsquery('italian', fold_text($1))`,
    [BASELINE_WORD],
  );
  for (const need of NEEDS) await matchDocuments(db, input(need)); // warm-up
  for (let i = 0; i < 5; i++) await db.query(baselineSql, [BASELINE_WORD]);

  const all: number[] = [];
  const needs: MatchBench['needs'] = [];
  for (const need of NEEDS) {
    const times: number[] = [];
    let results = 0;
    const started = performance.now();
    for (let i = 0; i < RUNS && (i < 3 || performance.now() - started < BUDGET_MS / NEEDS.length); i++) {
      const t = performance.now();
      results = (await matchDocuments(db, input(need))).length;
      times.push(performance.now() - t);
    }
    all.push(...times);
    const tn = timing(times);
    needs.push({ name: need.name, results, ...tn });
    log(`match need       ${need.name} (${need.text.length} chars): ${results} results; p50 ${tn.p50.toFixed(1)} ms  p95 ${tn.p95.toFixed(1)} ms over ${tn.runs} runs`);
  }
  const baseTimes: number[] = [];
  const baseStarted = performance.now();
  for (let i = 0; i < RUNS * 2 && (i < 3 || performance.now() - baseStarted < BUDGET_MS / 2); i++) {
    const t = performance.now();
    await db.query(baselineSql, [BASELINE_WORD]);
    baseTimes.push(performance.now() - t);
  }
  const match = timing(all);
  const worstP95 = Math.max(...needs.map((x) => x.p95));
  const baseline = { word: BASELINE_WORD, matching, ...timing(baseTimes) };
  log(`match baseline   ranked full text "${BASELINE_WORD}" (${matching} matching), top 20: p50 ${baseline.p50.toFixed(1)} ms  p95 ${baseline.p95.toFixed(1)} ms`);
  log(`match (all)      p50 ${match.p50.toFixed(1)} ms  p95 ${match.p95.toFixed(1)} ms; slowest need p95 ${worstP95.toFixed(1)} ms = ${(worstP95 / baseline.p95).toFixed(2)} × baseline p95`);
  return { documents: docs, bulkSeconds, indexDocument: indexing, statisticsSeconds, needs, match, worstP95, baseline, ratioP95: worstP95 / baseline.p95 };
}

async function standalone() {
  const log = (m: string) => console.log(`[bench] ${m}`);
  const url = process.env.DATABASE_URL;
  let db: Db;
  let drop: (() => Promise<void>) | null = null;
  if (url) {
    const name = `filiera_match_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    db = await openDb({ databaseUrl: u.toString(), poolSize: 2 });
    drop = async () => {
      if (!process.env.BENCH_MATCH_KEEP) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      else console.log(`[bench] kept database ${name}`);
      await admin.end();
    };
  } else db = await openDb({ dataDir: 'memory://' });
  try {
    await migrate(db);
    await loadReferenceData(db);
    const r = await benchMatch(db, log, url ? MATCH_DOCS : MATCH_DOCS_PGLITE);
    console.log(JSON.stringify(r));
  } finally {
    await db.close();
    await drop?.();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  standalone().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
