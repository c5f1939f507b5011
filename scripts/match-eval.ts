/**
 * `npm run match-eval -- [--candidates FILE --queries FILE --qrels FILE] [--json]`
 *
 * Ranking quality of matchmaking (docs/matching.md): loads the candidates into a fresh in-memory database (PGlite, the
 * same migrations and reference data as the app) through the search module's own indexDocument, runs every query
 * through matchDocuments, and prints Recall@10, nDCG@10 and MRR, overall and per query, next to a plain BM25 baseline
 * computed in the same run over the same candidates' text (JS, lower-cased words, no stemming, no lexicon).
 *
 * Candidates: JSON lines with id, name and text fields (profileText, or text / description / textEn / textIt), and the
 * projects each took part in (profileProjects or projects: ids), indexed as the document's network like the projects
 * organisations declare in the app; `--no-network` leaves them out, to measure the text alone.
 * Queries: JSON lines with qid, text (or title) and optional lang ('it' | 'en'). Qrels: TSV qid, candidate_id, relevance.
 * Without file arguments it reads ../shared/data/cordis-match/ (next to the project folder).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type Db, pgliteDb, pgliteExtensions, pgliteParsers } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { loadReferenceData } from '../src/server/db/reference-data.ts';
import { foldJs, matchDocuments } from '../src/server/features/search/search.match.ts';
import { indexDocument } from '../src/server/features/search/search.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const K = 10;
const DEPTH = 100; // MRR looks this deep

type Candidate = { id: string; name: string; text: string; lang: 'it' | 'en'; projects: string[] };
type Query = { qid: string; text: string; lang?: 'it' | 'en' };
type Metrics = { 'recall@10': number; 'ndcg@10': number; mrr: number };

function args(argv: string[]) {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (name === 'json' || name === 'no-network') out[name] = true;
    else if (['candidates', 'queries', 'qrels'].includes(name)) {
      const v = argv[++i];
      if (!v) throw new Error(`--${name} needs a file`);
      out[name] = v;
    } else throw new Error(`unknown option --${name} (use --candidates FILE --queries FILE --qrels FILE [--json] [--no-network])`);
  }
  return out;
}

const jsonLines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

function readCandidates(file: string): Candidate[] {
  return jsonLines<Record<string, unknown>>(file).map((c) => {
    const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
    const text = [str('profileText'), str('text'), str('description'), str('textEn'), str('textIt')].filter(Boolean).join('\n');
    if (!c.id || !c.name) throw new Error(`${file}: a candidate without id or name`);
    const list = Array.isArray(c.profileProjects) ? c.profileProjects : Array.isArray(c.projects) ? c.projects : [];
    return { id: String(c.id), name: String(c.name), text, lang: c.lang === 'it' ? 'it' : 'en', projects: list.map(String) };
  });
}

function readQueries(file: string): Query[] {
  return jsonLines<Record<string, unknown>>(file).map((q) => {
    const text = typeof q.text === 'string' ? q.text : typeof q.title === 'string' ? q.title : '';
    if (!q.qid || !text) throw new Error(`${file}: a query without qid or text`);
    return { qid: String(q.qid), text, lang: q.lang === 'it' || q.lang === 'en' ? q.lang : undefined };
  });
}

function readQrels(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [qid, cid, rel] = line.trim().split('\t');
    if (!qid || !cid || qid === 'qid' || !(Number(rel) > 0)) continue;
    out.set(qid, (out.get(qid) ?? new Set()).add(cid));
  }
  return out;
}

export function metrics(ranked: string[], relevant: Set<string>): Metrics {
  const top = ranked.slice(0, K);
  const hits = top.filter((id) => relevant.has(id)).length;
  let dcg = 0;
  top.forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(K, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  const first = ranked.slice(0, DEPTH).findIndex((id) => relevant.has(id));
  return {
    'recall@10': relevant.size ? hits / relevant.size : 0,
    'ndcg@10': idcg ? dcg / idcg : 0,
    mrr: first >= 0 ? 1 / (first + 1) : 0,
  };
}

const mean = (ms: Metrics[]): Metrics => {
  const avg = (k: keyof Metrics) => (ms.length ? ms.reduce((s, m) => s + m[k], 0) / ms.length : 0);
  return { 'recall@10': avg('recall@10'), 'ndcg@10': avg('ndcg@10'), mrr: avg('mrr') };
};

/** The baseline: plain BM25 (k1 1.2, b 0.75) over lower-cased, accent-folded words; no stemming, stopwords or lexicon. */
export function bm25Ranker(docs: { id: string; text: string }[]) {
  const tokens = (s: string) => foldJs(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  const tf = docs.map((d) => {
    const m = new Map<string, number>();
    for (const w of tokens(d.text)) m.set(w, (m.get(w) ?? 0) + 1);
    return { id: d.id, m, len: [...m.values()].reduce((a, b) => a + b, 0) };
  });
  const df = new Map<string, number>();
  for (const d of tf) for (const w of d.m.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const avg = tf.reduce((s, d) => s + d.len, 0) / Math.max(1, tf.length);
  const n = tf.length;
  return (query: string): string[] => {
    const q = [...new Set(tokens(query))];
    return tf
      .map((d) => {
        let s = 0;
        for (const w of q) {
          const f = d.m.get(w);
          if (!f) continue;
          const idf = Math.log(1 + (n - (df.get(w) ?? 0) + 0.5) / ((df.get(w) ?? 0) + 0.5));
          s += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.len) / avg));
        }
        return { id: d.id, s };
      })
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id))
      .map((x) => x.id);
  };
}

async function main() {
  const a = args(process.argv.slice(2));
  const dir = resolve(root, '../shared/data/cordis-match');
  const files = {
    candidates: (a.candidates as string) ?? `${dir}/candidates.jsonl`,
    queries: (a.queries as string) ?? `${dir}/queries.jsonl`,
    qrels: (a.qrels as string) ?? `${dir}/qrels.tsv`,
  };
  for (const [k, f] of Object.entries(files)) {
    if (!existsSync(f)) {
      throw new Error(
        `match-eval: ${k} file not found: ${f}\n` +
          (a[k] ? '' : `Without arguments it reads ${dir}/ (the cordis-match set next to the project folder); pass --candidates, --queries and --qrels to use other files.`),
      );
    }
  }
  const log = (m: string) => {
    if (!a.json) console.log(m);
  };
  const candidates = readCandidates(files.candidates);
  const queries = readQueries(files.queries);
  const qrels = readQrels(files.qrels);

  const started = performance.now();
  const pglite = new PGlite({ extensions: pgliteExtensions, parsers: pgliteParsers });
  const db: Db = pgliteDb(pglite);
  await migrate(db);
  await loadReferenceData(db);
  const uuidOf = new Map<string, string>();
  const idOf = new Map<string, string>();
  for (const c of candidates) {
    const uuid = randomUUID();
    uuidOf.set(c.id, uuid);
    idOf.set(uuid, c.id);
    await indexDocument(db, {
      type: 'organisation',
      id: uuid,
      clusterIds: [],
      name: c.name,
      textIt: c.lang === 'it' ? c.text : '',
      textEn: c.lang === 'en' ? c.text : '',
      conceptIds: [],
      provinces: [],
      category: null,
      sizeClass: null,
      networkRefs: a['no-network'] ? [] : c.projects.map((p) => `ref:${p}`),
    });
  }
  await db.query('ANALYZE search_document');
  log(`${candidates.length} candidates indexed, ${queries.length} queries (${Math.round((performance.now() - started) / 1000)} s)`);

  const baseline = bm25Ranker(candidates.map((c) => ({ id: c.id, text: `${c.name} ${c.text}` })));
  const rows: { qid: string; ours: Metrics; base: Metrics; ms: number }[] = [];
  for (const q of queries) {
    const relevant = qrels.get(q.qid) ?? new Set<string>();
    const t = performance.now();
    const items = await matchDocuments(db, { text: q.text, lang: q.lang, types: ['organisation'], clusterIds: null, limit: DEPTH, locale: q.lang ?? 'en' });
    const ms = performance.now() - t;
    const ranked = items.map((i) => idOf.get(i.id) as string);
    rows.push({ qid: q.qid, ours: metrics(ranked, relevant), base: metrics(baseline(q.text), relevant), ms });
  }
  await db.close();

  const overall = mean(rows.map((r) => r.ours));
  const base = mean(rows.map((r) => r.base));
  const round = (m: Metrics): Metrics => ({
    'recall@10': Number(m['recall@10'].toFixed(4)),
    'ndcg@10': Number(m['ndcg@10'].toFixed(4)),
    mrr: Number(m.mrr.toFixed(4)),
  });
  if (a.json) {
    console.log(JSON.stringify({ overall: round(overall), baseline: round(base), queries: rows.map((r) => ({ qid: r.qid, ...round(r.ours) })) }));
    return;
  }
  const f = (n: number) => n.toFixed(3).padStart(7);
  console.log(`\n${'qid'.padEnd(22)} ${'R@10'.padStart(7)} ${'nDCG@10'.padStart(7)} ${'MRR'.padStart(7)}   | BM25: ${'R@10'.padStart(7)} ${'nDCG@10'.padStart(7)} ${'MRR'.padStart(7)}   ms`);
  for (const r of rows) {
    console.log(
      `${r.qid.padEnd(22)} ${f(r.ours['recall@10'])} ${f(r.ours['ndcg@10'])} ${f(r.ours.mrr)}   |       ${f(r.base['recall@10'])} ${f(r.base['ndcg@10'])} ${f(r.base.mrr)}   ${Math.round(r.ms)}`,
    );
  }
  console.log(`\n${'matchDocuments'.padEnd(22)} ${f(overall['recall@10'])} ${f(overall['ndcg@10'])} ${f(overall.mrr)}`);
  console.log(`${'baseline (plain BM25)'.padEnd(22)} ${f(base['recall@10'])} ${f(base['ndcg@10'])} ${f(base.mrr)}`);
  const times = rows.map((r) => r.ms).sort((x, y) => x - y);
  console.log(`\n${rows.length} queries; matchDocuments p50 ${Math.round(times[Math.floor(times.length / 2)] ?? 0)} ms on PGlite`);
}

if (process.argv[1]?.endsWith("match-eval.ts")) main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
