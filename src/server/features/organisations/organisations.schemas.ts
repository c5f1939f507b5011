import { z } from 'zod';
import { emptyToUndefined } from '../../lib/schemas.ts';
import { isValidItalianTaxCode, isValidItalianVat, normaliseTaxCode, normaliseVat } from './organisations.validation.ts';

// The decree's categories: what the organisation is (research organisation, company, association, …).
export const categories = [
  'university',
  'research_institute',
  'irccs',
  'company',
  'consortium',
  'trade_association',
  'chamber_of_commerce',
  'public_institution',
  'private_institution',
  'hospital',
] as const;
export type Category = (typeof categories)[number];
export const sizeClasses = ['micro', 'small', 'medium', 'large', 'unknown'] as const;
export type SizeClass = (typeof sizeClasses)[number];
export const seatKinds = ['legal', 'operational'] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullish();

const amount = z.number().min(0).max(1e13).nullish();

const website = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && !/^https?:\/\//i.test(v.trim()) ? `https://${v.trim()}` : v === '' ? null : v),
  z.url({ protocol: /^https?$/ }).max(300).nullish(),
);

export const SeatInputSchema = z.object({
  kind: z.enum(seatKinds),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/)
    .default('IT'),
  /** ISTAT code (6 digits) or the exact name of the municipality: the domain resolves names to codes. */
  municipalityCode: optionalText(100),
  foreignCity: optionalText(200),
  address: optionalText(300),
});
export type SeatInput = z.input<typeof SeatInputSchema>;
export type SeatData = {
  kind: (typeof seatKinds)[number];
  country: string;
  municipalityCode: string | null;
  foreignCity: string | null;
  address: string | null;
};

/** Tax identity checks, shared by the schema and the domain (which reports them even when other fields have the wrong type). */
export function taxIdentityIssues(v: { vatCountry?: unknown; vatNumber?: unknown; taxCode?: unknown }): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof v.vatNumber === 'string' && v.vatNumber.trim() !== '') {
    const country = typeof v.vatCountry === 'string' && v.vatCountry.trim() ? v.vatCountry.trim().toUpperCase() : 'IT';
    const number = normaliseVat(v.vatNumber);
    const ok = country === 'IT' ? isValidItalianVat(number) : /^[A-Z0-9]{2,14}$/.test(number);
    if (!ok) fields.vatNumber = 'invalid_vat';
  }
  if (typeof v.taxCode === 'string' && v.taxCode.trim() !== '' && !isValidItalianTaxCode(normaliseTaxCode(v.taxCode))) {
    fields.taxCode = 'invalid_tax_code';
  }
  return fields;
}

export const OrganisationInputSchema = z
  .object({
    legalName: z.string().trim().min(1).max(300),
    shortName: optionalText(100),
    category: z.enum(categories).nullish(),
    vatCountry: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/)
      .nullish(),
    vatNumber: optionalText(20).transform((v) => (v ? normaliseVat(v) : v)),
    taxCode: optionalText(16).transform((v) => (v ? normaliseTaxCode(v) : v)),
    staffHeadcount: z.number().min(0).max(1e7).nullish(),
    annualTurnoverEur: amount,
    balanceSheetEur: amount,
    website,
    descriptionIt: optionalText(5000),
    descriptionEn: optionalText(5000),
    atecoCodes: z.array(z.string().trim().min(1).max(10)).max(20).default([]),
    seats: z.array(SeatInputSchema).max(20).default([]),
  })
  .superRefine((v, ctx) => {
    for (const [path, code] of Object.entries(taxIdentityIssues(v))) {
      ctx.addIssue({ code: 'custom', path: [path], params: { code }, message: code });
    }
    v.seats.forEach((seat, i) => {
      if (seat.country === 'IT' && !seat.municipalityCode) {
        ctx.addIssue({ code: 'custom', path: ['seats', i, 'municipalityCode'], params: { code: 'required' }, message: 'required' });
      }
    });
  })
  .transform((v) => ({
    ...v,
    // The VAT country defaults to Italy when a number is given, and means nothing without one.
    vatCountry: v.vatNumber ? (v.vatCountry ?? 'IT') : null,
    seats: v.seats.map(
      (s): SeatData => ({
        kind: s.kind,
        country: s.country,
        municipalityCode: s.country === 'IT' ? (s.municipalityCode ?? null) : null,
        foreignCity: s.country === 'IT' ? null : (s.foreignCity ?? null),
        address: s.address ?? null,
      }),
    ),
    atecoCodes: [...new Set(v.atecoCodes)],
  }));

export type OrganisationInput = z.input<typeof OrganisationInputSchema>;
export type OrganisationData = z.output<typeof OrganisationInputSchema>;

/** PATCH: any subset of the create fields; seats and ATECO codes, when given, replace the current ones. */
export const OrganisationPatchSchema = z.object({
  legalName: z.string().max(300).optional(),
  shortName: z.string().max(100).nullish(),
  category: z.enum(categories).nullish(),
  vatCountry: z.string().max(2).nullish(),
  vatNumber: z.string().max(20).nullish(),
  taxCode: z.string().max(16).nullish(),
  staffHeadcount: z.number().nullish(),
  annualTurnoverEur: z.number().nullish(),
  balanceSheetEur: z.number().nullish(),
  website: z.string().max(300).nullish(),
  descriptionIt: z.string().max(5000).nullish(),
  descriptionEn: z.string().max(5000).nullish(),
  atecoCodes: z.array(z.string().max(10)).max(20).optional(),
  seats: z.array(SeatInputSchema).max(20).optional(),
});
export type OrganisationPatch = z.input<typeof OrganisationPatchSchema>;

export const OrganisationIdParams = z.object({ id: z.string().max(100) });


export const DirectoryQuerySchema = z.object({
  cluster: z.preprocess(emptyToUndefined, z.string().max(100).optional()),
  category: z.preprocess(emptyToUndefined, z.enum(categories).optional()),
  province: z.preprocess(emptyToUndefined, z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional()),
  sizeClass: z.preprocess(emptyToUndefined, z.enum(sizeClasses).optional()),
  atecoSection: z.preprocess(emptyToUndefined, z.string().trim().toUpperCase().regex(/^[A-Z]$/).optional()),
  q: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  /** A taxonomy concept id (e.g. a value-chain stage): members holding it, or a concept below it, validated and public. */
  concept: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10000).default(1)),
  pageSize: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(20)),
});
export type DirectoryQuery = z.output<typeof DirectoryQuerySchema>;

export const DirectoryItemSchema = z.object({
  id: z.string(),
  legalName: z.string(),
  shortName: z.string().nullable(),
  category: z.string().nullable(),
  sizeClass: z.string().nullable(),
  website: z.string().nullable(),
  provinces: z.array(z.string()),
  clusters: z.array(z.string()),
});
export type DirectoryItem = z.infer<typeof DirectoryItemSchema>;

export const DirectoryResponseSchema = z.object({
  items: z.array(DirectoryItemSchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
export type DirectoryPage = z.infer<typeof DirectoryResponseSchema>;

/**
 * An organisation as the API shows it. Everyone sees the public fields; the optional ones (tax code, size figures,
 * seat addresses, former and suspended memberships, decision history) only its own users, staff of its clusters,
 * region officers and platform admins: `view` says which. The VAT number of a business is public in Italy; a
 * codice fiscale may be a person's, so it is private.
 */
export const OrganisationDetailSchema = z.object({
  view: z.enum(['public', 'full']),
  id: z.string(),
  legalName: z.string(),
  shortName: z.string().nullable(),
  category: z.string().nullable(),
  sizeClass: z.string().nullable(),
  vatCountry: z.string().nullable(),
  vatNumber: z.string().nullable(),
  taxCode: z.string().nullable().optional(),
  staffHeadcount: z.number().nullable().optional(),
  annualTurnoverEur: z.number().nullable().optional(),
  balanceSheetEur: z.number().nullable().optional(),
  website: z.string().nullable(),
  descriptionIt: z.string().nullable(),
  descriptionEn: z.string().nullable(),
  verified: z.boolean(),
  seats: z.array(
    z.object({
      kind: z.enum(seatKinds),
      country: z.string(),
      municipalityCode: z.string().nullable(),
      municipality: z.string().nullable(),
      province: z.string().nullable(),
      provinceName: z.string().nullable(),
      region: z.string().nullable(),
      foreignCity: z.string().nullable(),
      address: z.string().nullable().optional(),
    }),
  ),
  ateco: z.array(z.object({ code: z.string(), section: z.string(), titleIt: z.string(), titleEn: z.string(), primary: z.boolean() })),
  memberships: z.array(
    z.object({
      cluster: z.string(),
      clusterNameIt: z.string(),
      clusterNameEn: z.string(),
      role: z.string(),
      status: z.string(),
      leaderCompany: z.boolean().optional(),
      joinedOn: z.string(),
      leftOn: z.string().nullable().optional(),
    }),
  ),
  history: z
    .array(z.object({ cluster: z.string(), kind: z.string(), reason: z.string().nullable(), decidedOn: z.string().nullable(), at: z.string() }))
    .optional(),
});
export type OrganisationDetail = z.infer<typeof OrganisationDetailSchema>;

export const MunicipalityQuerySchema = z.object({
  q: z.string().trim().max(100).default(''),
  region: z.preprocess(emptyToUndefined, z.string().trim().max(60).optional()),
});
export const MunicipalityListSchema = z.object({
  items: z.array(
    z.object({ istatCode: z.string(), name: z.string(), province: z.string(), provinceName: z.string(), regionCode: z.string(), region: z.string() }),
  ),
});
export const AtecoQuerySchema = z.object({ q: z.string().trim().min(1).max(100) });
export const AtecoListSchema = z.object({
  items: z.array(z.object({ code: z.string(), level: z.number(), section: z.string(), titleIt: z.string(), titleEn: z.string() })),
});
