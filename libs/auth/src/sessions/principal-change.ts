import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { TenantRole } from '../principal';

/**
 * A change to who a user is, recorded in the same transaction as the change itself, so it is
 * in the feed exactly when the change is durable:
 * - deleted: the user (or API key: the ids share one uuidv7 space) is gone; every token of
 *   theirs is refused;
 * - role: the user's role is now `role` (a token's role claim is only a hint);
 * - epoch: every sign-in before this one is ended (sessions_epoch raised to `epoch`);
 * - session_ended: one sign-in (`session_id`, a refresh family) is ended.
 */
export type PrincipalChange =
  | { kind: 'deleted'; userId: string }
  | { kind: 'role'; userId: string; role: TenantRole }
  | { kind: 'epoch'; userId: string; epoch: number }
  | { kind: 'session_ended'; userId: string; sessionId: string };

/** Appends the change to the feed, inside the caller's tenant transaction. */
export async function recordPrincipalChange(em: EntityManager, tenantId: string, change: PrincipalChange): Promise<void> {
  await sql(
    em,
    `INSERT INTO cascade.principal_changes (tenant_id, user_id, kind, role, epoch, session_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      tenantId,
      change.userId,
      change.kind,
      change.kind === 'role' ? change.role : null,
      change.kind === 'epoch' ? change.epoch : null,
      change.kind === 'session_ended' ? change.sessionId : null,
    ],
  );
}

/** Raises a user's session epoch (ending every sign-in) and records it; returns the new epoch. */
export async function endAllSessions(em: EntityManager, tenantId: string, userId: string): Promise<number | null> {
  const { rows } = await sql<{ session_epoch: number }>(
    em,

    `UPDATE cascade.users SET session_epoch = session_epoch + 1 WHERE tenant_id = $1 AND id = $2 RETURNING session_epoch`,
    [tenantId, userId],
  );
  if (!rows.length) return null;
  await recordPrincipalChange(em, tenantId, { kind: 'epoch', userId, epoch: rows[0].session_epoch });
  return rows[0].session_epoch;
}
