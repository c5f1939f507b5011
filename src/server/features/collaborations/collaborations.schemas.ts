import { z } from 'zod';
import { calendarDate, emptyToUndefined } from '../../lib/schemas.ts';

export const interestStatuses = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export const declineReasons = ['too_early', 'not_a_fit', 'benefit_unclear', 'has_partner', 'other'] as const;
export const stages = ['contact', 'nda', 'proposal', 'agreement_signed', 'project_started'] as const;
export const outcomes = ['licence', 'research_contract', 'joint_project', 'funded_project', 'none'] as const;
export type InterestStatus = (typeof interestStatuses)[number];
export type DeclineReason = (typeof declineReasons)[number];
export type Stage = (typeof stages)[number];
export type Outcome = (typeof outcomes)[number];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
/**
 * A field required by another's value, read from the input as sent: the rule runs even when another field is
 * invalid (a bad stage does not hide the missing note), so one answer names every problem.
 */
const rule = (path: string, message: string, missing: (v: Record<string, unknown>) => boolean) => ({
  path: [path],
  params: { code: 'required' },
  message,
  when: (p: { value: unknown }) => p.value !== null && typeof p.value === 'object' && missing(p.value as Record<string, unknown>),
});

export const IdParams = z.object({ id: z.uuid() });

export const InterestIn = z.object({
  profileId: z.uuid(),
  message: z.string().trim().min(1).max(4000),
  // Needed only when the signed-in user belongs to more than one organisation.
  organisationId: z.uuid().optional(),
});
export type InterestIn = z.infer<typeof InterestIn>;

/** The page form posts to the profile's URL, so the profile id comes from the path. */
export const InterestFormIn = InterestIn.omit({ profileId: true });

export const DecisionIn = z
  .object({
    decision: z.enum(['accept', 'decline']),
    reason: z.enum(declineReasons).optional(),
    comment: optionalText(2000),
  })
  .refine(() => false, rule('reason', 'A decline needs a reason', (v) => v.decision === 'decline' && blank(v.reason)))
  .refine(() => false, rule('comment', "The reason 'other' needs a comment", (v) => v.decision === 'decline' && v.reason === 'other' && blank(v.comment)));
export type DecisionIn = z.infer<typeof DecisionIn>;

export const EventIn = z
  .object({
    stage: z.enum(stages).optional(),
    outcome: z.enum(outcomes).optional(),
    note: optionalText(2000),
  })
  .refine(() => false, rule('stage', 'Give a stage, an outcome or both', (v) => blank(v.stage) && blank(v.outcome)))
  .refine(() => false, rule('note', 'An outcome is recorded with a note', (v) => !blank(v.outcome) && blank(v.note)));
export type EventIn = z.infer<typeof EventIn>;

const paging = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

export const InterestListQuery = z.object({
  box: z.enum(['received', 'sent']).default('received'),
  // a filter left on "All" sends ''
  status: z.preprocess(emptyToUndefined, z.enum(interestStatuses).optional()),
  ...paging,
});
export type InterestListQuery = z.infer<typeof InterestListQuery>;

export const CollaborationListQuery = z.object({
  cluster: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(100).optional()),
  stage: z.preprocess(emptyToUndefined, z.enum(stages).optional()),
  outcome: z.preprocess(emptyToUndefined, z.enum([...outcomes, 'open']).optional()),
  ...paging,
});
export type CollaborationListQuery = z.infer<typeof CollaborationListQuery>;

const isoDate = calendarDate();
export const ReportQuery = z
  .object({
    cluster: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(100).optional()),
    from: z.preprocess(emptyToUndefined, isoDate.optional()),
    to: z.preprocess(emptyToUndefined, isoDate.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], params: { code: 'before_from' }, message: 'to is before from' });
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

const Contact = z.object({ name: z.string(), email: z.string() });
const Party = z.object({ organisationId: z.string(), name: z.string() });
// the title in the reader's language, or in the other one when the profile has only that; titleLang says which
const TitleLang = z.enum(['it', 'en']);
const ProfileRef = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  titleLang: TitleLang,
  anonymous: z.boolean(),
  clusterId: z.string(),
});

export const InterestOut = z.object({
  id: z.string(),
  status: z.enum(interestStatuses),
  message: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  declineReason: z.enum(declineReasons).nullable(),
  declineComment: z.string().nullable(),
  profile: ProfileRef,
  // null while the profile is anonymous and the reader is the interested party of an interest not yet accepted
  owner: Party.nullable(),
  interested: Party,
  // the two sides' contacts (users with role org_admin or member), once the interest is accepted
  contacts: z.object({ owner: z.array(Contact), interested: z.array(Contact) }).nullable(),
  collaborationId: z.string().nullable(),
  can: z.object({ decide: z.boolean(), withdraw: z.boolean() }),
});
export type InterestOut = z.infer<typeof InterestOut>;

const page = { page: z.number(), pageSize: z.number(), total: z.number() };
export const InterestList = z.object({ items: z.array(InterestOut), ...page });
export type InterestList = z.infer<typeof InterestList>;

export const CollaborationSummary = z.object({
  id: z.string(),
  stage: z.enum(stages),
  outcome: z.enum(outcomes).nullable(),
  outcomeAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  ageDays: z.number(),
  cluster: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  profile: z.object({ id: z.string(), type: z.string(), title: z.string(), titleLang: TitleLang }),
  interestId: z.string(),
  owner: Party,
  partner: Party,
});
export type CollaborationSummary = z.infer<typeof CollaborationSummary>;

export const CollaborationOut = CollaborationSummary.extend({
  owner: Party.extend({ contacts: z.array(Contact) }),
  partner: Party.extend({ contacts: z.array(Contact) }),
  events: z.array(
    z.object({ stage: z.enum(stages).nullable(), outcome: z.enum(outcomes).nullable(), note: z.string().nullable(), actorName: z.string().nullable(), at: z.string() }),
  ),
  canUpdate: z.boolean(),
});
export type CollaborationOut = z.infer<typeof CollaborationOut>;

export const CollaborationList = z.object({ items: z.array(CollaborationSummary), ...page });
export type CollaborationList = z.infer<typeof CollaborationList>;

const Count = z.object({ key: z.string(), count: z.number() });
export const ReportOut = z.object({
  cluster: z.object({ slug: z.string(), name: z.string() }).nullable(),
  from: z.string(),
  to: z.string(),
  // collaborations opened in the period, by their current stage and outcome ('open': no outcome yet)
  stages: z.array(Count),
  outcomes: z.array(Count),
  // interests expressed in the period by their current status; declines decided in the period by reason
  interests: z.array(Count),
  declines: z.array(Count),
  totals: z.object({ collaborations: z.number(), interests: z.number(), declines: z.number() }),
});
export type ReportOut = z.infer<typeof ReportOut>;
