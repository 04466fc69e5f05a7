import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decodeCursor, notFound, Page, toPage, uuidv7 } from '@cascade/core';
import { QuotaLedger } from '@cascade/quotas';
import { WorkroomView } from './workroom.view';
import { WorkroomsRepository } from './workrooms.repository';

@Injectable()
export class WorkroomsService {
  constructor(
    private readonly workrooms: WorkroomsRepository,
    private readonly quota: QuotaLedger,
  ) {}

  /** The slot is reserved in the same transaction as the insert (see QuotaLedger). */
  async create(em: EntityManager, tenantId: string, name: string, createdBy: string | null): Promise<WorkroomView> {
    await this.quota.reserve(em, tenantId, 'workrooms');
    return this.workrooms.insert(em, tenantId, { id: uuidv7(), name, createdBy });
  }

  async get(em: EntityManager, tenantId: string, id: string): Promise<WorkroomView> {
    const found = await this.workrooms.findById(em, tenantId, id);
    if (!found) throw notFound();
    return found;
  }

  async list(em: EntityManager, tenantId: string, limit: number, cursor?: string): Promise<Page<WorkroomView>> {
    return toPage(await this.workrooms.listAfter(em, tenantId, decodeCursor(cursor), limit + 1), limit, (w) => w);
  }

  async remove(em: EntityManager, tenantId: string, id: string): Promise<void> {
    if (!(await this.workrooms.delete(em, tenantId, id))) throw notFound();
    await this.quota.release(em, tenantId, 'workrooms');
  }
}
