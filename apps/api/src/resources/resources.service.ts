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
const key = (id: string) => `resource:${id}`;

/**
 * Resources, with a read-through cache for single reads. A hit needs no database connection at
 * all. Writers put the new value (or a tombstone) AFTER commit; readers only ever `add` (set if
 * absent), so a reader holding an older row can never overwrite a writer's newer one.
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly resources: ResourcesRepository,
    private readonly cache: TenantCache,
  ) {}

  async create(em: EntityManager, dto: CreateResourceDto, createdBy: string | null): Promise<ResourceView> {
    return this.resources.insert(em, { id: uuidv7(), name: dto.name, data: dto.data ?? {}, createdBy });
  }

  async get(db: TenantConnection, tenantId: string, id: string): Promise<ResourceView> {
    const cache = this.cache.forTenant(tenantId);
    const cached = await cache.get<Cached>(key(id));
    if (cached) {
      if ('deleted' in cached) throw notFound();
      return cached;
    }
    const found = await this.resources.findById(await db.manager(), id);
    if (!found) throw notFound();
    await cache.add(key(id), found);
    return found;
  }

  async list(em: EntityManager, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.listAfter(em, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async search(em: EntityManager, prefix: string, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.searchByNamePrefix(em, prefix, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async update(db: TenantConnection, tenantId: string, id: string, dto: UpdateResourceDto): Promise<ResourceView> {
    const updated = await this.resources.update(await db.manager(), id, dto);
    if (!updated) throw notFound();
    const cache = this.cache.forTenant(tenantId);
    await cache.del(key(id));
    db.afterCommit(() => cache.set(key(id), updated));
    return updated;
  }

  async remove(db: TenantConnection, tenantId: string, id: string): Promise<void> {
    if (!(await this.resources.delete(await db.manager(), id))) throw notFound();
    const cache = this.cache.forTenant(tenantId);
    db.afterCommit(() => cache.set<Cached>(key(id), { deleted: true }));
  }
}
