import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '@cascade/core';
import { sql, Statement } from '@cascade/database';
import { AuditEvent, AuditFilter, AuditView } from './audit-event';

const VIEW = `id, at, actor_id, action, resource_type, resource_id, outcome, host(ip) AS ip, request_id`;

/** Append and read; there is deliberately no update or delete (the roles have no such grant). */
@Injectable()
export class AuditRepository {
  /** The INSERT of one event, for a transaction to send in the same pipeline as its COMMIT. */
  appendStatement(e: AuditEvent): Statement {
    return {
      text: `INSERT INTO cascade.audit_events (tenant_id, id, actor_id, action, resource_type, resource_id, outcome, ip, user_agent, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::inet, $9, $10)`,
      params: [
        e.tenantId,
        uuidv7(),
        e.actorId,
        e.action,
        e.resourceType,
        e.resourceId,
        e.outcome,
        e.ip,
        e.userAgent?.slice(0, 512) ?? null,
        e.requestId,
      ],
    };
  }

  async append(em: EntityManager, e: AuditEvent): Promise<void> {
    const { text, params } = this.appendStatement(e);
    await sql(em, text, params);
  }

  /** Newest first; ids are time-ordered, so the cursor is the last id seen. */
  async list(em: EntityManager, tenantId: string, f: AuditFilter): Promise<AuditView[]> {
    const { rows } = await sql<AuditView>(
      em,
      `SELECT ${VIEW} FROM cascade.audit_events
        WHERE tenant_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::uuid IS NULL OR actor_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::uuid IS NULL OR id < $6)
        ORDER BY id DESC LIMIT $7`,
      [tenantId, f.action ?? null, f.actorId ?? null, f.since ?? null, f.until ?? null, f.before ?? null, f.limit],
    );
    return rows;
  }
}
