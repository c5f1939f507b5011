import type { Db } from '../../db/db.ts';
import type { Actor } from '../../lib/auth.ts';
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
  selectFacets,
  selectMatchedTerms,
  selectResults,
  takeStale,
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
 * Visibility: documents hold only public content (organisations with an active membership, their descriptions
 * and their validated public competences). Members-only competences are not indexed in this first version, so
 * every reader gets the same results and a result never reveals what a visitor may not see.
 */

export type { SearchDocument };

export async function indexDocument(db: Db, doc: SearchDocument): Promise<void> {
  await upsertDocument(db, doc);
}

export async function removeDocument(db: Db, type: SearchDocument['type'], id: string): Promise<void> {
  await deleteDocument(db, type, id);
}

export async function reindexOrganisation(db: Db, id: string): Promise<void> {
  await rebuildOrganisationDocuments(db, [id]);
}

/** Rebuilds every queued document; returns how many organisations were rebuilt. */
export async function reindexStale(db: Db): Promise<number> {
  let n = 0;
  // the common case, nothing queued, costs one read and no transaction
  if (!(await anyStale(db))) return 0;
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
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).slice(0, 12);
  const phrases = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) phrases.add(words.slice(i, i + n).join(' '));
  }
  return { words, phrases: [...phrases] };
}

async function fold(db: Db, texts: string[]): Promise<string[]> {
  if (texts.length === 0) return [];
  const rows = await db.query<{ f: string }>('SELECT fold_text(t) AS f FROM unnest($1::text[]) WITH ORDINALITY x(t, n) ORDER BY n', [texts]);
  return rows.map((r) => r.f);
}

/** Query processing: fold, then expand through the taxonomy (both languages, typo-tolerant). */
export async function expandQuery(db: Db, q: string) {
  const [folded] = await fold(db, [q.slice(0, 200)]);
  const { words, phrases } = phrasesOf(folded);
  const concepts = await selectConceptsForPhrases(db, phrases);
  const conceptTerms = await fold(db, concepts.flatMap((c) => c.terms));
  const terms = [...new Set([...words, ...conceptTerms])].slice(0, 300);
  return { words, concepts, terms, conceptIds: concepts.map((c) => c.id) };
}

export async function search(db: Db, reader: Reader, input: SearchQuery): Promise<SearchOut> {
  void reader; // documents hold public content only (see above): every reader gets the same answer
  const locale = input.lang === 'en' ? 'en' : 'it';
  const page = input.page ?? 1;
  const empty: SearchOut = {
    items: [],
    facets: { stage: [], technology: [], product: [], province: [], category: [], sizeClass: [] },
    total: 0,
    page,
    pageSize,
  };
  const q = (input.q ?? '').trim();
  if (q === '') return empty;
  await reindexStale(db);
  const x = await expandQuery(db, q);
  if (x.terms.length === 0 && x.conceptIds.length === 0) return empty;
  const filters: Filters = { conceptIds: [], province: input.province, category: input.category, sizeClass: input.sizeClass };
  for (const id of [input.stage, input.technology, input.product]) {
    if (id) filters.conceptIds.push(await selectConceptSubtree(db, id));
  }
  const rows = await selectResults(db, x.terms, x.conceptIds, filters, pageSize, (page - 1) * pageSize);
  const facetRows = await selectFacets(db, x.terms, x.conceptIds, filters);
  const matched = await selectMatchedTerms(db, rows.map((r) => r.id), x.terms);
  const labelIds = [...new Set([...facetRows.filter((f) => ['stage', 'technology', 'product'].includes(f.facet)).map((f) => f.value), ...x.conceptIds])];
  const labels = new Map((await selectConceptLabels(db, labelIds)).map((c) => [c.id, locale === 'en' ? c.label_en : c.label_it]));
  const wordsOf = new Map<string, string[]>();
  for (const m of matched) wordsOf.set(m.id, [...(wordsOf.get(m.id) ?? []), m.term]);
  const facets = empty.facets;
  for (const f of facetRows) {
    if (!(facetNames as readonly string[]).includes(f.facet)) continue;
    const key = f.facet as (typeof facetNames)[number];
    facets[key].push({ id: f.value, label: labels.get(f.value) ?? f.value, count: f.count });
  }
  return {
    items: rows.map((r) => ({
      organisation: { id: r.id, name: r.name, category: r.category, provinces: r.provinces },
      score: Math.round(r.score * 10000) / 10000,
      why: explainMatch(r.concept_ids, x.conceptIds, labels, wordsOf.get(r.id) ?? []),
    })),
    facets,
    total: rows[0]?.total ?? 0,
    page,
    pageSize,
  };
}

/** Why a document matched: the query's concepts it declares (labels in the reader's language) and the words its public text contains. */
export function explainMatch(docConceptIds: string[], queryConceptIds: string[], labels: Map<string, string>, words: string[]) {
  return {
    concepts: docConceptIds.filter((id) => queryConceptIds.includes(id)).map((id) => ({ id, label: labels.get(id) ?? id })),
    words,
  };
}

/**
 * Why one document matches a query (for matchmaking and for a single result): null when it does not match or is
 * not indexed. Documents hold public content only, so the explanation never reveals what a reader may not see.
 */
export async function explain(
  db: Db,
  reader: Reader,
  input: { q: string; type: SearchDocument['type']; id: string; locale: 'it' | 'en' },
): Promise<{ concepts: { id: string; label: string }[]; words: string[] } | null> {
  void reader;
  if (input.q.trim() === '') return null;
  await reindexStale(db);
  const x = await expandQuery(db, input.q);
  const [doc] = await selectDocumentConcepts(db, input.type, input.id);
  if (!doc) return null;
  const words = (await selectMatchedTerms(db, [input.id], x.terms)).map((m) => m.term);
  const labels = new Map(x.concepts.map((c) => [c.id, input.locale === 'en' ? c.label_en : c.label_it]));
  const why = explainMatch(doc.concept_ids, x.conceptIds, labels, words);
  return why.concepts.length + why.words.length > 0 ? why : null;
}

export async function searchFor(db: Db, actor: Actor | null, input: SearchQuery): Promise<SearchOut> {
  return search(db, readerOf(actor), input);
}
