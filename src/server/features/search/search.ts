import type { Db } from '../../db/db.ts';
import type { Actor } from '../../lib/auth.ts';
import { ValidationError } from '../../lib/errors.ts';
import { readerOf } from '../competences/competences.ts';
import type { Reader } from '../competences/competences.queries.ts';
import {
  type Filters,
  type SearchDocument,
  anyStale,
  deleteDocument,
  rebuildOrganisationDocuments,
  selectConceptLabels,
  selectConceptSubtree,
  selectConceptsForPhrases,
  selectDocumentConcepts,
  selectMatchedTerms,
  selectReaderClusters,
  selectSearchPage,
  refreshVocabularyIfStale,
  takeStale,
  buildTsQuery,
  type Entitlement,
  upsertDocument,
} from './search.queries.ts';
import type { SearchOut, SearchQuery } from './search.schemas.ts';

/*
 * The search module (DESIGN.md §3): index a document, query, explain. Features and matchmaking call these
 * functions only; the engine (PostgreSQL full text + pg_trgm on the taxonomy vocabulary) can change behind them.
 *
 * Freshness: triggers of migration 0014 queue an organisation in search_stale whenever it, one of its
 * competences or a concept override changes; search() rebuilds the queued documents (set-based) before it
 * answers, so the index is never staler than the last committed change and no caller has to remember to
 * reindex. reindexOrganisation() and reindexAll() do the same on demand.
 *
 * Visibility: documents hold the public content of organisations with an active membership (descriptions, validated
 * public competences and facilities, linked ingredients) in their public columns, and their validated members-only
 * declarations in separate members_* columns that match only for readers entitled to them (members of the same
 * cluster, its staff, region officers, platform admins). A result never reveals what its reader may not see.
 *
 * Scale (TARGETS S4): one statement finds the matches through the GIN indexes, counts the facets over all of them,
 * and ranks on the full text only the best `rankWindow` by a cheap score (name and declared concept labels, and the
 * query's concepts they declare); see migration 0020 and docs/performance.md.
 */

export type { SearchDocument };

export async function indexDocument(db: Db, doc: SearchDocument): Promise<void> {
  await upsertDocument(db, doc);
}

export async function removeDocument(db: Db, type: SearchDocument['type'], id: string): Promise<void> {
  await deleteDocument(db, type, id);
}

export async function reindexOrganisation(db: Db, id: string): Promise<void> {
  await db.transaction((tx) => rebuildOrganisationDocuments(tx, [id]));
}

/** Rebuilds every queued document; returns how many organisations were rebuilt. */
export async function reindexStale(db: Db): Promise<number> {
  let n = 0;
  // the common case, nothing queued, costs one read and no transaction
  if (!(await anyStale(db))) return 0;
  await db.transaction((tx) => refreshVocabularyIfStale(tx));
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const ids = await takeStale(tx, 500);
      await rebuildOrganisationDocuments(tx, ids);
      return ids.length;
    });
    n += done;
    if (done < 500) return n;
  }
}

export async function reindexAll(db: Db): Promise<void> {
  await db.query("INSERT INTO search_stale (type, id) SELECT 'organisation', id FROM organisation ON CONFLICT DO NOTHING");
  await reindexStale(db);
}

export const pageSize = 20;
const facetNames = ['stage', 'technology', 'product', 'province', 'category', 'sizeClass'] as const;

/** Words of the folded query (the first 12) and every run of up to three consecutive words (phrases like "conto terzi"). */
export function phrasesOf(folded: string): { words: string[]; phrases: string[] } {
  const words = splitWords(folded).slice(0, 12);
  const phrases = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) phrases.add(words.slice(i, i + n).join(' '));
  }
  return { words, phrases: [...phrases] };
}

const splitWords = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);

async function fold(db: Db, texts: string[]): Promise<string[]> {
  if (texts.length === 0) return [];
  const rows = await db.query<{ f: string }>('SELECT fold_text(t) AS f FROM unnest($1::text[]) WITH ORDINALITY x(t, n) ORDER BY n', [texts]);
  return rows.map((r) => r.f);
}

/** At most this many taxonomy terms join the query: the labels and synonyms of the concepts it names. */
const maxTerms = 120;

/**
 * Query processing: fold, then expand through the taxonomy (both languages, typo-tolerant). `display` maps each
 * folded word or term back to how the reader would recognise it (the query's own spelling, the taxonomy's label).
 */
export async function expandQuery(db: Db, q: string) {
  const original = splitWords(q.slice(0, 200)).slice(0, 24);
  const [folded, ...foldedOriginal] = await fold(db, [q.slice(0, 200), ...original]);
  const { words, phrases } = phrasesOf(folded);
  const concepts = await selectConceptsForPhrases(db, phrases);
  const display = new Map<string, string>();
  foldedOriginal.forEach((f, i) => display.set(f, original[i]));
  for (const c of concepts) c.folded_terms.forEach((f, i) => display.has(f) || display.set(f, c.terms[i]));
  const terms = [...new Set(concepts.flatMap((c) => c.folded_terms))].filter((t) => !words.includes(t)).slice(0, maxTerms);
  return { folded, words, concepts, terms, conceptIds: concepts.map((c) => c.id), display };
}

/** The clusters whose members-only content the reader may match (null: every cluster). */
async function entitlementOf(db: Db, reader: Reader): Promise<Entitlement> {
  if (reader.staffClusterIds === null) return { clusterIds: null };
  return { clusterIds: await selectReaderClusters(db, reader.orgIds, reader.staffClusterIds) };
}

/** How many matches, best first by their key terms and concepts, are ranked on their full text. */
export const rankWindow = 200;

export async function search(db: Db, reader: Reader, input: SearchQuery): Promise<SearchOut> {
  const locale = input.lang === 'en' ? 'en' : 'it';
  const page = input.page ?? 1;
  const empty: SearchOut = {
    items: [],
    facets: { stage: [], technology: [], product: [], province: [], category: [], sizeClass: [] },
    total: 0,
    page,
    pageSize,
  };
  // a filter naming no taxonomy entry is an error to name, not a filter that silently matches nothing
  const filters: Filters = { conceptIds: [], province: input.province, category: input.category, sizeClass: input.sizeClass };
  const unknown: Record<string, string> = {};
  for (const name of ['stage', 'technology', 'product'] as const) {
    const id = input[name];
    if (!id) continue;
    const subtree = await selectConceptSubtree(db, id);
    if (subtree.length === 0) unknown[`query.${name}`] = 'unknown_concept';
    filters.conceptIds.push(subtree);
  }
  if (Object.keys(unknown).length) throw new ValidationError(unknown);
  const q = (input.q ?? '').trim();
  if (q === '') return empty;
  await reindexStale(db);
  const x = await expandQuery(db, q);
  if (x.words.length === 0 && x.conceptIds.length === 0) return empty;
  const entitled = await entitlementOf(db, reader);
  const params = {
    conceptIds: x.conceptIds,
    nameQuery: '',
    entitled,
    filters,
    rankWindow,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  };
  let result = await selectSearchPage(db, await buildTsQuery(db, x.words, false, x.terms), params);
  // Every word is required first. When nothing has them all, any of them will do, and organisation names are
  // matched by similarity too (a misspelt name): a fallback, so a common word never pays for a fuzzy scan of names.
  if (result.total === 0) {
    const nameQuery = x.folded.length >= 4 ? x.folded : '';
    result = await selectSearchPage(db, await buildTsQuery(db, x.words, true, x.terms), { ...params, nameQuery });
  }
  const membersIds = result.items.filter((r) => r.ent).map((r) => r.id);
  const matched = await selectMatchedTerms(db, result.items.map((r) => r.id), [...x.words, ...x.terms], membersIds);
  const labelIds = [...new Set([...result.facets.filter((f) => ['stage', 'technology', 'product'].includes(f.facet)).map((f) => f.value), ...x.conceptIds])];
  const labels = new Map((await selectConceptLabels(db, labelIds)).map((c) => [c.id, locale === 'en' ? c.label_en : c.label_it]));
  const wordsOf = new Map<string, string[]>();
  for (const m of matched) wordsOf.set(m.id, [...(wordsOf.get(m.id) ?? []), x.display.get(m.term) ?? m.term]);
  const facets = empty.facets;
  for (const f of result.facets) {
    if (!(facetNames as readonly string[]).includes(f.facet)) continue;
    const key = f.facet as (typeof facetNames)[number];
    facets[key].push({ id: f.value, label: labels.get(f.value) ?? f.value, count: f.count });
  }
  return {
    items: result.items.map((r) => ({
      organisation: { id: r.id, name: r.name, category: r.category, provinces: r.provinces },
      score: Math.round(r.score * 10000) / 10000,
      why: explainMatch(r.concept_ids, x.conceptIds, labels, wordsOf.get(r.id) ?? []),
    })),
    facets,
    total: result.total,
    page,
    pageSize,
  };
}

/** Why a document matched: the query's concepts it declares (labels in the reader's language) and the words its text contains. */
export function explainMatch(docConceptIds: string[], queryConceptIds: string[], labels: Map<string, string>, words: string[]) {
  return {
    concepts: docConceptIds.filter((id) => queryConceptIds.includes(id)).map((id) => ({ id, label: labels.get(id) ?? id })),
    words,
  };
}

/**
 * Why one document matches a query (for matchmaking and for a single result): null when it does not match or is
 * not indexed. Members-only content counts only for a reader entitled to it, so the explanation never reveals
 * what its reader may not see.
 */
export async function explain(
  db: Db,
  reader: Reader,
  input: { q: string; type: SearchDocument['type']; id: string; locale: 'it' | 'en' },
): Promise<{ concepts: { id: string; label: string }[]; words: string[] } | null> {
  if (input.q.trim() === '') return null;
  await reindexStale(db);
  const x = await expandQuery(db, input.q);
  const [doc] = await selectDocumentConcepts(db, input.type, input.id);
  if (!doc) return null;
  const entitled = await entitlementOf(db, reader);
  const sees = entitled.clusterIds === null || doc.cluster_ids.some((c) => entitled.clusterIds?.includes(c));
  const concepts = sees ? [...doc.concept_ids, ...doc.members_concept_ids] : doc.concept_ids;
  const words = (await selectMatchedTerms(db, [input.id], [...x.words, ...x.terms], sees ? [input.id] : [])).map((m) => x.display.get(m.term) ?? m.term);
  const labels = new Map(x.concepts.map((c) => [c.id, input.locale === 'en' ? c.label_en : c.label_it]));
  const why = explainMatch(concepts, x.conceptIds, labels, words);
  return why.concepts.length + why.words.length > 0 ? why : null;
}

export async function searchFor(db: Db, actor: Actor | null, input: SearchQuery): Promise<SearchOut> {
  return search(db, readerOf(actor), input);
}
