import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, isOrgAdminOf, isStaffOf, managedClusterIds } from '../../lib/auth.ts';
import { ConflictError, type FieldErrors, ForbiddenError, NotFoundError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { type Locale, todayInItaly } from '../../lib/i18n.ts';
import { isUuid } from '../../lib/ids.ts';
import { enqueueEmail } from '../../lib/jobs.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import { inviteUser } from '../accounts/accounts.ts';
import { moveCapofilaRole } from '../clusters/clusters.queries.ts';
import { createOrganisation, findOrganisationByTaxIdentity, resolveMunicipality } from '../organisations/organisations.ts';
import type { MunicipalityRow } from '../organisations/organisations.queries.ts';
import { type OrganisationInput, OrganisationInputSchema, categories, taxIdentityIssues } from '../organisations/organisations.schemas.ts';
import { isValidItalianTaxCode, isValidItalianVat, normaliseTaxCode, normaliseVat } from '../organisations/organisations.validation.ts';
import { LOMBARDY_REGION_CODE } from '../requirements/requirements.queries.ts';
import { evaluateRequirements, requirementsAffectedBy } from '../requirements/requirements.ts';
import * as q from './members.queries.ts';
import {
  type ApplicationInput,
  ApplicationInputSchema,
  type ApplicationView,
  type Check,
  type DecisionInput,
  DecisionInputSchema,
  type MembershipPatch,
  MembershipPatchSchema,
  type MembershipView,
  type StatusChangeInput,
  StatusChangeInputSchema,
} from './members.schemas.ts';

/** Submissions per IP address and hour: enough for a consultant filing for several firms, not for a flood. */
export const APPLICATION_RATE_LIMIT = { limit: 10, windowSeconds: 3600 };


const clusterName = (row: { cluster_name_it: string; cluster_name_en: string }, locale: Locale) =>
  locale === 'en' ? row.cluster_name_en : row.cluster_name_it;

const toIso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

// ---------------------------------------------------------------------------------------------
// Submission

// Seats are resolved by the registry's rules (ISTAT code, accent-insensitive name, or "Castro (BG)").
type ResolvedSeat = MunicipalityRow;

type ValidApplication = { input: ApplicationInput; operationalSeat: ResolvedSeat; legalSeat: ResolvedSeat | null };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Validates an application as a whole: the schema, then what needs the database (municipalities,
 * ATECO codes), so that every invalid field is named at once.
 */
export async function validateApplication(db: Db, raw: unknown): Promise<ValidApplication> {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  // People paste VAT numbers with spaces or the IT prefix: normalise before checking the shape.
  if (body.organisation && typeof body.organisation === 'object') {
    const o = body.organisation;
    if (typeof o.vatNumber === 'string') o.vatNumber = normaliseVat(o.vatNumber);
    if (typeof o.taxCode === 'string') o.taxCode = normaliseTaxCode(o.taxCode);
  }
  const parsed = ApplicationInputSchema.safeParse(body);
  const fields: FieldErrors = parsed.success ? {} : fieldsFromZodIssues(parsed.error.issues);
  for (const key of Object.keys(fields)) {
    // A declaration is either ticked or not: one message for every way of not ticking it.
    if (key === 'declarations') {
      delete fields[key];
      for (const d of ['operationalSeatInLombardy', 'statute', 'truthfulness', 'privacy']) fields[`declarations.${d}`] = 'must_accept';
    } else if (key.startsWith('declarations.')) fields[key] = 'must_accept';
  }

  // The tax identity's shape is checked even when other fields of the organisation are wrong.
  const org = body.organisation && typeof body.organisation === 'object' ? body.organisation : {};
  // Check digits too, with the registry's own rules: approval registers the organisation, and staff
  // cannot correct a number the applicant mistyped.
  if (!str(org.vatNumber) && !str(org.taxCode)) fields['organisation.vatNumber'] ??= 'required';
  for (const [k, code] of Object.entries(taxIdentityIssues(org))) fields[`organisation.${k}`] = code;

  let operationalSeat: ResolvedSeat | null = null;
  const opValue = str(body.operationalSeat?.municipality);
  if (opValue && !fields['operationalSeat.municipality']) {
    const r = await resolveMunicipality(db, opValue);
    if (typeof r === 'string') fields['operationalSeat.municipality'] = r;
    else operationalSeat = r;
  }

  let legalSeat: ResolvedSeat | null = null;
  const legal = body.legalSeat && typeof body.legalSeat === 'object' ? body.legalSeat : null;
  if (legal) {
    const country = (str(legal.country) ?? 'IT').toUpperCase();
    const value = str(legal.municipality);
    if (country === 'IT') {
      if (!value) fields['legalSeat.municipality'] ??= 'required';
      else if (!fields['legalSeat.municipality']) {
        const r = await resolveMunicipality(db, value);
        if (typeof r === 'string') fields['legalSeat.municipality'] = r;
        else legalSeat = r;
      }
    } else if (!str(legal.foreignCity)) fields['legalSeat.foreignCity'] ??= 'required';
  }

  const ateco = body.organisation?.atecoCodes;
  if (Array.isArray(ateco) && !Object.keys(fields).some((k) => k.startsWith('organisation.atecoCodes'))) {
    const unknown = await q.findUnknownAtecoCodes(db, ateco.filter((c): c is string => typeof c === 'string').map((c) => c.trim()));
    if (unknown.length) fields['organisation.atecoCodes'] = 'unknown_ateco';
  }

  // Whatever the registry would refuse at approval (createOrganisation) is refused now, on the form.
  if (parsed.success) {
    const registry = OrganisationInputSchema.safeParse({ ...organisationInputFromApplication(parsed.data), seats: [] });
    if (!registry.success) {
      for (const [key, code] of Object.entries(fieldsFromZodIssues(registry.error.issues))) {
        const [head, ...rest] = key.split('.');
        const field = head === 'descriptionIt' || head === 'descriptionEn' ? 'description' : head;
        fields[['organisation', field, ...rest].join('.')] ??= code;
      }
    }
  }

  if (!parsed.success || Object.keys(fields).length || !operationalSeat) throw new ValidationError(fields);
  return { input: parsed.data, operationalSeat, legalSeat };
}

function taxIdentityOf(o: ApplicationInput['organisation']): q.TaxIdentity {
  return { vatCountry: o.vatNumber ? (o.vatCountry ?? 'IT') : null, vatNumber: o.vatNumber ?? null, taxCode: o.taxCode ?? null };
}

/** The automatic checks shown to staff beside the application; none of them blocks the submission. */
export async function computeApplicationChecks(db: Db, clusterId: string, v: ValidApplication): Promise<Check[]> {
  const o = v.input.organisation;
  const seat = v.operationalSeat;
  const checks: Check[] = [];
  checks.push({
    id: 'seat_in_lombardy',
    ok: seat.region_code === LOMBARDY_REGION_CODE,
    detail: `${seat.name} (${seat.province_acronym}) ${seat.istat_code}`,
  });

  const problems: string[] = [];
  const country = o.vatCountry ?? 'IT';
  if (o.vatNumber) {
    if (country !== 'IT') problems.push('foreign_vat_unverified');
    else if (!isValidItalianVat(o.vatNumber)) problems.push('invalid_vat');
  }
  if (o.taxCode && !isValidItalianTaxCode(o.taxCode)) problems.push('invalid_tax_code');
  checks.push({ id: 'tax_identity_valid', ok: problems.length === 0, detail: problems.join(' ') || 'valid' });

  // An organisation already in the registry keeps its admins: approval adds the membership, not a new admin.
  // Matched as the approval will match it (organisations' findOrganisationByTaxIdentity), so the checks tell what it will do.
  const registered = await findOrganisationByTaxIdentity(db, taxIdentityOf(o));
  checks.push({
    id: 'organisation_registered',
    ok: !registered,
    detail: registered ? `registered ${registered.legal_name}` : 'not_registered',
  });

  const existing = registered ? await q.findMembershipOf(db, clusterId, registered.id) : undefined;
  checks.push({
    id: 'not_already_member',
    ok: !existing || existing.status === 'withdrawn',
    detail: !existing ? 'not_member' : existing.status === 'withdrawn' ? 'former_member' : `${existing.status}_member`,
  });

  checks.push({
    id: 'category_allowed',
    ok: (categories as readonly string[]).includes(o.category),
    detail: o.category,
  });
  return checks;
}

export async function getClusterForApplication(db: Db, slug: string): Promise<q.ClusterRef> {
  const cluster = await q.findClusterBySlug(db, slug);
  if (!cluster) throw new NotFoundError('cluster');
  return cluster;
}

/**
 * A public submission: stored as given with its automatic checks; the applicant gets a receipt.
 * One pending application per tax identity and cluster; a rejected applicant may apply again.
 */
export async function submitApplication(
  db: Db,
  args: { clusterSlug: string; body: unknown; locale: Locale; ip: string },
): Promise<{ id: string; cluster: q.ClusterRef }> {
  const cluster = await getClusterForApplication(db, args.clusterSlug);
  const valid = await validateApplication(db, args.body);
  await hitRateLimit(db, `application:${args.ip}`, APPLICATION_RATE_LIMIT);
  const locale = valid.input.locale ?? args.locale;
  const pending = await q.findPendingApplication(db, cluster.id, taxIdentityOf(valid.input.organisation));
  if (pending) throw q.applicationPendingError(valid.input.organisation.vatNumber ? 'organisation.vatNumber' : 'organisation.taxCode');
  const checks = await computeApplicationChecks(db, cluster.id, valid);
  const data = {
    ...valid.input,
    locale,
    operationalSeat: { ...valid.input.operationalSeat, municipalityCode: valid.operationalSeat.istat_code },
    ...(valid.input.legalSeat
      ? { legalSeat: { ...valid.input.legalSeat, country: valid.input.legalSeat.country ?? 'IT', municipalityCode: valid.legalSeat?.istat_code ?? null } }
      : {}),
  };
  return db.transaction(async (tx) => {
    const row = await q.insertApplication(tx, {
      clusterId: cluster.id,
      data,
      checks,
      applicantEmail: valid.input.referent.email,
      locale,
      taxIdentity: taxIdentityOf(valid.input.organisation),
    });
    await enqueueEmail(tx, {
      to: valid.input.referent.email,
      locale,
      template: 'members.email.received',
      params: {
        name: valid.input.referent.name,
        organisation: valid.input.organisation.legalName,
        cluster: locale === 'en' ? cluster.name_en : cluster.name_it,
        reference: row.id.slice(0, 8),
      },
    });
    return { id: row.id, cluster };
  });
}

// ---------------------------------------------------------------------------------------------
// Staff queue and decisions

function applicationView(row: q.ApplicationRow, locale: Locale): ApplicationView {
  const d = row.data ?? {};
  return {
    id: row.id,
    cluster: { id: row.cluster_id, slug: row.cluster_slug, name: clusterName(row, locale) },
    status: row.status,
    legalName: String(d.organisation?.legalName ?? ''),
    category: d.organisation?.category ?? null,
    applicantEmail: row.applicant_email,
    submittedAt: toIso(row.submitted_at) as string,
    decidedAt: toIso(row.decided_at),
    checks: Array.isArray(row.checks) ? row.checks.map((c) => ({ id: c.id as Check['id'], ok: !!c.ok, detail: String(c.detail ?? '') })) : [],
    locale: row.locale,
    data: d,
    boardMeetingOn: row.board_meeting_on,
    decisionReason: row.decision_reason,
    organisationId: row.organisation_id,
    membershipId: row.membership_id,
  };
}

/** The clusters whose applications the actor reads (for the queue's filter). */
export async function listManagedClusters(db: Db, ids: string[] | null, locale: Locale) {
  const rows = await q.listClusters(db, ids);
  return rows.map((c) => ({ slug: c.slug, name: locale === 'en' ? c.name_en : c.name_it }));
}

function canReadCluster(actor: Actor | null, clusterId: string): boolean {
  const ids = managedClusterIds(actor);
  return ids === null || ids.includes(clusterId);
}

export async function listApplications(
  db: Db,
  actor: Actor | null,
  f: { cluster?: string; status: string; page: number; pageSize: number },
  locale: Locale = 'it',
) {
  const rows = await q.listApplications(db, {
    clusterIds: managedClusterIds(actor),
    clusterSlug: f.cluster || undefined,
    status: f.status === 'all' ? undefined : f.status,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return {
    items: rows.rows.map((r) => {
      const { locale: _l, data: _d, boardMeetingOn: _b, decisionReason: _r, organisationId: _o, membershipId: _m, ...summary } = applicationView(r, locale);
      return summary;
    }),
    page: f.page,
    pageSize: f.pageSize,
    total: rows.total,
  };
}

/** One application, for staff of its cluster (and region officers and platform admins); others learn nothing. */
export async function getApplication(db: Db, actor: Actor | null, id: string, locale: Locale = 'it'): Promise<ApplicationView> {
  if (!isUuid(id)) throw new NotFoundError('application');
  const row = await q.findApplication(db, id);
  if (!row) throw new NotFoundError('application');
  if (!canReadCluster(actor, row.cluster_id)) throw new ForbiddenError('This application belongs to a cluster you do not manage');
  return applicationView(row, locale);
}

/**
 * What the recognition would lose: the requirements met now that would stop being met without
 * this organisation. For an application, only relevant when its organisation is already a member.
 */
export async function applicationImpact(db: Db, app: ApplicationView): Promise<string[]> {
  const o = app.data.organisation as ApplicationInput['organisation'] | undefined;
  if (!o || app.status !== 'submitted') return [];
  const org = await findOrganisationByTaxIdentity(db, taxIdentityOf(o));
  const existing = org ? await q.findMembershipOf(db, app.cluster.id, org.id) : undefined;
  if (!existing || existing.status !== 'active') return [];
  return requirementsAffectedBy(db, app.cluster.id, [existing.organisation_id]);
}

function parseOrThrow<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: any[] } } }, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ValidationError(fieldsFromZodIssues(r.error.issues));
  return r.data;
}

/** Maps the application as submitted onto the organisation registry's input. */
export function organisationInputFromApplication(data: Record<string, any>): OrganisationInput {
  const o = data.organisation ?? {};
  const locale = data.locale === 'en' ? 'en' : 'it';
  const seats: NonNullable<OrganisationInput['seats']> = [
    {
      kind: 'operational',
      country: 'IT',
      municipalityCode: data.operationalSeat?.municipalityCode ?? data.operationalSeat?.municipality,
      address: data.operationalSeat?.address ?? null,
    },
  ];
  if (data.legalSeat) {
    const country = data.legalSeat.country ?? 'IT';
    seats.push({
      kind: 'legal',
      country,
      municipalityCode: country === 'IT' ? (data.legalSeat.municipalityCode ?? data.legalSeat.municipality) : null,
      foreignCity: country === 'IT' ? null : (data.legalSeat.foreignCity ?? null),
      address: data.legalSeat.address ?? null,
    });
  }
  return {
    legalName: o.legalName,
    category: o.category ?? null,
    vatCountry: o.vatNumber ? (o.vatCountry ?? 'IT') : null,
    vatNumber: o.vatNumber ?? null,
    taxCode: o.taxCode ?? null,
    staffHeadcount: o.staffHeadcount ?? null,
    annualTurnoverEur: o.annualTurnoverEur ?? null,
    balanceSheetEur: o.balanceSheetEur ?? null,
    website: o.website ?? null,
    descriptionIt: locale === 'it' ? (o.description ?? null) : null,
    descriptionEn: locale === 'en' ? (o.description ?? null) : null,
    atecoCodes: o.atecoCodes ?? [],
    seats,
  };
}

/**
 * Records the board's decision, in one transaction. Approval matches the organisation by tax identity
 * or creates it, admits it (or readmits a withdrawn member), invites the referent as the organisation's
 * admin, tells the applicant and writes the audit row; any failure undoes all of it.
 */
export async function decideApplication(
  db: Db,
  actor: Actor,
  args: { applicationId: string; input: DecisionInput; publicUrl: string },
): Promise<{ application: ApplicationView; requirementsAffected: string[] }> {
  if (!isUuid(args.applicationId)) throw new NotFoundError('application');
  const input = parseOrThrow(DecisionInputSchema, args.input);
  const current = await q.findApplication(db, args.applicationId);
  if (!current) throw new NotFoundError('application');
  // The board's decision is the cluster's to record: region officers and platform admins read, they do not decide.
  if (!isStaffOf(actor, current.cluster_id)) throw new ForbiddenError('Only the staff of this cluster decide its applications');
  const reason = input.reason?.trim() || null;
  if (current.status !== 'submitted') throw new ConflictError('already_decided', 'This application has already been decided');

  const requirementsAffected = input.decision === 'reject' ? await applicationImpact(db, applicationView(current, 'it')) : [];

  const decided = await db.transaction(async (tx) => {
    const app = await q.findApplication(tx, args.applicationId, { forUpdate: true });
    if (!app) throw new NotFoundError('application');
    if (app.status !== 'submitted') throw new ConflictError('already_decided', 'This application has already been decided');
    const data = app.data;
    const organisationName = String(data.organisation?.legalName ?? '');
    const cluster = clusterName(app, app.locale);

    if (input.decision === 'reject') {
      await q.markApplicationDecided(tx, {
        id: app.id,
        status: 'rejected',
        decidedBy: actor.userId,
        boardMeetingOn: input.boardMeetingOn,
        reason,
      });
      await enqueueEmail(tx, {
        to: app.applicant_email,
        locale: app.locale,
        template: 'members.email.rejected',
        params: { organisation: organisationName, cluster, reason: reason ?? '', date: input.boardMeetingOn },
      });
      await recordAudit(tx, actor, {
        action: 'application.rejected',
        subjectType: 'application',
        subjectId: app.id,
        clusterId: app.cluster_id,
        before: { status: 'submitted' },
        after: { status: 'rejected', reason, boardMeetingOn: input.boardMeetingOn },
      });
      return app.id;
    }

    const orgInput = organisationInputFromApplication(data);
    const found = await findOrganisationByTaxIdentity(tx, taxIdentityOf(data.organisation ?? {}));
    const organisationId = found ? found.id : (await createOrganisation(tx, actor, orgInput)).id;

    const existing = await q.findMembershipOf(tx, app.cluster_id, organisationId, { forUpdate: true });
    let membershipId: string;
    if (existing && existing.status !== 'withdrawn') {
      throw new ConflictError('already_member', 'This organisation is already a member of the cluster');
    } else if (existing) {
      membershipId = existing.id;
      await q.reactivateMembership(tx, { id: existing.id, joinedOn: input.boardMeetingOn, applicationId: app.id });
    } else {
      membershipId = await q.insertMembership(tx, {
        clusterId: app.cluster_id,
        organisationId,
        joinedOn: input.boardMeetingOn,
        applicationId: app.id,
      });
    }
    await q.insertMembershipEvent(tx, {
      membershipId,
      kind: 'admitted',
      reason,
      decidedOn: input.boardMeetingOn,
      actorUserId: actor.userId,
    });
    await q.markApplicationDecided(tx, {
      id: app.id,
      status: 'approved',
      decidedBy: actor.userId,
      boardMeetingOn: input.boardMeetingOn,
      reason,
      organisationId,
      membershipId,
    });
    // The referent administers a new organisation; one already administered stays with its admins,
    // or anyone who files an application with a registered VAT number would take it over.
    const referentInvited = !found || !(await q.organisationHasAdmin(tx, organisationId));
    if (referentInvited) {
      await inviteUser(tx, actor, {
        email: String(data.referent?.email ?? app.applicant_email),
        name: String(data.referent?.name ?? ''),
        organisationId,
        role: 'org_admin',
        locale: app.locale,
        publicUrl: args.publicUrl,
        clusterName: cluster,
      });
    }
    await enqueueEmail(tx, {
      to: app.applicant_email,
      locale: app.locale,
      template: 'members.email.approved',
      params: { organisation: organisationName, cluster, date: input.boardMeetingOn, reason: reason ?? '' },
    });
    await recordAudit(tx, actor, {
      action: 'application.approved',
      subjectType: 'application',
      subjectId: app.id,
      clusterId: app.cluster_id,
      before: { status: 'submitted' },
      after: { status: 'approved', organisationId, membershipId, boardMeetingOn: input.boardMeetingOn, reason, matchedExisting: !!found, referentInvited },
    });
    return app.id;
  });
  const row = await q.findApplication(db, decided);
  return { application: applicationView(row as q.ApplicationRow, actor.locale), requirementsAffected };
}

// ---------------------------------------------------------------------------------------------
// Memberships

function membershipView(row: q.MembershipRow, locale: Locale, opts: { privileged: boolean; events?: q.MembershipEventRow[] }): MembershipView {
  return {
    id: row.id,
    cluster: { id: row.cluster_id, slug: row.cluster_slug, name: clusterName(row, locale) },
    organisation: { id: row.organisation_id, legalName: row.legal_name, category: row.category },
    role: row.role,
    status: row.status,
    isLeaderCompany: row.is_leader_company,
    ...(opts.privileged || row.is_leader_company ? { leaderReason: row.leader_reason } : {}),
    joinedOn: row.joined_on,
    leftOn: row.left_on,
    ...(opts.events
      ? { events: opts.events.map((e) => ({ kind: e.kind, reason: e.reason, decidedOn: e.decided_on, at: toIso(e.at) as string })) }
      : {}),
  };
}

/** Active members for everyone; suspended and withdrawn ones too for the cluster's staff. */
export async function listClusterMemberships(
  db: Db,
  actor: Actor | null,
  args: { clusterSlug: string; status?: string; page: number; pageSize: number },
  locale: Locale = 'it',
) {
  const cluster = await getClusterForApplication(db, args.clusterSlug);
  const staff = canReadCluster(actor, cluster.id);
  const statuses = !staff ? ['active'] : !args.status || args.status === 'all' ? ['active', 'suspended', 'withdrawn'] : [args.status];
  const { rows, total } = await q.listMemberships(db, {
    clusterId: cluster.id,
    statuses,
    limit: args.pageSize,
    offset: (args.page - 1) * args.pageSize,
  });
  return { items: rows.map((r) => membershipView(r, locale, { privileged: staff })), page: args.page, pageSize: args.pageSize, total };
}

export async function getMembership(db: Db, actor: Actor | null, id: string, locale: Locale = 'it'): Promise<MembershipView> {
  if (!isUuid(id)) throw new NotFoundError('membership');
  const row = await q.findMembership(db, id);
  if (!row) throw new NotFoundError('membership');
  const privileged = canReadCluster(actor, row.cluster_id) || isOrgAdminOf(actor, row.organisation_id);
  if (!privileged && row.status !== 'active') throw new NotFoundError('membership');
  return membershipView(row, locale, { privileged, events: privileged ? await q.listMembershipEvents(db, id) : undefined });
}

/** Requirements met now that would stop being met if this member left (suspension or withdrawal). */
export async function membershipImpact(db: Db, membership: Pick<MembershipView, 'cluster' | 'organisation' | 'status'>): Promise<string[]> {
  if (membership.status !== 'active') return [];
  return requirementsAffectedBy(db, membership.cluster.id, [membership.organisation.id]);
}

const transitions: Record<string, Partial<Record<string, 'suspended' | 'reinstated' | 'withdrawn'>>> = {
  active: { suspended: 'suspended', withdrawn: 'withdrawn' },
  suspended: { active: 'reinstated', withdrawn: 'withdrawn' },
  withdrawn: {},
};

/**
 * Suspends, reinstates or withdraws a member, by decision of the cluster's staff; an organisation's
 * admin may withdraw its own membership. The staff decide even when a requirement would fail: the
 * answer names the requirements affected.
 */
export async function changeMembershipStatus(
  db: Db,
  actor: Actor,
  args: { membershipId: string; input: StatusChangeInput },
): Promise<{ membership: MembershipView; requirementsAffected: string[] }> {
  if (!isUuid(args.membershipId)) throw new NotFoundError('membership');
  const input = parseOrThrow(StatusChangeInputSchema, args.input);
  const current = await q.findMembership(db, args.membershipId);
  if (!current) throw new NotFoundError('membership');
  const staff = isStaffOf(actor, current.cluster_id);
  const ownWithdrawal = isOrgAdminOf(actor, current.organisation_id) && input.status === 'withdrawn';
  if (!staff && !ownWithdrawal) {
    if (!canReadCluster(actor, current.cluster_id) && !isOrgAdminOf(actor, current.organisation_id) && current.status !== 'active') {
      throw new NotFoundError('membership');
    }
    throw new ForbiddenError();
  }
  if (input.decidedOn < current.joined_on) throw new ValidationError({ decidedOn: 'before_joined' });
  const kind = transitions[current.status][input.status];
  if (!kind) throw new ConflictError('invalid_transition', `A ${current.status} membership cannot become ${input.status}`);

  const requirementsAffected = kind === 'reinstated' ? [] : await membershipImpact(db, membershipView(current, 'it', { privileged: true }));

  await db.transaction(async (tx) => {
    const row = await q.findMembership(tx, current.id, { forUpdate: true });
    if (!row || row.status !== current.status) throw new ConflictError('invalid_transition', 'The membership changed meanwhile: reload it');
    await q.updateMembershipStatus(tx, {
      id: row.id,
      status: input.status,
      leftOn: input.status === 'withdrawn' ? input.decidedOn : null,
    });
    await q.insertMembershipEvent(tx, {
      membershipId: row.id,
      kind,
      reason: input.reason,
      decidedOn: input.decidedOn,
      actorUserId: actor.userId,
    });
    await recordAudit(tx, actor, {
      action: `membership.${kind}`,
      subjectType: 'membership',
      subjectId: row.id,
      clusterId: row.cluster_id,
      before: { status: row.status },
      after: { status: input.status, reason: input.reason, decidedOn: input.decidedOn, byOrganisation: !staff },
    });
  });
  return { membership: await getMembership(db, actor, current.id, actor.locale), requirementsAffected };
}

const leaderCategories = ['company', 'consortium'];

/** Leader-company flag (a staff decision with its reason, as the decree asks) and role in the cluster. */
export async function updateMembership(
  db: Db,
  actor: Actor,
  args: { membershipId: string; input: MembershipPatch },
): Promise<{ membership: MembershipView; requirementsAffected: string[] }> {
  if (!isUuid(args.membershipId)) throw new NotFoundError('membership');
  const input = parseOrThrow(MembershipPatchSchema, args.input);
  const current = await q.findMembership(db, args.membershipId);
  if (!current) throw new NotFoundError('membership');
  if (!isStaffOf(actor, current.cluster_id)) throw new ForbiddenError('Only the staff of this cluster change its members');

  const fields: FieldErrors = {};
  const leaderChanges = input.isLeaderCompany !== undefined && input.isLeaderCompany !== current.is_leader_company;
  const leaderReason = input.leaderReason?.trim() || null;
  if (input.isLeaderCompany && !leaderCategories.includes(current.category ?? '')) fields.isLeaderCompany = 'not_a_company';
  if ((leaderChanges || (input.isLeaderCompany && leaderReason !== current.leader_reason && input.leaderReason !== undefined)) && !leaderReason) {
    fields.leaderReason = 'required';
  }
  if (current.status === 'withdrawn' && (leaderChanges || (input.role && input.role !== current.role))) fields._ = 'withdrawn';
  if (Object.keys(fields).length) throw new ValidationError(fields);

  const nextLeader = input.isLeaderCompany ?? current.is_leader_company;
  const nextReason = nextLeader ? (leaderReason ?? current.leader_reason) : null;
  const nextRole = input.role ?? current.role;
  const leaderEvent = leaderChanges || (nextLeader && nextReason !== current.leader_reason);
  const roleChanges = nextRole !== current.role;

  let requirementsAffected: string[] = [];
  if (leaderEvent || roleChanges) {
    await db.transaction(async (tx) => {
      const row = await q.findMembership(tx, current.id, { forUpdate: true });
      if (!row) throw new NotFoundError('membership');
      // A flag or role change is not a departure (requirementsAffectedBy excludes members): evaluate the
      // requirements before and after the change, in the transaction, and name those it stops meeting.
      const before = await evaluateRequirements(tx, row.cluster_id);
      // One capofila per cluster (unique index): the previous one becomes a promoter, with its own event.
      if (roleChanges && nextRole === 'capofila') {
        for (const moved of await moveCapofilaRole(tx, row.cluster_id, row.organisation_id)) {
          if (moved.id === row.id) continue;
          await q.insertMembershipEvent(tx, {
            membershipId: moved.id,
            kind: 'role_changed',
            reason: `${moved.from} → ${moved.to}`,
            decidedOn: todayInItaly(),
            actorUserId: actor.userId,
          });
        }
      }
      await q.updateMembershipFields(tx, { id: row.id, isLeaderCompany: nextLeader, leaderReason: nextReason, role: nextRole });
      const after = new Map((await evaluateRequirements(tx, row.cluster_id)).map((r) => [r.id, r.status]));
      requirementsAffected = before.filter((r) => r.status === 'met' && after.get(r.id) !== 'met').map((r) => r.id);
      const today = todayInItaly();
      if (leaderEvent) {
        await q.insertMembershipEvent(tx, {
          membershipId: row.id,
          kind: nextLeader ? 'leader_set' : 'leader_unset',
          reason: leaderReason,
          decidedOn: today,
          actorUserId: actor.userId,
        });
      }
      if (roleChanges) {
        await q.insertMembershipEvent(tx, {
          membershipId: row.id,
          kind: 'role_changed',
          reason: [`${row.role} → ${nextRole}`, input.reason?.trim()].filter(Boolean).join(': '),
          decidedOn: today,
          actorUserId: actor.userId,
        });
      }
      await recordAudit(tx, actor, {
        action: 'membership.updated',
        subjectType: 'membership',
        subjectId: row.id,
        clusterId: row.cluster_id,
        before: { isLeaderCompany: row.is_leader_company, leaderReason: row.leader_reason, role: row.role },
        after: { isLeaderCompany: nextLeader, leaderReason: nextReason, role: nextRole, reason: input.reason ?? null },
      });
    });
  }
  return { membership: await getMembership(db, actor, current.id, actor.locale), requirementsAffected };
}

/** Every membership decision about an organisation, in every cluster, oldest first. */
export async function listMembershipHistory(db: Db, organisationId: string) {
  if (!isUuid(organisationId)) return [];
  const rows = await q.listMembershipHistoryOf(db, organisationId);
  return rows.map((r) => ({
    membershipId: r.membership_id,
    cluster: { id: r.cluster_id, slug: r.cluster_slug, nameIt: r.cluster_name_it, nameEn: r.cluster_name_en },
    kind: r.kind,
    reason: r.reason,
    decidedOn: r.decided_on,
    at: toIso(r.at) as string,
  }));
}
