import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditRepository } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { decodeCursor, toPage } from '@cascade/core';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { AuditEventResponse } from './dto/audit-event-response.dto';
import { AuditQueryDto } from './dto/audit-query.dto';

/** The tenant's own audit trail, newest first. Read-only: no route changes or deletes events. */
@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly events: AuditRepository) {}

  @Get()
  @Roles('owner', 'admin')
  @ApiOperationDoc({ summary: 'The tenant’s audit events, newest first (owner, admin)', page: AuditEventResponse, errors: ['forbidden'] })
  async list(@Query() q: AuditQueryDto, @Tx() db: TenantConnection) {
    const rows = await this.events.list(await db.manager(), currentTenantContext().tenant.id, {
      action: q.action,
      actorId: q.actor_id,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      before: decodeCursor(q.cursor),
      limit: q.limit + 1,
    });
    return toPage(rows, q.limit, (r) => r);
  }
}
