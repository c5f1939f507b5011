import type { Db } from '../../db/db.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { type ClusterFacts, type MemberCounts, type OrgRef, findClusterFacts, findClusterWithMemberCounts } from './requirements.queries.ts';

/** The requirements of the recognition decree (Regione Lombardia, d.d.u.o. n. 2002 of 17/02/2026, and the call it applies). */
export const requirementIds = [
  'min_members',
  'research_organisation',
  'leader_company',
  'lombardy_seats',
  'capofila',
  'partnership_agreement',
  'legal_personality',
] as const;
export type RequirementId = (typeof requirementIds)[number];
export type RequirementStatus = 'met' | 'not_met' | 'evidence_missing';

export const MIN_MEMBERS = 9;

export type RequirementIssue = {
  /** Stable code, translated by the pages: category_unstated, no_operational_seat, seat_outside_lombardy, … */
  reason: string;
  count: number;
  organisations: OrgRef[];
};

export type RequirementResult = {
  id: RequirementId;
  status: RequirementStatus;
  /** For counted requirements: the value found and the threshold the decree sets. */
  value?: number;
  threshold?: number;
  satisfiedBy: { count: number; organisations: OrgRef[] };
  issues: RequirementIssue[];
  facts: Record<string, string | boolean | null>;
};

const refs = (list: OrgRef[] | null) => list ?? [];
const issue = (reason: string, count: number, organisations: OrgRef[] | null): RequirementIssue[] =>
  count > 0 ? [{ reason, count, organisations: refs(organisations) }] : [];

/**
 * Evaluates every requirement live from the registry, in one query whatever the cluster's size.
 * `excludeOrganisationIds` answers "what if these members left?" before staff confirm a decision.
 */
export async function evaluateRequirements(
  db: Db,
  clusterId: string,
  opts: { excludeOrganisationIds?: string[] } = {},
): Promise<RequirementResult[]> {
  const exclude = opts.excludeOrganisationIds ?? [];
  const row = await findClusterWithMemberCounts(db, clusterId, exclude);
  if (!row) throw new NotFoundError('cluster');
  return buildResults(row, row, exclude);
}

function buildResults(cluster: ClusterFacts, m: MemberCounts, exclude: string[]): RequirementResult[] {
  const none = { count: 0, organisations: [] as OrgRef[] };
  const results: RequirementResult[] = [];

  // At least 9 members of the categories the decree admits: a member whose category nobody stated cannot be counted yet.
  results.push({
    id: 'min_members',
    status: m.active < MIN_MEMBERS ? 'not_met' : m.stated >= MIN_MEMBERS ? 'met' : 'evidence_missing',
    value: m.active,
    threshold: MIN_MEMBERS,
    satisfiedBy: { count: m.stated, organisations: [] },
    issues: issue('category_unstated', m.unstated, m.unstated_sample),
    facts: {},
  });

  results.push({
    id: 'research_organisation',
    status: m.research > 0 ? 'met' : m.unstated > 0 ? 'evidence_missing' : 'not_met',
    value: m.research,
    threshold: 1,
    satisfiedBy: { count: m.research, organisations: refs(m.research_sample) },
    issues: m.research > 0 ? [] : issue('category_unstated', m.unstated, m.unstated_sample),
    facts: {},
  });

  // "Impresa leader nel settore di riferimento" is a staff decision with its reason, recorded on the membership.
  const leaderPossible = m.companies + m.unstated;
  results.push({
    id: 'leader_company',
    status: m.leaders > 0 ? 'met' : leaderPossible > 0 ? 'evidence_missing' : 'not_met',
    value: m.leaders,
    threshold: 1,
    satisfiedBy: { count: m.leaders, organisations: refs(m.leader_sample) },
    issues:
      m.leaders > 0
        ? []
        : [
            ...issue('leader_not_recorded', m.companies, m.company_sample),
            ...issue('category_unstated', m.unstated, m.unstated_sample),
          ],
    facts: {},
  });

  results.push({
    id: 'lombardy_seats',
    status:
      m.outside > 0 ? 'not_met' : m.missing > 0 ? 'evidence_missing' : m.in_lombardy > 0 ? 'met' : 'not_met',
    value: m.in_lombardy,
    threshold: m.in_lombardy + m.outside + m.missing,
    satisfiedBy: { count: m.in_lombardy, organisations: [] },
    issues: [
      ...issue('seat_outside_lombardy', m.outside, m.outside_sample),
      ...issue('no_operational_seat', m.missing, m.missing_sample),
    ],
    facts: {},
  });

  const capofilaGone = cluster.capofila_id !== null && exclude.includes(cluster.capofila_id);
  const capofilaOk = cluster.capofila_id !== null && cluster.capofila_active === true && !capofilaGone;
  results.push({
    id: 'capofila',
    status: capofilaOk ? 'met' : 'not_met',
    satisfiedBy: capofilaOk
      ? { count: 1, organisations: [{ id: cluster.capofila_id as string, name: cluster.capofila_name as string }] }
      : none,
    issues: capofilaOk
      ? []
      : cluster.capofila_id
        ? [{ reason: 'capofila_not_active', count: 1, organisations: [{ id: cluster.capofila_id, name: cluster.capofila_name ?? '' }] }]
        : [{ reason: 'capofila_not_designated', count: 0, organisations: [] }],
    facts: {},
  });

  results.push({
    id: 'partnership_agreement',
    status: cluster.partnership_agreement_signed_on ? 'met' : 'evidence_missing',
    satisfiedBy: none,
    issues: cluster.partnership_agreement_signed_on ? [] : [{ reason: 'agreement_not_recorded', count: 0, organisations: [] }],
    facts: {
      signedOn: cluster.partnership_agreement_signed_on,
      reference: cluster.partnership_agreement_reference,
    },
  });

  results.push({
    id: 'legal_personality',
    status: cluster.legal_personality === true ? 'met' : cluster.legal_personality === false ? 'not_met' : 'evidence_missing',
    satisfiedBy: none,
    issues:
      cluster.legal_personality === true
        ? []
        : [{ reason: cluster.legal_personality === false ? 'no_legal_personality' : 'legal_personality_not_recorded', count: 0, organisations: [] }],
    facts: {
      associationName: cluster.association_name,
      legalForm: cluster.legal_form,
      evidence: cluster.legal_personality_evidence,
    },
  });

  return results;
}

export async function getClusterRequirements(db: Db, slug: string) {
  const cluster = await findClusterFacts(db, { slug });
  if (!cluster) throw new NotFoundError('cluster');
  const results = await evaluateRequirements(db, cluster.id);
  return { cluster, results, overall: overallStatus(results) };
}

export function overallStatus(results: RequirementResult[]): RequirementStatus {
  if (results.some((r) => r.status === 'not_met')) return 'not_met';
  if (results.some((r) => r.status === 'evidence_missing')) return 'evidence_missing';
  return 'met';
}

/** Requirements met now that would no longer be met if these organisations left the cluster. */
export async function requirementsAffectedBy(db: Db, clusterId: string, organisationIds: string[]): Promise<RequirementId[]> {
  const [now, after] = await Promise.all([
    evaluateRequirements(db, clusterId),
    evaluateRequirements(db, clusterId, { excludeOrganisationIds: organisationIds }),
  ]);
  return now.filter((r, i) => r.status === 'met' && after[i].status !== 'met').map((r) => r.id);
}
