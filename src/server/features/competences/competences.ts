import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, isMemberOf, managedClusterIds, organisationIdsOf } from '../../lib/auth.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { selectConcepts } from '../taxonomy/taxonomy.queries.ts';
import { suggestConcepts } from '../taxonomy/taxonomy.ts';
import {
  type CompetenceRow,
  type FacilityRow,
  type Reader,
  deleteCompetenceRow,
  deleteFacilityRow,
  insertCompetence,
  insertFacility,
  organisationExists,
  selectActiveClusterIds,
  selectCompetence,
  selectFacility,
  selectOrganisationAteco,
  selectOrganisationName,
  selectQueue,
  selectUnknownConcepts,
  selectVisibleCompetences,
  selectVisibleFacilities,
  setReview,
  updateCompetenceRow,
  updateFacilityRow,
} from './competences.queries.ts';
import type { CompetenceIn, CompetenceOut, CompetencePatch, FacilityIn, FacilityOut, FacilityPatch, ListQuery, QueueOut, ReviewIn } from './competences.schemas.ts';

export function readerOf(actor: Actor | null): Reader {
  if (!actor) return { orgIds: [], staffClusterIds: [] };
  return { orgIds: organisationIdsOf(actor), staffClusterIds: managedClusterIds(actor) };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The review note is for the owner and the reviewers; other readers only ever see validated declarations. */
function canSeeReview(actor: Actor | null, organisationId: string, reviewerClusters: string[] | null, orgClusters: string[]): boolean {
  if (isMemberOf(actor, organisationId)) return true;
  if (!actor) return false;
  return reviewerClusters === null || orgClusters.some((c) => reviewerClusters.includes(c));
}

export const competenceOut = (r: CompetenceRow, showReview: boolean): CompetenceOut => ({
  id: r.id,
  organisationId: r.organisation_id,
  concept: { id: r.concept_id, scheme: r.scheme, label: { it: r.label_it, en: r.label_en } },
  kind: r.kind,
  description: r.description,
  evidence: r.evidence,
  visibility: r.visibility,
  status: r.status,
  reviewNote: showReview ? r.review_note : null,
  reviewedAt: showReview ? iso(r.reviewed_at) : null,
  updatedAt: iso(r.updated_at) as string,
});

export const facilityOut = (r: FacilityRow, showReview: boolean): FacilityOut => ({
  id: r.id,
  organisationId: r.organisation_id,
  kind: r.kind,
  name: r.name,
  description: r.description,
  certification: r.certification,
  accreditationReference: r.accreditation_reference,
  conceptIds: r.concept_ids,
  visibility: r.visibility,
  status: r.status,
  reviewNote: showReview ? r.review_note : null,
  reviewedAt: showReview ? iso(r.reviewed_at) : null,
  updatedAt: iso(r.updated_at) as string,
});

async function requireOrganisation(db: Db, id: string) {
  if (!(await organisationExists(db, id))) throw new NotFoundError('organisation');
}

async function reviewScope(db: Db, actor: Actor | null, organisationId: string) {
  const orgClusters = await selectActiveClusterIds(db, organisationId);
  return canSeeReview(actor, organisationId, managedClusterIds(actor), orgClusters);
}

export async function listCompetences(db: Db, actor: Actor | null, input: { organisationId: string } & ListQuery) {
  await requireOrganisation(db, input.organisationId);
  const { rows, total } = await selectVisibleCompetences(db, readerOf(actor), input.organisationId, input.pageSize, (input.page - 1) * input.pageSize);
  const show = await reviewScope(db, actor, input.organisationId);
  return { items: rows.map((r) => competenceOut(r, show)), page: input.page, pageSize: input.pageSize, total };
}

export async function listFacilities(db: Db, actor: Actor | null, input: { organisationId: string } & ListQuery) {
  await requireOrganisation(db, input.organisationId);
  const { rows, total } = await selectVisibleFacilities(db, readerOf(actor), input.organisationId, input.pageSize, (input.page - 1) * input.pageSize);
  const show = await reviewScope(db, actor, input.organisationId);
  return { items: rows.map((r) => facilityOut(r, show)), page: input.page, pageSize: input.pageSize, total };
}

/** Only a member user or org admin of the organisation itself declares its competences and facilities. */
function requireOwner(actor: Actor | null, organisationId: string): asserts actor is Actor {
  if (!actor) throw new UnauthorizedError();
  if (!isMemberOf(actor, organisationId)) throw new ForbiddenError();
}

async function checkConcepts(db: Db, ids: string[], field: string) {
  if (ids.length && (await selectUnknownConcepts(db, ids)).length) throw new ValidationError({ [field]: 'invalid' });
}

const competenceState = (r: CompetenceRow) => ({
  conceptId: r.concept_id,
  kind: r.kind,
  description: r.description,
  evidence: r.evidence,
  visibility: r.visibility,
  status: r.status,
});
const facilityState = (r: FacilityRow) => ({
  kind: r.kind,
  name: r.name,
  description: r.description,
  certification: r.certification,
  accreditationReference: r.accreditation_reference,
  conceptIds: r.concept_ids,
  visibility: r.visibility,
  status: r.status,
});

export async function declareCompetence(db: Db, actor: Actor | null, input: { organisationId: string; data: CompetenceIn }): Promise<CompetenceOut> {
  await requireOrganisation(db, input.organisationId);
  requireOwner(actor, input.organisationId);
  await checkConcepts(db, [input.data.conceptId], 'conceptId');
  return db.transaction(async (tx) => {
    const id = await insertCompetence(tx, { organisationId: input.organisationId, ...input.data, userId: actor.userId });
    const row = (await selectCompetence(tx, id)) as CompetenceRow;
    await recordAudit(tx, actor, { action: 'competence.declared', subjectType: 'organisation_competence', subjectId: id, after: competenceState(row) });
    return competenceOut(row, true);
  });
}

async function ownedCompetence(tx: Db, actor: Actor | null, organisationId: string, id: string) {
  const row = await selectCompetence(tx, id, true);
  if (!row || row.organisation_id !== organisationId) throw new NotFoundError('competence');
  requireOwner(actor, organisationId);
  return row;
}

export async function updateCompetence(
  db: Db,
  actor: Actor | null,
  input: { organisationId: string; competenceId: string; patch: CompetencePatch },
): Promise<CompetenceOut> {
  if (input.patch.conceptId) await checkConcepts(db, [input.patch.conceptId], 'conceptId');
  return db.transaction(async (tx) => {
    const before = await ownedCompetence(tx, actor, input.organisationId, input.competenceId);
    const p = input.patch;
    await updateCompetenceRow(tx, before.id, {
      conceptId: p.conceptId ?? before.concept_id,
      kind: p.kind ?? before.kind,
      description: p.description !== undefined ? p.description : before.description,
      evidence: p.evidence !== undefined ? p.evidence : before.evidence,
      visibility: p.visibility ?? before.visibility,
    });
    const after = (await selectCompetence(tx, before.id)) as CompetenceRow;
    await recordAudit(tx, actor, {
      action: 'competence.updated',
      subjectType: 'organisation_competence',
      subjectId: before.id,
      before: competenceState(before),
      after: competenceState(after),
    });
    return competenceOut(after, true);
  });
}

export async function deleteCompetence(db: Db, actor: Actor | null, input: { organisationId: string; competenceId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await ownedCompetence(tx, actor, input.organisationId, input.competenceId);
    await deleteCompetenceRow(tx, before.id);
    await recordAudit(tx, actor, { action: 'competence.deleted', subjectType: 'organisation_competence', subjectId: before.id, before: competenceState(before) });
  });
}

export async function declareFacility(db: Db, actor: Actor | null, input: { organisationId: string; data: FacilityIn }): Promise<FacilityOut> {
  await requireOrganisation(db, input.organisationId);
  requireOwner(actor, input.organisationId);
  const conceptIds = [...new Set(input.data.conceptIds)];
  await checkConcepts(db, conceptIds, 'conceptIds');
  return db.transaction(async (tx) => {
    const id = await insertFacility(tx, { organisationId: input.organisationId, ...input.data, conceptIds, userId: actor.userId });
    const row = (await selectFacility(tx, id)) as FacilityRow;
    await recordAudit(tx, actor, { action: 'facility.declared', subjectType: 'facility', subjectId: id, after: facilityState(row) });
    return facilityOut(row, true);
  });
}

async function ownedFacility(tx: Db, actor: Actor | null, organisationId: string, id: string) {
  const row = await selectFacility(tx, id, true);
  if (!row || row.organisation_id !== organisationId) throw new NotFoundError('facility');
  requireOwner(actor, organisationId);
  return row;
}

export async function updateFacility(
  db: Db,
  actor: Actor | null,
  input: { organisationId: string; facilityId: string; patch: FacilityPatch },
): Promise<FacilityOut> {
  const conceptIds = input.patch.conceptIds ? [...new Set(input.patch.conceptIds)] : undefined;
  if (conceptIds) await checkConcepts(db, conceptIds, 'conceptIds');
  return db.transaction(async (tx) => {
    const before = await ownedFacility(tx, actor, input.organisationId, input.facilityId);
    const p = input.patch;
    const keep = <T>(v: T | undefined, old: T) => (v !== undefined ? v : old);
    await updateFacilityRow(tx, before.id, {
      kind: p.kind ?? before.kind,
      name: p.name ?? before.name,
      description: keep(p.description, before.description),
      certification: keep(p.certification, before.certification),
      accreditationReference: keep(p.accreditationReference, before.accreditation_reference),
      conceptIds: conceptIds ?? before.concept_ids,
      visibility: p.visibility ?? before.visibility,
    });
    const after = (await selectFacility(tx, before.id)) as FacilityRow;
    await recordAudit(tx, actor, {
      action: 'facility.updated',
      subjectType: 'facility',
      subjectId: before.id,
      before: facilityState(before),
      after: facilityState(after),
    });
    return facilityOut(after, true);
  });
}

export async function deleteFacility(db: Db, actor: Actor | null, input: { organisationId: string; facilityId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await ownedFacility(tx, actor, input.organisationId, input.facilityId);
    await deleteFacilityRow(tx, before.id);
    await recordAudit(tx, actor, { action: 'facility.deleted', subjectType: 'facility', subjectId: before.id, before: facilityState(before) });
  });
}

/** The cluster whose staff may review: one where the organisation is an active member and the actor is staff (null: all). */
async function reviewCluster(tx: Db, actor: Actor | null, organisationId: string): Promise<string | null> {
  if (!actor) throw new UnauthorizedError();
  const managed = managedClusterIds(actor);
  const orgClusters = await selectActiveClusterIds(tx, organisationId);
  if (managed === null) return orgClusters[0] ?? null;
  const cluster = orgClusters.find((c) => managed.includes(c));
  if (!cluster) throw new ForbiddenError();
  return cluster;
}

export async function reviewCompetence(db: Db, actor: Actor | null, input: { id: string; review: ReviewIn }): Promise<CompetenceOut> {
  return db.transaction(async (tx) => {
    const before = await selectCompetence(tx, input.id, true);
    if (!before) throw new NotFoundError('competence');
    const clusterId = await reviewCluster(tx, actor, before.organisation_id);
    await setReview(tx, 'organisation_competence', before.id, input.review.decision, input.review.note, (actor as Actor).userId);
    const after = (await selectCompetence(tx, before.id)) as CompetenceRow;
    await recordAudit(tx, actor, {
      action: `competence.${input.review.decision}`,
      subjectType: 'organisation_competence',
      subjectId: before.id,
      clusterId,
      before: { status: before.status },
      after: { status: after.status, note: after.review_note },
    });
    return competenceOut(after, true);
  });
}

export async function reviewFacility(db: Db, actor: Actor | null, input: { id: string; review: ReviewIn }): Promise<FacilityOut> {
  return db.transaction(async (tx) => {
    const before = await selectFacility(tx, input.id, true);
    if (!before) throw new NotFoundError('facility');
    const clusterId = await reviewCluster(tx, actor, before.organisation_id);
    await setReview(tx, 'facility', before.id, input.review.decision, input.review.note, (actor as Actor).userId);
    const after = (await selectFacility(tx, before.id)) as FacilityRow;
    await recordAudit(tx, actor, {
      action: `facility.${input.review.decision}`,
      subjectType: 'facility',
      subjectId: before.id,
      clusterId,
      before: { status: before.status },
      after: { status: after.status, note: after.review_note },
    });
    return facilityOut(after, true);
  });
}

/** Submitted declarations of the actor's clusters, oldest first. */
export async function reviewQueue(db: Db, actor: Actor | null): Promise<QueueOut> {
  if (!actor) throw new UnauthorizedError();
  const q = await selectQueue(db, managedClusterIds(actor));
  return {
    competences: q.competences.map((r) => ({ ...competenceOut(r, true), organisationName: r.organisation_name })),
    facilities: q.facilities.map((r) => ({ ...facilityOut(r, true), organisationName: r.organisation_name })),
  };
}

export type ConceptOption = { id: string; scheme: string; label: { it: string; en: string }; suggested: boolean };

/** Everything the competences page needs: the visible lists, and for the owner the concept choices (ATECO suggestions first). */
export async function competencesPageData(db: Db, actor: Actor | null, organisationId: string) {
  const name = await selectOrganisationName(db, organisationId);
  if (name === undefined) throw new NotFoundError('organisation');
  const query = { organisationId, page: 1, pageSize: 200 };
  const competences = await listCompetences(db, actor, query);
  const facilities = await listFacilities(db, actor, query);
  const canEdit = isMemberOf(actor, organisationId);
  const options = canEdit ? await conceptOptions(db, organisationId) : [];
  return { organisationId, name, competences: competences.items, facilities: facilities.items, canEdit, options };
}

/** Concepts a competence may name, grouped by scheme on the page; those the organisation's ATECO codes suggest are flagged. */
export async function conceptOptions(db: Db, organisationId: string): Promise<ConceptOption[]> {
  const ateco = await selectOrganisationAteco(db, organisationId);
  const suggested = ateco.length ? new Set((await suggestConcepts(db, ateco)).items.map((c) => c.id)) : new Set<string>();
  const all = await selectConcepts(db, {});
  return all
    .filter((c) => c.scheme === 'stage' || c.scheme === 'technology' || c.scheme === 'product')
    .map((c) => ({ id: c.id, scheme: c.scheme, label: { it: c.label_it, en: c.label_en }, suggested: suggested.has(c.id) }));
}

/** The owner's edit form: the declaration as it stands (any status) and the concept choices. */
export async function competenceEditData(db: Db, actor: Actor | null, input: { organisationId: string; competenceId: string }) {
  const row = await selectCompetence(db, input.competenceId);
  if (!row || row.organisation_id !== input.organisationId) throw new NotFoundError('competence');
  requireOwner(actor, input.organisationId);
  return { competence: competenceOut(row, true), name: row.organisation_name, options: await conceptOptions(db, input.organisationId) };
}

export async function facilityEditData(db: Db, actor: Actor | null, input: { organisationId: string; facilityId: string }) {
  const row = await selectFacility(db, input.facilityId);
  if (!row || row.organisation_id !== input.organisationId) throw new NotFoundError('facility');
  requireOwner(actor, input.organisationId);
  return { facility: facilityOut(row, true), name: row.organisation_name, options: await conceptOptions(db, input.organisationId) };
}
