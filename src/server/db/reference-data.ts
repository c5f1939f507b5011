import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Db } from './db.ts';

export const dataDir = fileURLToPath(new URL('../../../data/', import.meta.url));

type Loader = { name: string; files: string[]; load: (tx: Db, contents: string[]) => Promise<number> };

const csv = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

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
];

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
