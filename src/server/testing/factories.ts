import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Db } from '../db/db.ts';
import type { Role } from '../lib/auth.ts';

// Test data only: factories insert what a test needs and create whatever is missing.
const uid = () => randomBytes(4).toString('hex');

export type ClusterRow = { id: string; slug: string; name_it: string; name_en: string };

export async function buildCluster(db: Db, o: Partial<Record<string, unknown>> = {}): Promise<ClusterRow> {
  const slug = (o.slug as string) ?? `cluster-${uid()}`;
  const [row] = await db.query<ClusterRow>(
    `INSERT INTO cluster (slug, name_it, name_en, association_name, legal_personality, partnership_agreement_signed_on)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, slug, name_it, name_en`,
    [
      slug,
      o.name_it ?? `Cluster di prova ${slug}`,
      o.name_en ?? `Test cluster ${slug}`,
      o.association_name ?? null,
      o.legal_personality ?? null,
      o.partnership_agreement_signed_on ?? null,
    ],
  );
  return row;
}

export type OrganisationRow = { id: string; legal_name: string; category: string };

/** An organisation with an operational seat (Milano by default; pass seatMunicipality: null for none). */
export async function buildOrganisation(
  db: Db,
  o: {
    legal_name?: string;
    category?: string;
    vat_number?: string | null;
    tax_code?: string | null;
    staff_headcount?: number | null;
    annual_turnover_eur?: number | null;
    balance_sheet_eur?: number | null;
    seatMunicipality?: string | null;
    legalSeatMunicipality?: string | null;
    ateco?: string[];
  } = {},
): Promise<OrganisationRow> {
  const [org] = await db.query<OrganisationRow>(
    `INSERT INTO organisation (legal_name, category, vat_country, vat_number, tax_code, staff_headcount, annual_turnover_eur, balance_sheet_eur)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, legal_name, category`,
    [
      o.legal_name ?? `Organisation ${uid()}`,
      o.category ?? 'company',
      o.vat_number ? 'IT' : null,
      o.vat_number ?? null,
      o.tax_code ?? null,
      o.staff_headcount ?? null,
      o.annual_turnover_eur ?? null,
      o.balance_sheet_eur ?? null,
    ],
  );
  const seat = o.seatMunicipality === undefined ? '015146' : o.seatMunicipality;
  if (seat) {
    await db.query(`INSERT INTO seat (organisation_id, kind, municipality_code) VALUES ($1, 'operational', $2)`, [org.id, seat]);
  }
  if (o.legalSeatMunicipality) {
    await db.query(`INSERT INTO seat (organisation_id, kind, municipality_code) VALUES ($1, 'legal', $2)`, [
      org.id,
      o.legalSeatMunicipality,
    ]);
  }
  for (const code of o.ateco ?? []) {
    await db.query('INSERT INTO organisation_ateco (organisation_id, ateco_code) VALUES ($1, $2)', [org.id, code]);
  }
  return org;
}

export async function buildMembership(
  db: Db,
  clusterId: string,
  organisationId: string,
  o: { role?: string; status?: string; leader?: boolean } = {},
): Promise<{ id: string }> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO membership (cluster_id, organisation_id, role, status, is_leader_company, leader_reason)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [clusterId, organisationId, o.role ?? 'member', o.status ?? 'active', !!o.leader, o.leader ? 'Leader nel settore' : null],
  );
  return row;
}

export type UserRow = { id: string; email: string; name: string; password: string };

const passwordHashCache = new Map<string, string>();

export async function buildUser(
  db: Db,
  o: {
    email?: string;
    name?: string;
    password?: string;
    locale?: 'it' | 'en';
    roles?: { role: Role; clusterId?: string; organisationId?: string }[];
  } = {},
): Promise<UserRow> {
  const password = o.password ?? 'correct horse battery staple';
  let passwordHash = passwordHashCache.get(password);
  if (!passwordHash) {
    passwordHash = await hash(password);
    passwordHashCache.set(password, passwordHash);
  }
  const [user] = await db.query<{ id: string; email: string; name: string }>(
    `INSERT INTO app_user (email, name, password_hash, locale) VALUES ($1, $2, $3, $4) RETURNING id, email, name`,
    [o.email ?? `user-${uid()}@example.org`, o.name ?? 'Test User', passwordHash, o.locale ?? 'it'],
  );
  for (const r of o.roles ?? []) {
    await db.query('INSERT INTO user_role (user_id, role, cluster_id, organisation_id) VALUES ($1, $2, $3, $4)', [
      user.id,
      r.role,
      r.clusterId ?? null,
      r.organisationId ?? null,
    ]);
  }
  return { ...user, password };
}
