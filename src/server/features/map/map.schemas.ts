import { z } from 'zod';
import { emptyToUndefined } from '../../lib/schemas.ts';
import { categories } from '../organisations/organisations.schemas.ts';


/**
 * The map's filters: cluster, category and concept have the same names and values as the directory's, so a province
 * links to the list of the members it counts.
 */
export const MapQuerySchema = z.object({
  cluster: z.preprocess(emptyToUndefined, z.string().max(100).optional()),
  category: z.preprocess(emptyToUndefined, z.enum(categories).optional()),
  /** A taxonomy concept id (value-chain stage, technology, product category); its sub-concepts count too. */
  concept: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
});
export type MapQuery = z.output<typeof MapQuerySchema>;

export const ProvinceCountSchema = z.object({
  acronym: z.string(),
  name: z.string(),
  regionCode: z.string(),
  members: z.number().int(),
});
export type ProvinceCount = z.infer<typeof ProvinceCountSchema>;

export const ProvinceCountListSchema = z.array(ProvinceCountSchema);
