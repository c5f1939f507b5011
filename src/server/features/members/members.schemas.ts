import { z } from 'zod';
import { todayInItaly } from '../../lib/i18n.ts';
import { categories } from '../organisations/organisations.schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
// The registry's limits (organisations.schemas.ts): an application must be one the registry accepts.
const amount = z.number().min(0).max(1e13);

/** A seat: an Italian municipality given by ISTAT code or exact name (resolved by the domain), or a foreign city. */
const SeatSchema = z.object({
  municipality: text(120).describe('ISTAT municipality code (6 digits) or exact municipality name, e.g. "015146" or "Milano"'),
  address: optionalText(300),
});

const LegalSeatSchema = z.object({
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/)
    .transform((v) => v.toUpperCase())
    .optional()
    .describe('ISO country code, IT by default'),
  municipality: optionalText(120).describe('Italian seat: ISTAT code or exact municipality name'),
  foreignCity: optionalText(120).describe('Seat abroad: the city'),
  address: optionalText(300),
});

export const ApplicationInputSchema = z
  .object({
    organisation: z
      .object({
        legalName: text(300),
        category: z.enum(categories),
        vatCountry: z
          .string()
          .trim()
          .regex(/^[A-Za-z]{2}$/)
          .transform((v) => v.toUpperCase())
          .optional()
          .describe('Country of the VAT number, IT by default'),
        vatNumber: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9]{2,14}$/)
          .optional()
          .describe('Italian VAT number: 11 digits with a correct check digit'),
        taxCode: z
          .string()
          .trim()
          .regex(/^([0-9]{11}|[A-Za-z0-9]{16})$/)
          .transform((v) => v.toUpperCase())
          .optional()
          .describe('Codice fiscale: 11 digits or 16 characters, with a correct check character'),
        staffHeadcount: z.number().min(0).max(1e7).optional(),
        annualTurnoverEur: amount.optional(),
        balanceSheetEur: amount.optional(),
        website: z.url({ protocol: /^https?$/ }).max(300).optional(),
        atecoCodes: z.array(z.string().trim().regex(/^[A-Z0-9.]{1,12}$/)).max(20).optional(),
        description: optionalText(4000),
      })
      .superRefine((o, ctx) => {
        if (!o.vatNumber && !o.taxCode) {
          ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'VAT number or codice fiscale needed', params: { code: 'required' } });
        }
        if (o.vatNumber && (o.vatCountry ?? 'IT') === 'IT' && !/^[0-9]{11}$/.test(o.vatNumber)) {
          ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'An Italian VAT number has 11 digits', params: { code: 'invalid_vat' } });
        }
      }),
    operationalSeat: SeatSchema.describe('The operational seat in Lombardy that makes the organisation eligible'),
    legalSeat: LegalSeatSchema.optional(),
    referent: z.object({
      name: text(200),
      role: text(200),
      email: z.email().max(254),
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9 ./()-]{5,25}$/)
        .optional(),
    }),
    declarations: z
      .object({
        operationalSeatInLombardy: z.literal(true),
        statute: z.literal(true),
        truthfulness: z.literal(true).describe('Art. 46–47 DPR 445/2000'),
        privacy: z.literal(true).describe('GDPR art. 13'),
      })
      .describe('All four must be true'),
    locale: z.enum(['it', 'en']).optional().describe('Language of the e-mails to the applicant (the request language by default)'),
  })
  .strict();

export type ApplicationInput = z.infer<typeof ApplicationInputSchema>;

export const CheckSchema = z.object({
  id: z.enum(['seat_in_lombardy', 'tax_identity_valid', 'organisation_registered', 'not_already_member', 'category_allowed']),
  ok: z.boolean(),
  detail: z.string(),
});
export type Check = z.infer<typeof CheckSchema>;

export const applicationStatuses = ['submitted', 'approved', 'rejected'] as const;

export const ApplicationSummarySchema = z.object({
  id: z.string(),
  cluster: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  status: z.enum(applicationStatuses),
  legalName: z.string(),
  category: z.string().nullable(),
  applicantEmail: z.string(),
  submittedAt: z.string(),
  decidedAt: z.string().nullable(),
  checks: z.array(CheckSchema),
});

export const ApplicationSchema = ApplicationSummarySchema.extend({
  locale: z.enum(['it', 'en']),
  data: z.record(z.string(), z.unknown()).describe('The data as submitted'),
  boardMeetingOn: z.string().nullable(),
  decisionReason: z.string().nullable(),
  organisationId: z.string().nullable(),
  membershipId: z.string().nullable(),
});
export type ApplicationView = z.infer<typeof ApplicationSchema>;

export const ApplicationListQuerySchema = z.object({
  cluster: z.string().max(100).optional().describe('Cluster slug'),
  status: z.enum([...applicationStatuses, 'all']).default('submitted'),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});


function isRealDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const parsed = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === d;
}

/** A decision's date: a real calendar date (YYYY-MM-DD), not after today. */
const pastDate = z
  .string()
  .min(1)
  .superRefine((v, ctx) => {
    if (!isRealDate(v)) ctx.addIssue({ code: 'custom', params: { code: 'invalid_date' }, message: 'invalid_date' });
    else if (v > todayInItaly()) ctx.addIssue({ code: 'custom', params: { code: 'in_future' }, message: 'in_future' });
  });

export const DecisionInputSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(4000).optional(),
    boardMeetingOn: pastDate.describe('Date of the board meeting (YYYY-MM-DD), not in the future'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], params: { code: 'required' }, message: 'A rejection needs its reason' });
    }
  });
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

export const DecisionResultSchema = z.object({
  application: ApplicationSchema,
  requirementsAffected: z.array(z.string()).describe('Recognition requirements that stop being met because of this decision'),
});

export const membershipStatuses = ['active', 'suspended', 'withdrawn'] as const;
export const membershipRoles = ['capofila', 'promoter', 'member'] as const;

export const MembershipEventSchema = z.object({
  kind: z.string(),
  reason: z.string().nullable(),
  decidedOn: z.string().nullable(),
  at: z.string(),
});

export const MembershipSchema = z.object({
  id: z.string(),
  cluster: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  organisation: z.object({ id: z.string(), legalName: z.string(), category: z.string().nullable() }),
  role: z.enum(membershipRoles),
  status: z.enum(membershipStatuses),
  isLeaderCompany: z.boolean(),
  leaderReason: z.string().nullable().optional(),
  joinedOn: z.string(),
  leftOn: z.string().nullable(),
  events: z.array(MembershipEventSchema).optional().describe('History, for staff and the organisation’s admins'),
});
export type MembershipView = z.infer<typeof MembershipSchema>;

export const MembershipListQuerySchema = z.object({
  status: z.enum([...membershipStatuses, 'all']).optional().describe('Staff only; the public sees active members'),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const StatusChangeInputSchema = z
  .object({
    status: z.enum(membershipStatuses),
    reason: z.string().trim().min(1).max(4000),
    decidedOn: pastDate.describe('Date of the decision (YYYY-MM-DD), not in the future'),
  })
  .strict();
export type StatusChangeInput = z.infer<typeof StatusChangeInputSchema>;

export const MembershipPatchSchema = z
  .object({
    isLeaderCompany: z.boolean().optional(),
    leaderReason: z.string().trim().max(4000).optional().describe('Required when the leader-company flag changes'),
    role: z.enum(membershipRoles).optional(),
    reason: z.string().trim().max(4000).optional().describe('Reason of a role change'),
  })
  .strict();
export type MembershipPatch = z.infer<typeof MembershipPatchSchema>;

export const MembershipChangeResultSchema = z.object({
  membership: MembershipSchema,
  requirementsAffected: z.array(z.string()),
});

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), total: z.number() });
