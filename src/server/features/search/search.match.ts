import { readFileSync } from 'node:fs';
import type { Db } from '../../db/db.ts';
import { dataDir } from '../../db/reference-data.ts';
import {
  type TermStems,
  selectConceptLabelsFor,
  selectConceptVocabulary,
  selectDocumentFrequencies,
  selectIndexStamp,
  selectMatches,
  selectStems,
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
 * 4. One statement retrieves the candidates (tsv @@ any retrieval group, or a shared concept) and scores them: BM25
 *    over the groups with binary term frequency and length normalisation, plus every shared concept, times a boost for
 *    a complementary category.
 * 5. Each result says why: the shared concepts (labels in the reader's language) and the matched groups, shown in
 *    the reader's language when the lexicon or the taxonomy knows the word, else as the need spelt it.
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
  limit?: number;
  locale: 'it' | 'en';
};

export type MatchItem = {
  type: 'organisation' | 'profile';
  id: string;
  name: string;
  category: string | null;
  subtype: string | null;
  score: number;
  why: { concepts: { id: string; label: string }[]; words: string[]; complementary: boolean };
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

const informative = (w: string) => w.length >= 3 && !stopwords.has(w) && !/^\d+$/.test(w);

// ---------------------------------------------------------------------------------------------------------------
// Stems (cached per process: the snowball stemmers are the same on both engines)

const stemCache = new Map<string, { it: string; en: string }>();

async function stemsOf(db: Db, words: string[]): Promise<Map<string, { it: string; en: string }>> {
  const missing = [...new Set(words.filter((w) => !stemCache.has(w)))];
  if (missing.length > 0) {
    if (stemCache.size > 200_000) stemCache.clear();
    for (let i = 0; i < missing.length; i += 5000) {
      const rows: TermStems[] = await selectStems(db, missing.slice(i, i + 5000));
      for (const r of rows) stemCache.set(r.term, { it: r.it, en: r.en });
    }
  }
  return new Map(words.map((w) => [w, stemCache.get(w) as { it: string; en: string }]));
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
    } catch {
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
function keyOf(words: string[], stems: Map<string, { it: string; en: string }>, lang: 'it' | 'en'): string {
  return words
    .map((w) => stems.get(w)?.[lang] ?? '')
    .filter((s) => s !== '')
    .join(' ');
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
// Document frequencies (cached while the index does not change)

const DF_CAP = 20_000;
type DfCache = { stamp: string; n: number; df: Map<string, number> };
const dfCaches = new WeakMap<Db, DfCache>();

async function documentFrequencies(db: Db, queries: string[]): Promise<{ n: number; df: Map<string, number> }> {
  const { n, stamp } = await selectIndexStamp(db);
  let cache = dfCaches.get(db);
  if (!cache || cache.stamp !== stamp) {
    cache = { stamp, n, df: new Map() };
    dfCaches.set(db, cache);
  }
  const missing = [...new Set(queries.filter((q) => !cache.df.has(q)))];
  const counts = await selectDocumentFrequencies(db, missing, DF_CAP);
  missing.forEach((q, i) => cache.df.set(q, counts[i]));
  return { n, df: cache.df };
}

// ---------------------------------------------------------------------------------------------------------------
// Query analysis

type Group = {
  key: string;
  /** tsquery (text form) matching any equivalent of the group in either language */
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
};

const orOf = (parts: string[]) => [...new Set(parts.filter((p) => p !== ''))].map((p) => `(${p})`).join(' | ');

function termQuery(term: string, stems: Map<string, { it: string; en: string }>): string {
  const words = wordsOf(term).map((w) => w.folded);
  const perLang = (lang: 'it' | 'en') => {
    const s = words.map((w) => stems.get(w)?.[lang] ?? '').filter((x) => x !== '');
    return s.length === 0 ? '' : s.map((x) => `(${x})`).join(' & ');
  };
  return orOf([perLang('it'), perLang('en')]);
}

export async function analyseNeed(db: Db, text: string, lang?: 'it' | 'en') {
  const index = await vocabulary(db);
  const words = wordsOf(text.slice(0, 20_000));
  const stems = await stemsOf(db, words.map((w) => w.folded));
  const groups = new Map<string, Group>();
  const covered = new Set<number>(); // word positions a one-word entry took

  const addGroup = (key: string, make: () => Omit<Group, 'qtf' | 'weight' | 'df'>) => {
    const g = groups.get(key);
    if (g) g.qtf++;
    else groups.set(key, { ...make(), qtf: 1, weight: 0, df: 0 });
  };

  // entries: runs of up to four words, by stem in each language and by exact folded form
  for (let i = 0; i < words.length; i++) {
    for (let n = 4; n >= 1; n--) {
      if (i + n > words.length) continue;
      const run = words.slice(i, i + n);
      const folded = run.map((w) => w.folded);
      if (n > 1 && (stopwords.has(folded[0]) || stopwords.has(folded[n - 1]))) continue;
      const hits: { e: Entry; lang: 'it' | 'en' | null }[] = [];
      for (const e of index.exact.get(folded.join(' ')) ?? []) hits.push({ e, lang: e.it.some((t) => foldJs(t) === folded.join(' ')) ? 'it' : 'en' });
      for (const l of ['it', 'en'] as const) {
        if (lang && lang !== l && n === 1) continue;
        const key = keyOf(folded, stems, l);
        if (key === '' || key.split(' ').length !== folded.filter((w) => (stems.get(w)?.[l] ?? '') !== '').length) continue;
        for (const e of index[l].get(key) ?? []) hits.push({ e, lang: l });
      }
      for (const { e, lang: hitLang } of hits) {
        if (n === 1) covered.add(i);
        addGroup(e.key, () => ({
          key: e.key,
          query: orOf([...e.it, ...e.en].map((t) => termQuery(t, stems))),
          words: n,
          conceptId: e.conceptId,
          entry: e,
          surface: run.map((w) => w.surface).join(' '),
          lang: hitLang,
        }));
      }
    }
  }
  // the need's other informative words
  words.forEach((w, i) => {
    if (covered.has(i) || !informative(w.folded)) return;
    const s = stems.get(w.folded);
    if (!s || (s.it === '' && s.en === '')) return;
    const key = `w:${s.it}|${s.en}`;
    addGroup(key, () => ({ key, query: orOf([s.it, s.en]), words: 1, surface: w.surface, lang: null }));
  });
  // entry groups need stems for every term they hold
  const needed = [...groups.values()].filter((g) => g.entry).flatMap((g) => [...g.entry!.it, ...g.entry!.en]);
  if (needed.length > 0) {
    const s = await stemsOf(db, needed.flatMap((t) => wordsOf(t).map((w) => w.folded)));
    for (const g of groups.values()) if (g.entry) g.query = orOf([...g.entry.it, ...g.entry.en].map((t) => termQuery(t, s)));
  }
  return [...groups.values()].filter((g) => g.query !== '');
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking

const MAX_GROUPS = 48;

export async function matchDocuments(db: Db, input: MatchInput): Promise<MatchItem[]> {
  const limit = Math.max(1, Math.min(input.limit ?? 20, 200));
  if (input.types.length === 0) return [];
  const all = await analyseNeed(db, input.text ?? '', input.lang);
  const { n, df } = await documentFrequencies(db, all.map((g) => g.query));
  for (const g of all) {
    g.df = df.get(g.query) ?? 0;
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

  // retrieval: the groups that tell documents apart (a word in most documents would drag in the whole index)
  const selective = groups.filter((g) => g.df <= Math.max(50, n * 0.1));
  const retrieval = orOf((selective.length > 0 ? selective : groups.slice(0, 3)).map((g) => g.query)) || null;
  const boost = input.boostCategories ?? [];
  const rows = await selectMatches(
    db,
    groups.map((g) => ({ query: g.query, weight: g.weight })),
    retrieval,
    [...conceptWeights].map(([id, weight]) => ({ id, weight })),
    {
      types: input.types,
      subtypes: input.subtypes && input.subtypes.length > 0 ? input.subtypes : null,
      clusterIds: input.clusterIds ?? null,
      excludeIds: input.excludeIds ?? [],
      boostCategories: boost,
    },
    limit,
  );

  const labels = new Map(
    (await selectConceptLabelsFor(db, [...new Set(rows.flatMap((r) => r.shared))])).map((c) => [c.id, input.locale === 'en' ? c.label_en : c.label_it]),
  );
  return rows.map((r) => {
    const concepts = r.shared.map((id) => ({ id, label: labels.get(id) ?? id }));
    const words: string[] = [];
    for (const pos of r.matched) {
      const g = groups[pos - 1];
      if (g.conceptId && r.shared.includes(g.conceptId)) continue;
      const w = shownAs(g, input.locale);
      if (!words.includes(w)) words.push(w);
    }
    return {
      type: r.type,
      id: r.id,
      name: r.name,
      category: r.category,
      subtype: r.subtype,
      score: Math.round(r.score * 10000) / 10000,
      why: { concepts, words: words.slice(0, 12), complementary: r.category !== null && boost.includes(r.category) },
    };
  });
}

/** A matched group as the reader recognises it: the need's own words when they are in the reader's language, else the equivalent. */
function shownAs(g: Group, locale: 'it' | 'en'): string {
  if (!g.entry) return g.surface;
  if (g.lang === locale) return g.surface;
  return g.entry[locale][0]?.toLowerCase() ?? g.surface;
}
