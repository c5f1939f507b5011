// The cluster's collaboration report as CSV. No database here.
import type { Translate } from '../../lib/i18n.ts';
import type { ReportOut } from './collaborations.schemas.ts';

const csvCell = (v: string | number) => {
  const s = String(v);
  // A leading formula character is neutralised so a spreadsheet does not evaluate it.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The label of each counted key, section by section: the same words as the report page. */
export function reportRows(r: ReportOut, t: Translate): { section: string; key: string; label: string; count: number }[] {
  const sections = [
    { section: 'stage', rows: r.stages, label: (k: string) => t(`collaborations.stage.${k}`) },
    { section: 'outcome', rows: r.outcomes, label: (k: string) => t(`collaborations.outcome.${k}`) },
    { section: 'interest', rows: r.interests, label: (k: string) => t(`collaborations.status.${k}`) },
    { section: 'decline_reason', rows: r.declines, label: (k: string) => t(`collaborations.reason.${k}`) },
  ];
  return sections.flatMap((s) => s.rows.map((row) => ({ section: s.section, key: row.key, label: s.label(row.key), count: row.count })));
}

export function reportCsv(r: ReportOut, t: Translate): string {
  const header = [t('collaborations.csv.cluster'), t('collaborations.csv.from'), t('collaborations.csv.to'), t('collaborations.csv.section'), t('collaborations.csv.key'), t('collaborations.csv.label'), t('collaborations.csv.count')];
  const cluster = r.cluster?.name ?? t('collaborations.report.allClusters');
  const rows = reportRows(r, t).map((x) => [cluster, r.from, r.to, t(`collaborations.csv.sections.${x.section}`), x.key, x.label, x.count]);
  return '\uFEFF' + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const reportFileName = (r: ReportOut) => `filiera-collaborations-${r.cluster?.slug ?? 'all'}-${r.from}-${r.to}.csv`;
