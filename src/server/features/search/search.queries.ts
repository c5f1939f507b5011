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
  /** references of the projects the document's organisation took part in (matchmaking's network signal) */
  networkRefs?: string[];
};

/** key_text of a document: the labels, in both languages, of the concepts it declares (weight B of key_tsv). */
const keyTextOf = (conceptIds: string) =>
  `coalesce((SELECT string_agg(ce.label_it || ' ' || ce.label_en, ' ' ORDER BY ce.id) FROM concept_effective ce WHERE ce.id = ANY(${conceptIds})), '')`;

/**
 * The codes of these concepts (migration 0024): what the facets count. The ids are unnested once: under `= ANY` an
 * array computed by the caller's CTE was computed again for every concept row compared (indexing 3.5 × slower).
 */
const codesOf = (conceptIds: string) => `ARRAY(SELECT c.code FROM unnest(${conceptIds}) u(id) JOIN concept c ON c.id = u.id ORDER BY c.code)`;

export async function upsertDocument(db: Db, d: SearchDocument): Promise<void> {
  await db.query(
    `INSERT INTO search_document (type, id, cluster_ids, name, text_it, text_en, concept_ids, provinces, category, size_class, subtype, network_refs, key_text, concept_codes, indexed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
             ${keyTextOf('$7::text[]')}, ${codesOf('$7::text[]')},
             now())
     ON CONFLICT (type, id) DO UPDATE SET cluster_ids = EXCLUDED.cluster_ids, name = EXCLUDED.name, text_it = EXCLUDED.text_it,
       text_en = EXCLUDED.text_en, concept_ids = EXCLUDED.concept_ids, provinces = EXCLUDED.provinces, category = EXCLUDED.category,
       size_class = EXCLUDED.size_class, subtype = EXCLUDED.subtype, network_refs = EXCLUDED.network_refs, key_text = EXCLUDED.key_text,
       concept_codes = EXCLUDED.concept_codes, indexed_at = now()`,
    [d.type, d.id, d.clusterIds, d.name, d.textIt, d.textEn, d.conceptIds, d.provinces, d.category, d.sizeClass, d.subtype ?? null, d.networkRefs ?? []],
  );
}

export async function deleteDocument(db: Db, type: string, id: string): Promise<void> {
  await db.query('DELETE FROM search_document WHERE type = $1 AND id = $2', [type, id]);
}

/**
 * Rebuilds the documents of these organisations, set-based. Organisations with an active membership (the public
 * directory) only. Public columns: descriptions, validated public competences (concept labels in both languages,
 * description, evidence), validated public facilities, linked CosIng ingredients; key_text = the labels of the
 * declared concepts. Validated members-only competences and facilities go to the members_* columns, matched only
 * for readers entitled to them. The projects the organisation took part in (migration 0022), once staff have validated
 * the participation (0025), add their acronym, title and summary to the text (in their language) and their references
 * to network_refs.
 */
export async function rebuildOrganisationDocuments(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  // The plan's estimate (hundreds of rows times the sub-selects) crosses PostgreSQL's JIT thresholds: compiling cost
  // 60 ms per batch of 500, and over 1 s once it also inlined and optimised; executing the batch takes ~0.3 s.
  await db.exec('SET LOCAL jit = off');
  await db.query(
    // delete and insert, not upsert: an upsert computes the generated tsvectors twice (for the proposed row and the update)
    `DELETE FROM search_document d WHERE d.type = 'organisation' AND d.id = ANY($1::uuid[])`,
    [ids],
  );
  await db.query(
    `WITH o AS (SELECT * FROM organisation WHERE id = ANY($1::uuid[]) AND active_cluster_ids <> '{}'),
     comp AS (SELECT c.organisation_id, c.visibility = 'public' AS pub,
                     string_agg(concat_ws(' ', ce.label_it, c.description, c.evidence), ' ') AS text_it,
                     string_agg(ce.label_en, ' ') AS text_en,
                     array_agg(DISTINCT c.concept_id) AS concept_ids
                FROM organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id
               WHERE c.organisation_id IN (SELECT id FROM o) AND c.status = 'validated'
               GROUP BY 1, 2),
     fac AS (SELECT f.organisation_id, f.visibility = 'public' AS pub,
                    string_agg(concat_ws(' ', f.name, f.description, f.certification, f.accreditation_reference), ' ') AS text
               FROM facility f WHERE f.organisation_id IN (SELECT id FROM o) AND f.status = 'validated' GROUP BY 1, 2),
     facc AS (SELECT f.organisation_id, f.visibility = 'public' AS pub, array_agg(DISTINCT x) AS concept_ids
                FROM facility f, unnest(f.concept_ids) x WHERE f.organisation_id IN (SELECT id FROM o) AND f.status = 'validated' GROUP BY 1, 2),
     ing AS (SELECT organisation_id, string_agg(inci_name, ' ' ORDER BY inci_name) AS text
               FROM organisation_ingredient WHERE organisation_id IN (SELECT id FROM o) GROUP BY 1),
     prj AS (SELECT pp.organisation_id,
                    string_agg(concat_ws(' ', p.acronym, p.title, p.summary), ' ' ORDER BY p.id) FILTER (WHERE p.language = 'it') AS text_it,
                    string_agg(concat_ws(' ', p.acronym, p.title, p.summary), ' ' ORDER BY p.id) FILTER (WHERE p.language = 'en') AS text_en,
                    array_agg('project:' || p.id::text ORDER BY p.id) AS refs
               FROM project_participant pp JOIN project p ON p.id = pp.project_id
              WHERE pp.organisation_id IN (SELECT id FROM o) AND pp.status = 'validated' GROUP BY 1),
     doc AS (SELECT o.*,
                    concat_ws(' ', o.description_it, pc.text_it, pf.text, pj.text_it) AS d_text_it,
                    concat_ws(' ', o.description_en, pc.text_en, i.text, pj.text_en) AS d_text_en,
                    coalesce(pj.refs, '{}') AS d_network_refs,
                    ARRAY(SELECT DISTINCT x FROM unnest(coalesce(pc.concept_ids, '{}') || coalesce(pfc.concept_ids, '{}')) x ORDER BY x) AS d_concepts,
                    concat_ws(' ', mc.text_it, mc.text_en, mf.text) AS d_members_text,
                    ARRAY(SELECT DISTINCT x FROM unnest(coalesce(mc.concept_ids, '{}') || coalesce(mfc.concept_ids, '{}')) x ORDER BY x) AS d_members_concepts
               FROM o
               LEFT JOIN comp pc ON pc.organisation_id = o.id AND pc.pub
               LEFT JOIN comp mc ON mc.organisation_id = o.id AND NOT mc.pub
               LEFT JOIN fac pf ON pf.organisation_id = o.id AND pf.pub
               LEFT JOIN fac mf ON mf.organisation_id = o.id AND NOT mf.pub
               LEFT JOIN facc pfc ON pfc.organisation_id = o.id AND pfc.pub
               LEFT JOIN facc mfc ON mfc.organisation_id = o.id AND NOT mfc.pub
               LEFT JOIN ing i ON i.organisation_id = o.id
               LEFT JOIN prj pj ON pj.organisation_id = o.id)
     INSERT INTO search_document (type, id, cluster_ids, name, text_it, text_en, concept_ids, provinces, category, size_class,
                                  network_refs, key_text, members_text, members_concept_ids, concept_codes, members_concept_codes, indexed_at)
     SELECT 'organisation', doc.id, doc.active_cluster_ids, doc.legal_name || coalesce(' ' || doc.short_name, ''),
            doc.d_text_it, doc.d_text_en, doc.d_concepts, doc.province_acronyms, doc.category, doc.size_class, doc.d_network_refs,
            ${keyTextOf('doc.d_concepts')},
            doc.d_members_text, ARRAY(SELECT unnest(doc.d_members_concepts) EXCEPT SELECT unnest(doc.d_concepts)),
            ${codesOf('doc.d_concepts')},
            ARRAY(SELECT c.code FROM (SELECT unnest(doc.d_members_concepts) EXCEPT SELECT unnest(doc.d_concepts)) u(id)
                    JOIN concept c ON c.id = u.id ORDER BY c.code), now()
       FROM doc`,
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

export type ConceptHit = { id: string; scheme: string; label_it: string; label_en: string; terms: string[]; folded_terms: string[] };

/**
 * Concepts whose label or synonym, in either language, equals a phrase of the query (accent-folded); and, for a
 * single word that is no word of the vocabulary (a typo), the concepts with a label or synonym close to it
 * (pg_trgm similarity ≥ 0.4). A known word is not guessed at: "packaging" does not fuzzily pull in every concept
 * with a similar-looking label. Returns each concept with every label and synonym it has.
 */
export async function selectConceptsForPhrases(db: Db, phrases: string[]): Promise<ConceptHit[]> {
  if (phrases.length === 0) return [];
  return db.query<ConceptHit>(
    `WITH phrase AS (SELECT DISTINCT p FROM unnest($1::text[]) p),
     unknown AS (SELECT p FROM phrase
                  WHERE length(p) >= 4 AND p !~ '[[:digit:][:space:]]' AND NOT EXISTS (SELECT 1 FROM concept_word w WHERE w.word = p)),
     hits AS (SELECT t.concept_id FROM concept_term t JOIN phrase ON t.term = phrase.p
              UNION SELECT t.concept_id FROM unknown u JOIN concept_term t ON t.term % u.p AND similarity(t.term, u.p) >= 0.4)
     SELECT ce.id, ce.scheme, ce.label_it, ce.label_en, x.terms, ARRAY(SELECT fold_text(t) FROM unnest(x.terms) WITH ORDINALITY u(t, n) ORDER BY n) AS folded_terms
       FROM concept_effective ce JOIN hits h ON h.concept_id = ce.id
       CROSS JOIN LATERAL (SELECT ARRAY[ce.label_it, ce.label_en] || ce.synonyms_it || ce.synonyms_en AS terms) x
      ORDER BY ce.id`,
    [phrases],
  );
}

/** Rebuilds the folded vocabulary when the taxonomy changed; true when it did. */
export async function refreshVocabularyIfStale(db: Db): Promise<boolean> {
  const rows = await db.query("DELETE FROM search_stale WHERE type = 'vocabulary' RETURNING id");
  if (rows.length === 0) return false;
  await db.query('SELECT refresh_concept_terms()');
  return true;
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

/** What a reader may match beyond public content: members-only declarations of organisations in these clusters (null = all). */
export type Entitlement = { clusterIds: string[] | null };

export type SearchParams = {
  conceptIds: string[];
  /** the folded query, for typo-tolerant organisation names (empty: none) */
  nameQuery: string;
  entitled: Entitlement;
  filters: Filters;
  /** how many matches, best first by the cheap score, are ranked on the full text */
  rankWindow: number;
  limit: number;
  offset: number;
};

export type ResultRow = { id: string; name: string; category: string | null; provinces: string[]; concept_ids: string[]; ent: boolean; score: number };
export type FacetRow = { facet: string; value: string; count: number };

/** The tsquery of the words (each in its Italian or English stem, all required or any) OR any of the terms. */
export async function buildTsQuery(db: Db, words: string[], anyWord: boolean, terms: string[]): Promise<string> {
  const [row] = await db.query<{ q: string }>(
    `WITH w AS (SELECT '(' || (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text || ')' AS x FROM unnest($1::text[]) t
                 WHERE (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text <> ''),
          t AS (SELECT '(' || (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text || ')' AS x FROM unnest($2::text[]) t
                 WHERE (plainto_tsquery('italian', t) || plainto_tsquery('english', t))::text <> '')
     SELECT concat_ws(' | ', '(' || (SELECT string_agg(x, CASE WHEN $3 THEN ' | ' ELSE ' & ' END) FROM w) || ')',
                           (SELECT string_agg(DISTINCT x, ' | ') FROM t)) AS q`,
    [words, terms, anyWord],
  );
  return row.q;
}

/**
 * One statement for a page of results, the total and the facets (TARGETS S4): the matches are found through the GIN
 * indexes (text, concepts, members-only content for entitled readers, organisation names by trigram) and read once
 * from a thin heap; each gets a cheap score (its key terms: name and declared concept labels, plus the query's
 * concepts it declares); the best `rankWindow` are ranked on the full text, and the facets count every match:
 * concepts by unnesting each match's concept codes (small integers, migration 0024), provinces, categories and size
 * classes in one grouped pass over the matches (grouping sets; a province array is unnested once per distinct array).
 */
export async function selectSearchPage(db: Db, tsquery: string, p: SearchParams) {
  const params: unknown[] = [tsquery];
  const arg = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Only the arms that can match are written out: a bitmap OR over exactly these indexes, with no per-row recheck
  // of the long text (an arm left in the filter would read every match's full tsvector).
  const hasConcepts = p.conceptIds.length > 0;
  const hasName = p.nameQuery !== '';
  const members = p.entitled.clusterIds === null || p.entitled.clusterIds.length > 0;
  const name = hasName ? arg(p.nameQuery) : '';
  const qc = hasConcepts ? `${arg(p.conceptIds)}::text[]` : '';
  const publicArms = ['d.tsv @@ $1::tsquery', ...(hasConcepts ? [`d.concept_ids && ${qc}`] : []), ...(hasName ? [`fold_text(d.name) %> ${name}`] : [])];
  const memberArms = members ? ['d.members_tsv @@ $1::tsquery', ...(hasConcepts ? [`d.members_concept_ids && ${qc}`] : [])] : [];
  const ent = !members ? 'false' : p.entitled.clusterIds === null ? 'true' : `d.cluster_ids && ${arg(p.entitled.clusterIds)}::uuid[]`;
  const filters: string[] = [];
  if (p.filters.province) filters.push(`${arg(p.filters.province)} = ANY(d.provinces)`);
  if (p.filters.category) filters.push(`d.category = ${arg(p.filters.category)}`);
  if (p.filters.sizeClass) filters.push(`d.size_class = ${arg(p.filters.sizeClass)}`);
  for (const set of p.filters.conceptIds) {
    const x = arg(set);
    filters.push(members ? `(d.concept_ids && ${x}::text[] OR ${ent} AND d.members_concept_ids && ${x}::text[])` : `d.concept_ids && ${x}::text[]`);
  }
  const concepts = members ? `CASE WHEN ${ent} AND d.members_concept_ids <> '{}' THEN d.concept_ids || d.members_concept_ids ELSE d.concept_ids END` : 'd.concept_ids';
  // the facets count codes (migration 0024); the ranked page reads the ids themselves
  const codes = members ? `CASE WHEN ${ent} AND d.members_concept_ids <> '{}' THEN d.concept_codes || d.members_concept_codes ELSE d.concept_codes END` : 'd.concept_codes';
  const pageConcepts = members ? `CASE WHEN win.ent AND d.members_concept_ids <> '{}' THEN d.concept_ids || d.members_concept_ids ELSE d.concept_ids END` : 'd.concept_ids';
  const pre = [
    'ts_rank(d.key_tsv, $1::tsquery)',
    // the overlap operator is cheap for every match; the ranked window counts the shared concepts exactly
    ...(hasConcepts ? [`CASE WHEN ${concepts} && ${qc} THEN 0.5 ELSE 0 END`] : []),
    ...(hasName ? ['coalesce(nm.sim, 0)'] : []),
  ].join(' + ');
  const window = arg(Math.max(p.rankWindow, p.limit + p.offset));
  const limit = arg(p.limit);
  const offset = arg(p.offset);
  // The planner sees a thin heap and prefers a sequential scan, which would read every row's out-of-line tsvector:
  // the GIN indexes are always the way in here. The index is read from memory, where the bitmap scan's prefetch
  // only looks every page up in the buffer table twice (docs/performance.md, S4).
  const [row] = await db.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL effective_io_concurrency = 0');
    return tx.query<{ total: number; items: ResultRow[] | null; facets: FacetRow[] | null }>(
    `WITH ${hasName ? `nm AS (SELECT d.id, word_similarity(${name}, fold_text(d.name)) AS sim FROM search_document d
                               WHERE d.type = 'organisation' AND fold_text(d.name) %> ${name}),` : ''}
     m AS MATERIALIZED (
       SELECT d.id, d.name, d.category, d.provinces, d.size_class, ${ent} AS ent, ${codes} AS concept_codes, ${pre} AS pre
         FROM search_document d ${hasName ? 'LEFT JOIN nm ON nm.id = d.id' : ''}
        WHERE d.type = 'organisation'
          AND (${[...publicArms, ...memberArms].join(' OR ')})
          ${members ? `AND (${ent} OR ${publicArms.join(' OR ')})` : ''}
          ${filters.map((f) => `AND ${f}`).join('\n          ')}),
     win AS (SELECT m.* FROM m ORDER BY m.pre DESC, m.name, m.id LIMIT ${window}),
     ranked AS (
       SELECT win.id, win.name, win.category, win.provinces, x.concept_ids, win.ent,
              (win.pre + ts_rank(d.tsv, $1::tsquery) + CASE WHEN win.ent THEN ts_rank(d.members_tsv, $1::tsquery) ELSE 0 END
               ${hasConcepts ? `+ 0.5 * greatest(cardinality(ARRAY(SELECT unnest(x.concept_ids) INTERSECT SELECT unnest(${qc}))) - 1, 0)` : ''})::float8 AS score
         FROM win JOIN search_document d ON d.type = 'organisation' AND d.id = win.id
              CROSS JOIN LATERAL (SELECT ${pageConcepts} AS concept_ids) x
        ORDER BY score DESC, win.name, win.id LIMIT ${limit} OFFSET ${offset}),
     g AS (SELECT GROUPING(m.provinces, m.category) AS k, m.provinces, coalesce(m.category, m.size_class) AS value, count(*)::int AS count
             FROM m GROUP BY GROUPING SETS ((m.provinces), (m.category), (m.size_class))),
     f AS (SELECT 'concept' AS facet, c.id AS value, u.count
             FROM (SELECT x, count(*)::int AS count FROM (SELECT unnest(m.concept_codes) AS x FROM m) u GROUP BY x) u JOIN concept c ON c.code = u.x
           UNION ALL SELECT 'province', x, sum(g.count)::int FROM g, unnest(g.provinces) x WHERE g.k = 1 GROUP BY x
           UNION ALL SELECT CASE WHEN g.k = 2 THEN 'category' ELSE 'sizeClass' END, g.value, g.count FROM g WHERE g.k <> 1 AND g.value IS NOT NULL)
     SELECT (SELECT count(*)::int FROM m) AS total,
            (SELECT json_agg(json_build_object('id', id, 'name', name, 'category', category, 'provinces', provinces,
                                               'concept_ids', concept_ids, 'ent', ent, 'score', score) ORDER BY score DESC, name, id) FROM ranked) AS items,
            (SELECT json_agg(json_build_object('facet', coalesce(ce.scheme, f.facet), 'value', f.value, 'count', f.count)
                             ORDER BY coalesce(ce.scheme, f.facet), f.count DESC, f.value)
               FROM f LEFT JOIN concept_effective ce ON f.facet = 'concept' AND ce.id = f.value) AS facets`,
    params,
  );
  });
  return { total: row.total, items: row.items ?? [], facets: row.facets ?? [] };
}

/** Which of the terms each document's text contains (the "why" of a result); members-only text counts for `membersIds` only. */
export async function selectMatchedTerms(db: Db, ids: string[], terms: string[], membersIds: string[] = []) {
  if (ids.length === 0 || terms.length === 0) return [];
  // each document's vectors read (and decompressed) once, each term's query built once
  return db.query<{ id: string; term: string }>(
    `WITH d AS MATERIALIZED (SELECT id, tsv || ''::tsvector AS tsv,
                                    CASE WHEN id = ANY($3::uuid[]) THEN members_tsv || ''::tsvector END AS members_tsv
                               FROM search_document WHERE type = 'organisation' AND id = ANY($1::uuid[])),
          q AS MATERIALIZED (SELECT t.term, t.n, plainto_tsquery('italian', t.term) || plainto_tsquery('english', t.term) AS x
                               FROM unnest($2::text[]) WITH ORDINALITY t(term, n))
     SELECT d.id, q.term FROM d CROSS JOIN q
      WHERE q.x::text <> '' AND (d.tsv @@ q.x OR coalesce(d.members_tsv @@ q.x, false))
      ORDER BY d.id, q.n`,
    [ids, terms, membersIds],
  );
}

export async function selectConceptLabels(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; scheme: string; label_it: string; label_en: string }>(
    'SELECT id, scheme, label_it, label_en FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}

export async function selectDocumentConcepts(db: Db, type: string, id: string) {
  return db.query<{ concept_ids: string[]; members_concept_ids: string[]; cluster_ids: string[] }>(
    'SELECT concept_ids, members_concept_ids, cluster_ids FROM search_document WHERE type = $1 AND id = $2',
    [type, id],
  );
}

/** The clusters whose members-only content this reader may match: where its organisations are active members, and those it staffs. */
export async function selectReaderClusters(db: Db, orgIds: string[], staffClusterIds: string[]): Promise<string[]> {
  if (orgIds.length === 0) return staffClusterIds;
  const rows = await db.query<{ id: string }>(
    `SELECT cluster_id AS id FROM membership WHERE organisation_id = ANY($1::uuid[]) AND status = 'active'
     UNION SELECT unnest($2::uuid[])`,
    [orgIds, staffClusterIds],
  );
  return rows.map((r) => r.id);
}
