import type { Db } from '../../db/db.ts';
import { type Actor, isMemberOf, isStaffOf } from '../../lib/auth.ts';
import { recordAudit } from '../../lib/audit.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { Translate } from '../../lib/i18n.ts';
import {
  annexEntriesOf,
  deleteOrganisationIngredient,
  findIngredient,
  findOrganisation,
  listAll,
  organisationIngredients,
  publicOrganisationsOf,
  searchByCas,
  searchByName,
  type SummaryRow,
  upsertOrganisationIngredient,
} from './cosing.queries.ts';
import {
  COSING_SOURCE,
  type AnnexEntry,
  type IngredientDetail,
  type IngredientList,
  type IngredientSearch,
  type LinkIngredient,
  type OrganisationIngredient,
  type Relation,
} from './cosing.schemas.ts';

export const casNumberPattern = /^\d{2,7}-\d{2}-\d$/;

/** INCI names are upper case with single spaces in CosIng. */
export const normaliseInci = (name: string) => name.toUpperCase().replace(/\s+/g, ' ').trim();

const foldWords = (q: string) =>
  q
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);

const toSummary = (r: SummaryRow) => ({
  inciName: r.inci_name,
  casNumbers: r.cas_numbers,
  functions: r.functions,
  annexEntries: r.annex_entries as IngredientList['items'][number]['annexEntries'],
  organisationCount: r.organisation_count,
});

/** Search by INCI name (words, accents and case ignored, typos tolerated) or by CAS number. */
export async function searchIngredients(db: Db, input: IngredientSearch): Promise<IngredientList> {
  const q = (input.q ?? '').trim();
  const offset = (input.page - 1) * input.pageSize;
  let kind: IngredientList['kind'] = 'all';
  let rows: SummaryRow[];
  if (!q) rows = await listAll(db, input.pageSize, offset);
  else if (casNumberPattern.test(q)) {
    kind = 'cas';
    rows = await searchByCas(db, q, input.pageSize, offset);
  } else {
    kind = 'name';
    rows = await searchByName(db, q, foldWords(q), input.pageSize, offset);
  }
  return { items: rows.map(toSummary), page: input.page, pageSize: input.pageSize, total: rows[0]?.total ?? 0, kind };
}

export async function getIngredient(db: Db, inciName: string, t: Translate): Promise<IngredientDetail> {
  const row = await findIngredient(db, normaliseInci(inciName));
  if (!row) throw new NotFoundError('ingredient');
  const [entries, organisations] = await Promise.all([annexEntriesOf(db, row.inci_name), publicOrganisationsOf(db, row.inci_name)]);
  return {
    inciName: row.inci_name,
    casNumbers: row.cas_numbers,
    ecNumbers: row.ec_numbers,
    functions: row.functions,
    annexEntries: entries.map(
      (e): AnnexEntry => ({
        annex: e.annex as AnnexEntry['annex'],
        reference: e.reference,
        seq: e.seq,
        meaning: t(`cosing.annex.${e.annex}`),
        substanceName: e.substance_name,
        glossaryName: e.glossary_name,
        casNumbers: e.cas_numbers,
        ecNumbers: e.ec_numbers,
        colour: e.colour,
        productType: e.product_type,
        maxConcentration: e.max_concentration,
        otherLimits: e.other_limits,
        conditions: e.conditions,
        regulation: e.regulation,
        cmr: e.cmr,
        updateDate: e.update_date,
        matchedBy: e.matched_by,
      }),
    ),
    organisations: organisations.map((o) => ({ id: o.id, name: o.legal_name, relation: o.relation, note: o.note })),
    source: COSING_SOURCE,
  };
}

/** Members of the organisation (any role in it), or staff of a cluster it belongs to. */
export function canEditIngredients(actor: Actor | null, org: { id: string; cluster_ids: string[] }): boolean {
  return isMemberOf(actor, org.id) || org.cluster_ids.some((c) => isStaffOf(actor, c));
}

async function organisationFor(db: Db, actor: Actor | null, organisationId: string, edit: boolean) {
  const org = await findOrganisation(db, organisationId);
  if (!org) throw new NotFoundError('organisation');
  const canEdit = canEditIngredients(actor, org);
  if (edit && !canEdit) throw new ForbiddenError();
  if (!org.is_public && !canEdit) throw new NotFoundError('organisation');
  return { org, canEdit };
}

export async function listOrganisationIngredients(
  db: Db,
  actor: Actor | null,
  organisationId: string,
): Promise<{ organisation: { id: string; name: string }; items: OrganisationIngredient[]; canEdit: boolean }> {
  const { org, canEdit } = await organisationFor(db, actor, organisationId, false);
  const rows = await organisationIngredients(db, org.id);
  return {
    organisation: { id: org.id, name: org.legal_name },
    items: rows.map((r) => ({ inciName: r.inci_name, relation: r.relation, note: r.note, functions: r.functions, createdAt: new Date(r.created_at).toISOString() })),
    canEdit,
  };
}

export async function linkIngredient(db: Db, actor: Actor, organisationId: string, input: LinkIngredient): Promise<void> {
  const { org } = await organisationFor(db, actor, organisationId, true);
  const ingredient = await findIngredient(db, normaliseInci(input.inciName));
  if (!ingredient) throw new ValidationError({ inciName: 'unknown_ingredient' });
  const note = input.note?.trim() || null;
  await db.transaction(async (tx) => {
    const before = await upsertOrganisationIngredient(tx, { organisationId: org.id, inciName: ingredient.inci_name, relation: input.relation, note });
    await recordAudit(tx, actor, {
      action: before ? 'organisation_ingredient.updated' : 'organisation_ingredient.linked',
      subjectType: 'organisation',
      subjectId: org.id,
      before: before ? { inciName: ingredient.inci_name, relation: input.relation, note: before.note } : undefined,
      after: { inciName: ingredient.inci_name, relation: input.relation, note },
    });
  });
}

export async function unlinkIngredient(db: Db, actor: Actor, organisationId: string, inciName: string, relation: Relation): Promise<void> {
  const { org } = await organisationFor(db, actor, organisationId, true);
  const name = normaliseInci(inciName);
  await db.transaction(async (tx) => {
    const removed = await deleteOrganisationIngredient(tx, org.id, name, relation);
    if (!removed) throw new NotFoundError('link');
    await recordAudit(tx, actor, {
      action: 'organisation_ingredient.unlinked',
      subjectType: 'organisation',
      subjectId: org.id,
      before: { inciName: name, relation, note: removed.note },
    });
  });
}
