import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { loadTaxonomy } from '../features/taxonomy/taxonomy.load.ts';
import type { Db } from './db.ts';

export const dataDir = fileURLToPath(new URL('../../../data/', import.meta.url));

type Loader = { name: string; files: string[]; load: (tx: Db, contents: string[]) => Promise<number> };

const csv = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

export const cosingAnnexes = ['II', 'III', 'IV', 'V', 'VI'] as const;

// Upserts go through one json_to_recordset statement per table: one round trip on both engines.
const loaders: Loader[] = [
  {
    name: 'comuni-italiani',
    files: ['comuni-italiani/province.csv', 'comuni-italiani/comuni.csv'],
    async load(tx, [provinceCsv, comuniCsv]) {
      const provinces = csv(provinceCsv);
      const regions = [...new Map(provinces.map((p) => [p.region_code, { code: p.region_code, name: p.region_name }])).values()];
      await tx.query(
        `INSERT INTO region (code, name) SELECT code, name FROM json_to_recordset($1::json) AS r(code text, name text)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
        [JSON.stringify(regions)],
      );
      await tx.query(
        `INSERT INTO province (code, acronym, name, region_code)
         SELECT province_code, province_acr, province_name, region_code
         FROM json_to_recordset($1::json) AS r(province_code text, province_acr text, province_name text, region_code text)
         ON CONFLICT (code) DO UPDATE SET acronym = EXCLUDED.acronym, name = EXCLUDED.name, region_code = EXCLUDED.region_code`,
        [JSON.stringify(provinces)],
      );
      const comuni = csv(comuniCsv).map((c) => ({
        istat_code: c.istat_code,
        name: c.name,
        province_code: c.province_code,
        cadastral_code: c.cadastral_code || null,
      }));
      await tx.query(
        `INSERT INTO municipality (istat_code, name, province_code, cadastral_code)
         SELECT istat_code, name, province_code, cadastral_code
         FROM json_to_recordset($1::json) AS r(istat_code text, name text, province_code text, cadastral_code text)
         ON CONFLICT (istat_code) DO UPDATE SET name = EXCLUDED.name, province_code = EXCLUDED.province_code,
           cadastral_code = EXCLUDED.cadastral_code`,
        [JSON.stringify(comuni)],
      );
      return provinces.length + comuni.length;
    },
  },
  {
    name: 'ateco-2025',
    files: ['ateco-2025/ateco_2025.csv'],
    async load(tx, [atecoCsv]) {
      const rows = csv(atecoCsv);
      const byCode = new Map(rows.map((r) => [r.code, r]));
      const sectionOf = (code: string): string => {
        let r = byCode.get(code);
        while (r && r.parent_code) r = byCode.get(r.parent_code);
        return r?.code ?? code;
      };
      const items = rows.map((r) => ({
        code: r.code,
        level: Number(r.level),
        parent_code: r.parent_code || null,
        section: sectionOf(r.code),
        title_it: r.title_it,
        title_en: r.title_en || r.title_it,
      }));
      await tx.query(
        `INSERT INTO ateco (code, level, parent_code, section, title_it, title_en)
         SELECT code, level, parent_code, section, title_it, title_en
         FROM json_to_recordset($1::json) AS r(code text, level smallint, parent_code text, section text, title_it text, title_en text)
         ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
           section = EXCLUDED.section, title_it = EXCLUDED.title_it, title_en = EXCLUDED.title_en`,
        [JSON.stringify(items)],
      );
      return items.length;
    },
  },
  {
    name: 'cosing',
    files: [
      'cosing/cosing_inci_functions.json',
      'cosing/cosing_inci_cas_2020.csv',
      ...cosingAnnexes.map((a) => `cosing/COSING_Annex_${a}_v2.csv`),
    ],
    async load(tx, [functionsJson, casCsv, ...annexCsvs]) {
      const { ingredients, entries, links } = cosingRows(functionsJson, casCsv, annexCsvs);
      await tx.query(
        `INSERT INTO cosing_ingredient (inci_name, cas_numbers, ec_numbers, functions)
         SELECT inci_name, cas_numbers, ec_numbers, functions
         FROM json_to_recordset($1::json) AS r(inci_name text, cas_numbers text[], ec_numbers text[], functions text[])
         ON CONFLICT (inci_name) DO UPDATE SET cas_numbers = EXCLUDED.cas_numbers, ec_numbers = EXCLUDED.ec_numbers,
           functions = EXCLUDED.functions
         WHERE (cosing_ingredient.cas_numbers, cosing_ingredient.ec_numbers, cosing_ingredient.functions)
           IS DISTINCT FROM (EXCLUDED.cas_numbers, EXCLUDED.ec_numbers, EXCLUDED.functions)`,
        [JSON.stringify(ingredients)],
      );
      // Links are derived from the entries: rebuilt whole. Ingredients are never deleted (members link to them).
      await tx.query('DELETE FROM cosing_annex_ingredient');
      await tx.query(
        `WITH r AS (
           SELECT * FROM json_to_recordset($1::json) AS r(annex text, reference text, seq smallint, substance_name text,
             glossary_name text, cas_numbers text[], ec_numbers text[], colour text, product_type text, max_concentration text,
             other_limits text, conditions text, regulation text, cmr text, update_date date)
         ), gone AS (
           DELETE FROM cosing_annex_entry e WHERE NOT EXISTS (
             SELECT 1 FROM r WHERE r.annex = e.annex AND r.reference = e.reference AND r.seq = e.seq)
         )
         INSERT INTO cosing_annex_entry (annex, reference, seq, substance_name, glossary_name, cas_numbers, ec_numbers, colour,
           product_type, max_concentration, other_limits, conditions, regulation, cmr, update_date)
         SELECT annex, reference, seq, substance_name, glossary_name, cas_numbers, ec_numbers, colour,
           product_type, max_concentration, other_limits, conditions, regulation, cmr, update_date FROM r
         ON CONFLICT (annex, reference, seq) DO UPDATE SET substance_name = EXCLUDED.substance_name,
           glossary_name = EXCLUDED.glossary_name, cas_numbers = EXCLUDED.cas_numbers, ec_numbers = EXCLUDED.ec_numbers,
           colour = EXCLUDED.colour, product_type = EXCLUDED.product_type, max_concentration = EXCLUDED.max_concentration,
           other_limits = EXCLUDED.other_limits, conditions = EXCLUDED.conditions, regulation = EXCLUDED.regulation,
           cmr = EXCLUDED.cmr, update_date = EXCLUDED.update_date`,
        [JSON.stringify(entries)],
      );
      await tx.query(
        `INSERT INTO cosing_annex_ingredient (annex, reference, seq, inci_name, matched_by)
         SELECT annex, reference, seq, inci_name, matched_by
         FROM json_to_recordset($1::json) AS r(annex text, reference text, seq smallint, inci_name text, matched_by text)`,
        [JSON.stringify(links)],
      );
      // The bulk insert leaves the trigram index's new entries in its pending list and the table without statistics:
      // the planner then scans 34k rows for every search (400 ms) instead of using the index (1 ms).
      await tx.query(`SELECT gin_clean_pending_list('cosing_ingredient_name_search_idx'::regclass)`);
      await tx.query('ANALYZE cosing_ingredient, cosing_annex_entry, cosing_annex_ingredient');
      return ingredients.length + entries.length;
    },
  },
  {
    name: 'taxonomy',
    files: ['taxonomy/cosmetics-value-chain.json'],
    load: (tx, [json]) => loadTaxonomy(tx, json),
  },
];

const casPattern = /\b\d{2,7}-\d{2}-\d\b/g;
const ecPattern = /\b\d{3}-\d{3}-\d\b/g;
const numbers = (text: string | undefined, pattern: RegExp) => [...new Set((text ?? '').match(pattern) ?? [])];
const cleanText = (text: string | undefined) => {
  const t = (text ?? '').replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return t && t !== '-' ? t : null;
};
const nameKey = (name: string) => name.toUpperCase().replace(/\s+/g, ' ').trim();

/** INCI names in a list cell: names may themselves hold ',' or '/', so the longest known run of pieces wins. */
function namesIn(cell: string | undefined, known: Map<string, string>): string[] {
  const pieces = (cell ?? '').split(/([,;\/])/);
  const found: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    for (let j = Math.min(pieces.length - 1, i + 16); j >= i; j -= 2) {
      const name = known.get(nameKey(pieces.slice(i, j + 1).join('')));
      if (name) {
        found.push(name);
        i = j;
        break;
      }
    }
  }
  return found;
}

/** The CosIng files as table rows: the inventory (functions, CAS/EC), the Annex entries and their links to INCI names. */
export function cosingRows(functionsJson: string, casCsv: string, annexCsvs: string[]) {
  type Ingredient = { inci_name: string; cas_numbers: string[]; ec_numbers: string[]; functions: string[] };
  const byName = new Map<string, Ingredient>();
  const get = (name: string) => {
    const key = nameKey(name);
    let row = byName.get(key);
    if (!row) byName.set(key, (row = { inci_name: key, cas_numbers: [], ec_numbers: [], functions: [] }));
    return row;
  };
  for (const [name, functions] of Object.entries(JSON.parse(functionsJson) as Record<string, string[]>)) {
    if (name.trim()) get(name).functions = [...new Set(functions.map(nameKey))];
  }
  for (const r of csv(casCsv)) {
    if (!r.inci_name?.trim()) continue;
    const row = get(r.inci_name);
    row.cas_numbers = [...new Set([...row.cas_numbers, ...numbers(r.cas_number, casPattern)])];
    row.ec_numbers = [...new Set([...row.ec_numbers, ...numbers(r.einecs_number, ecPattern)])];
    // The 2020 export is older: its functions only fill in names the current list lacks.
    if (!row.functions.length && r.function) row.functions = [...new Set(r.function.split(/,\s*/).map(nameKey).filter(Boolean))];
  }
  const known = new Map([...byName.values()].map((r) => [r.inci_name, r.inci_name]));
  const byCas = new Map<string, string[]>();
  for (const r of byName.values()) for (const c of r.cas_numbers) byCas.set(c, [...(byCas.get(c) ?? []), r.inci_name]);

  const entries: Record<string, unknown>[] = [];
  const links: { annex: string; reference: string; seq: number; inci_name: string; matched_by: 'name' | 'cas' }[] = [];
  cosingAnnexes.forEach((annex, n) => {
    const text = annexCsvs[n];
    // Four (sometimes five) lines of metadata precede the header row; fields hold newlines.
    const rows = parse(text.slice(text.indexOf('"Reference Number"')), {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const seen = new Map<string, number>();
    for (const r of rows) {
      const reference = r['Reference Number']?.trim();
      if (!reference) continue;
      const seq = (seen.get(reference) ?? 0) + 1;
      seen.set(reference, seq);
      const glossary = annex === 'IV' ? r['Colour index Number / Name of Common Ingredients Glossary'] : r['Name of Common Ingredients Glossary'];
      const cas = numbers(r['CAS Number'], casPattern);
      const date = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(r['Update Date']?.trim() ?? '');
      entries.push({
        annex,
        reference,
        seq,
        substance_name: cleanText(r['Chemical name / INN'] ?? r['Chemical name']) ?? reference,
        glossary_name: cleanText(glossary),
        cas_numbers: cas,
        ec_numbers: numbers(r['EC Number'], ecPattern),
        colour: cleanText(r.Color),
        product_type: cleanText(r['Product Type, body parts']),
        max_concentration: cleanText(r['Maximum concentration in ready for use preparation']),
        other_limits: cleanText(r.Other),
        conditions: cleanText(r['Wording of conditions of use and warnings']),
        regulation: cleanText(r.Regulation),
        cmr: cleanText(r.CMR),
        update_date: date ? `${date[3]}-${date[2]}-${date[1]}` : null,
      });
      const linked = new Set<string>();
      for (const name of [...namesIn(glossary, known), ...namesIn(r['Identified INGREDIENTS or substances e.g.'], known)]) {
        if (linked.has(name)) continue;
        linked.add(name);
        links.push({ annex, reference, seq, inci_name: name, matched_by: 'name' });
      }
      for (const name of cas.flatMap((c) => byCas.get(c) ?? [])) {
        if (linked.has(name)) continue;
        linked.add(name);
        links.push({ annex, reference, seq, inci_name: name, matched_by: 'cas' });
      }
    }
  });
  return { ingredients: [...byName.values()], entries, links };
}

/** Every file the loaders read (the test template is rebuilt when one changes). */
export const referenceDataFiles = (): string[] => loaders.flatMap((l) => l.files);

/** Upserts reference data from data/, skipping files whose hash is already loaded. */
export async function loadReferenceData(db: Db, log: (msg: string) => void = () => {}): Promise<void> {
  for (const loader of loaders) {
    const contents = await Promise.all(loader.files.map((f) => readFile(dataDir + f, 'utf8')));
    const hash = createHash('sha256').update(contents.join('\u0000')).digest('hex');
    const [seen] = await db.query<{ hash: string }>('SELECT hash FROM reference_load WHERE name = $1', [loader.name]);
    if (seen?.hash === hash) continue;
    await db.transaction(async (tx) => {
      const count = await loader.load(tx, contents);
      await tx.query(
        `INSERT INTO reference_load (name, hash, row_count) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, row_count = EXCLUDED.row_count, loaded_at = now()`,
        [loader.name, hash, count],
      );
      log(`reference data loaded: ${loader.name} (${count} rows)`);
    });
  }
}
