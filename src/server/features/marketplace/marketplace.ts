import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, hasRole, isMemberOf, isStaffOf, managedClusterIds, organisationIdsOf } from '../../lib/auth.ts';
import { ConflictError, type FieldErrors, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import { formatDate, todayInItaly, translator } from '../../lib/i18n.ts';
import { isUuid } from '../../lib/ids.ts';
import { type JobHandlers, enqueueEmail } from '../../lib/jobs.ts';
import { mailLink } from '../../lib/mail.ts';
import { selectClusterStaff, selectOrganisationPeople } from '../../lib/people.ts';
import { readerOf } from '../competences/competences.ts';
import { existingAtecoCodes } from '../organisations/organisations.queries.ts';
import { selectConceptSubtree } from '../search/search.queries.ts';
import { indexDocument, removeDocument } from '../search/search.ts';
import {
  type ProfileRow,
  countQueue,
  ensureJob,
  hasInterest,
  insertProfile,
  selectProfileIdByCreationKey,
  markReminded,
  selectActiveClusterIds,
  selectDue,
  selectOrganisationProfiles,
  selectProfile,
  selectProfiles,
  selectPublishOptions,
  selectClusters,
  selectQueue,
  selectUnknownConcepts,
  selectPendingInterests,
  setClosed,
  setExpired,
  setPublished,
  setRenewed,
  setReturned,
  setSubmitted,
  updateProfileRow,
} from './marketplace.queries.ts';
import {
  type ListQuery,
  type PageQuery,
  type ProfileData,
  type ProfileList,
  type ProfileOut,
  type ReviewIn,
  ProfileIn,
  normalise,
  profileFieldNames,
} from './marketplace.schemas.ts';

export const EXPIRY_JOB = 'marketplace.expiry';

/** The subset of a profile the visibility rules look at. */
export type ProfileRef = { id: string; organisation_id: string; cluster_id: string; anonymous: boolean };

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
// the cluster's days are Italy's: a deadline of yesterday has passed from midnight in Rome, for every check
const today = () => todayInItaly();
const inTwelveMonths = () => {
  const day = today();
  return `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
};
/** The owner's deadline for expressions of interest: its last day still counts. */
export const deadlinePassed = (deadline: string | null) => !!deadline && deadline < today();


/** The owner's users, the staff of the profile's cluster, region officers and platform admins: they see every profile in full. */
function isPrivileged(actor: Actor | null, p: ProfileRef): boolean {
  return isMemberOf(actor, p.organisation_id) || isStaffOf(actor, p.cluster_id) || hasRole(actor, 'region') || hasRole(actor, 'platform_admin');
}

/**
 * Whether the reader may know who owns the profile. An anonymous profile hides its owner from everyone except the
 * privileged readers above and the organisations whose expression of interest the owner has accepted.
 */
export async function ownerVisibleTo(db: Db, actor: Actor | null, profile: ProfileRef): Promise<boolean> {
  if (!profile.anonymous || isPrivileged(actor, profile)) return true;
  return hasInterest(db, profile.id, organisationIdsOf(actor), true);
}

function actionsFor(actor: Actor | null, r: ProfileRow): ProfileOut['actions'] {
  const owner = isMemberOf(actor, r.organisation_id);
  const staff = isStaffOf(actor, r.cluster_id);
  const editable = r.status === 'draft' || r.status === 'returned';
  return {
    edit: owner && editable,
    submit: owner && editable,
    review: staff && r.status === 'submitted',
    close: (owner || staff) && r.status !== 'closed',
    renew: owner && (r.status === 'published' || r.status === 'expired'),
  };
}

export function profileOut(r: ProfileRow, opts: { ownerVisible: boolean; privileged: boolean; actor: Actor | null }): ProfileOut {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    clusterId: r.cluster_id,
    cluster: { id: r.cluster_id, slug: r.cluster_slug, name: { it: r.cluster_name_it, en: r.cluster_name_en } },
    titleIt: r.title_it,
    titleEn: r.title_en,
    summaryIt: r.summary_it,
    summaryEn: r.summary_en,
    descriptionIt: r.description_it,
    descriptionEn: r.description_en,
    innovationIt: r.innovation_it,
    innovationEn: r.innovation_en,
    developmentStage: r.development_stage,
    trl: r.trl,
    iprStatus: r.ipr_status,
    iprComment: r.ipr_comment,
    partnershipTypes: r.partnership_types,
    partnerCategories: r.partner_categories,
    partnerSought: r.partner_sought,
    concepts: (r.concepts ?? []).map((c) => ({ id: c.id, label: { it: c.it, en: c.en } })),
    atecoCodes: r.ateco_codes,
    deadline: r.deadline,
    validUntil: r.valid_until,
    anonymous: r.anonymous,
    owner: opts.ownerVisible
      ? {
          id: r.organisation_id,
          name: r.organisation_name,
          category: r.organisation_category,
          sizeClass: r.organisation_size_class,
          provinces: r.organisation_provinces ?? [],
        }
      : null,
    returnReason: opts.privileged ? r.return_reason : null,
    submittedAt: iso(r.submitted_at),
    publishedAt: iso(r.published_at),
    closedAt: iso(r.closed_at),
    updatedAt: iso(r.updated_at) as string,
    actions: actionsFor(opts.actor, r),
  };
}

async function out(db: Db, actor: Actor | null, r: ProfileRow): Promise<ProfileOut> {
  return profileOut(r, { ownerVisible: await ownerVisibleTo(db, actor, r), privileged: isPrivileged(actor, r), actor });
}

/**
 * One profile as the reader may see it (the collaborations feature reads profiles through this). Published profiles
 * are public; other statuses show to the privileged readers, and a closed or expired profile also to the organisations
 * that expressed interest in it. `owner` is null when the profile is anonymous and the reader may not know the owner.
 */
export async function getProfile(db: Db, actor: Actor | null, id: string): Promise<ProfileOut> {
  if (!isUuid(id)) throw new NotFoundError('profile');
  const row = await selectProfile(db, id);
  if (!row) throw new NotFoundError('profile');
  const readable =
    row.status === 'published' ||
    isPrivileged(actor, row) ||
    ((row.status === 'closed' || row.status === 'expired') && (await hasInterest(db, row.id, organisationIdsOf(actor), false)));
  if (!readable) throw new NotFoundError('profile');
  return out(db, actor, row);
}

export async function listProfiles(db: Db, actor: Actor | null, q: ListQuery): Promise<ProfileList> {
  let conceptIds: string[] | undefined;
  if (q.concept) {
    conceptIds = await selectConceptSubtree(db, q.concept);
  }
  let clusterId: string | undefined;
  if (q.cluster) clusterId = (await selectClusters(db)).find((c) => c.slug === q.cluster)?.id;
  const unknown: FieldErrors = {};
  if (conceptIds && !conceptIds.length) unknown['query.concept'] = 'invalid_value';
  if (q.cluster && !clusterId) unknown['query.cluster'] = 'invalid_value';
  if (Object.keys(unknown).length) throw new ValidationError(unknown, 'Unknown concept or cluster');
  const { rows, total } = await selectProfiles(db, readerOf(actor), {
    status: q.status,
    type: q.type,
    conceptIds,
    clusterId,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const items: ProfileOut[] = [];
  for (const r of rows) items.push(await out(db, actor, r));
  return { items, page: q.page, pageSize: q.pageSize, total };
}

/** Every profile of the actor's organisations, whatever its status, a page at a time. */
export async function listOwnProfiles(db: Db, actor: Actor | null, q: PageQuery): Promise<ProfileList> {
  if (!actor) throw new UnauthorizedError();
  const { rows, total } = await selectOrganisationProfiles(db, organisationIdsOf(actor), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: rows.map((r) => profileOut(r, { ownerVisible: true, privileged: true, actor })), page: q.page, pageSize: q.pageSize, total };
}

/** Submitted profiles waiting for the actor's decision (staff: their clusters), oldest first, a page at a time. */
export async function profileQueue(db: Db, actor: Actor | null, q: PageQuery): Promise<ProfileList> {
  if (!actor) throw new UnauthorizedError();
  const { rows, total } = await selectQueue(db, managedClusterIds(actor), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: rows.map((r) => profileOut(r, { ownerVisible: true, privileged: true, actor })), page: q.page, pageSize: q.pageSize, total };
}

/** How many submitted profiles wait in the actor's queue, for the navigation; null (and no query) for anyone who has no queue. */
export async function queueCount(db: Db, actor: Actor | null): Promise<number | null> {
  if (!actor || !(hasRole(actor, 'staff') || hasRole(actor, 'region') || hasRole(actor, 'platform_admin'))) return null;
  return countQueue(db, managedClusterIds(actor));
}

/** Organisation × cluster pairs the actor may publish for: its organisations' active memberships. */
export async function publishOptions(db: Db, actor: Actor | null) {
  return selectPublishOptions(db, organisationIdsOf(actor));
}

/** Every check at once (shape, title in one language, taxonomy concepts, ATECO codes, dates); one 400 names every field. */
async function validateProfile(db: Db, raw: unknown, extra: FieldErrors = {}): Promise<{ data: ProfileData; input: ProfileIn }> {
  const parsed = ProfileIn.safeParse(raw);
  const fields: FieldErrors = { ...extra };
  if (!parsed.success) for (const [k, v] of Object.entries(fieldsFromZodIssues(parsed.error.issues as never))) fields[k] ??= v;
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const present = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (!present(input.titleIt) && !present(input.titleEn)) {
    fields.titleIt ??= 'title_one_language';
    fields.titleEn ??= 'title_one_language';
  }
  const strings = (v: unknown) => (Array.isArray(v) ? v.slice(0, 30).map((x) => (typeof x === 'string' ? x.trim() : '')) : []);
  const concepts = strings(input.conceptIds);
  const unknownConcepts = new Set(await selectUnknownConcepts(db, concepts.filter((c) => c && c.length <= 200)));
  concepts.forEach((c, i) => {
    if (c && unknownConcepts.has(c)) fields[`conceptIds.${i}`] ??= 'unknown_concept';
  });
  const codes = strings(input.atecoCodes).slice(0, 20);
  const known = new Set(await existingAtecoCodes(db, codes.filter((c) => c && c.length <= 10)));
  codes.forEach((c, i) => {
    if (c && !known.has(c)) fields[`atecoCodes.${i}`] ??= 'unknown_ateco';
  });
  if (parsed.success) {
    const d = parsed.data;
    if (d.validUntil && d.validUntil <= today()) fields.validUntil ??= 'in_past';
    // a profile stays published 12 months at most (publication caps it again from its own day)
    if (d.validUntil && d.validUntil > inTwelveMonths()) fields.validUntil ??= 'over_12_months';
    if (d.deadline && d.deadline < today()) fields.deadline ??= 'in_past';
  }
  if (Object.keys(fields).length || !parsed.success) throw new ValidationError(fields);
  return { data: normalise(parsed.data), input: parsed.data };
}

async function requireActiveMember(db: Db, organisationId: string, clusterId: string) {
  if (!(await selectActiveClusterIds(db, organisationId)).includes(clusterId)) {
    throw new ForbiddenError('The organisation is not an active member of the profile’s cluster');
  }
}

const state = (r: ProfileRow) => ({
  status: r.status,
  type: r.type,
  titleIt: r.title_it,
  titleEn: r.title_en,
  validUntil: r.valid_until,
  anonymous: r.anonymous,
});

/**
 * A new draft for one of the actor's organisations, in a cluster where it is an active member. With a creationKey
 * (the new-profile form's, made when it was shown) a second creation for the same organisation returns the first
 * profile, unchanged, with `existing: true`: a form sent twice makes one profile.
 */
export async function createProfile(db: Db, actor: Actor | null, raw: unknown): Promise<ProfileOut & { existing?: true }> {
  if (!actor) throw new UnauthorizedError();
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const extra: FieldErrors = {};
  const own = organisationIdsOf(actor);
  let organisationId = typeof input.organisationId === 'string' && input.organisationId ? input.organisationId : undefined;
  if (organisationId === undefined) {
    if (own.length === 1) organisationId = own[0];
    else extra.organisationId = 'required';
  } else if (!isUuid(organisationId)) extra.organisationId = 'invalid_uuid';
  else if (!own.includes(organisationId)) throw new ForbiddenError('You may publish only for your own organisation');
  let clusterId = typeof input.clusterId === 'string' && input.clusterId ? input.clusterId : undefined;
  if (organisationId && !extra.organisationId) {
    const active = await selectActiveClusterIds(db, organisationId);
    if (!active.length) throw new ForbiddenError('The organisation is not an active member of any cluster');
    if (clusterId === undefined) {
      if (active.length === 1) clusterId = active[0];
      else extra.clusterId = 'required';
    } else if (!active.includes(clusterId)) extra.clusterId = 'not_a_member';
  }
  // a malformed key is named by validateProfile (ProfileIn); only a well-formed one is looked up
  const creationKey = typeof input.creationKey === 'string' && isUuid(input.creationKey) ? input.creationKey : null;
  // the form sent again: the profile it made, whatever the form now holds (the reader edits it there)
  if (creationKey && organisationId && !extra.organisationId) {
    const first = await selectProfileIdByCreationKey(db, organisationId, creationKey);
    if (first) return { ...(await getProfile(db, actor, first)), existing: true };
  }
  const { data } = await validateProfile(db, input, extra);
  return db.transaction(async (tx) => {
    const id = await insertProfile(tx, { clusterId: clusterId as string, organisationId: organisationId as string, userId: actor.userId, data, creationKey });
    if (id === null) {
      // the same form sent twice at once: the other request made it
      const first = (await selectProfileIdByCreationKey(tx, organisationId as string, creationKey as string)) as string;
      return { ...(await getProfile(tx, actor, first)), existing: true as const };
    }
    const row = (await selectProfile(tx, id)) as ProfileRow;
    await recordAudit(tx, actor, { action: 'profile.created', subjectType: 'profile', subjectId: id, clusterId: row.cluster_id, after: state(row) });
    return profileOut(row, { ownerVisible: true, privileged: true, actor });
  });
}

async function lockOwned(tx: Db, actor: Actor | null, id: string): Promise<ProfileRow> {
  if (!actor) throw new UnauthorizedError();
  if (!isUuid(id)) throw new NotFoundError('profile');
  const row = await selectProfile(tx, id, true);
  if (!row) throw new NotFoundError('profile');
  if (!isMemberOf(actor, row.organisation_id)) {
    if (isPrivileged(actor, row) || row.status === 'published') throw new ForbiddenError();
    throw new NotFoundError('profile');
  }
  return row;
}

const rowAsInput = (r: ProfileRow): Record<string, unknown> => ({
  type: r.type,
  titleIt: r.title_it,
  titleEn: r.title_en,
  summaryIt: r.summary_it,
  summaryEn: r.summary_en,
  descriptionIt: r.description_it,
  descriptionEn: r.description_en,
  innovationIt: r.innovation_it,
  innovationEn: r.innovation_en,
  developmentStage: r.development_stage,
  trl: r.trl,
  iprStatus: r.ipr_status,
  iprComment: r.ipr_comment,
  partnershipTypes: r.partnership_types,
  partnerCategories: r.partner_categories,
  partnerSought: r.partner_sought,
  conceptIds: r.concept_ids,
  atecoCodes: r.ateco_codes,
  deadline: r.deadline,
  validUntil: r.valid_until,
  anonymous: r.anonymous,
});

/** The owner edits a draft or a returned profile; the fields given replace the current ones. */
export async function updateProfile(db: Db, actor: Actor | null, input: { id: string; patch: unknown }): Promise<ProfileOut> {
  return db.transaction(async (tx) => {
    const before = await lockOwned(tx, actor, input.id);
    if (before.status !== 'draft' && before.status !== 'returned') {
      throw new ConflictError('not_editable', 'Only a draft or a returned profile can be edited');
    }
    await requireActiveMember(tx, before.organisation_id, before.cluster_id);
    const patch = (input.patch && typeof input.patch === 'object' ? input.patch : {}) as Record<string, unknown>;
    const merged = rowAsInput(before);
    for (const k of profileFieldNames) if (k in patch) merged[k] = patch[k];
    const { data } = await validateProfile(tx, merged);
    await updateProfileRow(tx, before.id, data);
    const after = (await selectProfile(tx, before.id)) as ProfileRow;
    await recordAudit(tx, actor, { action: 'profile.updated', subjectType: 'profile', subjectId: before.id, clusterId: before.cluster_id, before: state(before), after: state(after) });
    return profileOut(after, { ownerVisible: true, privileged: true, actor });
  });
}

const displayTitle = (r: Pick<ProfileRow, 'title_it' | 'title_en'>, locale: 'it' | 'en') =>
  (locale === 'en' ? (r.title_en ?? r.title_it) : (r.title_it ?? r.title_en)) ?? '';
/** The renewal button's place, through the sign-in page (which goes straight on when the reader is signed in). */
const renewLink = (publicUrl: string, locale: string, id: string) =>
  mailLink(publicUrl, `/${locale}/login?next=${encodeURIComponent(`/${locale}/marketplace/${id}#renew`)}`);

/** Draft or returned → submitted, once a title and a summary exist in the same language; the cluster's staff are told. */
export async function submitProfile(db: Db, actor: Actor | null, input: { id: string; publicUrl: string }): Promise<ProfileOut> {
  return db.transaction(async (tx) => {
    const before = await lockOwned(tx, actor, input.id);
    if (before.status !== 'draft' && before.status !== 'returned') throw new ConflictError('not_submittable', 'Only a draft or a returned profile can be submitted');
    await requireActiveMember(tx, before.organisation_id, before.cluster_id);
    const fields: FieldErrors = {};
    const complete = (before.title_it && before.summary_it) || (before.title_en && before.summary_en);
    if (!complete) fields[before.title_it ? 'summaryIt' : 'summaryEn'] = 'required_to_submit';
    if (before.deadline && before.deadline < today()) fields.deadline = 'in_past';
    if (before.valid_until && before.valid_until <= today()) fields.validUntil = 'in_past';
    if (Object.keys(fields).length) throw new ValidationError(fields, 'The profile is not complete enough to submit');
    await setSubmitted(tx, before.id);
    const after = (await selectProfile(tx, before.id)) as ProfileRow;
    await recordAudit(tx, actor, { action: 'profile.submitted', subjectType: 'profile', subjectId: before.id, clusterId: before.cluster_id, before: { status: before.status }, after: { status: after.status } });
    for (const r of await selectClusterStaff(tx, before.cluster_id)) {
      await enqueueEmail(tx, {
        to: r.email,
        locale: r.locale,
        template: 'marketplace.email.submitted',
        params: { title: displayTitle(after, r.locale), organisation: after.organisation_name, link: mailLink(input.publicUrl, `/${r.locale}/staff/marketplace`) },
      });
    }
    return profileOut(after, { ownerVisible: true, privileged: true, actor: actor as Actor });
  });
}

/** Staff of the profile's cluster publish a submitted profile (indexed for search) or return it with the reasons. */
export async function reviewProfile(db: Db, actor: Actor | null, input: { id: string; review: ReviewIn; publicUrl: string }): Promise<ProfileOut> {
  if (!actor) throw new UnauthorizedError();
  if (!isUuid(input.id)) throw new NotFoundError('profile');
  return db.transaction(async (tx) => {
    const before = await selectProfile(tx, input.id, true);
    if (!before) throw new NotFoundError('profile');
    if (!isStaffOf(actor, before.cluster_id)) {
      if (isPrivileged(actor, before) || before.status === 'published') throw new ForbiddenError('Only the staff of the profile’s cluster decide');
      throw new NotFoundError('profile');
    }
    if (before.status !== 'submitted') throw new ConflictError('not_submitted', 'Only a submitted profile can be published or returned');
    const publish = input.review.decision === 'publish';
    if (publish) await setPublished(tx, before.id, actor.userId);
    else await setReturned(tx, before.id, actor.userId, input.review.reason as string);
    const after = (await selectProfile(tx, before.id)) as ProfileRow;
    if (publish) await indexProfile(tx, before.id);
    await recordAudit(tx, actor, {
      action: publish ? 'profile.published' : 'profile.returned',
      subjectType: 'profile',
      subjectId: before.id,
      clusterId: before.cluster_id,
      before: { status: before.status },
      after: { status: after.status, validUntil: after.valid_until, reason: after.return_reason },
    });
    for (const r of await selectOrganisationPeople(tx, [before.organisation_id])) {
      const link = mailLink(input.publicUrl, `/${r.locale}/marketplace/${before.id}`);
      await enqueueEmail(tx, {
        to: r.email,
        locale: r.locale,
        template: publish ? 'marketplace.email.published' : 'marketplace.email.returned',
        params: publish
          ? { title: displayTitle(after, r.locale), validUntil: formatDate(r.locale, after.valid_until), link }
          : { title: displayTitle(after, r.locale), reason: after.return_reason ?? '', link: `${link}/edit` },
      });
    }
    return profileOut(after, { ownerVisible: true, privileged: true, actor });
  });
}

/** The owner or the cluster's staff close a profile: it leaves the marketplace and the search index. */
export async function closeProfile(db: Db, actor: Actor | null, input: { id: string; publicUrl?: string }): Promise<ProfileOut> {
  if (!actor) throw new UnauthorizedError();
  if (!isUuid(input.id)) throw new NotFoundError('profile');
  return db.transaction(async (tx) => {
    const before = await selectProfile(tx, input.id, true);
    if (!before) throw new NotFoundError('profile');
    if (!isMemberOf(actor, before.organisation_id) && !isStaffOf(actor, before.cluster_id)) {
      if (isPrivileged(actor, before) || before.status === 'published') throw new ForbiddenError();
      throw new NotFoundError('profile');
    }
    if (before.status === 'closed') throw new ConflictError('already_closed', 'The profile is already closed');
    await setClosed(tx, before.id);
    await removeDocument(tx, 'profile', before.id);
    const after = (await selectProfile(tx, before.id)) as ProfileRow;
    await recordAudit(tx, actor, { action: 'profile.closed', subjectType: 'profile', subjectId: before.id, clusterId: before.cluster_id, before: { status: before.status }, after: { status: after.status } });
    await tellPendingInterests(tx, after, input.publicUrl ?? '', 'closed');
    // the owner closing its own profile needs no message; the staff closing it tell the owner's users
    if (!isMemberOf(actor, before.organisation_id)) {
      for (const r of await selectOrganisationPeople(tx, [before.organisation_id])) {
        await enqueueEmail(tx, {
          to: r.email,
          locale: r.locale,
          template: 'marketplace.email.closed',
          params: { title: displayTitle(after, r.locale), link: mailLink(input.publicUrl ?? '', `/${r.locale}/marketplace/mine`) },
        });
      }
    }
    return profileOut(after, { ownerVisible: true, privileged: true, actor });
  });
}

/**
 * Those whose expression of interest still waits are told the profile has ended (closed or expired): the owner may
 * still answer, or they may withdraw it. Only the title is named, never an anonymous profile's owner.
 */
async function tellPendingInterests(tx: Db, row: ProfileRow, publicUrl: string, ended: 'closed' | 'expired'): Promise<void> {
  for (const interest of await selectPendingInterests(tx, row.id)) {
    for (const r of await selectOrganisationPeople(tx, [interest.organisation_id])) {
      const t = translator(r.locale);
      await enqueueEmail(tx, {
        to: r.email,
        locale: r.locale,
        template: 'marketplace.email.interestOnEnded',
        params: { title: displayTitle(row, r.locale), ended: t(`marketplace.email.interestOnEnded.${ended}`), link: mailLink(publicUrl, `/${r.locale}/interests/${interest.id}`) },
      });
    }
  }
}

/** One click by the owner: valid for 12 more months from today (an expired profile is published again, unchanged). */
export async function renewProfile(db: Db, actor: Actor | null, input: { id: string }): Promise<ProfileOut> {
  return db.transaction(async (tx) => {
    const before = await lockOwned(tx, actor, input.id);
    if (before.status !== 'published' && before.status !== 'expired') throw new ConflictError('not_renewable', 'Only a published or expired profile can be renewed');
    await requireActiveMember(tx, before.organisation_id, before.cluster_id);
    await setRenewed(tx, before.id);
    await indexProfile(tx, before.id);
    const after = (await selectProfile(tx, before.id)) as ProfileRow;
    await recordAudit(tx, actor, {
      action: 'profile.renewed',
      subjectType: 'profile',
      subjectId: before.id,
      clusterId: before.cluster_id,
      before: { status: before.status, validUntil: before.valid_until },
      after: { status: after.status, validUntil: after.valid_until },
    });
    return profileOut(after, { ownerVisible: true, privileged: true, actor: actor as Actor });
  });
}

/**
 * The profile's search document: published profiles are indexed with their texts, concepts, cluster and the owner's
 * province, category and size class (never the owner's name; none of the three for an anonymous profile); any other
 * status removes the document.
 */
export async function indexProfile(db: Db, id: string): Promise<void> {
  const r = await selectProfile(db, id);
  if (!r || r.status !== 'published') {
    await removeDocument(db, 'profile', id);
    return;
  }
  const join = (...parts: (string | null)[]) => parts.filter(Boolean).join('\n');
  const titles = [...new Set([r.title_it, r.title_en].filter((t): t is string => !!t))];
  await indexDocument(db, {
    type: 'profile',
    id: r.id,
    subtype: r.type,
    clusterIds: [r.cluster_id],
    name: titles.join(' / '),
    textIt: join(r.title_it, r.summary_it, r.description_it, r.innovation_it, r.partner_sought),
    textEn: join(r.title_en, r.summary_en, r.description_en, r.innovation_en, r.partner_sought),
    conceptIds: r.concept_ids,
    // an anonymous profile carries nothing of its owner: its province, category or size class would narrow it down
    provinces: r.anonymous ? [] : (r.organisation_provinces ?? []),
    category: r.anonymous ? null : r.organisation_category,
    sizeClass: r.anonymous ? null : r.organisation_size_class,
  });
}

/**
 * The daily run: 30- and 7-day reminders (each sent once) and expiry of published profiles past their validity.
 * Every profile is its own transaction; a crash leaves the rest for the next run.
 */
export async function runExpiry(db: Db, publicUrl: string): Promise<{ reminded: number; expired: number }> {
  let reminded = 0;
  let expired = 0;
  // a profile that fails is skipped for the rest of the run, so it cannot hold up the others; the run then fails
  // (the job table records the error and retries it) after the next day's run has been queued
  const failed: string[] = [];
  const seen: string[] = [];
  let lastError: unknown;
  for (let round = 0; round < 1000; round++) {
    const due = await selectDue(db, 100, seen);
    if (!due.length) break;
    for (const d of due) {
      seen.push(d.id);
      try {
        await db.transaction(async (tx) => {
          if (d.due === 'expire') {
            // the database's date decides, as in selectDue; false when the profile changed meanwhile
            if (!(await setExpired(tx, d.id))) return;
            const row = (await selectProfile(tx, d.id)) as ProfileRow;
            await removeDocument(tx, 'profile', row.id);
            await recordAudit(tx, null, { action: 'profile.expired', subjectType: 'profile', subjectId: row.id, clusterId: row.cluster_id, before: { status: 'published', validUntil: row.valid_until }, after: { status: 'expired' } });
            await tellPendingInterests(tx, row, publicUrl, 'expired');
            for (const r of await selectOrganisationPeople(tx, [row.organisation_id])) {
              await enqueueEmail(tx, {
                to: r.email,
                locale: r.locale,
                template: 'marketplace.email.expired',
                params: { title: displayTitle(row, r.locale), link: renewLink(publicUrl, r.locale, row.id) },
              });
            }
            expired++;
            return;
          }
          // which reminder this is (the subject names the date itself: a profile published with 20 days left gets the
          // 30-day reminder at once, and a late run would make any count of days wrong)
          const days: 7 | 30 = d.due === 'remind_7' ? 7 : 30;
          if (!(await markReminded(tx, d.id, days))) return;
          const row = (await selectProfile(tx, d.id)) as ProfileRow;
          for (const r of await selectOrganisationPeople(tx, [row.organisation_id])) {
            await enqueueEmail(tx, {
              to: r.email,
              locale: r.locale,
              template: 'marketplace.email.reminder',
              params: { title: displayTitle(row, r.locale), days, validUntil: formatDate(r.locale, row.valid_until), link: renewLink(publicUrl, r.locale, row.id) },
            });
          }
          reminded++;
        });
      } catch (err) {
        failed.push(d.id);
        lastError = err;
      }
    }
  }
  if (failed.length) throw new Error(`marketplace expiry: ${failed.length} profile(s) failed, e.g. ${failed[0]}: ${String(lastError)}`);
  return { reminded, expired };
}

/** Start-up makes sure the daily run is queued (it then queues its next run itself). */
export async function ensureExpiryJob(db: Db): Promise<boolean> {
  return ensureJob(db, EXPIRY_JOB, 'now');
}

export function marketplaceJobHandlers(db: Db, opts: { publicUrl?: string } = {}): JobHandlers {
  return {
    async [EXPIRY_JOB]() {
      try {
        await runExpiry(db, opts.publicUrl ?? '');
      } finally {
        await ensureJob(db, EXPIRY_JOB, 'tomorrow');
      }
    },
  };
}

/** The owner's edit form: the profile as it stands, while it is a draft or returned. */
export async function profileForEdit(db: Db, actor: Actor | null, id: string): Promise<ProfileOut> {
  if (!actor) throw new UnauthorizedError();
  const p = await getProfile(db, actor, id);
  if (p.actions.edit) return p;
  if (p.owner && isMemberOf(actor, p.owner.id)) throw new ConflictError('not_editable', 'Only a draft or a returned profile can be edited');
  throw new ForbiddenError();
}

/** Whether the page offers "express interest": a member user of another organisation, on a published profile. */
export function canExpressInterest(actor: Actor | null, p: ProfileOut): boolean {
  return p.status === 'published' && !deadlinePassed(p.deadline) && organisationIdsOf(actor).length > 0 && !(p.owner && isMemberOf(actor, p.owner.id));
}

/**
 * Whether the page links to the matchmaking's suggestions for the profile: its owner's users, its cluster's staff,
 * region officers and platform admins (those the matching feature answers).
 */
export function canSeeSuggestions(actor: Actor | null, p: ProfileOut): boolean {
  return (!!p.owner && isMemberOf(actor, p.owner.id)) || isStaffOf(actor, p.clusterId) || hasRole(actor, 'region') || hasRole(actor, 'platform_admin');
}

/** The clusters a list can be filtered by. */
export async function clusterOptions(db: Db) {
  return (await selectClusters(db)).map((c) => ({ slug: c.slug, name: { it: c.name_it, en: c.name_en } }));
}
