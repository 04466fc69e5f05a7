import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantCache } from '@cascade/cache';
import { decodeCursor, notFound, Page, toPage, uuidv7 } from '@cascade/core';
import { TenantConnection } from '@cascade/tenancy';
import { CreateResourceDto } from './dto/create-resource.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { ResourceView } from './resource.view';
import { ResourcesRepository } from './resources.repository';

type Cached = ResourceView | { deleted: true };
/** The cache key of one resource (the controller's read prefetches it at the edge). */
export const resourceCacheKey = (id: string) => `resource:${id}`;

/**
 * Resources, with a read-through cache for single reads. A hit needs no database connection at
 * all. Writers mark the key inside their transaction and put the new value (or a tombstone)
 * after commit; how that stays right through Redis outages is libs/cache/README.md.
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly resources: ResourcesRepository,
    private readonly cache: TenantCache,
  ) {}

  async create(em: EntityManager, tenantId: string, dto: CreateResourceDto, createdBy: string | null): Promise<ResourceView> {
    return this.resources.insert(em, tenantId, { id: uuidv7(), name: dto.name, data: dto.data ?? {}, createdBy });
  }

  async get(db: TenantConnection, tenantId: string, id: string): Promise<ResourceView> {
    const cached = await this.cache
      .forTenant(tenantId)
      .read<Cached>(resourceCacheKey(id), async () => (await this.resources.findById(await db.manager(), tenantId, id)) ?? undefined);
    if (!cached || 'deleted' in cached) throw notFound();
    return cached;
  }

  async list(em: EntityManager, tenantId: string, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.listAfter(em, tenantId, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async search(em: EntityManager, tenantId: string, prefix: string, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.searchByNamePrefix(em, tenantId, prefix, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async update(db: TenantConnection, tenantId: string, id: string, dto: UpdateResourceDto): Promise<ResourceView> {
    const em = await db.manager();
    const updated = await this.resources.update(em, tenantId, id, dto);
    if (!updated) throw notFound();
    const write = await this.cache.forTenant(tenantId).beginWrite(em, resourceCacheKey(id));
    db.afterCommit(() => write.settle<Cached>(updated));
    return updated;
  }

  async remove(db: TenantConnection, tenantId: string, id: string): Promise<void> {
    const em = await db.manager();
    if (!(await this.resources.delete(em, tenantId, id))) throw notFound();
    const write = await this.cache.forTenant(tenantId).beginWrite(em, resourceCacheKey(id));
    db.afterCommit(() => write.settle<Cached>({ deleted: true }));
  }
}
