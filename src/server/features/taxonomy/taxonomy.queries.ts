import type { Db } from '../../db/db.ts';
import type { Scheme } from './taxonomy.load.ts';

export type ConceptRow = {
  id: string;
  scheme: Scheme;
  parent_id: string | null;
  position: number;
  label_it: string;
  label_en: string;
  definition_it: string | null;
  definition_en: string | null;
  synonyms_it: string[];
  synonyms_en: string[];
  ateco_codes: string[];
  cosing_function: string | null;
  retired: boolean;
  overridden: boolean;
};

const columns = `id, scheme, parent_id, position, label_it, label_en, definition_it, definition_en, synonyms_it, synonyms_en,
  ateco_codes, cosing_function, retired, overridden`;

export async function selectConcepts(db: Db, f: { scheme?: Scheme; includeRetired?: boolean }): Promise<ConceptRow[]> {
  return db.query<ConceptRow>(
    `SELECT ${columns} FROM concept_effective
      WHERE ($1::text IS NULL OR scheme = $1) AND ($2::boolean OR NOT retired)
      ORDER BY position, id`,
    [f.scheme ?? null, f.includeRetired ?? false],
  );
}

export async function selectConcept(db: Db, id: string): Promise<ConceptRow | undefined> {
  const [row] = await db.query<ConceptRow>(`SELECT ${columns} FROM concept_effective WHERE id = $1`, [id]);
  return row;
}

/** Concepts linked to one of the codes or to an ancestor of it: ATECO codes nest by prefix (20 > 20.4 > 20.42 > 20.42.0). */
export async function selectConceptsByAteco(db: Db, codes: string[]): Promise<(ConceptRow & { matched: string[] })[]> {
  return db.query<ConceptRow & { matched: string[] }>(
    `SELECT ${columns}, m.matched FROM concept_effective c
       CROSS JOIN LATERAL (
         SELECT array_agg(DISTINCT a ORDER BY a) AS matched
           FROM unnest(c.ateco_codes) a, unnest($1::text[]) q
          WHERE q = a OR left(q, length(a)) = a
       ) m
      WHERE NOT c.retired AND m.matched IS NOT NULL
      ORDER BY (SELECT max(length(x)) FROM unnest(m.matched) x) DESC, c.position`,
    [codes],
  );
}

export async function selectAtecoTitles(db: Db, codes: string[]): Promise<{ code: string; title_it: string; title_en: string }[]> {
  return db.query('SELECT code, title_it, title_en FROM ateco WHERE code = ANY($1::text[]) ORDER BY code', [codes]);
}

export type OverrideFields = {
  label_it: string | null;
  label_en: string | null;
  definition_it: string | null;
  definition_en: string | null;
  synonyms_it: string[] | null;
  synonyms_en: string[] | null;
};

export async function selectFileConcept(db: Db, id: string): Promise<OverrideFields | undefined> {
  const [row] = await db.query<OverrideFields>(
    'SELECT label_it, label_en, definition_it, definition_en, synonyms_it, synonyms_en FROM concept WHERE id = $1 FOR UPDATE',
    [id],
  );
  return row;
}

export async function upsertOverride(db: Db, id: string, f: OverrideFields, userId: string): Promise<void> {
  await db.query(
    `INSERT INTO concept_override (concept_id, label_it, label_en, definition_it, definition_en, synonyms_it, synonyms_en, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (concept_id) DO UPDATE SET label_it = EXCLUDED.label_it, label_en = EXCLUDED.label_en,
       definition_it = EXCLUDED.definition_it, definition_en = EXCLUDED.definition_en, synonyms_it = EXCLUDED.synonyms_it,
       synonyms_en = EXCLUDED.synonyms_en, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [id, f.label_it, f.label_en, f.definition_it, f.definition_en, f.synonyms_it, f.synonyms_en, userId],
  );
}

export async function deleteOverride(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM concept_override WHERE concept_id = $1', [id]);
}
