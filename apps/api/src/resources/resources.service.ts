import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decodeCursor, notFound, Page, toPage, uuidv7 } from '@cascade/core';
import { CreateResourceDto } from './dto/create-resource.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { ResourceView } from './resource.view';
import { ResourcesRepository } from './resources.repository';

@Injectable()
export class ResourcesService {
  constructor(private readonly resources: ResourcesRepository) {}

  create(em: EntityManager, dto: CreateResourceDto, createdBy: string | null): Promise<ResourceView> {
    return this.resources.insert(em, { id: uuidv7(), name: dto.name, data: dto.data ?? {}, createdBy });
  }

  async get(em: EntityManager, id: string): Promise<ResourceView> {
    const found = await this.resources.findById(em, id);
    if (!found) throw notFound();
    return found;
  }

  async list(em: EntityManager, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.listAfter(em, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async search(em: EntityManager, prefix: string, limit: number, cursor?: string): Promise<Page<ResourceView>> {
    return toPage(await this.resources.searchByNamePrefix(em, prefix, decodeCursor(cursor), limit + 1), limit, (r) => r);
  }

  async update(em: EntityManager, id: string, dto: UpdateResourceDto): Promise<ResourceView> {
    const updated = await this.resources.update(em, id, dto);
    if (!updated) throw notFound();
    return updated;
  }

  async remove(em: EntityManager, id: string): Promise<void> {
    if (!(await this.resources.delete(em, id))) throw notFound();
  }
}
