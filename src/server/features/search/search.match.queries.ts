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

export type MatchStat = { documents: number; avg_length: number; stamp: string; age_s: number; checked_s: number };

export async function selectMatchStat(db: Db): Promise<MatchStat | undefined> {
  const [row] = await db.query<MatchStat>(
    `SELECT documents, avg_length, stamp, extract(epoch FROM now() - refreshed_at)::float8 AS age_s,
            extract(epoch FROM now() - checked_at)::float8 AS checked_s
       FROM search_match_stat`,
  );
  return row;
}

/** The index's state: how many documents, and the newest indexing time. */
export async function selectIndexStamp(db: Db): Promise<{ n: number; stamp: string }> {
  const [row] = await db.query<{ n: number; stamp: string | null }>(
    'SELECT count(*)::int AS n, max(indexed_at)::text AS stamp FROM search_document',
  );
  return { n: row.n, stamp: `${row.n}:${row.stamp ?? ''}` };
}

export async function touchMatchStat(db: Db): Promise<void> {
  await db.query('UPDATE search_match_stat SET checked_at = now()');
}

/**
 * Rebuilds the lexeme document frequencies from the whole index (ts_stat). On PostgreSQL only one session
 * rebuilds at a time; the others keep using the previous figures.
 */
export async function refreshLexemeStats(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (tx.engine === 'postgres') {
      const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(727275) AS ok');
      if (!lock.ok) return false;
    }
    const [now] = await tx.query<{ n: number; stamp: string | null; avg: number | null }>(
      'SELECT count(*)::int AS n, max(indexed_at)::text AS stamp, avg(length(tsv))::float8 AS avg FROM search_document',
    );
    await tx.query('DELETE FROM search_lexeme_stat');
    await tx.query(`INSERT INTO search_lexeme_stat (lexeme, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search_document')`);
    await tx.query(
      `INSERT INTO search_match_stat (id, documents, avg_length, stamp, refreshed_at, checked_at) VALUES (true, $1, $2, $3, now(), now())
       ON CONFLICT (id) DO UPDATE SET documents = EXCLUDED.documents, avg_length = EXCLUDED.avg_length, stamp = EXCLUDED.stamp,
         refreshed_at = now(), checked_at = now()`,
      [now.n, now.avg ?? 1, `${now.n}:${now.stamp ?? ''}`],
    );
    return true;
  });
}

/** Document frequency of each lexeme (absent: not in the figures). */
export async function selectLexemeFrequencies(db: Db, lexemes: string[]): Promise<Map<string, number>> {
  if (lexemes.length === 0) return new Map();
  const rows = await db.query<{ lexeme: string; ndoc: number }>(
    'SELECT lexeme, ndoc FROM search_lexeme_stat WHERE lexeme = ANY($1::text[])',
    [lexemes],
  );
  return new Map(rows.map((r) => [r.lexeme, r.ndoc]));
}

export type MatchFilters = {
  types: string[];
  subtypes: string[] | null;
  clusterIds: string[] | null;
  excludeIds: string[];
};

export type MatchRow = {
  type: 'organisation' | 'profile';
  id: string;
  name: string;
  category: string | null;
  subtype: string | null;
  concept_ids: string[];
  /** document length in distinct lexemes */
  dl: number;
  /** 1-based positions (in the groups array) of the term groups the document contains */
  matched: number[];
};

/**
 * The candidate pool and, for each candidate, which term groups it contains. Candidates: documents that pass the
 * filters and contain a retrieval group ($2) or share a concept ($3); at most $4 of them, those sharing a concept
 * first, then by ts_rank on the retrieval groups. The tsvector is read (detoasted) once per candidate.
 */
export async function selectMatchCandidates(
  db: Db,
  groups: string[],
  retrieval: string | null,
  conceptIds: string[],
  pool: number,
  f: MatchFilters,
): Promise<MatchRow[]> {
  return db.query<MatchRow>(
    `WITH g AS MATERIALIZED (SELECT u.q::tsquery AS q, u.n::int AS n FROM unnest($1::text[]) WITH ORDINALITY u(q, n)),
     pool AS MATERIALIZED (
       SELECT d.type, d.id, d.name, d.category, d.subtype, d.concept_ids, d.tsv || ''::tsvector AS tsv
         FROM search_document d
        WHERE d.type = ANY($5::text[])
          AND ($6::text[] IS NULL OR d.subtype = ANY($6::text[]))
          AND ($7::uuid[] IS NULL OR d.cluster_ids && $7::uuid[])
          AND NOT (d.id = ANY($8::uuid[]))
          AND ((d.tsv @@ $2::text::tsquery) OR d.concept_ids && $3::text[])
        ORDER BY (d.concept_ids && $3::text[]) DESC,
                 CASE WHEN $2::text IS NULL THEN 0 ELSE ts_rank('{1,1,1,1}', d.tsv, $2::text::tsquery) END DESC, d.id
        LIMIT $4)
     SELECT p.type, p.id, p.name, p.category, p.subtype, p.concept_ids, length(p.tsv) AS dl,
            ARRAY(SELECT g.n FROM g WHERE p.tsv @@ g.q ORDER BY g.n) AS matched
       FROM pool p`,
    [groups, retrieval, conceptIds, pool, f.types, f.subtypes, f.clusterIds, f.excludeIds],
  );
}

export async function selectConceptLabelsFor(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; label_it: string; label_en: string }>(
    'SELECT id, label_it, label_en FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}
