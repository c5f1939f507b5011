import { z } from 'zod';
import { emptyToUndefined } from '../../lib/schemas.ts';
import { categories, sizeClasses } from '../organisations/organisations.schemas.ts';

const conceptId = z.preprocess(emptyToUndefined, z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)*$/).max(200).optional());

export const SearchQuerySchema = z.object({
  q: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  lang: z.preprocess(emptyToUndefined, z.enum(['it', 'en']).optional()),
  stage: conceptId,
  technology: conceptId,
  product: conceptId,
  province: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Z]{2}$/).optional()),
  category: z.preprocess(emptyToUndefined, z.enum(categories).optional()),
  sizeClass: z.preprocess(emptyToUndefined, z.enum(sizeClasses).optional()),
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).optional()),
});
export type SearchQuery = z.output<typeof SearchQuerySchema>;

const FacetValueSchema = z.object({ id: z.string(), label: z.string(), count: z.number().int() });

export const SearchOutSchema = z.object({
  items: z.array(
    z.object({
      organisation: z.object({ id: z.string(), name: z.string(), category: z.string().nullable(), provinces: z.array(z.string()) }),
      score: z.number(),
      why: z.object({ concepts: z.array(z.object({ id: z.string(), label: z.string() })), words: z.array(z.string()) }),
    }),
  ),
  facets: z.object({
    stage: z.array(FacetValueSchema),
    technology: z.array(FacetValueSchema),
    product: z.array(FacetValueSchema),
    province: z.array(FacetValueSchema),
    category: z.array(FacetValueSchema),
    sizeClass: z.array(FacetValueSchema),
  }),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type SearchOut = z.infer<typeof SearchOutSchema>;
