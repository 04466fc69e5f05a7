import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ExternalIdentity, ExternalUser, ExternalUserDirectory, TenantRole } from '@cascade/auth';
import { isUuid, uuidv7 } from '@cascade/core';
import { sql, TransactionRunner } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { TenantDirectory } from '@cascade/tenancy';

/** No password verifies against it: provider users sign in at their provider. */
const NO_PASSWORD = '!external';

interface UserRow {
  id: string;
  role: TenantRole;
}

/**
 * The users behind the identity provider's tokens: matched by iss+sub, created on first sight
 * (with the provider's email when it is free in the tenant, counted against max_users), never
 * brought back once deleted in CASCADE (a trigger keeps a tombstone). The role the provider
 * claims counts only at creation: afterwards the role stored here is the user's, as for
 * everyone (ownership moves only by transfer, so the provider never makes an owner).
 */
@Injectable()
export class ExternalUsersService implements ExternalUserDirectory {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly tenants: TenantDirectory,
    private readonly quota: QuotaLedger,
  ) {}

  async resolve(identity: ExternalIdentity): Promise<ExternalUser | null> {
    const tenant = isUuid(identity.tenant) ? await this.tenants.findById(identity.tenant) : await this.tenants.findBySlug(identity.tenant);
    if (!tenant || tenant.status !== 'active') return tenant ? this.inSuspended(tenant.id, identity) : null;
    return this.runner.run({ role: 'cascade_tenant', tenantId: tenant.id }, async (em) => {
      const found = (await this.find(em, tenant.id, identity)) ?? (await this.create(em, tenant.id, identity));
      return found && toUser(tenant.id, found);
    });
  }

  /** A suspended tenant's users are refused later (403 tenant_suspended); none is created there. */
  private inSuspended(tenantId: string, identity: ExternalIdentity): Promise<ExternalUser | null> {
    return this.runner.run({ role: 'cascade_tenant', tenantId }, async (em) => {
      const found = await this.find(em, tenantId, identity);
      return found && toUser(tenantId, found);
    });
  }

  private async find(em: EntityManager, tenantId: string, identity: ExternalIdentity): Promise<UserRow | null> {
    const { rows } = await sql<UserRow>(
      em,
      `SELECT id, role FROM cascade.users
        WHERE tenant_id = $1 AND external_issuer = $2 AND external_subject = $3`,
      [tenantId, identity.issuer, identity.subject],
    );
    return rows[0] ?? null;
  }

  private async create(em: EntityManager, tenantId: string, identity: ExternalIdentity): Promise<UserRow | null> {
    const { rows: gone } = await sql(
      em,
      `SELECT 1 FROM cascade.external_identity_tombstones WHERE tenant_id = $1 AND issuer = $2 AND subject = $3`,
      [tenantId, identity.issuer, identity.subject],
    );
    if (gone.length) return null;
    await this.quota.reserve(em, tenantId, 'users');
    // The provider's email when no other user of the tenant has it (emails are not matched:
    // an unverified provider email must not take over a password user); else a stand-in.
    for (const email of [identity.email, standInEmail(identity)]) {
      if (!email) continue;
      const { rows } = await sql<UserRow>(
        em,
        `INSERT INTO cascade.users (tenant_id, id, email, password_hash, role, external_issuer, external_subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
         RETURNING id, role`,
        [tenantId, uuidv7(), email, NO_PASSWORD, identity.role, identity.issuer, identity.subject],
      );
      if (rows[0]) return rows[0];
      const raced = await this.find(em, tenantId, identity); // created by a parallel first request
      if (raced) {
        await this.quota.release(em, tenantId, 'users');
        return raced;
      }
    }
    throw new Error('external user could not be created');
  }
}

function toUser(tenantId: string, row: UserRow): ExternalUser {
  return {
    userId: row.id,
    tenantId,
    role: row.role,
  };
}

function standInEmail(identity: ExternalIdentity): string {
  const digest = createHash('sha256').update(`${identity.issuer}\n${identity.subject}`).digest('hex').slice(0, 24);
  return `idp-${digest}@external.invalid`;
}
