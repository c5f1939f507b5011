import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, isStaffOf, staffClusterIds } from '../../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { enqueueJob, type JobHandlers } from '../../lib/jobs.ts';
import { selectUnknownConcepts } from '../competences/competences.queries.ts';
import { existingAtecoCodes } from '../organisations/organisations.queries.ts';
import { OrganisationInputSchema, taxIdentityIssues } from '../organisations/organisations.schemas.ts';
import { competenceKinds, exampleMarker, fileKind, parseCompetences, readImportFile, requiredColumns, templateColumns } from './imports.file.ts';
import { selectClusterNames,
  type BatchRecord,
  type ImportError,
  type ImportRow,
  admitMembers,
  insertBatch,
  insertCompetences,
  insertOrganisations,
  replaceAtecoOf,
  replaceSeatsOf,
  selectBatch,
  selectBatchRows,
  selectExistingByTaxIdentity,
  selectMunicipalitiesFor,
  updateBatchProgress,
  updateBatchStatus,
  updateOrganisations,
} from './imports.queries.ts';

export const applyChunkSize = 500;

function requireStaff(actor: Actor, clusterId: string) {
  if (!isStaffOf(actor, clusterId)) throw new ForbiddenError();
}

const fieldColumn: Record<string, string> = {
  legalName: 'legal_name',
  category: 'category',
  vatNumber: 'vat_number',
  vatCountry: 'vat_number',
  taxCode: 'tax_code',
  website: 'website',
  staffHeadcount: 'staff_headcount',
  annualTurnoverEur: 'annual_turnover_eur',
  balanceSheetEur: 'balance_sheet_eur',
  atecoCodes: 'ateco_codes',
};

const numberOf = (v: string): number | string | null => {
  if (v === '') return null;
  const n = Number(v.replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : v;
};

/**
 * The dry run: every row checked with the organisations feature's rules (municipalities and ATECO codes resolved
 * with one query each for the whole file), every bad row listed by row, column and reason. Only the batch is stored.
 */
export async function validateImport(
  db: Db,
  actor: Actor,
  input: { clusterId: string; fileName: string; mimeType: string; data: Buffer },
): Promise<BatchRecord> {
  requireStaff(actor, input.clusterId);
  const kind = fileKind(input.fileName, input.mimeType);
  if (!kind) throw new ValidationError({ file: 'unsupported_file_type' });
  const file = await readImportFile(kind, input.data);
  const errors: ImportError[] = [];
  const known = new Set<string>(templateColumns);
  file.header.forEach((h) => {
    if (!known.has(h)) errors.push({ row: 1, column: h || '(empty)', reason: 'unknown_column' });
  });
  for (const c of requiredColumns) if (!file.header.includes(c)) errors.push({ row: 1, column: c, reason: 'missing_column' });
  const col = new Map(file.header.map((h, i) => [h, i]));
  const cell = (r: string[], c: string) => (col.has(c) ? (r[col.get(c) as number] ?? '').trim() : '');

  // Row numbers as a spreadsheet shows them: the header is row 1. The example row of the template is skipped.
  const records = file.rows.map((r, i) => ({ r, row: i + 2 })).filter(({ r }) => !cell(r, 'legal_name').startsWith(exampleMarker));
  const muniValues = new Set<string>();
  const atecoValues = new Set<string>();
  const conceptValues = new Set<string>();
  for (const { r } of records) {
    for (const c of parseCompetences(cell(r, 'competences'))) if (c.conceptId) conceptValues.add(c.conceptId);
    for (const c of ['operational_municipality', 'legal_municipality']) if (cell(r, c)) muniValues.add(cell(r, c).replace(/\s+/g, ' '));
    for (const a of cell(r, 'ateco_codes').split('|')) if (a.trim()) atecoValues.add(a.trim());
  }
  const stripped = (v: string) => /^(.+?)\s*\(\s*([A-Za-z]{2})\s*\)$/.exec(v);
  const codes = [...muniValues].filter((v) => /^\d{6}$/.test(v));
  const names = [...new Set([...muniValues].filter((v) => !/^\d{6}$/.test(v)).map((v) => stripped(v)?.[1] ?? v))];
  const matches = new Map<string, { istat_code: string; province_acronym: string }[]>();
  for (const m of await selectMunicipalitiesFor(db, codes, names)) {
    const key = /^\d{6}$/.test(m.input) ? m.input : m.input.toLowerCase();
    matches.set(key, [...(matches.get(key) ?? []), m]);
  }
  const resolve = (v: string): string => {
    const s = stripped(v);
    const found = /^\d{6}$/.test(v) ? (matches.get(v) ?? []) : (matches.get((s?.[1] ?? v).toLowerCase()) ?? []).filter((m) => !s || m.province_acronym === s[2].toUpperCase());
    if (found.length === 0) return 'unknown_municipality';
    if (found.length > 1) return 'ambiguous_municipality';
    return found[0].istat_code;
  };
  const knownAteco = new Set(await existingAtecoCodes(db, [...atecoValues]));
  const unknownConcepts = new Set(conceptValues.size ? await selectUnknownConcepts(db, [...conceptValues]) : []);

  const rows: ImportRow[] = [];
  const seenVat = new Map<string, number>();
  const seenTax = new Map<string, number>();
  for (const { r, row } of records) {
    const rowErrors: ImportError[] = [];
    const add = (column: string, reason: string) => {
      if (!rowErrors.some((e) => e.column === column)) rowErrors.push({ row, column, reason });
    };
    const seats: { kind: 'legal' | 'operational'; municipalityCode: string; address: string }[] = [];
    for (const k of ['operational', 'legal'] as const) {
      const m = cell(r, `${k}_municipality`).replace(/\s+/g, ' ');
      const address = cell(r, `${k}_address`);
      if (!m) {
        if (address) add(`${k}_municipality`, 'required');
        continue;
      }
      const code = resolve(m);
      if (!/^\d{6}$/.test(code)) add(`${k}_municipality`, code);
      else seats.push({ kind: k, municipalityCode: code, address });
    }
    const atecoCodes = cell(r, 'ateco_codes').split('|').map((a) => a.trim()).filter(Boolean);
    if (atecoCodes.some((a) => !knownAteco.has(a))) add('ateco_codes', 'unknown_ateco');
    const competences = parseCompetences(cell(r, 'competences'));
    if (competences.some((c) => !c.conceptId || unknownConcepts.has(c.conceptId))) add('competences', 'unknown_concept');
    else if (competences.some((c) => !(competenceKinds as readonly string[]).includes(c.kind))) add('competences', 'invalid_choice');
    const join = cell(r, 'join_cluster').toLowerCase();
    if (join && !['yes', 'no', 'si', 'sì', 'y', 'n', 'true', 'false', '1', '0'].includes(join)) add('join_cluster', 'invalid_choice');
    const raw = {
      legalName: cell(r, 'legal_name'),
      category: cell(r, 'category') || null,
      vatNumber: cell(r, 'vat_number'),
      taxCode: cell(r, 'tax_code'),
      website: cell(r, 'website'),
      staffHeadcount: numberOf(cell(r, 'staff_headcount')),
      annualTurnoverEur: numberOf(cell(r, 'annual_turnover_eur')),
      balanceSheetEur: numberOf(cell(r, 'balance_sheet_eur')),
      atecoCodes,
      seats: seats.map((s) => ({ kind: s.kind, country: 'IT', municipalityCode: s.municipalityCode, address: s.address })),
    };
    for (const [k, v] of Object.entries(taxIdentityIssues(raw))) add(fieldColumn[k] ?? k, v);
    const parsed = OrganisationInputSchema.safeParse(raw);
    if (!parsed.success) {
      for (const [path, code] of Object.entries(fieldsFromZodIssues(parsed.error.issues))) {
        add(fieldColumn[path.split('.')[0]] ?? path, code === 'invalid_type' && path.startsWith('staff') ? 'invalid_number' : code);
      }
    }
    if (parsed.success && !rowErrors.length) {
      const d = parsed.data;
      const dupOf = (d.vatNumber && seenVat.get(`${d.vatCountry}:${d.vatNumber}`)) || (d.taxCode && seenTax.get(d.taxCode));
      if (dupOf) add(d.vatNumber && seenVat.has(`${d.vatCountry}:${d.vatNumber}`) ? 'vat_number' : 'tax_code', 'duplicate_in_file');
      else {
        if (d.vatNumber) seenVat.set(`${d.vatCountry}:${d.vatNumber}`, row);
        if (d.taxCode) seenTax.set(d.taxCode, row);
        rows.push({ row, data: d, joinCluster: ['yes', 'si', 'sì', 'y', 'true', '1'].includes(join), competences });
      }
    }
    errors.push(...rowErrors);
  }
  const { id } = await insertBatch(db, {
    clusterId: input.clusterId,
    createdBy: actor.userId,
    fileName: input.fileName.slice(0, 200),
    rowCount: records.length,
    errors,
    rows: file.header.some((h) => requiredColumns.includes(h as never)) ? rows : [],
  });
  return (await selectBatch(db, id)) as BatchRecord;
}

export async function getImport(db: Db, actor: Actor, id: string): Promise<BatchRecord> {
  const batch = isUuid(id) ? await selectBatch(db, id) : null;
  if (!batch) throw new NotFoundError();
  requireStaff(actor, batch.cluster_id);
  return batch;
}

/** Confirms a validated batch: the job applies it. Only once; nothing was written before. */
export async function confirmImport(db: Db, actor: Actor, id: string): Promise<BatchRecord> {
  return db.transaction(async (tx) => {
    const batch = isUuid(id) ? await selectBatch(tx, id, { forUpdate: true }) : null;
    if (!batch) throw new NotFoundError();
    requireStaff(actor, batch.cluster_id);
    if (batch.status !== 'validated') throw new ConflictError('import_not_pending', 'This import was already confirmed');
    if (batch.valid_count === 0) throw new ConflictError('import_empty', 'This import has no valid row');
    await updateBatchStatus(tx, id, 'applying');
    await enqueueJob(tx, 'import.apply', { batchId: id });
    return { ...batch, status: 'applying' as const };
  });
}

/**
 * Applies a confirmed batch, 500 rows a transaction, progress recorded after each. Idempotent on the tax identity:
 * an organisation already registered with the VAT number (or tax code) is updated, never duplicated; a retried job
 * resumes from the recorded progress.
 */
export async function applyImport(db: Db, batchId: string): Promise<void> {
  const batch = await selectBatch(db, batchId);
  if (!batch || batch.status !== 'applying') return;
  const rows = await selectBatchRows(db, batchId);
  try {
    for (let start = batch.progress; start < rows.length; start += applyChunkSize) {
      const chunk = rows.slice(start, start + applyChunkSize);
      await db.transaction(async (tx) => {
        const counts = await applyChunk(tx, batch, chunk);
        await updateBatchProgress(tx, batchId, { progress: start + chunk.length, ...counts });
      });
    }
    await db.transaction(async (tx) => {
      await updateBatchStatus(tx, batchId, 'done');
      const done = (await selectBatch(tx, batchId)) as BatchRecord;
      await recordAudit(tx, batch.created_by ? ({ userId: batch.created_by } as Actor) : null, {
        action: 'import.applied',
        subjectType: 'import_batch',
        subjectId: batchId,
        clusterId: batch.cluster_id,
        after: { rows: done.valid_count, created: done.created_count, updated: done.updated_count, joined: done.joined_count, competences: done.competences_count, rejected: done.errors.length },
      });
    });
  } catch (err) {
    await updateBatchStatus(db, batchId, 'failed', err instanceof Error ? err.message.slice(0, 2000) : String(err));
    throw err;
  }
}

async function applyChunk(tx: Db, batch: BatchRecord, chunk: ImportRow[]) {
  const existing = await selectExistingByTaxIdentity(
    tx,
    chunk.map((r, i) => ({ i, vc: r.data.vatCountry ?? null, vat: r.data.vatNumber ?? null, tax: r.data.taxCode ?? null })),
  );
  const ids = chunk.map((_, i) => existing.get(i) ?? randomUUID());
  const orgs = chunk.map((r, i) => ({
    id: ids[i],
    legal_name: r.data.legalName,
    category: r.data.category ?? null,
    vat_country: r.data.vatCountry ?? null,
    vat_number: r.data.vatNumber ?? null,
    tax_code: r.data.taxCode ?? null,
    staff_headcount: r.data.staffHeadcount ?? null,
    annual_turnover_eur: r.data.annualTurnoverEur ?? null,
    balance_sheet_eur: r.data.balanceSheetEur ?? null,
    website: r.data.website ?? null,
  }));
  const created = orgs.filter((_, i) => !existing.has(i));
  const updated = orgs.filter((_, i) => existing.has(i));
  await insertOrganisations(tx, created);
  await updateOrganisations(tx, updated);
  await replaceSeatsOf(
    tx,
    chunk.flatMap((r, i) =>
      r.data.seats.map((s) => ({ organisation_id: ids[i], kind: s.kind, country: s.country, municipality_code: s.municipalityCode, address: s.address })),
    ),
  );
  await replaceAtecoOf(tx, chunk.flatMap((r, i) => r.data.atecoCodes.map((code, n) => ({ organisation_id: ids[i], code, is_primary: n === 0 }))));
  const joined = await admitMembers(tx, batch.cluster_id, [...new Set(chunk.flatMap((r, i) => (r.joinCluster ? [ids[i]] : [])))], batch.created_by);
  await insertCompetences(
    tx,
    chunk.flatMap((r, i) => (r.competences ?? []).map((c) => ({ organisation_id: ids[i], concept_id: c.conceptId, kind: c.kind }))),
    batch.created_by,
  );
  return { created: created.length, updated: updated.length, joined };
}

export function importJobHandlers(db: Db): JobHandlers {
  return { 'import.apply': (payload: { batchId: string }) => applyImport(db, payload.batchId) };
}

/** The clusters whose organisations this staff member may import. */
export async function listImportClusters(db: Db, actor: Actor) {
  const ids = staffClusterIds(actor);
  return ids.length ? selectClusterNames(db, ids) : [];
}
