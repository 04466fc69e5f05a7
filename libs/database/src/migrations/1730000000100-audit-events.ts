import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/**
 * The audit trail. Append-only by grants: the request roles may INSERT and SELECT, nothing
 * else, so no API — and no bug in one — can change or delete an event.
 */
export class AuditEvents1730000000100 implements MigrationInterface {
  name = 'AuditEvents1730000000100';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE cascade.audit_events (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         at timestamptz NOT NULL DEFAULT clock_timestamp(),
         actor_id uuid,
         action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'),
         resource_type text,
         resource_id uuid,
         outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
         ip inet,
         user_agent text CHECK (char_length(user_agent) <= 512),
         request_id text CHECK (char_length(request_id) <= 128),
         PRIMARY KEY (tenant_id, id)
       )`,
      `CREATE INDEX audit_events_tenant_at_idx ON cascade.audit_events (tenant_id, at DESC)`,
      `CREATE INDEX audit_events_tenant_action_idx ON cascade.audit_events (tenant_id, action, at DESC)`,
      ...tenantIsolationSql('audit_events'),
      `GRANT SELECT, INSERT ON cascade.audit_events TO cascade_tenant, cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.audit_events`);
  }
}
