import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, hasRole, isMemberOf, isStaffOf, staffClusterIds } from '../../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { enqueueEmail } from '../../lib/jobs.ts';
import { mailLink } from '../../lib/mail.ts';
import { selectClusterStaff, selectOrganisationPeople } from '../../lib/people.ts';
import {
  type OrganisationFacts,
  type OwnProjectRow,
  type ParticipantRow,
  type ProjectRow,
  type ProjectValues,
  deleteParticipantRow,
  deleteProjectIfOrphan,
  duplicateParticipation,
  insertOrFindProject,
  insertParticipant,
  participationExists,
  selectOrganisation,
  selectOrganisationProjects,
  selectParticipants,
  resubmitParticipationRow,
  selectParticipation,
  selectProject,
  selectQueue,
  countQueue,
  updateParticipationReview,
  updateProjectRow,
} from './projects.queries.ts';
import type { DeclarationIn, DeclarationOut, OrganisationProjectOut, ProjectOut, ProjectPatch, QueueOut, ReviewIn } from './projects.schemas.ts';

/**
 * Who looks after an organisation's projects: its own users (member or org_admin, as for its competences), the staff of a
 * cluster where it is a member (not withdrawn), and platform admins.
 */
export function canManageProjects(actor: Actor | null, org: Pick<OrganisationFacts, 'id' | 'cluster_ids'>): boolean {
  if (!actor) return false;
  return hasRole(actor, 'platform_admin') || isMemberOf(actor, org.id) || org.cluster_ids.some((c) => isStaffOf(actor, c));
}

/**
 * Who checks an organisation's participations: the staff of a cluster where it is an active member (the clusters whose
 * queue lists them), and platform admins. Their own declarations are validated at once.
 */
export function canReviewProjects(actor: Actor | null, org: Pick<OrganisationFacts, 'active_cluster_ids'>): boolean {
  if (!actor) return false;
  return hasRole(actor, 'platform_admin') || org.active_cluster_ids.some((c) => isStaffOf(actor, c));
}

/**
 * A project's details are shared: whoever looks after any of its participants may correct them, until the staff have
 * validated a participation; from then on only reviewers may (a member must not change what the staff checked).
 */
export function canEditProject(actor: Actor | null, participants: ParticipantRow[]): boolean {
  if (participants.some((p) => canReviewProjects(actor, p))) return true;
  return participants.some((p) => canManageProjects(actor, p)) && !participants.some((p) => p.status === 'validated');
}

/** Public: organisations with an active membership. Region officers and platform admins see all; others those they look after. */
function mayRead(actor: Actor | null, org: OrganisationFacts): boolean {
  return org.is_public || hasRole(actor, 'region') || canManageProjects(actor, org);
}

/** The cluster the actor acted for, when acting as its staff (the decision log is read by cluster). */
function staffCluster(actor: Actor, org: OrganisationFacts): string | null {
  if (isMemberOf(actor, org.id)) return null;
  return org.cluster_ids.find((c) => isStaffOf(actor, c)) ?? null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

const participantOut = (p: ParticipantRow) => ({ organisationId: p.id, name: p.legal_name, role: p.role, status: p.status });

/** A participation is a claim until validated: before that only the organisation's managers (and reviewers) see it. */
const visibleParticipant = (actor: Actor | null, p: ParticipantRow) => mayRead(actor, p) && (p.status === 'validated' || canManageProjects(actor, p));

const details = (r: ProjectRow) => ({
  id: r.id,
  programme: r.programme,
  reference: r.reference,
  acronym: r.acronym,
  title: r.title,
  summary: r.summary,
  language: r.language,
  url: r.url,
  startDate: r.start_date,
  endDate: r.end_date,
  updatedAt: iso(r.updated_at),
});

/** A project's details as the decision log records them (without its id, the log's subject, and its update time). */
const state = (r: ProjectRow) => {
  const { id: _id, updatedAt: _updatedAt, ...rest } = details(r);
  return rest;
};

function projectOut(actor: Actor | null, row: ProjectRow, participants: ParticipantRow[]): ProjectOut {
  return { ...details(row), participants: participants.filter((p) => visibleParticipant(actor, p)).map(participantOut) };
}

function organisationProjectOut(
  actor: Actor | null,
  org: OrganisationFacts,
  row: ProjectRow & Pick<OwnProjectRow, 'role' | 'status' | 'review_note'>,
  participants: ParticipantRow[],
): OrganisationProjectOut {
  return {
    ...details(row),
    role: row.role,
    status: row.status,
    reviewNote: canManageProjects(actor, org) ? row.review_note : null,
    partners: participants.filter((p) => p.id !== org.id && visibleParticipant(actor, p)).map(participantOut),
  };
}

async function readableOrganisation(db: Db, actor: Actor | null, organisationId: string): Promise<OrganisationFacts> {
  const org = await selectOrganisation(db, organisationId);
  if (!org || !mayRead(actor, org)) throw new NotFoundError('organisation');
  return org;
}

async function managedOrganisation(db: Db, actor: Actor | null, organisationId: string): Promise<{ org: OrganisationFacts; actor: Actor }> {
  if (!actor) throw new UnauthorizedError();
  const org = await selectOrganisation(db, organisationId);
  if (!org) throw new NotFoundError('organisation');
  if (!canManageProjects(actor, org)) throw new ForbiddenError();
  return { org, actor };
}

/** The projects an organisation took part in, with the other participants the reader may see. */
export async function listOrganisationProjects(db: Db, actor: Actor | null, organisationId: string) {
  const org = await readableOrganisation(db, actor, organisationId);
  const canManage = canManageProjects(actor, org);
  const rows = (await selectOrganisationProjects(db, org.id)).filter((r) => canManage || r.status === 'validated');
  return {
    organisation: { id: org.id, name: org.legal_name, isPublic: org.is_public },
    items: rows.map((r) => organisationProjectOut(actor, org, r, r.participants)),
    canManage,
    /** The projects whose shared details the reader may correct (for the pages' edit links). */
    editableIds: rows.filter((r) => canEditProject(actor, r.participants)).map((r) => r.id),
  };
}

export async function getProject(db: Db, actor: Actor | null, projectId: string): Promise<ProjectOut> {
  const row = await selectProject(db, projectId);
  if (!row) throw new NotFoundError('project');
  const participants = await selectParticipants(db, projectId);
  const out = projectOut(actor, row, participants);
  // A project known only through organisations the reader may not see is not shown either.
  if (!out.participants.length) throw new NotFoundError('project');
  return out;
}

const toValues = (d: DeclarationIn): ProjectValues => ({
  programme: d.programme,
  reference: d.reference ?? null,
  acronym: d.acronym,
  title: d.title,
  summary: d.summary ?? '',
  language: d.language ?? 'en',
  url: d.url ?? null,
  startDate: d.startDate ?? null,
  endDate: d.endDate ?? null,
});

/**
 * The organisation took part in a project. The same programme and reference name one project whoever declares it:
 * a later declaration links the organisation to it and keeps the details already there. A member's declaration waits
 * for the staff; a reviewer's is validated at once.
 */
export async function declareProject(db: Db, actor: Actor | null, input: { organisationId: string; data: DeclarationIn; publicUrl: string }): Promise<DeclarationOut> {
  const { org, actor: a } = await managedOrganisation(db, actor, input.organisationId);
  const values = toValues(input.data);
  const role = input.data.role ?? 'partner';
  const status = canReviewProjects(a, org) ? 'validated' : 'submitted';
  return db.transaction(async (tx) => {
    const { id, created } = await insertOrFindProject(tx, values, a.userId);
    if (!created && (await participationExists(tx, id, org.id))) throw duplicateParticipation();
    await insertParticipant(tx, { projectId: id, organisationId: org.id, role, userId: a.userId, status });
    const row = (await selectProject(tx, id)) as ProjectRow;
    await recordAudit(tx, a, {
      action: created ? 'project.declared' : 'project.linked',
      subjectType: 'project',
      subjectId: id,
      clusterId: staffCluster(a, org),
      after: { organisationId: org.id, role, status, ...state(row) },
    });
    if (status === 'submitted') await tellReviewers(tx, org, row.acronym, input.publicUrl);
    const participants = await selectParticipants(tx, id);
    return { ...organisationProjectOut(a, org, { ...row, role, status, review_note: null }, participants), linkedToExisting: !created };
  });
}

async function editableProject(tx: Db, actor: Actor | null, projectId: string) {
  if (!actor) throw new UnauthorizedError();
  const row = await selectProject(tx, projectId, true);
  if (!row) throw new NotFoundError('project');
  const participants = await selectParticipants(tx, projectId);
  if (!canEditProject(actor, participants)) {
    if (!participants.some((p) => visibleParticipant(actor, p))) throw new NotFoundError('project');
    if (participants.some((p) => canManageProjects(actor, p))) {
      throw new ConflictError('project_validated', "The cluster's staff have validated this project: ask them to correct its details");
    }
    throw new ForbiddenError();
  }
  return { row, participants, actor };
}

/** Corrects a project's shared details: users of any participant, staff of a cluster where one is a member, platform admins. */
export async function updateProject(db: Db, actor: Actor | null, input: { projectId: string; patch: ProjectPatch }): Promise<ProjectOut> {
  return db.transaction(async (tx) => {
    const { row, participants, actor: a } = await editableProject(tx, actor, input.projectId);
    const p = input.patch;
    const keep = <T>(v: T | undefined, old: T) => (v !== undefined ? v : old);
    const next: ProjectValues = {
      programme: p.programme ?? row.programme,
      reference: keep(p.reference, row.reference),
      acronym: p.acronym ?? row.acronym,
      title: p.title ?? row.title,
      summary: p.summary ?? row.summary,
      language: p.language ?? row.language,
      url: keep(p.url, row.url),
      startDate: keep(p.startDate, row.start_date),
      endDate: keep(p.endDate, row.end_date),
    };
    if (next.startDate && next.endDate && next.endDate < next.startDate) throw new ValidationError({ endDate: 'end_before_start' });
    await updateProjectRow(tx, row.id, next);
    const after = (await selectProject(tx, row.id)) as ProjectRow;
    const acting = participants.find((x) => canReviewProjects(a, x)) ?? (participants.find((x) => canManageProjects(a, x)) as ParticipantRow);
    await recordAudit(tx, a, {
      action: 'project.updated',
      subjectType: 'project',
      subjectId: row.id,
      clusterId: staffCluster(a, acting),
      before: state(row),
      after: state(after),
    });
    return projectOut(a, after, participants);
  });
}

/** The organisation no longer declares the project; a project nobody takes part in any more is deleted. */
export async function removeParticipation(db: Db, actor: Actor | null, input: { organisationId: string; projectId: string }): Promise<{ projectDeleted: boolean }> {
  const { org, actor: a } = await managedOrganisation(db, actor, input.organisationId);
  return db.transaction(async (tx) => {
    const row = await selectProject(tx, input.projectId, true);
    if (!row) throw new NotFoundError('project');
    const removed = await deleteParticipantRow(tx, row.id, org.id);
    if (!removed) throw new NotFoundError('project');
    const projectDeleted = await deleteProjectIfOrphan(tx, row.id);
    const entry = { subjectType: 'project', subjectId: row.id, clusterId: staffCluster(a, org) };
    await recordAudit(tx, a, { ...entry, action: 'project.participation_removed', before: { organisationId: org.id, role: removed.role } });
    if (projectDeleted) await recordAudit(tx, a, { ...entry, action: 'project.deleted', before: state(row) });
    return { projectDeleted };
  });
}

/** The edit form of a project reached from one of its participants' pages. */
export async function projectEditData(db: Db, actor: Actor | null, input: { organisationId: string; projectId: string }) {
  const org = await selectOrganisation(db, input.organisationId);
  if (!org) throw new NotFoundError('organisation');
  const { row } = await editableProject(db, actor, input.projectId);
  if (!(await participationExists(db, row.id, org.id))) throw new NotFoundError('project');
  return { organisation: { id: org.id, name: org.legal_name }, project: details(row) };
}

/** The page of an organisation's projects, for those who look after them. */
export async function projectsPageData(db: Db, actor: Actor | null, organisationId: string) {
  const { org } = await managedOrganisation(db, actor, organisationId);
  return listOrganisationProjects(db, actor, org.id);
}


/** The project and the organisation's participation in it, both locked for a decision on it; 404 when either is gone. */
async function lockedParticipation(tx: Db, projectId: string, organisationId: string) {
  const project = await selectProject(tx, projectId, true);
  const participation = project && (await selectParticipation(tx, projectId, organisationId));
  if (!project || !participation) throw new NotFoundError('project');
  return { project, before: participation };
}

/** The staff of the organisation's active clusters hear of a participation waiting for them, as of a marketplace profile. */
async function tellReviewers(tx: Db, org: OrganisationFacts, acronym: string, publicUrl: string): Promise<void> {
  const told = new Set<string>(); // staff of two of its clusters get one e-mail
  for (const clusterId of org.active_cluster_ids) {
    for (const p of await selectClusterStaff(tx, clusterId)) {
      if (told.has(p.user_id)) continue;
      told.add(p.user_id);
      await enqueueEmail(tx, {
        to: p.email,
        locale: p.locale,
        template: 'projects.email.submitted',
        params: { acronym, organisation: org.legal_name, link: mailLink(publicUrl, `/${p.locale}/staff/projects`) },
      });
    }
  }
}

/** After a rejection, the organisation sends its participation back to the staff (corrected, or with more evidence). */
export async function resubmitParticipation(
  db: Db,
  actor: Actor | null,
  input: { organisationId: string; projectId: string; publicUrl: string },
): Promise<{ projectId: string; organisationId: string; status: 'submitted' }> {
  const { org, actor: a } = await managedOrganisation(db, actor, input.organisationId);
  return db.transaction(async (tx) => {
    const { project, before } = await lockedParticipation(tx, input.projectId, org.id);
    if (before.status !== 'rejected') throw new ConflictError('not_rejected', 'Only a rejected participation can be sent back to the staff');
    await resubmitParticipationRow(tx, project.id, org.id);
    await recordAudit(tx, a, {
      action: 'project.participation_resubmitted',
      subjectType: 'project',
      subjectId: project.id,
      clusterId: staffCluster(a, org),
      before: { organisationId: org.id, status: before.status },
      after: { organisationId: org.id, status: 'submitted' },
    });
    await tellReviewers(tx, org, project.acronym, input.publicUrl);
    return { projectId: project.id, organisationId: org.id, status: 'submitted' };
  });
}

/** The cluster a reviewer acted for; a platform admin's decision goes to the organisation's first cluster's log. */
function reviewCluster(actor: Actor, org: OrganisationFacts): string | null {
  return org.active_cluster_ids.find((c) => isStaffOf(actor, c)) ?? org.active_cluster_ids[0] ?? null;
}

/**
 * The staff validate a member's participation in a project, or reject it with a note for the organisation; the
 * organisation's users are told by e-mail (with the note), in the same transaction.
 */
export async function reviewParticipation(
  db: Db,
  actor: Actor | null,
  input: { organisationId: string; projectId: string; review: ReviewIn; publicUrl: string },
): Promise<{ projectId: string; organisationId: string; status: 'validated' | 'rejected'; reviewNote: string | null }> {
  if (!actor) throw new UnauthorizedError();
  const org = await selectOrganisation(db, input.organisationId);
  if (!org) throw new NotFoundError('organisation');
  if (!canReviewProjects(actor, org)) throw new ForbiddenError();
  return db.transaction(async (tx) => {
    const { project, before } = await lockedParticipation(tx, input.projectId, org.id);
    const { decision, note, expectedStatus, projectUpdatedAt } = input.review;
    if (expectedStatus && before.status !== expectedStatus) {
      throw new ConflictError('already_reviewed', 'Someone else has decided on this declaration since you read it');
    }
    if (projectUpdatedAt && new Date(projectUpdatedAt).getTime() !== new Date(project.updated_at).getTime()) {
      throw new ConflictError('project_changed', "The project's details changed since you read them: check them again");
    }
    await updateParticipationReview(tx, { projectId: input.projectId, organisationId: org.id, status: decision, note: note ?? null, userId: actor.userId });
    await recordAudit(tx, actor, {
      action: `project.participation_${decision}`,
      subjectType: 'project',
      subjectId: input.projectId,
      clusterId: reviewCluster(actor, org),
      before: { organisationId: org.id, status: before.status },
      after: { organisationId: org.id, status: decision, note: note ?? null },
    });
    for (const p of await selectOrganisationPeople(tx, [org.id])) {
      await enqueueEmail(tx, {
        to: p.email,
        locale: p.locale,
        // An organisation without an active membership has no public page yet: its e-mail does not promise one.
        template: decision === 'validated' && !org.is_public ? 'projects.email.validatedNotPublic' : `projects.email.${decision}`,
        params: { acronym: project.acronym, organisation: org.legal_name, note: note ?? '', link: mailLink(input.publicUrl, `/${p.locale}/organisations/${org.id}/projects`) },
      });
    }
    return { projectId: input.projectId, organisationId: org.id, status: decision, reviewNote: note ?? null };
  });
}

/** Participations waiting for the actor: those of organisations in the clusters they staff (all, for platform admins). */
export async function reviewQueue(db: Db, actor: Actor | null, q: { page: number; pageSize: number }): Promise<QueueOut> {
  if (!actor) throw new UnauthorizedError();
  const { rows, total } = await selectQueue(db, reviewedClusters(actor), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return {
    items: rows.map((r) => ({
      ...details(r),
      organisationId: r.organisation_id,
      organisationName: r.organisation_name,
      role: r.role,
      declaredAt: iso(r.declared_at),
      declaredBy: r.declared_by,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total,
  };
}

/** How many participations wait for the actor, for the navigation; null (and no query) for anyone who reviews none. */
export async function queueCount(db: Db, actor: Actor | null): Promise<number | null> {
  if (!actor) return null;
  const clusters = reviewedClusters(actor);
  return clusters === null || clusters.length ? countQueue(db, clusters) : null;
}

/** The clusters whose members' declarations the actor reviews: those they staff; every one (null) for platform admins. */
const reviewedClusters = (actor: Actor): string[] | null => (hasRole(actor, 'platform_admin') ? null : staffClusterIds(actor));
