import type { Db } from '../../db/db.ts';

/*
 * SQL of the matchmaking ranking (search.match.ts). The documents are the search module's (search_document, migration
 * 0014/0015): its generated `tsv` holds the accent-folded text stemmed with both the Italian and the English
 * configuration, so a query word is looked up as the OR of its two stems.
 */

export type TermStems = { term: string; it: string; en: string };

/** The Italian and English stems of each folded word ('' for a stopword of that language). */
export async function selectStems(db: Db, terms: string[]): Promise<TermStems[]> {
  if (terms.length === 0) return [];
  return db.query<TermStems>(
    `SELECT t AS term, plainto_tsquery('italian', t)::text AS it, plainto_tsquery('english', t)::text AS en
       FROM unnest($1::text[]) t`,
    [terms],
  );
}

/** Every non-retired concept with its labels and synonyms in both languages (the taxonomy side of the expansion). */
export async function selectConceptVocabulary(db: Db) {
  return db.query<{ id: string; label_it: string; label_en: string; synonyms_it: string[]; synonyms_en: string[] }>(
    'SELECT id, label_it, label_en, synonyms_it, synonyms_en FROM concept_effective WHERE NOT retired ORDER BY id',
  );
}

/** How many documents there are, and the oldest/newest indexing time (the document-frequency cache's stamp). */
export async function selectIndexStamp(db: Db): Promise<{ n: number; stamp: string }> {
  const [row] = await db.query<{ n: number; stamp: string | null }>(
    `SELECT count(*)::int AS n, max(indexed_at)::text AS stamp FROM search_document`,
  );
  return { n: row.n, stamp: `${row.n}:${row.stamp ?? ''}` };
}

/**
 * Document frequency of each tsquery (text form), counted up to `cap`: beyond it a word is too common to tell
 * documents apart, and the count stays cheap through the GIN index at 100k documents.
 */
export async function selectDocumentFrequencies(db: Db, queries: string[], cap: number): Promise<number[]> {
  if (queries.length === 0) return [];
  const rows = await db.query<{ n: number; df: number }>(
    `SELECT u.n::int AS n, (SELECT count(*)::int FROM (SELECT 1 FROM search_document d WHERE d.tsv @@ u.q::tsquery LIMIT $2) x) AS df
       FROM unnest($1::text[]) WITH ORDINALITY u(q, n) ORDER BY u.n`,
    [queries, cap],
  );
  return rows.map((r) => r.df);
}

export type MatchFilters = {
  types: string[];
  subtypes: string[] | null;
  clusterIds: string[] | null;
  excludeIds: string[];
  boostCategories: string[];
};

export type MatchRow = {
  type: 'organisation' | 'profile';
  id: string;
  name: string;
  category: string | null;
  subtype: string | null;
  concept_ids: string[];
  /** 1-based positions (in the queries array) of the term groups the document contains */
  matched: number[];
  shared: string[];
  score: number;
};

/**
 * Candidates and their score in one statement. $1 group tsqueries (text), $2 their weights, $3 the OR of the
 * retrieval groups, $4 concept ids of the need with $5 their weights; filters follow. Text relevance is BM25 with a
 * binary term frequency (each group counts once) and the usual length normalisation (document length = its
 * distinct lexemes); each shared concept adds its weight; a category in boostCategories multiplies the score.
 */
export async function selectMatches(
  db: Db,
  groups: { query: string; weight: number }[],
  retrieval: string | null,
  concepts: { id: string; weight: number }[],
  f: MatchFilters,
  limit: number,
): Promise<MatchRow[]> {
  return db.query<MatchRow>(
    `WITH g AS (SELECT u.q::tsquery AS q, u.w, u.n::int AS n FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY u(q, w, n)),
     k AS (SELECT u.id, u.w FROM unnest($4::text[], $5::float8[]) u(id, w)),
     cand AS (
       SELECT d.type, d.id, d.name, d.category, d.subtype, d.concept_ids, d.tsv, length(d.tsv) AS dl
         FROM search_document d
        WHERE d.type = ANY($6::text[])
          AND ($7::text[] IS NULL OR d.subtype = ANY($7::text[]))
          AND ($8::uuid[] IS NULL OR d.cluster_ids && $8::uuid[])
          AND NOT (d.id = ANY($9::uuid[]))
          AND (($3::text IS NOT NULL AND d.tsv @@ $3::text::tsquery) OR d.concept_ids && $4::text[])
     ),
     scored AS (
       SELECT c.*, avg(c.dl) OVER () AS avgdl,
              ARRAY(SELECT g.n FROM g WHERE c.tsv @@ g.q ORDER BY g.n) AS matched,
              ARRAY(SELECT k.id FROM k WHERE k.id = ANY(c.concept_ids) ORDER BY k.id) AS shared,
              coalesce((SELECT sum(g.w) FROM g WHERE c.tsv @@ g.q), 0) AS text_w,
              coalesce((SELECT sum(k.w) FROM k WHERE k.id = ANY(c.concept_ids)), 0) AS concept_w
         FROM cand c
     )
     SELECT s.type, s.id, s.name, s.category, s.subtype, s.concept_ids, s.matched, s.shared,
            ((s.text_w * 2.2 / (1 + 1.2 * (0.25 + 0.75 * s.dl / greatest(s.avgdl, 1)))) + s.concept_w)
              * CASE WHEN s.category = ANY($10::text[]) THEN 1.25 ELSE 1 END AS score
       FROM scored s
      WHERE cardinality(s.matched) + cardinality(s.shared) > 0
      ORDER BY score DESC, s.name, s.id
      LIMIT $11`,
    [
      groups.map((g) => g.query),
      groups.map((g) => g.weight),
      retrieval,
      concepts.map((c) => c.id),
      concepts.map((c) => c.weight),
      f.types,
      f.subtypes,
      f.clusterIds,
      f.excludeIds,
      f.boostCategories,
      limit,
    ],
  );
}

export async function selectConceptLabelsFor(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; label_it: string; label_en: string }>(
    'SELECT id, label_it, label_en FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}
