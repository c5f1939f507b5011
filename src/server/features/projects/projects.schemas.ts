import { z } from 'zod';
import { calendarDate } from '../../lib/schemas.ts';

// The closed lists of migration 0022.
export const programmes = ['fp7', 'h2020', 'horizon_europe', 'life', 'interreg', 'erasmus_plus', 'eu_other', 'national', 'regional', 'other'] as const;
export const participantRoles = ['coordinator', 'partner', 'associated', 'third_party'] as const;
export const languages = ['it', 'en'] as const;
// Migration 0025: a participation shows publicly once the cluster's staff have validated it.
export const participationStatuses = ['submitted', 'validated', 'rejected'] as const;
export type ParticipationStatus = (typeof participationStatuses)[number];
export type Programme = (typeof programmes)[number];
export type ParticipantRole = (typeof participantRoles)[number];

/** A form sends empty strings for the fields left blank: they count as absent (null), as in JSON. */
const blankToNull = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v);


const nullableText = (max: number) => z.preprocess(blankToNull, z.string().max(max).nullable().optional());
// Grant agreement numbers are copied from CORDIS or a call's notice: inner spaces collapse, so the same reference matches.
const reference = z.preprocess((v) => {
  const b = blankToNull(v);
  return typeof b === 'string' ? b.replace(/\s+/g, ' ') : b;
}, z.string().max(60).nullable().optional());
const dateField = z.preprocess(
  blankToNull,
  calendarDate().nullable().optional(),
);
// The database accepts only http(s) addresses written in lower case: the scheme is lowered here.
const urlField = z.preprocess((v) => {
  const b = blankToNull(v);
  return typeof b === 'string' ? b.replace(/^https?:\/\//i, (m) => m.toLowerCase()) : b;
}, z.url({ protocol: /^https?$/ }).max(500).nullable().optional());

const detailFields = {
  programme: z.enum(programmes),
  /** Grant agreement number or the programme's own identifier (CORDIS: the project id). */
  reference,
  acronym: z.string().trim().min(1).max(60),
  title: z.string().trim().min(1).max(400),
  summary: z.string().trim().max(8000).optional(),
  /** Language of title and summary. */
  language: z.enum(languages).optional(),
  url: urlField,
  startDate: dateField,
  endDate: dateField,
};

const day = (x: unknown) => typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x);
/** Runs even when other fields are invalid, so one answer names every problem. */
function datesInOrder<T extends z.ZodType<{ startDate?: string | null; endDate?: string | null }>>(schema: T) {
  return schema.refine((v) => !(v.startDate && v.endDate && v.endDate < v.startDate), {
    path: ['endDate'],
    params: { code: 'end_before_start' },
    message: 'The end date is before the start date',
    when: (p) => {
      const v = p.value as Record<string, unknown> | null;
      return !!v && typeof v === 'object' && day(v.startDate) && day(v.endDate);
    },
  });
}

export const DeclarationIn = datesInOrder(z.object({ ...detailFields, role: z.enum(participantRoles).optional() }));
export type DeclarationIn = z.infer<typeof DeclarationIn>;

export const ProjectDetailsIn = datesInOrder(z.object(detailFields));
export type ProjectDetailsIn = z.infer<typeof ProjectDetailsIn>;

/** Fields left out keep their value; null clears an optional one. */
export const ProjectPatch = datesInOrder(z.object(detailFields).partial());
export type ProjectPatch = z.infer<typeof ProjectPatch>;

export const OrganisationParams = z.object({ id: z.uuid() });
export const ProjectParams = z.object({ projectId: z.uuid() });
export const ParticipationParams = z.object({ id: z.uuid(), projectId: z.uuid() });

/** Readers other than the organisation's managers only ever see validated participations. */
const participant = z.object({ organisationId: z.string(), name: z.string(), role: z.enum(participantRoles), status: z.enum(participationStatuses) });

export const ProjectOut = z.object({
  id: z.string(),
  programme: z.enum(programmes),
  reference: z.string().nullable(),
  acronym: z.string(),
  title: z.string(),
  summary: z.string(),
  language: z.enum(languages),
  url: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  updatedAt: z.string(),
  /** The participants the reader may see (organisations with an active membership, or those the reader looks after). */
  participants: z.array(participant),
});
export type ProjectOut = z.infer<typeof ProjectOut>;

/** A project as one organisation took part in it: its role, and the other participants the reader may see. */
export const OrganisationProjectOut = ProjectOut.omit({ participants: true }).extend({
  role: z.enum(participantRoles),
  /** Where the staff's check of this organisation's participation stands. */
  status: z.enum(participationStatuses),
  /** The staff's note on a rejection: for the organisation's managers and the staff only, null for anyone else. */
  reviewNote: z.string().nullable(),
  partners: z.array(participant),
});
export type OrganisationProjectOut = z.infer<typeof OrganisationProjectOut>;

export const OrganisationProjectList = z.object({
  /** isPublic: the organisation has an active membership, so its page (and its validated projects) are public. */
  organisation: z.object({ id: z.string(), name: z.string(), isPublic: z.boolean() }),
  items: z.array(OrganisationProjectOut),
});

export const DeclarationOut = OrganisationProjectOut.extend({
  /** True when the programme and reference named a project already declared by another organisation: its details were kept. */
  linkedToExisting: z.boolean(),
});
export type DeclarationOut = z.infer<typeof DeclarationOut>;

export const RemovalOut = z.object({ projectDeleted: z.boolean() });

const optionalNote = z
  .string()
  .trim()
  .max(2000)
  .nullish()
  .transform((v) => (v ? v : null));

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * The staff's decision on a participation; a rejection says why, for the organisation. `expectedStatus` and
 * `projectUpdatedAt` say what the reviewer read: when the declaration was decided by someone else, or the project's
 * details changed, since then, the decision is refused (409) rather than applied to something nobody checked.
 */
export const ReviewIn = z
  .object({
    decision: z.enum(['validated', 'rejected']),
    note: optionalNote,
    expectedStatus: z.preprocess(blankToUndefined, z.enum(participationStatuses).optional()),
    projectUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime({ offset: true }).optional()),
  })
  .refine((v) => v.decision !== 'rejected' || !!v.note, { path: ['note'], params: { code: 'required' }, message: 'A rejection needs a note' });
export type ReviewIn = z.infer<typeof ReviewIn>;

export const QueueQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const QueueItemOut = ProjectOut.omit({ participants: true }).extend({
  organisationId: z.string(),
  organisationName: z.string(),
  role: z.enum(participantRoles),
  declaredAt: z.string(),
  declaredBy: z.string().nullable(),
});
export type QueueItemOut = z.infer<typeof QueueItemOut>;

export const QueueOut = z.object({ items: z.array(QueueItemOut), page: z.number(), pageSize: z.number(), total: z.number() });
export type QueueOut = z.infer<typeof QueueOut>;

export const ResubmitOut = z.object({ projectId: z.string(), organisationId: z.string(), status: z.literal('submitted') });

export const ReviewOut = z.object({ projectId: z.string(), organisationId: z.string(), status: z.enum(participationStatuses), reviewNote: z.string().nullable() });
