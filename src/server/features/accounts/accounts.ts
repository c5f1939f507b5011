import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, hashToken, newToken } from '../../lib/auth.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { Locale } from '../../lib/i18n.ts';
import { enqueueEmail } from '../../lib/jobs.ts';
import * as q from './accounts.queries.ts';

export const INVITATION_DAYS = 14;
export const RESET_MINUTES = 60;

export type InviteInput = {
  email: string;
  name: string;
  organisationId: string;
  role: 'member' | 'org_admin';
  /** Language of the e-mail and of the accept link. */
  locale: Locale;
  /** Shown in the e-mail when the invitation comes from a cluster (e.g. after an approved application). */
  clusterName?: string;
  /** Base URL of the installation (config.publicUrl), e.g. "https://filiera.example.org". */
  publicUrl: string;
};

/**
 * Gives a person access to an organisation, inside the caller's transaction: finds the user by e-mail
 * or creates one without a password, adds the organisation role if missing (audited as role.granted),
 * and e-mails a one-time invitation link valid 14 days (only its hash is stored).
 * Scope checks are the caller's: this function trusts that the actor may invite to this organisation.
 */
export async function inviteUser(tx: Db, actor: Actor | null, input: InviteInput): Promise<{ userId: string }> {
  const email = input.email.trim().toLowerCase();
  const organisationName = await q.getOrganisationName(tx, input.organisationId);
  if (!organisationName) throw new NotFoundError('organisation');
  const user =
    (await q.findUserByEmail(tx, email)) ??
    (await q.insertUserWithoutPassword(tx, { email, name: input.name.trim() || email, locale: input.locale }));
  const roleId = await q.insertRole(tx, {
    userId: user.id,
    role: input.role,
    organisationId: input.organisationId,
    grantedBy: actor?.userId ?? null,
  });
  if (roleId) {
    await recordAudit(tx, actor, {
      action: 'role.granted',
      subjectType: 'user',
      subjectId: user.id,
      after: { role: input.role, organisationId: input.organisationId, email },
    });
  }
  const token = newToken();
  await q.insertOneTimeToken(tx, {
    tokenHash: hashToken(token),
    kind: 'invitation',
    userId: user.id,
    validSeconds: INVITATION_DAYS * 24 * 3600,
  });
  await enqueueEmail(tx, {
    to: user.email,
    locale: input.locale,
    template: 'accounts.email.invitation',
    params: {
      name: user.name,
      organisation: organisationName,
      cluster: input.clusterName ?? 'Filiera',
      inviter: actor?.name ?? 'Filiera',
      link: `${input.publicUrl.replace(/\/$/, '')}/${input.locale}/invitations/${token}`,
      days: INVITATION_DAYS,
    },
  });
  return { userId: user.id };
}
