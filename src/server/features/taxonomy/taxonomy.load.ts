import type { Db } from '../../db/db.ts';

export const schemes = ['stage', 'technology', 'product', 'function'] as const;
export type Scheme = (typeof schemes)[number];

export type FileConcept = {
  id: string;
  scheme: Scheme;
  parent: string | null;
  label_it: string;
  label_en: string;
  definition_it?: string | null;
  definition_en?: string | null;
  synonyms_it?: string[];
  synonyms_en?: string[];
  ateco?: string[];
  cosing_function?: string;
};

export type TaxonomyFile = { name: string; version: string; licence: string; concepts: FileConcept[] };

/** Refuses a file the database could not hold consistently (the taxonomy tests check the content itself). */
export function parseTaxonomyFile(json: string): TaxonomyFile {
  const doc = JSON.parse(json) as TaxonomyFile;
  if (!doc || typeof doc.version !== 'string' || !Array.isArray(doc.concepts)) throw new Error('taxonomy file: version and concepts required');
  const ids = new Set<string>();
  for (const c of doc.concepts) {
    if (!c.id || ids.has(c.id)) throw new Error(`taxonomy file: missing or duplicate id ${c.id}`);
    if (!schemes.includes(c.scheme)) throw new Error(`taxonomy file: ${c.id} has unknown scheme ${c.scheme}`);
    if (!c.label_it?.trim() || !c.label_en?.trim()) throw new Error(`taxonomy file: ${c.id} needs both labels`);
    ids.add(c.id);
  }
  for (const c of doc.concepts) {
    if (c.parent && !ids.has(c.parent)) throw new Error(`taxonomy file: ${c.id} has unknown parent ${c.parent}`);
  }
  return doc;
}

/**
 * Upserts the file's concepts by id. Concepts missing from the file are retired, never deleted (competences may
 * point at them); concept_override is not touched, so staff edits survive every new version of the file.
 */
export async function loadTaxonomy(tx: Db, json: string, fileName = 'cosmetics-value-chain'): Promise<number> {
  const doc = parseTaxonomyFile(json);
  const source = `${fileName}@${doc.version}`;
  const rows = doc.concepts.map((c, i) => ({
    id: c.id,
    scheme: c.scheme,
    parent_id: c.parent ?? null,
    position: i,
    label_it: c.label_it.trim(),
    label_en: c.label_en.trim(),
    definition_it: c.definition_it?.trim() || null,
    definition_en: c.definition_en?.trim() || null,
    synonyms_it: c.synonyms_it ?? [],
    synonyms_en: c.synonyms_en ?? [],
    ateco_codes: c.ateco ?? [],
    cosing_function: c.cosing_function ?? null,
  }));
  await tx.query(
    `INSERT INTO concept (id, scheme, parent_id, position, label_it, label_en, definition_it, definition_en,
       synonyms_it, synonyms_en, ateco_codes, cosing_function, source, retired, loaded_at)
     SELECT id, scheme, parent_id, position, label_it, label_en, definition_it, definition_en,
       synonyms_it, synonyms_en, ateco_codes, cosing_function, $2, false, now()
     FROM json_to_recordset($1::json) AS r(id text, scheme text, parent_id text, position integer, label_it text, label_en text,
       definition_it text, definition_en text, synonyms_it text[], synonyms_en text[], ateco_codes text[], cosing_function text)
     ON CONFLICT (id) DO UPDATE SET scheme = EXCLUDED.scheme, parent_id = EXCLUDED.parent_id, position = EXCLUDED.position,
       label_it = EXCLUDED.label_it, label_en = EXCLUDED.label_en, definition_it = EXCLUDED.definition_it,
       definition_en = EXCLUDED.definition_en, synonyms_it = EXCLUDED.synonyms_it, synonyms_en = EXCLUDED.synonyms_en,
       ateco_codes = EXCLUDED.ateco_codes, cosing_function = EXCLUDED.cosing_function, source = EXCLUDED.source,
       retired = false, loaded_at = now()`,
    [JSON.stringify(rows), source],
  );
  await tx.query('UPDATE concept SET retired = true WHERE NOT retired AND NOT (id = ANY($1::text[]))', [rows.map((r) => r.id)]);
  return rows.length;
}
