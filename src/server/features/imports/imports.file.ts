// Reading and writing import files: CSV (csv-parse) and XLSX (exceljs). No database here.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ValidationError } from '../../lib/errors.ts';

/** The columns of an organisation import, in template order. `legal_name` is the only required one. */
export const organisationColumns = [
  'legal_name',
  'category',
  'vat_number',
  'tax_code',
  'website',
  'staff_headcount',
  'annual_turnover_eur',
  'balance_sheet_eur',
  'ateco_codes',
  'operational_municipality',
  'operational_address',
  'legal_municipality',
  'legal_address',
  'join_cluster',
] as const;

/**
 * Competences declared for the organisation: '|'-separated `concept_id:kind` entries, e.g.
 * `stage.testing.stability:service|tech.encapsulation:research`. Imported as submitted: staff still validate them.
 */
export const competenceColumns = ['competences'] as const;
export const competenceKinds = ['produces', 'service', 'research'] as const;
export type CompetenceKind = (typeof competenceKinds)[number];

/** Splits a competences cell into its entries; an entry without a ':' has an empty kind (reported as invalid). */
export function parseCompetences(v: string): { conceptId: string; kind: string }[] {
  return v
    .split('|')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const at = e.lastIndexOf(':');
      return at === -1 ? { conceptId: e, kind: '' } : { conceptId: e.slice(0, at).trim(), kind: e.slice(at + 1).trim().toLowerCase() };
    });
}

export const requiredColumns = ['legal_name'] as const;
export const templateColumns = [...organisationColumns, ...competenceColumns];

/** A row marked like this in the first column is the template's example: it is skipped on import. */
export const exampleMarker = 'EXAMPLE - ';
const exampleRow: Record<string, string> = {
  legal_name: `${exampleMarker}Cosmetica Esempio S.r.l.`,
  category: 'company',
  vat_number: '12345678903',
  tax_code: '',
  website: 'https://www.example.org',
  staff_headcount: '12',
  annual_turnover_eur: '2500000',
  balance_sheet_eur: '1800000',
  ateco_codes: '20.42.00|46.45.00',
  operational_municipality: 'Milano',
  operational_address: 'Via Esempio 1',
  legal_municipality: '015146',
  legal_address: 'Via Esempio 1',
  join_cluster: 'yes',
  competences: 'stage.testing.stability:service|tech.encapsulation:research',
};

export type ParsedFile = { header: string[]; rows: string[][] };

export const maxUploadBytes = 10 * 1024 * 1024;
export const maxRows = 50_000;

export function fileKind(fileName: string, mimeType: string): 'csv' | 'xlsx' | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  const csvTypes = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'];
  const xlsxTypes = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/zip'];
  if (ext === 'csv' && csvTypes.includes(mimeType)) return 'csv';
  if (ext === 'xlsx' && xlsxTypes.includes(mimeType)) return 'xlsx';
  return null;
}

export async function readImportFile(kind: 'csv' | 'xlsx', data: Buffer): Promise<ParsedFile> {
  let records: string[][];
  if (kind === 'csv') {
    const text = data.toString('utf8').replace(/^\uFEFF/, '');
    // Italian spreadsheets often save CSV with semicolons: take whichever separator the header line uses more.
    const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    try {
      records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
    } catch {
      throw new ValidationError({ file: 'unreadable_file' });
    }
  } else {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw new ValidationError({ file: 'unreadable_file' });
    }
    const sheet = wb.worksheets[0];
    records = [];
    sheet?.eachRow({ includeEmpty: false }, (row) => {
      const values = (row.values as unknown[]).slice(1).map(cellText);
      if (values.some((v) => v !== '')) records.push(values);
    });
  }
  if (!records.length) throw new ValidationError({ file: 'empty_file' });
  if (records.length - 1 > maxRows) throw new ValidationError({ file: 'too_many_rows' });
  const [header, ...rows] = records;
  return { header: header.map((h) => h.trim().toLowerCase()), rows };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[]; hyperlink?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('').trim();
    if (o.text !== undefined) return String(o.text).trim();
    if (o.result !== undefined) return String(o.result).trim();
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return String(v).trim();
}

function csvCell(v: string): string {
  return /[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function templateCsv(): string {
  return `${templateColumns.join(',')}\n${templateColumns.map((c) => csvCell(exampleRow[c] ?? '')).join(',')}\n`;
}

export async function templateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('organisations');
  sheet.addRow([...templateColumns]);
  sheet.addRow(templateColumns.map((c) => exampleRow[c] ?? ''));
  sheet.getRow(1).font = { bold: true };
  // Codes with leading zeros (ISTAT, VAT) must stay text.
  sheet.columns.forEach((col) => {
    col.numFmt = '@';
    col.width = 22;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
