import { z } from 'zod';
import { emptyToUndefined } from '../../lib/schemas.ts';

export const coverageDimensions = ['province', 'category'] as const;
export type CoverageDimension = (typeof coverageDimensions)[number];

export const coverageFlags = ['no_member', 'single_member', 'no_research'] as const;
export type CoverageFlag = (typeof coverageFlags)[number];


export const CoverageQuery = z.object({
  cluster: z.preprocess(emptyToUndefined, z.string().max(100).regex(/^[a-z0-9][a-z0-9-]*$/).optional()),
  by: z.preprocess(emptyToUndefined, z.enum(coverageDimensions).default('province')),
  lang: z.enum(['it', 'en']).optional(),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

export const CoverageStage = z.object({
  id: z.string(),
  label: z.string(),
  total: z.number().int(),
  researchOrganisations: z.number().int(),
  flags: z.array(z.enum(coverageFlags)),
  cells: z.record(z.string(), z.number().int()),
});

export const CoverageColumn = z.object({ key: z.string(), label: z.string() });

export const CoverageOut = z.object({
  cluster: z.object({ slug: z.string(), name: z.string() }).nullable(),
  by: z.enum(coverageDimensions),
  /** 'public': validated public competences only; 'members': validated public and members-only (cluster staff, region officers). */
  scope: z.enum(['public', 'members']),
  columns: z.array(CoverageColumn),
  stages: z.array(CoverageStage),
});
export type CoverageOut = z.infer<typeof CoverageOut>;
