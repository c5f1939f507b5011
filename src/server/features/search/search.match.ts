import { readFileSync } from 'node:fs';
import type { Db } from '../../db/db.ts';
import { dataDir } from '../../db/reference-data.ts';
import {
  type MatchStat,
  type TermStems,
  refreshLexemeStats,
  selectConceptLabelsFor,
  selectConceptVocabulary,
  selectIndexStamp,
  selectLexemeFrequencies,
  countLexemesInIndex,
  selectMatchCandidates,
  selectMatchStat,
  selectNetworkPeers,
  selectProjectAcronyms,
  selectStems,
  type MatchFilters,
  type MatchRow,
  touchMatchStat,
} from './search.match.queries.ts';

/*
 * Matchmaking ranking (issue 5): a need of any length against the search documents, across Italian and English,
 * with an explanation of every result. See docs/matching.md.
 *
 * 1. The need is folded like fold_text() and cut into words; each word gets its Italian and its English stem
 *    (the same snowball stemmers that built the documents' tsv).
 * 2. Runs of up to four stems are looked up in the bilingual lexicon (data/lexicon/) and in the taxonomy's labels and
 *    synonyms: a hit becomes a term group holding every equivalent in both languages, so an Italian need reaches
 *    English-only documents and the reverse. Other informative words are groups of their own.
 * 3. Each group's document frequency (counted through the GIN index, capped, cached per index state) gives it an IDF
 *    weight; the most informative groups are kept.
 * 4. One statement retrieves a pool of candidates (tsv @@ any of the most selective groups, or a shared concept) and
 *    tells which groups each contains; they are scored here: BM25 over the groups (binary term frequency, length
 *    normalisation against the index's mean length), plus every shared concept, times a boost for a complementary
 *    category.
 * 5. Network: organisations that took part in projects with the best matches come forward (and in, when their text
 *    alone did not reach the pool): partners of partners are often the right partners.
 * 6. Each result says why: the shared concepts (labels in the reader's language), the matched groups, shown in
 *    the reader's language when the lexicon or the taxonomy knows the word, else as the need spelt it, and the best
 *    matches it worked with, in which projects.
 */

export type MatchInput = {
  text: string;
  lang?: 'it' | 'en';
  conceptIds?: string[];
  types: ('organisation' | 'profile')[];
  subtypes?: string[];
  clusterIds?: string[] | null;
  excludeIds?: string[];
  boostCategories?: string[];
  /**
   * The caller's own rule of complementarity over a document's category and concepts (the matching feature's
   * supplier ↔ producer, from value-chain stages): a document it accepts is boosted like one of boostCategories.
   */
  boostIf?: (doc: { category: string | null; conceptIds: string[] }) => boolean;
  limit?: number;
  locale: 'it' | 'en';
  /** the least share of the need's weight a result must hold by its text (default MIN_COVERAGE) */
  minCoverage?: number;
};

export type MatchItem = {
  type: 'organisation' | 'profile';
  id: string;
  name: string;
  category: string | null;
  subtype: string | null;
  score: number;
  /** the document's public concepts, as the ranking saw them (a caller's boostIf read these) */
  conceptIds: string[];
  why: {
    concepts: { id: string; label: string }[];
    words: string[];
    complementary: boolean;
    /** better matches this one took part in projects with (at most 3), and those projects (acronyms) */
    network: { id: string; name: string; projects: string[] }[];
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Folding and words

const foldFrom = 'ÀÁÂÄÃÅÈÉÊËÌÍÎÏÒÓÔÖÕÙÚÛÜÇÑÝàáâäãåèéêëìíîïòóôöõùúûüçñýÿ\'’`';
const foldTo = 'AAAAAAEEEEIIIIOOOOOUUUUCNYaaaaaaeeeeiiiiooooouuuucnyy   ';
const foldMap = new Map([...foldFrom].map((c, i) => [c, foldTo[i]]));

/** The same folding as the SQL fold_text(): accents off, apostrophes to spaces, lower case. */
export function foldJs(s: string): string {
  let out = '';
  for (const c of s) out += foldMap.get(c) ?? c;
  return out.toLowerCase();
}

/** Words of a text, each with the form the text spelt it in (lower case) and its folded form. */
export function wordsOf(text: string): { surface: string; folded: string }[] {
  return text
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => ({ surface: w.toLowerCase(), folded: foldJs(w) }));
}

// Function words of both languages and the filler of project prose: never a group of their own (the snowball
// stopword lists only cover each configuration's own language, and the tsv holds both stemmings of every text).
const stopwords = new Set(
  `a ad al alla alle allo ai agli all anche ancora avere aveva che chi ci come con contro cosi cui da dal dalla dalle dallo dai dagli
  dall degli dei del della delle dello dell di dove e ed essere fra gli ha hanno il in infatti io la le lo loro ma mentre molto
  ne nei nel nella nelle nello nell noi non nostro nostra nostri nostre o oltre per perche piu poi puo quale quali quando quanto
  quella quelle quelli quello questa queste questi questo se sempre senza si sia sono su sua sue sui sul sulla sulle sullo suo
  suoi tra tutti tutto tutte tutta un una uno vi voi essa esso esse essi gia cio ogni altro altra altri altre stato stata stati
  state sara saranno viene vengono deve devono possono fare fatto
  about above after again against all also am an and any are as at be because been before being below between both but by can
  could did do does doing down during each either etc few for from further had has have having he her here hers him his how i
  if into is it its itself just may me might more most must my no nor not now of off on once only or other our ours out over
  own same shall she should so some such than that the their theirs them then there these they this those through thus to too
  under until up upon us very was we were what when where whether which while who whom whose why will with within without
  would yet you your via per among across towards toward based using used use well new within i.e e.g`.split(/\s+/),
);

const italianMarkers = new Set('il lo la gli le di del della dei delle che per con una uno sono nel nella alla degli anche questo questa come piu non tra'.split(' '));
const englishMarkers = new Set('the of and to in for with on is are this that from by be an as which their its will at we'.split(' '));

/** The language of a text by its function words; undefined when it cannot tell. */
export function guessLanguage(words: string[]): 'it' | 'en' | undefined {
  let it = 0;
  let en = 0;
  for (const w of words) {
    if (italianMarkers.has(w)) it++;
    if (englishMarkers.has(w)) en++;
  }
  if (it + en < 2 || it === en) return undefined;
  return it > en ? 'it' : 'en';
}

const informative = (w: string) => w.length >= 3 && !stopwords.has(w) && !/^\d+$/.test(w);

// ---------------------------------------------------------------------------------------------------------------
// Stems (cached per process: the snowball stemmers are the same on both engines)

/** A word's stems in one language: the lexemes plainto_tsquery gives (usually one; none for a stopword). */
type Stems = { it: string[]; en: string[] };
const stemCache = new Map<string, Stems>();

const lexemesOf = (tsquery: string): string[] => [...tsquery.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));

async function stemsOf(db: Db, words: string[]): Promise<Map<string, Stems>> {
  const missing = [...new Set(words.filter((w) => !stemCache.has(w)))];
  if (missing.length > 0) {
    if (stemCache.size > 200_000) stemCache.clear();
    for (let i = 0; i < missing.length; i += 5000) {
      const rows: TermStems[] = await selectStems(db, missing.slice(i, i + 5000));
      for (const r of rows) stemCache.set(r.term, { it: lexemesOf(r.it), en: lexemesOf(r.en) });
    }
  }
  return new Map(words.map((w) => [w, stemCache.get(w) as Stems]));
}

// ---------------------------------------------------------------------------------------------------------------
// Lexicon and taxonomy entries

type Entry = {
  key: string;
  it: string[];
  en: string[];
  conceptId?: string;
};

export type LexiconEntry = { domain: string; it: string[]; en: string[] };

/** data/lexicon/lexicon.tsv: domain, Italian terms, English terms (variants separated by "|"); # comments. */
export function parseLexicon(tsv: string): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  for (const line of tsv.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [domain, it, en] = line.split('\t');
    if (domain === 'domain' && it === 'it') continue; // header
    const terms = (s: string | undefined) => (s ?? '').split('|').map((t) => t.trim()).filter((t) => t.length > 0);
    if (terms(it).length === 0 || terms(en).length === 0) throw new Error(`lexicon: line without both languages: ${line}`);
    out.push({ domain, it: terms(it), en: terms(en) });
  }
  return out;
}

let lexiconEntries: Entry[] | null = null;
export const lexiconFile = `${dataDir}lexicon/lexicon.tsv`;

function lexicon(): Entry[] {
  if (!lexiconEntries) {
    let text = '';
    try {
      text = readFileSync(lexiconFile, 'utf8');
    } catch (err) {
      // a broken install: matchmaking still works through the taxonomy and cognates, but says so once
      process.emitWarning(`matchmaking without its bilingual lexicon (${lexiconFile}): ${(err as Error).message}`, { code: 'FILIERA_NO_LEXICON' });
      text = '';
    }
    lexiconEntries = parseLexicon(text).map((e, i) => ({ key: `lex:${i}`, it: e.it, en: e.en }));
  }
  return lexiconEntries;
}

type Index = { entries: Entry[]; it: Map<string, Entry[]>; en: Map<string, Entry[]>; exact: Map<string, Entry[]> };
type Vocabulary = { at: number; index: Index };
const vocabularies = new WeakMap<Db, Vocabulary>();
const VOCABULARY_TTL_MS = 60_000;

/** A term's key in one language: the stems of its words, stopwords left out. */
function keyOf(words: string[], stems: Map<string, Stems>, lang: 'it' | 'en'): string {
  return words.flatMap((w) => stems.get(w)?.[lang] ?? []).join(' ');
}

async function vocabulary(db: Db): Promise<Index> {
  const cached = vocabularies.get(db);
  if (cached && Date.now() - cached.at < VOCABULARY_TTL_MS) return cached.index;
  const concepts = await selectConceptVocabulary(db);
  const entries: Entry[] = [
    ...lexicon(),
    ...concepts.map((c) => ({
      key: `concept:${c.id}`,
      conceptId: c.id,
      it: [c.label_it, ...c.synonyms_it],
      en: [c.label_en, ...c.synonyms_en],
    })),
  ];
  const allWords = entries.flatMap((e) => [...e.it, ...e.en].flatMap((t) => wordsOf(t).map((w) => w.folded)));
  const stems = await stemsOf(db, allWords);
  const index: Index = { entries, it: new Map(), en: new Map(), exact: new Map() };
  const add = (map: Map<string, Entry[]>, key: string, e: Entry) => {
    if (key === '') return;
    const list = map.get(key) ?? [];
    if (!list.includes(e)) list.push(e);
    map.set(key, list);
  };
  for (const e of entries) {
    for (const lang of ['it', 'en'] as const) {
      for (const term of e[lang]) {
        const words = wordsOf(term).map((w) => w.folded);
        add(index.exact, words.join(' '), e);
        // A one-word taxonomy synonym matches by its exact form only: its stem is often a common word's ("actives").
        if (e.conceptId && words.length === 1) continue;
        add(index[lang], keyOf(words, stems, lang), e);
      }
    }
  }
  vocabularies.set(db, { at: Date.now(), index });
  return index;
}

// ---------------------------------------------------------------------------------------------------------------
// Document frequencies (search_lexeme_stat, rebuilt when the index has changed)

const SMALL_INDEX = 5000;
const CHECK_EVERY_S = 600;

/**
 * The figures of search_lexeme_stat, rebuilt first when they no longer describe the index: small indexes are
 * compared exactly (count and newest indexing time) at every call; large ones every ten minutes, and rebuilt when
 * the number of documents moved by more than 2 % (a rebuild reads every tsvector: seconds at 100k documents).
 */
export async function matchStatistics(db: Db): Promise<MatchStat | undefined> {
  const stat = await selectMatchStat(db);
  if (stat && stat.documents >= SMALL_INDEX && stat.checked_s < CHECK_EVERY_S) return stat;
  if (stat) {
    const now = await selectIndexStamp(db);
    const changed = stat.documents < SMALL_INDEX ? now.stamp !== stat.stamp : Math.abs(now.n - stat.documents) > 0.02 * stat.documents;
    if (!changed) {
      if (stat.documents >= SMALL_INDEX) await touchMatchStat(db);
      return stat;
    }
  }
  await refreshLexemeStats(db);
  return (await selectMatchStat(db)) ?? stat;
}

// ---------------------------------------------------------------------------------------------------------------
// Query analysis

type Group = {
  key: string;
  /** equivalents of the group: each an AND of lexemes (a word's stem in one language, or the stems of a phrase) */
  branches: string[][];
  /** tsquery (text form) matching any branch */
  query: string;
  qtf: number;
  words: number;
  conceptId?: string;
  entry?: Entry;
  /** how the need spelt it, and in which language it was recognised */
  surface: string;
  lang: 'it' | 'en' | null;
  weight: number;
  df: number;
  /** the documents stage A would read for it: at most the sum of its equivalents' document frequencies */
  postings: number;
};

const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A term's lexemes in its own language (both when unknown): every document's tsv holds both stemmings of its text. */
function branchesOf(terms: string[], stems: Map<string, Stems>, termLang?: 'it' | 'en'): string[][] {
  const out = new Map<string, string[]>();
  for (const term of terms) {
    const words = wordsOf(term).map((w) => w.folded);
    for (const lang of termLang ? [termLang] : (['it', 'en'] as const)) {
      const lexemes = [...new Set(words.flatMap((w) => stems.get(w)?.[lang] ?? []))];
      if (lexemes.length > 0) out.set(lexemes.join(' '), lexemes);
    }
  }
  return [...out.values()];
}

const queryOf = (branches: string[][]) => branches.map((b) => `(${b.map(quote).join(' & ')})`).join(' | ');

export async function analyseNeed(db: Db, text: string, lang?: 'it' | 'en'): Promise<Group[]> {
  const index = await vocabulary(db);
  const words = wordsOf(text.slice(0, 20_000));
  const stems = await stemsOf(db, words.map((w) => w.folded));
  const language = lang ?? guessLanguage(words.map((w) => w.folded));
  const groups = new Map<string, Group>();
  const covered = new Set<number>(); // word positions a one-word entry took

  const addGroup = (key: string, make: () => Omit<Group, 'qtf' | 'weight' | 'df' | 'postings' | 'query'>) => {
    const g = groups.get(key);
    if (g) g.qtf++;
    else groups.set(key, { ...make(), query: '', qtf: 1, weight: 0, df: 0, postings: 0 });
  };

  // entries: runs of up to four words, by stem in each language and by exact folded form
  for (let i = 0; i < words.length; i++) {
    for (let n = 4; n >= 1; n--) {
      if (i + n > words.length) continue;
      const run = words.slice(i, i + n);
      const folded = run.map((w) => w.folded);
      if (n > 1 && (stopwords.has(folded[0]) || stopwords.has(folded[n - 1]))) continue;
      const phrase = folded.join(' ');
      const hits: { e: Entry; lang: 'it' | 'en' | null }[] = [];
      for (const e of index.exact.get(phrase) ?? []) hits.push({ e, lang: e.it.some((t) => wordsOf(t).map((w) => w.folded).join(' ') === phrase) ? 'it' : 'en' });
      for (const l of ['it', 'en'] as const) {
        if (language && language !== l && n === 1) continue;
        // every word of the run must carry a stem in this language (no stopword inside a matched phrase's key)
        if (folded.some((w) => (stems.get(w)?.[l].length ?? 0) === 0)) continue;
        for (const e of index[l].get(keyOf(folded, stems, l)) ?? []) hits.push({ e, lang: l });
      }
      for (const { e, lang: hitLang } of hits) {
        if (n === 1) covered.add(i);
        addGroup(e.key, () => ({ key: e.key, branches: [], words: n, conceptId: e.conceptId, entry: e, surface: run.map((w) => w.surface).join(' '), lang: hitLang }));
      }
    }
  }
  // the need's other informative words
  words.forEach((w, i) => {
    if (covered.has(i) || !informative(w.folded)) return;
    const s = stems.get(w.folded);
    if (!s || s.it.length + s.en.length === 0) return;
    const key = `w:${s.it.join(' ')}|${s.en.join(' ')}`;
    // a word of the need is looked up by its stem in the need's language (both when unknown): documents in the other
    // language are reached through the lexicon and the taxonomy, and through loanwords stemmed alike
    const own = language ? s[language] : [];
    const branches = own.length > 0 ? [own] : branchesOf([w.folded], stems);
    addGroup(key, () => ({ key, branches, words: 1, surface: w.surface, lang: null }));
  });
  // entry groups hold every equivalent, in both languages
  const entryTerms = [...groups.values()].flatMap((g) => (g.entry ? [...g.entry.it, ...g.entry.en] : []));
  const entryStems = await stemsOf(db, entryTerms.flatMap((t) => wordsOf(t).map((w) => w.folded)));
  for (const g of groups.values()) {
    if (g.entry) g.branches = [...branchesOf(g.entry.it, entryStems, 'it'), ...branchesOf(g.entry.en, entryStems, 'en')];
    g.query = queryOf(g.branches);
  }
  return [...groups.values()].filter((g) => g.branches.length > 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking

/** Tuned on cordis-match (docs/matching.md). */
const MAX_GROUPS = 100;
/** groups looked up through the index (stage A), and the document frequency under which a group counts as selective */
const STAGE_A_GROUPS = 12;
/** below this many documents heap visits are cheap: stage A takes more groups (and ranks closer to exact BM25) */
const SMALL_INDEX_A = 20_000;
const STAGE_A_GROUPS_SMALL = 48;
const SELECTIVE_DF = 2000;
/**
 * Above SMALL_INDEX_A, stage A reads at most this many postings (document × group hits; each is a heap visit, since
 * GIN returns no columns): about what the ranked lookup of one common word reads. The heaviest groups come first.
 */
const STAGE_A_POSTINGS = 10_000;
/** documents stage A hands to stage B */
const POOL = 400;
const K1 = 1.2;
const B = 0.5;
const COMPLEMENTARY_BOOST = 1.25;
/**
 * The best matches whose project partners come forward, and how much a shared project weighs (docs/matching.md):
 * under √2, so a partner linked to one match by one two-member project stays just below it; linked to several
 * good matches it may rank above them.
 */
const NETWORK_SEEDS = 10;
const NETWORK_WEIGHT = 1.4;
const NETWORK_PEERS = 5000;
/**
 * The least share of the need's weight (its word groups and concepts) a document must hold to be a result by its
 * text: 10 % changes nothing on cordis-match, and drops the company that shares one common word of a paragraph.
 */
const MIN_COVERAGE = 0.1;

type Scored = {
  r: Pick<MatchRow, 'type' | 'id' | 'name' | 'category' | 'subtype' | 'concept_ids' | 'network_refs'>;
  matched: number[];
  shared: string[];
  score: number;
  complementary: boolean;
  via: { seed: Scored; refs: string[] }[];
};

export async function matchDocuments(db: Db, input: MatchInput): Promise<MatchItem[]> {
  const limit = Math.max(1, Math.min(input.limit ?? 20, 200));
  if (input.types.length === 0) return [];
  const stat = await matchStatistics(db);
  if (!stat || stat.documents === 0) return [];
  const n = stat.documents;
  const all = await analyseNeed(db, input.text ?? '', input.lang);
  const lexemes = [...new Set(all.flatMap((g) => g.branches.flat()))];
  const df = await selectLexemeFrequencies(db, lexemes);
  // words the figures do not know may come from documents indexed since they were taken (a new profile's rare words,
  // which saved searches look for): counted through the index rather than taken as absent
  const unknown = lexemes.filter((l) => !df.has(l)).map((l) => ({ lexeme: l, query: quote(l) }));
  for (const [l, x] of await countLexemesInIndex(db, unknown, SELECTIVE_DF)) df.set(l, x);
  for (const g of all) {
    // documents holding the group: its most frequent equivalent (a word's two stems mostly sit in the same documents)
    const branchDf = g.branches.map((b) => Math.min(...b.map((l) => df.get(l) ?? 0)));
    g.df = Math.min(n, Math.max(0, ...branchDf));
    g.postings = Math.min(n, branchDf.reduce((sum, x) => sum + x, 0));
    const idf = Math.log(1 + (n - g.df + 0.5) / (g.df + 0.5));
    g.weight = idf * (1 + Math.log(g.qtf)) * (g.words > 1 ? 1.3 : 1);
  }
  const groups = all
    .filter((g) => g.df > 0)
    .sort((a, b) => b.weight - a.weight || a.key.localeCompare(b.key))
    .slice(0, MAX_GROUPS);
  const topWeight = groups[0]?.weight ?? Math.log(1 + n);
  const conceptWeights = new Map<string, number>();
  for (const g of all) if (g.conceptId) conceptWeights.set(g.conceptId, Math.max(conceptWeights.get(g.conceptId) ?? 0, g.weight, topWeight / 2));
  for (const id of input.conceptIds ?? []) conceptWeights.set(id, Math.max(conceptWeights.get(id) ?? 0, topWeight));
  if (groups.length === 0 && conceptWeights.size === 0) return [];

  // stage A: the most informative groups that tell documents apart, through the GIN index; stage B: the others,
  // tested on stage A's best documents only (a word in most documents would drag in the whole index)
  const threshold = Math.max(SELECTIVE_DF, n * 0.05);
  const selective = groups.filter((g) => g.df <= threshold).slice(0, n <= SMALL_INDEX_A ? STAGE_A_GROUPS_SMALL : STAGE_A_GROUPS);
  const plan = firstStage(groups, selective, n);
  const boost = input.boostCategories ?? [];
  const position = new Map(groups.map((g, i) => [g, i + 1]));
  const filters: MatchFilters = {
    types: input.types,
    subtypes: input.subtypes && input.subtypes.length > 0 ? input.subtypes : null,
    clusterIds: input.clusterIds ?? null,
    excludeIds: input.excludeIds ?? [],
  };
  const candidates = (stageA: Group[], also: Group | null) =>
    selectMatchCandidates(
      db,
      // with `also`, stage A reads the documents holding both groups: one index scan, GIN intersects the posting lists
      stageA.map((g) => ({ query: also ? `(${g.query}) & (${also.query})` : g.query, weight: g.weight + (also?.weight ?? 0), n: position.get(g) as number })),
      groups.filter((g) => !stageA.includes(g) && g !== also).map((g) => ({ query: g.query, n: position.get(g) as number })),
      [...conceptWeights.keys()],
      [...conceptWeights.values()],
      POOL,
      stat.avg_length,
      filters,
    );
  let rows = plan.also ? await candidates(plan.stageA, plan.also) : [];
  if (plan.also && rows.length >= POOL / 2) {
    const first = position.get(plan.stageA[0]) as number;
    const both = position.get(plan.also) as number;
    for (const r of rows) if (r.matched.includes(first)) r.matched.push(both);
  } else rows = await candidates(plan.stageA, null);

  // BM25 over the groups it holds (none for a document only the network brings), its shared concepts, complementarity
  const scoreOf = (r: Scored['r'], matched: number[], dl: number): Scored => {
    const norm = K1 * (1 - B + (B * dl) / Math.max(1, stat.avg_length));
    let score = 0;
    // binary term frequency: on cordis-match it ranks better than ts_rank's saturating count (docs/matching.md)
    for (const pos of matched) score += (groups[pos - 1].weight * (K1 + 1)) / (1 + norm);
    const shared = r.concept_ids.filter((id) => conceptWeights.has(id)).sort();
    for (const id of shared) score += conceptWeights.get(id) as number;
    const complementary = (r.category !== null && boost.includes(r.category)) || (input.boostIf?.({ category: r.category, conceptIds: r.concept_ids }) ?? false);
    if (complementary) score *= COMPLEMENTARY_BOOST;
    return { r, matched, shared, score, complementary, via: [] };
  };
  const scored = rows.map((r) => scoreOf(r, [...new Set(r.matched)], r.dl));
  const order = (a: Scored, b: Scored) => b.score - a.score || a.r.name.localeCompare(b.r.name) || a.r.id.localeCompare(b.r.id);
  const needWeight = groups.reduce((sum, g) => sum + g.weight, 0) + [...conceptWeights.values()].reduce((sum, w) => sum + w, 0);
  const coverage = (x: Scored) =>
    (x.matched.reduce((sum, pos) => sum + groups[pos - 1].weight, 0) + x.shared.reduce((sum, id) => sum + (conceptWeights.get(id) as number), 0)) / needWeight;
  // a document that shares only a sliver of the need (one common word of a paragraph) is noise to the reader
  const minCoverage = input.minCoverage ?? MIN_COVERAGE;
  let ranked = scored.filter((x) => x.matched.length + x.shared.length > 0 && coverage(x) >= minCoverage).sort(order);
  ranked = await addNetwork(db, ranked, filters, (r) => scoreOf(r, [], 0));
  const top = ranked.sort(order).slice(0, limit);

  const labels = new Map(
    (await selectConceptLabelsFor(db, [...new Set(top.flatMap((x) => x.shared))])).map((c) => [c.id, input.locale === 'en' ? c.label_en : c.label_it]),
  );
  // 'project:<uuid>' for the projects organisations declare; other references (match-eval's) are shown as they are
  const projectId = (ref: string) => (ref.startsWith('project:') ? ref.slice('project:'.length) : null);
  const acronyms = await selectProjectAcronyms(db, [
    ...new Set(top.flatMap((x) => x.via.flatMap((v) => v.refs.map(projectId))).filter((id): id is string => id !== null)),
  ]);
  const projectLabel = (ref: string) => {
    const id = projectId(ref);
    return id ? (acronyms.get(id) ?? id) : ref.slice(ref.indexOf(':') + 1);
  };
  return top.map(({ r, matched, shared, score, complementary, via }) => {
    const concepts = shared.map((id) => ({ id, label: labels.get(id) ?? id }));
    const words: string[] = [];
    // the strongest reasons first
    for (const pos of [...matched].sort((a, b) => groups[b - 1].weight - groups[a - 1].weight)) {
      const g = groups[pos - 1];
      if (g.conceptId && shared.includes(g.conceptId)) continue;
      const w = shownAs(g, input.locale);
      if (!words.includes(w)) words.push(w);
    }
    return {
      type: r.type,
      id: r.id,
      name: r.name,
      category: r.category,
      subtype: r.subtype,
      score: Math.round(score * 10000) / 10000,
      conceptIds: r.concept_ids,
      why: {
        concepts,
        words: words.slice(0, 12),
        complementary,
        network: via.slice(0, 3).map((v) => ({ id: v.seed.r.id, name: v.seed.r.name, projects: v.refs.slice(0, 3).map(projectLabel) })),
      },
    };
  });
}

/**
 * Stage A's groups: the selective ones (the three heaviest when none is), and on a large index only the heaviest
 * whose postings add up to STAGE_A_POSTINGS (at least one). When that one group alone is over the budget
 * (a need of common words), `also` is the next heaviest group: stage A then reads only the documents holding both,
 * which GIN intersects before any heap visit (the caller reads the first group whole if that leaves too few).
 */
export function firstStage<G extends { postings: number }>(groups: G[], selective: G[], n: number): { stageA: G[]; also: G | null } {
  const chosen = selective.length > 0 ? selective : groups.slice(0, 3);
  if (n <= SMALL_INDEX_A) return { stageA: chosen, also: null };
  let postings = 0;
  const stageA = chosen.filter((g, i) => {
    postings += g.postings;
    return i === 0 || postings <= STAGE_A_POSTINGS;
  });
  const second = groups.find((g) => g !== stageA[0]);
  const pair =
    stageA.length === 1 && stageA[0].postings > STAGE_A_POSTINGS && second !== undefined && (stageA[0].postings * second.postings) / n >= POOL;
  return { stageA, also: pair ? (second as G) : null };
}

/**
 * The second pass: documents that share a project with one of the best NETWORK_SEEDS matches gain
 * NETWORK_WEIGHT × Σ (the match's score ÷ the best score) ÷ √(documents in that project), in units of the best score;
 * those the text did not bring into the pool join with their concept score. Measured on cordis-match in
 * docs/matching.md. Only documents within the same filters take part; profiles carry no projects.
 */
async function addNetwork(db: Db, ranked: Scored[], filters: MatchFilters, fresh: (r: Scored['r']) => Scored): Promise<Scored[]> {
  const seeds = ranked.slice(0, NETWORK_SEEDS).filter((x) => x.r.network_refs.length > 0);
  const best = ranked[0]?.score ?? 0;
  if (seeds.length === 0 || best <= 0) return ranked;
  const peers = await selectNetworkPeers(db, [...new Set(seeds.flatMap((s) => s.r.network_refs))], filters, NETWORK_PEERS);
  const size = new Map<string, number>();
  for (const p of peers) for (const ref of p.network_refs) size.set(ref, (size.get(ref) ?? 0) + 1);
  const byId = new Map(ranked.map((x) => [`${x.r.type}:${x.r.id}`, x]));
  const out = [...ranked];
  const seedScore = new Map(seeds.map((s) => [s, s.score / best])); // before any bonus is added
  const bonuses: { x: Scored; bonus: number; via: Scored['via'] }[] = [];
  for (const p of peers) {
    let bonus = 0;
    const via: Scored['via'] = [];
    for (const s of seeds) {
      if (s.r.id === p.id) continue;
      const refs = s.r.network_refs.filter((ref) => p.network_refs.includes(ref));
      if (refs.length === 0) continue;
      for (const ref of refs) bonus += (seedScore.get(s) as number) / Math.sqrt(size.get(ref) ?? 1);
      via.push({ seed: s, refs });
    }
    if (bonus === 0) continue;
    let x = byId.get(`${p.type}:${p.id}`);
    if (!x) {
      x = fresh(p);
      byId.set(`${p.type}:${p.id}`, x);
      out.push(x);
    }
    bonuses.push({ x, bonus, via });
  }
  for (const { x, bonus, via } of bonuses) {
    x.via = via;
    x.score += NETWORK_WEIGHT * bonus * best;
  }
  return out;
}

/** A matched group as the reader recognises it: the need's own words when they are in the reader's language, else the equivalent. */
function shownAs(g: Group, locale: 'it' | 'en'): string {
  if (!g.entry) return g.surface;
  if (g.lang === locale) return g.surface;
  return g.entry.conceptId ? g.entry[locale][0] : g.entry[locale][0].toLowerCase();
}
