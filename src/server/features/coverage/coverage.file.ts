// CSV and XLSX exports of a coverage matrix. No database here.
import ExcelJS from 'exceljs';
import type { Translate } from '../../lib/i18n.ts';
import type { CoverageOut } from './coverage.schemas.ts';

function table(c: CoverageOut, t: Translate): (string | number)[][] {
  const header = [t('coverage.table.stage'), ...c.columns.map((col) => col.label), t('coverage.table.total'), t('coverage.table.research'), t('coverage.table.flags')];
  const rows = c.stages.map((s) => [
    s.label,
    ...c.columns.map((col) => s.cells[col.key] ?? 0),
    s.total,
    s.researchOrganisations,
    s.flags.map((f) => t(`coverage.flag.${f}`)).join('; '),
  ]);
  return [header, ...rows];
}

const csvCell = (v: string | number) => {
  const s = String(v);
  // Quote when needed; a leading formula character is neutralised so a spreadsheet does not evaluate it.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function coverageCsv(c: CoverageOut, t: Translate): string {
  return '\uFEFF' + table(c, t).map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export async function coverageXlsx(c: CoverageOut, t: Translate): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(t('coverage.sheet'));
  for (const r of table(c, t)) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const coverageFileName = (c: CoverageOut, ext: 'csv' | 'xlsx') => `filiera-coverage-${c.cluster?.slug ?? 'all'}-${c.by}.${ext}`;
