import { z } from 'zod';
import { requirementIds } from './requirements.ts';

export const ClusterSlugParams = z.object({ slug: z.string().min(1).max(100) });

const OrgRef = z.object({ id: z.string(), name: z.string() });
const Status = z.enum(['met', 'not_met', 'evidence_missing']);

export const RequirementsResponse = z.object({
  cluster: z.object({ slug: z.string(), name: z.string() }),
  overall: Status,
  requirements: z.array(
    z.object({
      id: z.enum(requirementIds),
      status: Status,
      value: z.number().optional(),
      threshold: z.number().optional(),
      satisfiedBy: z.object({ count: z.number(), organisations: z.array(OrgRef) }),
      issues: z.array(z.object({ reason: z.string(), count: z.number(), organisations: z.array(OrgRef) })),
      facts: z.record(z.string(), z.union([z.string(), z.boolean(), z.null()])),
    }),
  ),
});
