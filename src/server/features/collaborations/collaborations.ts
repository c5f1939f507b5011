import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, isMemberOf, isStaffOf, managedClusterIds, organisationIdsOf } from '../../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { type Locale, inLocale, todayInItaly, translator } from '../../lib/i18n.ts';
import { mailLink } from '../../lib/mail.ts';
import { enqueueEmail } from '../../lib/jobs.ts';
import { selectClusterStaff, selectOrganisationPeople } from '../../lib/people.ts';
import { deadlinePassed, ownerVisibleTo } from '../marketplace/marketplace.ts';
import * as q from './collaborations.queries.ts';
import {
  type CollaborationList,
  type CollaborationListQuery,
  type CollaborationOut,
  type CollaborationSummary,
  type DecisionIn,
  type EventIn,
  type InterestIn,
  type InterestList,
  type InterestListQuery,
  type InterestOut,
  type ReportOut,
  type ReportQuery,
  declineReasons,
  interestStatuses,
  outcomes,
  stages,
} from './collaborations.schemas.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const title = (locale: Locale, it: string | null, en: string | null) => (locale === 'en' ? (en ?? it) : (it ?? en)) ?? '';
const titleOf = (locale: Locale, it: string | null, en: string | null) => {
  const { text, lang } = inLocale(locale, it, en);
  return { title: text, titleLang: lang };
};


const seesEveryCluster = (actor: Actor | null) => managedClusterIds(actor) === null;

function requireActor(actor: Actor | null): asserts actor is Actor {
  if (!actor) throw new UnauthorizedError();
}

// ---------------------------------------------------------------------------------------------
// Reading an interest

type Side = { owner: boolean; interested: boolean; staff: boolean; overseer: boolean };

function sideOf(actor: Actor | null, r: { organisation_id: string; profile_organisation_id: string; profile_cluster_id: string }): Side {
  return {
    owner: isMemberOf(actor, r.profile_organisation_id),
    interested: isMemberOf(actor, r.organisation_id),
    staff: isStaffOf(actor, r.profile_cluster_id),
    overseer: seesEveryCluster(actor),
  };
}
const seesInterest = (s: Side) => s.owner || s.interested || s.staff || s.overseer;

async function contactsOf(db: Db, orgIds: string[]) {
  const people = await selectOrganisationPeople(db, orgIds);
  const of = (id: string) => people.filter((p) => p.organisation_id === id).map((p) => ({ name: p.name, email: p.email }));
  return { people, of };
}

async function interestOut(db: Db, actor: Actor | null, r: q.InterestRow, locale: Locale): Promise<InterestOut> {
  const s = sideOf(actor, r);
  // The owner of an anonymous profile stays hidden from the interested party until it accepts.
  const ownerVisible = !r.profile_anonymous || r.status === 'accepted' || s.owner || s.staff || s.overseer;
  let contacts: InterestOut['contacts'] = null;
  if (r.status === 'accepted') {
    const { of } = await contactsOf(db, [r.profile_organisation_id, r.organisation_id]);
    contacts = { owner: of(r.profile_organisation_id), interested: of(r.organisation_id) };
  }
  return {
    id: r.id,
    status: r.status,
    message: r.message,
    createdAt: iso(r.created_at) as string,
    decidedAt: iso(r.decided_at),
    declineReason: r.decline_reason,
    declineComment: r.decline_comment,
    profile: {
      id: r.profile_id,
      type: r.profile_type,
      ...titleOf(locale, r.profile_title_it, r.profile_title_en),
      anonymous: r.profile_anonymous,
      clusterId: r.profile_cluster_id,
    },
    owner: ownerVisible ? { organisationId: r.profile_organisation_id, name: r.owner_name } : null,
    interested: { organisationId: r.organisation_id, name: r.interested_name },
    contacts,
    collaborationId: r.collaboration_id,
    can: { decide: r.status === 'pending' && mayDecide(s, r), withdraw: r.status === 'pending' && s.interested },
  };
}

/** The owner's users decide; the cluster's staff too when the profile is anonymous (the interested party cannot reach the owner). */
const mayDecide = (s: { owner: boolean; staff: boolean }, r: { profile_anonymous: boolean }) => s.owner || (s.staff && r.profile_anonymous);

export async function getInterest(db: Db, actor: Actor | null, input: { id: string; locale: Locale }): Promise<InterestOut> {
  const r = await q.selectInterest(db, input.id);
  if (!r || !seesInterest(sideOf(actor, r))) throw new NotFoundError('interest');
  return interestOut(db, actor, r, input.locale);
}

export async function listInterests(db: Db, actor: Actor | null, input: InterestListQuery & { locale: Locale }): Promise<InterestList> {
  requireActor(actor);
  const { rows, total } = await q.selectInterests(db, {
    box: input.box,
    orgIds: organisationIdsOf(actor),
    staffClusterIds: managedClusterIds(actor),
    status: input.status,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  const items: InterestOut[] = [];
  for (const r of rows) items.push(await interestOut(db, actor, r, input.locale));
  return { items, page: input.page, pageSize: input.pageSize, total };
}

// ---------------------------------------------------------------------------------------------
// Expressing interest

type ProfileView = {
  id: string;
  type: string;
  title: string;
  titleLang: Locale;
  summary: string | null;
  summaryLang: Locale;
  ownerName: string | null;
  clusterId: string;
};

/** What the interest form shows: the profile (its owner hidden when anonymous), and the organisations the actor may express interest for. */
export async function interestFormData(db: Db, actor: Actor | null, input: { profileId: string; locale: Locale }) {
  requireActor(actor);
  const p = await q.selectProfile(db, input.profileId);
  if (!p || p.status !== 'published') throw new NotFoundError('profile');
  const mine = organisationIdsOf(actor);
  const open = new Set(await q.selectOpenInterestOrgs(db, p.id, mine));
  const names = await q.selectOrganisationNames(db, mine);
  const organisations: { id: string; name: string; eligible: boolean; reason: 'own_profile' | 'not_a_member' | 'interest_exists' | null }[] = [];
  for (const id of mine) {
    const reason =
      id === p.organisation_id ? 'own_profile' : !(await q.hasActiveMembership(db, id)) ? 'not_a_member' : open.has(id) ? 'interest_exists' : null;
    organisations.push({ id, name: names.get(id) ?? '', eligible: reason === null, reason });
  }
  const ownerVisible = await ownerVisibleTo(db, actor, p);
  const summary = inLocale(input.locale, p.summary_it, p.summary_en);
  const profile: ProfileView = {
    id: p.id,
    type: p.type,
    ...titleOf(input.locale, p.title_it, p.title_en),
    summary: summary.text || null,
    summaryLang: summary.lang,
    ownerName: ownerVisible ? p.owner_name : null,
    clusterId: p.cluster_id,
  };
  return { profile, organisations, deadlinePassed: deadlinePassed(p.deadline) };
}


const link = (publicUrl: string, locale: Locale, path: string) => mailLink(publicUrl, `/${locale}${path}`);

export async function expressInterest(db: Db, actor: Actor | null, input: InterestIn & { publicUrl: string; locale: Locale }): Promise<InterestOut> {
  requireActor(actor);
  const p = await q.selectProfile(db, input.profileId);
  if (!p || p.status !== 'published') throw new NotFoundError('profile');
  const mine = organisationIdsOf(actor);
  const organisationId = input.organisationId ?? (mine.length === 1 ? mine[0] : undefined);
  if (organisationId && !mine.includes(organisationId)) throw new ForbiddenError('You may express interest only for your own organisation');
  // every problem at once: the deadline, whose profile it is, on whose behalf
  const fields: Record<string, string> = {};
  if (deadlinePassed(p.deadline)) fields.profileId = 'deadline_passed';
  if (!organisationId) fields.organisationId = 'required';
  else if (organisationId === p.organisation_id) fields.profileId = 'own_profile';
  else if (!(await q.hasActiveMembership(db, organisationId))) fields.organisationId = 'not_a_member';
  if (Object.keys(fields).length || !organisationId) throw new ValidationError(fields);
  const orgId = organisationId;
  const id = await db.transaction(async (tx) => {
    if ((await q.selectOpenInterestOrgs(tx, p.id, [orgId])).length) throw q.interestExists();
    const id = await q.insertInterest(tx, { profileId: p.id, organisationId: orgId, message: input.message, userId: actor.userId });
    const interestedName = (await q.selectOrganisationNames(tx, [orgId])).get(orgId) ?? '';
    // The owner's users are told; for an anonymous profile the cluster's staff too (they may decide for the owner).
    // Telling the owner reveals nothing: the interested party never learns who the owner is from us.
    const recipients = [
      ...(await selectOrganisationPeople(tx, [p.organisation_id])).map((r) => ({ ...r, template: 'collaborations.email.interest' })),
      ...(p.anonymous ? await selectClusterStaff(tx, p.cluster_id) : []).map((r) => ({ ...r, template: 'collaborations.email.interestForStaff' })),
    ].filter((r, i, all) => all.findIndex((x) => x.email === r.email) === i);
    for (const r of recipients) {
      await enqueueEmail(tx, {
        to: r.email,
        locale: r.locale,
        template: r.template,
        params: {
          profile: title(r.locale, p.title_it, p.title_en),
          owner: p.owner_name,
          organisation: interestedName,
          message: input.message,
          url: link(input.publicUrl, r.locale, `/interests/${id}`),
        },
      });
    }
    await recordAudit(tx, actor, {
      action: 'interest.expressed',
      subjectType: 'interest',
      subjectId: id,
      clusterId: p.cluster_id,
      after: { profileId: p.id, organisationId: orgId, status: 'pending' },
    });
    return id;
  });
  return getInterest(db, actor, { id, locale: input.locale });
}

export async function withdrawInterest(db: Db, actor: Actor | null, input: { id: string; locale: Locale }): Promise<InterestOut> {
  requireActor(actor);
  await db.transaction(async (tx) => {
    const r = await q.selectInterest(tx, input.id, true);
    const s = r && sideOf(actor, r);
    if (!r || !s || !seesInterest(s)) throw new NotFoundError('interest');
    if (!s.interested) throw new ForbiddenError('Only the interested organisation withdraws its interest');
    if (r.status !== 'pending') throw new ConflictError('already_decided', 'Only a pending interest can be withdrawn');
    await q.setInterestStatus(tx, { id: r.id, status: 'withdrawn', userId: actor.userId });
    await recordAudit(tx, actor, {
      action: 'interest.withdrawn',
      subjectType: 'interest',
      subjectId: r.id,
      clusterId: r.profile_cluster_id,
      before: { status: 'pending' },
      after: { status: 'withdrawn' },
    });
  });
  return getInterest(db, actor, input);
}

// ---------------------------------------------------------------------------------------------
// Deciding: decline with a reason, or accept and open a collaboration

const contactLines = (people: { name: string; email: string }[]) => people.map((p) => `- ${p.name} <${p.email}>`).join('\n');

export async function decideInterest(
  db: Db,
  actor: Actor | null,
  input: { id: string; decision: DecisionIn; publicUrl: string; locale: Locale },
): Promise<InterestOut> {
  requireActor(actor);
  const d = input.decision;
  await db.transaction(async (tx) => {
    const r = await q.selectInterest(tx, input.id, true);
    const s = r && sideOf(actor, r);
    if (!r || !s || !seesInterest(s)) throw new NotFoundError('interest');
    if (!mayDecide(s, r)) throw new ForbiddenError('The profile owner’s users decide (the cluster’s staff too, for an anonymous profile)');
    if (r.status !== 'pending') throw new ConflictError('already_decided', 'This interest has already been decided or withdrawn');
    const interestedPeople = await selectOrganisationPeople(tx, [r.organisation_id]);

    if (d.decision === 'decline') {
      const reason = d.reason as NonNullable<DecisionIn['reason']>;
      await q.setInterestStatus(tx, { id: r.id, status: 'declined', reason, comment: d.comment, userId: actor.userId });
      for (const p of interestedPeople) {
        const t = translator(p.locale);
        await enqueueEmail(tx, {
          to: p.email,
          locale: p.locale,
          template: 'collaborations.email.declined',
          params: {
            profile: title(p.locale, r.profile_title_it, r.profile_title_en),
            reason: t(`collaborations.reason.${reason}`),
            comment: d.comment ?? '',
            url: link(input.publicUrl, p.locale, `/interests/${r.id}`),
          },
        });
      }
      await recordAudit(tx, actor, {
        action: 'interest.declined',
        subjectType: 'interest',
        subjectId: r.id,
        clusterId: r.profile_cluster_id,
        before: { status: 'pending' },
        after: { status: 'declined', reason, comment: d.comment },
      });
      return;
    }

    await q.setInterestStatus(tx, { id: r.id, status: 'accepted', userId: actor.userId });
    const collaborationId = await q.insertCollaboration(tx, {
      interestId: r.id,
      profileId: r.profile_id,
      clusterId: r.profile_cluster_id,
      ownerId: r.profile_organisation_id,
      partnerId: r.organisation_id,
    });
    await q.insertEvent(tx, { collaborationId, stage: 'contact', outcome: null, note: d.comment, userId: actor.userId });
    // Both sides now learn each other's name and contacts, by e-mail and on the collaboration page.
    const ownerPeople = await selectOrganisationPeople(tx, [r.profile_organisation_id]);
    const sides = [
      { people: ownerPeople, other: r.interested_name, contacts: interestedPeople },
      { people: interestedPeople, other: r.owner_name, contacts: ownerPeople },
    ];
    for (const side of sides) {
      for (const p of side.people) {
        await enqueueEmail(tx, {
          to: p.email,
          locale: p.locale,
          template: 'collaborations.email.accepted',
          params: {
            profile: title(p.locale, r.profile_title_it, r.profile_title_en),
            other: side.other,
            contacts: contactLines(side.contacts),
            url: link(input.publicUrl, p.locale, `/collaborations/${collaborationId}`),
          },
        });
      }
    }
    await recordAudit(tx, actor, {
      action: 'interest.accepted',
      subjectType: 'interest',
      subjectId: r.id,
      clusterId: r.profile_cluster_id,
      before: { status: 'pending' },
      after: { status: 'accepted', collaborationId, stage: 'contact', comment: d.comment },
    });
  });
  return getInterest(db, actor, { id: input.id, locale: input.locale });
}

// ---------------------------------------------------------------------------------------------
// Collaborations

const DAY = 86_400_000;

function summaryOf(r: q.CollaborationRow, locale: Locale): CollaborationSummary {
  return {
    id: r.id,
    stage: r.stage,
    outcome: r.outcome,
    outcomeAt: iso(r.outcome_at),
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    ageDays: Math.max(0, Math.floor((Date.now() - new Date(r.created_at).getTime()) / DAY)),
    cluster: { id: r.cluster_id, slug: r.cluster_slug, name: locale === 'en' ? r.cluster_name_en : r.cluster_name_it },
    profile: { id: r.profile_id, type: r.profile_type, ...titleOf(locale, r.profile_title_it, r.profile_title_en) },
    interestId: r.interest_id,
    owner: { organisationId: r.owner_organisation_id, name: r.owner_name },
    partner: { organisationId: r.partner_organisation_id, name: r.partner_name },
  };
}

function collaborationSide(actor: Actor | null, r: q.CollaborationRow) {
  const party = isMemberOf(actor, r.owner_organisation_id) || isMemberOf(actor, r.partner_organisation_id);
  const staff = isStaffOf(actor, r.cluster_id);
  return { party, staff, sees: party || staff || seesEveryCluster(actor), updates: party || staff };
}

export async function getCollaboration(db: Db, actor: Actor | null, input: { id: string; locale: Locale }): Promise<CollaborationOut> {
  const r = await q.selectCollaboration(db, input.id);
  const side = r && collaborationSide(actor, r);
  if (!r || !side?.sees) throw new NotFoundError('collaboration');
  const { of } = await contactsOf(db, [r.owner_organisation_id, r.partner_organisation_id]);
  const events = await q.selectEvents(db, r.id);
  const base = summaryOf(r, input.locale);
  return {
    ...base,
    owner: { ...base.owner, contacts: of(r.owner_organisation_id) },
    partner: { ...base.partner, contacts: of(r.partner_organisation_id) },
    events: events.map((e) => ({
      stage: e.stage as CollaborationOut['stage'] | null,
      outcome: e.outcome as CollaborationOut['outcome'],
      note: e.note,
      actorName: e.actor_name,
      at: iso(e.at) as string,
    })),
    canUpdate: side.updates,
  };
}

/** The optional cluster filter only narrows what the reader already sees; an unknown slug is a 400 on the field. */
async function clusterFilter(db: Db, slug: string | undefined, field: string): Promise<q.ClusterRef | null> {
  if (!slug) return null;
  const c = await q.selectClusterBySlug(db, slug);
  if (!c) throw new ValidationError({ [field]: 'invalid' });
  return c;
}

export async function listCollaborations(db: Db, actor: Actor | null, input: CollaborationListQuery & { locale: Locale }): Promise<CollaborationList> {
  requireActor(actor);
  const cluster = await clusterFilter(db, input.cluster, 'query.cluster');
  const { rows, total } = await q.selectCollaborations(db, {
    orgIds: organisationIdsOf(actor),
    staffClusterIds: managedClusterIds(actor),
    clusterId: cluster?.id,
    stage: input.stage,
    outcome: input.outcome,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  return { items: rows.map((r) => summaryOf(r, input.locale)), page: input.page, pageSize: input.pageSize, total };
}

export async function updateCollaboration(db: Db, actor: Actor | null, input: { id: string; event: EventIn; locale: Locale }): Promise<CollaborationOut> {
  requireActor(actor);
  const e = input.event;
  await db.transaction(async (tx) => {
    const r = await q.selectCollaboration(tx, input.id, true);
    const side = r && collaborationSide(actor, r);
    if (!r || !side?.sees) throw new NotFoundError('collaboration');
    if (!side.updates) throw new ForbiddenError('The two parties and the cluster’s staff follow a collaboration');
    const stage = e.stage ?? r.stage;
    const outcome = e.outcome ?? r.outcome;
    const stageChanged = stage !== r.stage;
    const outcomeChanged = outcome !== r.outcome;
    if (!stageChanged && !outcomeChanged) throw new ValidationError({ [e.stage ? 'stage' : 'outcome']: 'unchanged' });
    await q.updateCollaborationRow(tx, r.id, { stage, outcome, outcomeChanged });
    await q.insertEvent(tx, {
      collaborationId: r.id,
      stage: stageChanged ? stage : null,
      outcome: outcomeChanged ? outcome : null,
      note: e.note,
      userId: actor.userId,
    });
    await recordAudit(tx, actor, {
      action: outcomeChanged ? 'collaboration.outcome_recorded' : 'collaboration.stage_changed',
      subjectType: 'collaboration',
      subjectId: r.id,
      clusterId: r.cluster_id,
      before: { stage: r.stage, outcome: r.outcome },
      after: { stage, outcome, note: e.note },
    });
  });
  return getCollaboration(db, actor, input);
}

// ---------------------------------------------------------------------------------------------
// The cluster's report to the Region

/** The clusters whose report the actor may read; staff of several clusters pick one (the first by default). */
export async function reportClusters(db: Db, actor: Actor | null) {
  return q.selectClusters(db, managedClusterIds(actor));
}

export async function getReport(db: Db, actor: Actor | null, input: ReportQuery & { locale: Locale }): Promise<ReportOut> {
  requireActor(actor);
  const managed = managedClusterIds(actor);
  let cluster: q.ClusterRef | null = null;
  if (input.cluster) {
    cluster = (await q.selectClusterBySlug(db, input.cluster)) ?? null;
    if (!cluster) throw new ValidationError({ 'query.cluster': 'invalid' });
    if (managed !== null && !managed.includes(cluster.id)) throw new ForbiddenError();
  } else if (managed !== null) {
    // Staff report on one of their clusters; only region officers and platform admins see the total of every cluster.
    const mine = await q.selectClusters(db, managed);
    if (!mine.length) throw new ForbiddenError();
    cluster = mine[0];
  }
  const to = input.to ?? todayInItaly();
  const from = input.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw new ValidationError({ 'query.from': 'after_to' });
  const c = await q.selectReportCounts(db, { clusterId: cluster?.id ?? null, from, to });
  const fill = (keys: readonly string[], rows: { key: string; count: number }[]) =>
    keys.map((key) => ({ key, count: rows.find((r) => r.key === key)?.count ?? 0 }));
  const sum = (rows: { count: number }[]) => rows.reduce((a, r) => a + r.count, 0);
  return {
    cluster: cluster ? { slug: cluster.slug, name: input.locale === 'en' ? cluster.name_en : cluster.name_it } : null,
    from,
    to,
    stages: fill(stages, c.stages),
    outcomes: fill(['open', ...outcomes], c.outcomes),
    interests: fill(interestStatuses, c.interests),
    declines: fill(declineReasons, c.declines),
    totals: { collaborations: sum(c.stages), interests: sum(c.interests), declines: sum(c.declines) },
  };
}
