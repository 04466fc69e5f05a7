import { Injectable } from '@nestjs/common';
import { newApiKeySecret, PrincipalRegistry, recordPrincipalChange, Role } from '@cascade/auth';
import { decodeCursor, forbidden, notFound, Page, toPage, uuidv7, validationFailed } from '@cascade/core';
import { TenantWork } from '../users/users.service';
import { ApiKeyPolicy } from './api-key.policy';
import { ApiKeyView } from './api-key.view';
import { ApiKeysRepository } from './api-keys.repository';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/**
 * API keys of a tenant. The secret exists only in the creating answer; deleting a key writes a
 * `deleted` change for its id to the principal feed in the same transaction, so its next
 * request is refused here at once and on every other replica within a second.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly registry: PrincipalRegistry,
  ) {}

  async create(
    db: TenantWork,
    tenantId: string,
    actor: { id: string | null; role: Role },
    dto: CreateApiKeyDto,
  ): Promise<ApiKeyView & { secret: string }> {
    if (!ApiKeyPolicy.mayMint(actor.role, dto.role)) throw forbidden(`You may not create a key with role ${dto.role}`);
    if (dto.expires_at !== undefined && !(Date.parse(dto.expires_at) > Date.now())) {
      throw validationFailed('expires_at must be a time in the future');
    }
    const id = uuidv7();
    const { token, hash } = newApiKeySecret(tenantId, id);
    const view = await this.keys.insert(await db.manager(), tenantId, {
      id,
      name: dto.name,
      role: dto.role,
      hash,
      createdBy: actor.id,
      expiresAt: dto.expires_at ?? null,
    });
    return { ...view, secret: token };
  }

  async list(db: TenantWork, tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const rows = await this.keys.pageAfter(await db.manager(), tenantId, decodeCursor(cursor), limit + 1);
    return toPage(rows, limit, (k) => k);
  }

  async get(db: TenantWork, tenantId: string, id: string): Promise<ApiKeyView> {
    const key = await this.keys.findById(await db.manager(), tenantId, id);
    if (!key) throw notFound();
    return key;
  }

  async remove(db: TenantWork, tenantId: string, id: string): Promise<void> {
    const em = await db.manager();
    if (!(await this.keys.delete(em, tenantId, id))) throw notFound();
    await recordPrincipalChange(em, tenantId, { kind: 'deleted', userId: id });
    db.afterCommit(() => this.registry.changed());
  }
}
