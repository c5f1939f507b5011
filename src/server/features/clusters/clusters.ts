import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { evaluateRequirements } from '../requirements/requirements.ts';
import { type Actor, hasRole, isStaffOf } from '../../lib/auth.ts';
import { ForbiddenError, NotFoundError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import {
  type ClusterRecord,
  insertRoleChangedEvent,
  isActiveMember,
  moveCapofilaRole,
  selectActiveMemberOptions,
  selectClusterBySlug,
  selectClusters,
  selectNewestMembers,
  updateClusterRow,
} from './clusters.queries.ts';
import { type ClusterUpdate, ClusterUpdateSchema, type ClusterView } from './clusters.schemas.ts';

export function toClusterView(r: ClusterRecord): ClusterView {
  return {
    id: r.id,
    slug: r.slug,
    nameIt: r.name_it,
    nameEn: r.name_en,
    shortName: r.short_name,
    descriptionIt: r.description_it,
    descriptionEn: r.description_en,
    associationName: r.association_name,
    legalForm: r.legal_form,
    legalPersonality: r.legal_personality,
    legalPersonalityEvidence: r.legal_personality_evidence,
    constitutedOn: r.constituted_on,
    statuteRegisteredOn: r.statute_registered_on,
    statuteRegistrationOffice: r.statute_registration_office,
    partnershipAgreementSignedOn: r.partnership_agreement_signed_on,
    partnershipAgreementReference: r.partnership_agreement_reference,
    capofila: r.capofila_id ? { id: r.capofila_id, legalName: r.capofila_name ?? '' } : null,
    recognitionApplicationOn: r.recognition_application_on,
    recognitionApplicationProtocol: r.recognition_application_protocol,
    recognitionAssessment: r.recognition_assessment,
    recognitionDecreeNumber: r.recognition_decree_number,
    recognitionDecreeOn: r.recognition_decree_on,
    memberCount: Number(r.member_count),
  };
}

export async function listClusters(db: Db): Promise<ClusterView[]> {
  return (await selectClusters(db)).map(toClusterView);
}

export async function getCluster(db: Db, slug: string): Promise<ClusterView> {
  const row = await selectClusterBySlug(db, slug);
  if (!row) throw new NotFoundError('cluster');
  return toClusterView(row);
}

export async function listNewestMembers(db: Db, clusterId: string, limit = 6) {
  return selectNewestMembers(db, clusterId, limit);
}

export function canEditCluster(actor: Actor | null, clusterId: string): boolean {
  return isStaffOf(actor, clusterId) || hasRole(actor, 'platform_admin');
}

/** For the edit form: the cluster and the active members that may be its capofila. */
export async function getClusterForEdit(db: Db, actor: Actor, slug: string) {
  const cluster = await getCluster(db, slug);
  if (!canEditCluster(actor, cluster.id)) throw new ForbiddenError();
  return { cluster, members: await selectActiveMemberOptions(db, cluster.id) };
}

const editable = (r: ClusterRecord) => ({
  partnershipAgreementSignedOn: r.partnership_agreement_signed_on,
  partnershipAgreementReference: r.partnership_agreement_reference,
  legalPersonality: r.legal_personality,
  legalPersonalityEvidence: r.legal_personality_evidence,
  capofilaOrganisationId: r.capofila_id,
  descriptionIt: r.description_it,
  descriptionEn: r.description_en,
});

/**
 * Staff of this cluster (or a platform admin) record the cluster's facts. The capofila is a role of a membership:
 * choosing one moves the role to that active member (the previous capofila becomes a promoter), with the change,
 * its membership events and the audit row in one transaction.
 */
export async function updateCluster(db: Db, actor: Actor, slug: string, input: ClusterUpdate): Promise<ClusterView> {
  return db.transaction(async (tx) => {
    const row = await selectClusterBySlug(tx, slug, { forUpdate: true });
    if (!row) throw new NotFoundError('cluster');
    if (!canEditCluster(actor, row.id)) throw new ForbiddenError();
    const parsed = ClusterUpdateSchema.safeParse(input);
    const fields = parsed.success ? {} : fieldsFromZodIssues(parsed.error.issues);
    const before = editable(row);
    const patch = parsed.success ? parsed.data : {};
    const after = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    } as ReturnType<typeof editable>;
    const capofilaChanges = (after.capofilaOrganisationId ?? null) !== (before.capofilaOrganisationId ?? null);
    if (capofilaChanges && after.capofilaOrganisationId) {
      if (!(await isActiveMember(tx, row.id, after.capofilaOrganisationId))) fields.capofilaOrganisationId = 'not_a_member';
    }
    if (Object.keys(fields).length) throw new ValidationError(fields);
    await updateClusterRow(tx, row.id, {
      partnership_agreement_signed_on: after.partnershipAgreementSignedOn,
      partnership_agreement_reference: after.partnershipAgreementReference,
      legal_personality: after.legalPersonality,
      legal_personality_evidence: after.legalPersonalityEvidence,
      description_it: after.descriptionIt,
      description_en: after.descriptionEn,
    });
    if (capofilaChanges) {
      for (const m of await moveCapofilaRole(tx, row.id, after.capofilaOrganisationId ?? null)) {
        await insertRoleChangedEvent(tx, m.id, `${m.from} → ${m.to}`, actor.userId);
      }
    }
    await recordAudit(tx, actor, { action: 'cluster.updated', subjectType: 'cluster', subjectId: row.id, clusterId: row.id, before, after });
    const updated = await selectClusterBySlug(tx, slug);
    return toClusterView(updated as ClusterRecord);
  });
}

/** Everything the cluster's page shows; the requirement summary is computed live by the requirements feature. */
export async function getClusterPageData(db: Db, slug: string) {
  const c = await getCluster(db, slug);
  const [newest, requirements] = await Promise.all([listNewestMembers(db, c.id), evaluateRequirements(db, c.id)]);
  return { c, newest, requirements };
}
