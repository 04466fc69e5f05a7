import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { WORKROOM_COLUMNS, WorkroomView } from './workroom.view';

/** Workrooms of a tenant: every statement names it (tenant_id = $1) and row-level security scopes it too. */
@Injectable()
export class WorkroomsRepository {
  private readonly reader = new TableReader<WorkroomView>('cascade.workrooms', WORKROOM_COLUMNS);

  async insert(em: EntityManager, tenantId: string, w: { id: string; name: string; createdBy: string | null }): Promise<WorkroomView> {
    const { rows } = await sql<WorkroomView>(
      em,
      `INSERT INTO cascade.workrooms (tenant_id, id, name, created_by)
       VALUES ($1, $2, $3, $4) RETURNING ${WORKROOM_COLUMNS}`,
      [tenantId, w.id, w.name, w.createdBy],
    );
    return rows[0];
  }

  findById(em: EntityManager, tenantId: string, id: string): Promise<WorkroomView | null> {
    return this.reader.byId(em, tenantId, id);
  }

  listAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<WorkroomView[]> {
    return this.reader.pageAfter(em, tenantId, afterId, limit);
  }

  async delete(em: EntityManager, tenantId: string, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.workrooms WHERE tenant_id = $1 AND id = $2`, [tenantId, id])).rowCount > 0;
  }
}
