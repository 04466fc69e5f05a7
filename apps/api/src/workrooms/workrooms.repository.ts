import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { WORKROOM_COLUMNS, WorkroomView } from './workroom.view';

/** Workrooms of the current tenant; row-level security scopes every statement. */
@Injectable()
export class WorkroomsRepository {
  private readonly reader = new TableReader<WorkroomView>('cascade.workrooms', WORKROOM_COLUMNS);

  async insert(em: EntityManager, w: { id: string; name: string; createdBy: string | null }): Promise<WorkroomView> {
    const { rows } = await sql<WorkroomView>(
      em,
      `INSERT INTO cascade.workrooms (tenant_id, id, name, created_by)
       VALUES (current_setting('app.current_tenant')::uuid, $1, $2, $3) RETURNING ${WORKROOM_COLUMNS}`,
      [w.id, w.name, w.createdBy],
    );
    return rows[0];
  }

  findById(em: EntityManager, id: string): Promise<WorkroomView | null> {
    return this.reader.byId(em, id);
  }

  listAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<WorkroomView[]> {
    return this.reader.pageAfter(em, afterId, limit);
  }

  async delete(em: EntityManager, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.workrooms WHERE id = $1`, [id])).rowCount > 0;
  }
}
