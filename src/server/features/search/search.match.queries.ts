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
      'SELECT count(*)::int AS n, max(indexed_at)::text AS stamp, avg(octet_length(name) + octet_length(text_it) + octet_length(text_en))::float8 AS avg FROM search_document',
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

/**
 * Document frequency of lexemes the figures do not hold (words of documents indexed since the last rebuild), counted
 * through the GIN index, each up to `cap`: a word absent from the index costs one index probe and counts 0.
 */
export async function countLexemesInIndex(db: Db, lexemes: { lexeme: string; query: string }[], cap: number): Promise<Map<string, number>> {
  if (lexemes.length === 0) return new Map();
  // the heap of a small index looks cheap to scan, but each row would detoast its tsvector: the index, always
  const rows = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    return tx.query<{ lexeme: string; ndoc: number }>(
    `WITH u AS MATERIALIZED (SELECT l, q::tsquery AS q FROM unnest($1::text[], $3::text[]) u(l, q))
     SELECT u.l AS lexeme, c.n::int AS ndoc
       FROM u CROSS JOIN LATERAL (SELECT count(*) AS n FROM (SELECT 1 FROM search_document d WHERE d.tsv @@ u.q LIMIT $2) x) c`,
    [lexemes.map((l) => l.lexeme), cap, lexemes.map((l) => l.query)],
    );
  });
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
  /** document length: bytes of its name and texts (read from the TOAST header, never the text itself) */
  dl: number;
  /** 1-based positions (in the groups array) of the term groups the document contains */
  matched: number[];
  /** the projects the document's organisation took part in */
  network_refs: string[];
};

/**
 * Candidates and the term groups each contains, in two stages so that cost follows the selective words, not the
 * index size:
 * A. every selective group ($1, weights $2) is looked up through the GIN index on tsv, every concept ($5) through the
 *    GIN index on concept_ids; hits are summed per document (IDF weights, no tsvector read) and the best $6 kept;
 * B. only those documents read their tsvector (once each) to test the common groups ($3, positions $4).
 */
export async function selectMatchCandidates(
  db: Db,
  selective: { query: string; weight: number; n: number }[],
  common: { query: string; n: number }[],
  conceptIds: string[],
  conceptWeights: number[],
  pool: number,
  avgLength: number,
  f: MatchFilters,
): Promise<MatchRow[]> {
  return db.query<MatchRow>(
    `WITH g AS MATERIALIZED (SELECT u.q::tsquery AS q, u.w, u.n FROM unnest($1::text[], $2::float8[], $13::int[]) u(q, w, n)),
     c AS MATERIALIZED (SELECT u.q::tsquery AS q, u.n FROM unnest($3::text[], $4::int[]) u(q, n)),
     k AS MATERIALIZED (SELECT u.id, u.w FROM unnest($5::text[], $12::float8[]) u(id, w)),
     hits AS (
       SELECT h.id, g.n, g.w, h.dl FROM g CROSS JOIN LATERAL (
         SELECT d.id, octet_length(d.name) + octet_length(d.text_it) + octet_length(d.text_en) AS dl
           FROM search_document d
          WHERE d.tsv @@ g.q AND d.type = ANY($7::text[])
            AND ($8::text[] IS NULL OR d.subtype = ANY($8::text[]))
            AND ($9::uuid[] IS NULL OR d.cluster_ids && $9::uuid[])
            AND NOT (d.id = ANY($10::uuid[]))) h
       UNION ALL
       SELECT d.id, 0, (SELECT sum(k.w) FROM k WHERE k.id = ANY(d.concept_ids)),
              octet_length(d.name) + octet_length(d.text_it) + octet_length(d.text_en)
         FROM search_document d
        WHERE d.concept_ids && $5::text[] AND d.type = ANY($7::text[])
          AND ($8::text[] IS NULL OR d.subtype = ANY($8::text[]))
          AND ($9::uuid[] IS NULL OR d.cluster_ids && $9::uuid[])
          AND NOT (d.id = ANY($10::uuid[]))),
     top AS (
       SELECT id, array_agg(n) FILTER (WHERE n > 0) AS matched, max(dl) AS dl,
              sum(w) FILTER (WHERE n > 0) AS tw, sum(w) FILTER (WHERE n = 0) AS cw
         FROM hits GROUP BY id
        ORDER BY coalesce(sum(w) FILTER (WHERE n > 0), 0) * 2.2 / (1 + 1.2 * (0.5 + 0.5 * max(dl) / $11::float8))
                 + coalesce(sum(w) FILTER (WHERE n = 0), 0) DESC, id
        LIMIT $6),
     docs AS MATERIALIZED (
       SELECT d.type, d.id, d.name, d.category, d.subtype, d.concept_ids, d.network_refs, t.dl, t.matched,
              CASE WHEN $3::text[] = '{}' THEN NULL ELSE d.tsv || ''::tsvector END AS tsv
         FROM top t JOIN search_document d ON d.id = t.id AND d.type = ANY($7::text[]))
     SELECT x.type, x.id, x.name, x.category, x.subtype, x.concept_ids, x.network_refs, x.dl,
            coalesce(x.matched, '{}') || ARRAY(SELECT c.n FROM c WHERE x.tsv @@ c.q ORDER BY c.n) AS matched
       FROM docs x`,
    [
      selective.map((g) => g.query),
      selective.map((g) => g.weight),
      common.map((g) => g.query),
      common.map((g) => g.n),
      conceptIds,
      pool,
      f.types,
      f.subtypes,
      f.clusterIds,
      f.excludeIds,
      avgLength,
      conceptWeights,
      selective.map((g) => g.n),
    ],
  );
}

export type NetworkPeer = Omit<MatchRow, 'dl' | 'matched'>;

/** Documents (within the filters) that share one of these project references, through the GIN index on network_refs. */
export async function selectNetworkPeers(db: Db, refs: string[], f: MatchFilters, limit: number): Promise<NetworkPeer[]> {
  if (refs.length === 0) return [];
  return db.query<NetworkPeer>(
    `SELECT d.type, d.id, d.name, d.category, d.subtype, d.concept_ids, d.network_refs
       FROM search_document d
      WHERE d.network_refs && $1::text[] AND d.type = ANY($2::text[])
        AND ($3::text[] IS NULL OR d.subtype = ANY($3::text[]))
        AND ($4::uuid[] IS NULL OR d.cluster_ids && $4::uuid[])
        AND NOT (d.id = ANY($5::uuid[]))
      ORDER BY d.id
      LIMIT $6`,
    [refs, f.types, f.subtypes, f.clusterIds, f.excludeIds, limit],
  );
}

/** Acronyms of the projects behind 'project:<uuid>' references. */
export async function selectProjectAcronyms(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; acronym: string }>('SELECT id, acronym FROM project WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.acronym]));
}

export async function selectConceptLabelsFor(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; label_it: string; label_en: string }>(
    'SELECT id, label_it, label_en FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}
