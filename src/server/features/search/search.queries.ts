import type { Db } from '../../db/db.ts';

export type SearchDocument = {
  type: 'organisation' | 'profile';
  id: string;
  /** the profile type (technology_offer, …); null for organisations */
  subtype?: string | null;
  clusterIds: string[];
  name: string;
  textIt: string;
  textEn: string;
  conceptIds: string[];
  provinces: string[];
  category: string | null;
  sizeClass: string | null;
};

export async function upsertDocument(db: Db, d: SearchDocument): Promise<void> {
  await db.query(
    `INSERT INTO search_document (type, id, cluster_ids, name, text_it, text_en, concept_ids, provinces, category, size_class, subtype, indexed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (type, id) DO UPDATE SET cluster_ids = EXCLUDED.cluster_ids, name = EXCLUDED.name, text_it = EXCLUDED.text_it,
       text_en = EXCLUDED.text_en, concept_ids = EXCLUDED.concept_ids, provinces = EXCLUDED.provinces, category = EXCLUDED.category,
       size_class = EXCLUDED.size_class, subtype = EXCLUDED.subtype, indexed_at = now()`,
    [d.type, d.id, d.clusterIds, d.name, d.textIt, d.textEn, d.conceptIds, d.provinces, d.category, d.sizeClass, d.subtype ?? null],
  );
}

export async function deleteDocument(db: Db, type: string, id: string): Promise<void> {
  await db.query('DELETE FROM search_document WHERE type = $1 AND id = $2', [type, id]);
}

/**
 * Rebuilds the documents of these organisations, set-based. Public content only: organisations with an active
 * membership (the public directory), their descriptions, and their validated public competences (labels of the
 * concept in both languages, description and evidence). Members-only competences are not indexed.
 */
export async function rebuildOrganisationDocuments(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `DELETE FROM search_document d WHERE d.type = 'organisation' AND d.id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM organisation o WHERE o.id = d.id AND o.active_cluster_ids <> '{}')`,
    [ids],
  );
  await db.query(
    `INSERT INTO search_document (type, id, cluster_ids, name, text_it, text_en, concept_ids, provinces, category, size_class, indexed_at)
     SELECT 'organisation', o.id, o.active_cluster_ids, o.legal_name || coalesce(' ' || o.short_name, ''),
            concat_ws(' ', o.description_it, (SELECT string_agg(concat_ws(' ', ce.label_it, c.description, c.evidence), ' ')
                                               FROM organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id
                                              WHERE c.organisation_id = o.id AND c.status = 'validated' AND c.visibility = 'public')),
            concat_ws(' ', o.description_en, (SELECT string_agg(ce.label_en, ' ')
                                               FROM organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id
                                              WHERE c.organisation_id = o.id AND c.status = 'validated' AND c.visibility = 'public')),
            coalesce((SELECT array_agg(DISTINCT c.concept_id ORDER BY c.concept_id) FROM organisation_competence c
                       WHERE c.organisation_id = o.id AND c.status = 'validated' AND c.visibility = 'public'), '{}'),
            o.province_acronyms, o.category, o.size_class, now()
       FROM organisation o
      WHERE o.id = ANY($1::uuid[]) AND o.active_cluster_ids <> '{}'
     ON CONFLICT (type, id) DO UPDATE SET cluster_ids = EXCLUDED.cluster_ids, name = EXCLUDED.name, text_it = EXCLUDED.text_it,
       text_en = EXCLUDED.text_en, concept_ids = EXCLUDED.concept_ids, provinces = EXCLUDED.provinces, category = EXCLUDED.category,
       size_class = EXCLUDED.size_class, indexed_at = now()`,
    [ids],
  );
}

export async function anyStale(db: Db): Promise<boolean> {
  return (await db.query('SELECT 1 FROM search_stale LIMIT 1')).length > 0;
}

/** Takes the stale organisations off the queue (their rebuild commits with the same transaction). */
export async function takeStale(db: Db, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `DELETE FROM search_stale WHERE (type, id) IN (SELECT type, id FROM search_stale WHERE type = 'organisation' LIMIT $1)
     RETURNING id`,
    [limit],
  );
  return rows.map((r) => r.id);
}

export type ConceptHit = { id: string; scheme: string; label_it: string; label_en: string; terms: string[] };

/**
 * Concepts whose label or synonym, in either language, equals a phrase of the query or is close to it
 * (pg_trgm similarity ≥ 0.4), all accent-folded. Returns each concept with every label and synonym it has.
 */
export async function selectConceptsForPhrases(db: Db, phrases: string[]): Promise<ConceptHit[]> {
  if (phrases.length === 0) return [];
  return db.query<ConceptHit>(
    `WITH vocab AS MATERIALIZED (
       SELECT DISTINCT ce.id, fold_text(t) AS term FROM concept_effective ce
         CROSS JOIN LATERAL unnest(ARRAY[ce.label_it, ce.label_en] || ce.synonyms_it || ce.synonyms_en) t
        WHERE NOT ce.retired),
     phrase AS (SELECT DISTINCT p AS phrase FROM unnest($1::text[]) p),
     -- similarity() over every pair is slow on long queries: join on shared trigrams first (same measure as pg_trgm:
     -- shared distinct trigrams over the union of both sets)
     vt AS (SELECT v.id, v.term, g, cardinality(show_trgm(v.term)) AS n FROM vocab v CROSS JOIN LATERAL unnest(show_trgm(v.term)) g),
     pt AS (SELECT p.phrase, g, cardinality(show_trgm(p.phrase)) AS n FROM phrase p CROSS JOIN LATERAL unnest(show_trgm(p.phrase)) g
             WHERE length(p.phrase) >= 4),
     fuzzy AS (SELECT vt.id FROM vt JOIN pt ON pt.g = vt.g GROUP BY vt.id, vt.term, vt.n, pt.phrase, pt.n
                HAVING count(*)::float / nullif(vt.n + pt.n - count(*), 0) >= 0.4),
     hits AS (SELECT v.id FROM vocab v JOIN phrase p ON v.term = p.phrase UNION SELECT id FROM fuzzy)
     SELECT ce.id, ce.scheme, ce.label_it, ce.label_en,
            ARRAY[ce.label_it, ce.label_en] || ce.synonyms_it || ce.synonyms_en AS terms
       FROM concept_effective ce JOIN hits h ON h.id = ce.id ORDER BY ce.id`,
    [phrases],
  );
}

export type Filters = { conceptIds: string[][]; province?: string; category?: string; sizeClass?: string };

/** Descendants of a concept, itself included: a facet on a broad concept finds its narrower ones. */
export async function selectConceptSubtree(db: Db, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `WITH RECURSIVE t AS (SELECT id FROM concept WHERE id = $1 UNION SELECT c.id FROM concept c JOIN t ON c.parent_id = t.id)
     SELECT id FROM t`,
    [id],
  );
  return rows.map((r) => r.id);
}

/** $1 terms (folded), $2 concept ids, $3 province, $4 category, $5 size class, $6.. facet concept sets. */
function matchSql(filters: Filters): { where: string; params: unknown[] } {
  const params: unknown[] = [filters.province ?? null, filters.category ?? null, filters.sizeClass ?? null];
  const clauses = [
    `(d.tsv @@ q.query OR d.concept_ids && $2::text[])`,
    `($3::text IS NULL OR $3 = ANY(d.provinces))`,
    `($4::text IS NULL OR d.category = $4)`,
    `($5::text IS NULL OR d.size_class = $5)`,
  ];
  filters.conceptIds.forEach((set) => {
    params.push(set);
    clauses.push(`d.concept_ids && $${params.length + 2}::text[]`);
  });
  return { where: clauses.join(' AND '), params };
}

const querySql = `(SELECT coalesce((SELECT string_agg('(' || (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text || ')', ' | ')
                     FROM unnest($1::text[]) t WHERE (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text <> ''), '')::tsquery AS query) q`;

export type ResultRow = { id: string; name: string; category: string | null; provinces: string[]; concept_ids: string[]; score: number; total: number };

export async function selectResults(db: Db, terms: string[], conceptIds: string[], filters: Filters, limit: number, offset: number) {
  const m = matchSql(filters);
  const n = m.params.length + 2;
  return db.query<ResultRow>(
    `SELECT d.id, d.name, d.category, d.provinces, d.concept_ids,
            (ts_rank(d.tsv, q.query) + 0.5 * cardinality(ARRAY(SELECT unnest(d.concept_ids) INTERSECT SELECT unnest($2::text[]))))::float8 AS score,
            count(*) OVER ()::int AS total
       FROM search_document d, ${querySql}
      WHERE d.type = 'organisation' AND ${m.where}
      ORDER BY score DESC, d.name, d.id LIMIT $${n + 1} OFFSET $${n + 2}`,
    [terms, conceptIds, ...m.params, limit, offset],
  );
}

export type FacetRow = { facet: string; value: string; count: number };

export async function selectFacets(db: Db, terms: string[], conceptIds: string[], filters: Filters) {
  const m = matchSql(filters);
  return db.query<FacetRow>(
    `WITH matched AS (SELECT d.* FROM search_document d, ${querySql} WHERE d.type = 'organisation' AND ${m.where})
     SELECT ce.scheme AS facet, x.value, count(*)::int AS count FROM matched, unnest(matched.concept_ids) x(value)
       JOIN concept_effective ce ON ce.id = x.value GROUP BY ce.scheme, x.value
     UNION ALL SELECT 'province', p, count(*)::int FROM matched, unnest(matched.provinces) p GROUP BY p
     UNION ALL SELECT 'category', category, count(*)::int FROM matched WHERE category IS NOT NULL GROUP BY category
     UNION ALL SELECT 'sizeClass', size_class, count(*)::int FROM matched WHERE size_class IS NOT NULL GROUP BY size_class
     ORDER BY 1, 3 DESC, 2`,
    [terms, conceptIds, ...m.params],
  );
}

/** Which of the terms each document's text contains (the "why" of a result). */
export async function selectMatchedTerms(db: Db, ids: string[], terms: string[]) {
  if (ids.length === 0 || terms.length === 0) return [];
  return db.query<{ id: string; term: string }>(
    `SELECT d.id, t.term FROM search_document d CROSS JOIN unnest($2::text[]) WITH ORDINALITY t(term, n)
      WHERE d.type = 'organisation' AND d.id = ANY($1::uuid[])
        AND (plainto_tsquery('italian', t.term) || plainto_tsquery('english', t.term))::text <> ''
        AND d.tsv @@ (plainto_tsquery('italian', t.term) || plainto_tsquery('english', t.term))
      ORDER BY d.id, t.n`,
    [ids, terms],
  );
}

export async function selectConceptLabels(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; scheme: string; label_it: string; label_en: string }>(
    'SELECT id, scheme, label_it, label_en FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}

export async function foldText(db: Db, q: string): Promise<string> {
  const [row] = await db.query<{ f: string }>('SELECT fold_text($1) AS f', [q]);
  return row.f;
}

export async function selectDocumentConcepts(db: Db, type: string, id: string) {
  return db.query<{ concept_ids: string[] }>('SELECT concept_ids FROM search_document WHERE type = $1 AND id = $2', [type, id]);
}
