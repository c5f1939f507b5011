import type { Db } from '../../db/db.ts';

const summaryColumns = `i.inci_name, i.cas_numbers, i.functions,
  coalesce((SELECT json_agg(json_build_object('annex', l.annex, 'reference', l.reference) ORDER BY l.annex, l.reference, l.seq)
     FROM cosing_annex_ingredient l WHERE l.inci_name = i.inci_name), '[]') AS annex_entries,
  (SELECT count(DISTINCT oi.organisation_id)::int FROM organisation_ingredient oi
    WHERE oi.inci_name = i.inci_name AND ${publicOrganisation('oi.organisation_id')}) AS organisation_count`;

/** Organisations the public may see: those with an active membership of a cluster. */
function publicOrganisation(column: string): string {
  return `EXISTS (SELECT 1 FROM membership m WHERE m.organisation_id = ${column} AND m.status = 'active')`;
}

export type SummaryRow = {
  inci_name: string;
  cas_numbers: string[];
  functions: string[];
  annex_entries: { annex: string; reference: string }[];
  organisation_count: number;
  total: number;
};

/** Ranks and pages the matches first, then builds the summaries of that page only. */
const paged = (matches: string, order: string) => `WITH m AS (
    SELECT i.inci_name, count(*) OVER ()::int AS total, row_number() OVER (ORDER BY ${order}) AS pos
      FROM cosing_ingredient i WHERE ${matches}
     ORDER BY ${order} LIMIT $2 OFFSET $3)
  SELECT ${summaryColumns}, m.total FROM m JOIN cosing_ingredient i USING (inci_name) ORDER BY m.pos`;

export async function searchByCas(db: Db, cas: string, limit: number, offset: number): Promise<SummaryRow[]> {
  return db.query<SummaryRow>(
    paged(
      `i.cas_numbers @> ARRAY[$1]::text[]
         OR i.inci_name IN (SELECT l.inci_name FROM cosing_annex_ingredient l
                              JOIN cosing_annex_entry e USING (annex, reference, seq) WHERE e.cas_numbers @> ARRAY[$1]::text[])`,
      'i.inci_name',
    ),
    [cas, limit, offset],
  );
}

/** Every word must appear (accents and case folded), or the whole query must be close to a run of the name (typos). */
export async function searchByName(db: Db, q: string, words: string[], limit: number, offset: number): Promise<SummaryRow[]> {
  const likes = words.map((_, n) => `i.name_search LIKE $${n + 4}`).join(' AND ');
  return db.query<SummaryRow>(
    paged(
      `(${likes}) OR fold_text($1) <% i.name_search`,
      `i.name_search = fold_text($1) DESC, i.name_search LIKE fold_text($1) || '%' DESC,
        word_similarity(fold_text($1), i.name_search) DESC, length(i.inci_name), i.inci_name`,
    ),
    [q, limit, offset, ...words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)],
  );
}

export async function listAll(db: Db, limit: number, offset: number): Promise<SummaryRow[]> {
  return db.query<SummaryRow>(
    paged('true', 'i.inci_name').replace('$2', '$1').replace('$3', '$2'),
    [limit, offset],
  );
}

export type IngredientRow = { inci_name: string; cas_numbers: string[]; ec_numbers: string[]; functions: string[] };

export async function findIngredient(db: Db, inciName: string): Promise<IngredientRow | undefined> {
  const [row] = await db.query<IngredientRow>(
    'SELECT inci_name, cas_numbers, ec_numbers, functions FROM cosing_ingredient WHERE inci_name = $1',
    [inciName],
  );
  return row;
}

export type AnnexEntryRow = {
  annex: string;
  reference: string;
  seq: number;
  substance_name: string;
  glossary_name: string | null;
  cas_numbers: string[];
  ec_numbers: string[];
  colour: string | null;
  product_type: string | null;
  max_concentration: string | null;
  other_limits: string | null;
  conditions: string | null;
  regulation: string | null;
  cmr: string | null;
  update_date: string | null;
  matched_by: 'name' | 'cas';
};

export async function annexEntriesOf(db: Db, inciName: string): Promise<AnnexEntryRow[]> {
  return db.query<AnnexEntryRow>(
    `SELECT e.annex, e.reference, e.seq, e.substance_name, e.glossary_name, e.cas_numbers, e.ec_numbers, e.colour, e.product_type,
            e.max_concentration, e.other_limits, e.conditions, e.regulation, e.cmr, e.update_date, l.matched_by
       FROM cosing_annex_ingredient l JOIN cosing_annex_entry e USING (annex, reference, seq)
      WHERE l.inci_name = $1
      ORDER BY array_position(ARRAY['II', 'III', 'IV', 'V', 'VI'], e.annex), e.reference, e.seq`,
    [inciName],
  );
}

export type LinkedOrganisationRow = { id: string; legal_name: string; relation: 'supplies' | 'researches'; note: string | null };

export async function publicOrganisationsOf(db: Db, inciName: string): Promise<LinkedOrganisationRow[]> {
  return db.query<LinkedOrganisationRow>(
    `SELECT o.id, o.legal_name, oi.relation, oi.note FROM organisation_ingredient oi JOIN organisation o ON o.id = oi.organisation_id
      WHERE oi.inci_name = $1 AND ${publicOrganisation('o.id')}
      ORDER BY lower(o.legal_name), oi.relation`,
    [inciName],
  );
}

export type OrganisationFacts = { id: string; legal_name: string; is_public: boolean; cluster_ids: string[] };

/** The organisation, whether the public may see it, and the clusters whose staff look after it (not withdrawn from). */
export async function findOrganisation(db: Db, id: string): Promise<OrganisationFacts | undefined> {
  const [row] = await db.query<OrganisationFacts>(
    `SELECT o.id, o.legal_name, ${publicOrganisation('o.id')} AS is_public,
            coalesce((SELECT array_agg(m.cluster_id) FROM membership m WHERE m.organisation_id = o.id AND m.status <> 'withdrawn'), '{}') AS cluster_ids
       FROM organisation o WHERE o.id = $1`,
    [id],
  );
  return row;
}

export type OrganisationIngredientRow = { inci_name: string; relation: 'supplies' | 'researches'; note: string | null; functions: string[]; created_at: Date };

export async function organisationIngredients(db: Db, organisationId: string): Promise<OrganisationIngredientRow[]> {
  return db.query<OrganisationIngredientRow>(
    `SELECT oi.inci_name, oi.relation, oi.note, i.functions, oi.created_at
       FROM organisation_ingredient oi JOIN cosing_ingredient i USING (inci_name)
      WHERE oi.organisation_id = $1 ORDER BY oi.inci_name, oi.relation`,
    [organisationId],
  );
}

export async function upsertOrganisationIngredient(
  tx: Db,
  row: { organisationId: string; inciName: string; relation: string; note: string | null },
): Promise<{ note: string | null } | undefined> {
  const [before] = await tx.query<{ note: string | null }>(
    'SELECT note FROM organisation_ingredient WHERE organisation_id = $1 AND inci_name = $2 AND relation = $3 FOR UPDATE',
    [row.organisationId, row.inciName, row.relation],
  );
  await tx.query(
    `INSERT INTO organisation_ingredient (organisation_id, inci_name, relation, note) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organisation_id, inci_name, relation) DO UPDATE SET note = EXCLUDED.note`,
    [row.organisationId, row.inciName, row.relation, row.note],
  );
  return before;
}

export async function deleteOrganisationIngredient(
  tx: Db,
  organisationId: string,
  inciName: string,
  relation: string,
): Promise<{ note: string | null } | undefined> {
  const [row] = await tx.query<{ note: string | null }>(
    'DELETE FROM organisation_ingredient WHERE organisation_id = $1 AND inci_name = $2 AND relation = $3 RETURNING note',
    [organisationId, inciName, relation],
  );
  return row;
}
