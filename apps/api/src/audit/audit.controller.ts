import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { AuditRepository } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { decodeCursor, toPage } from '@cascade/core';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { AuditQueryDto } from './dto/audit-query.dto';

/** The tenant's own audit trail, newest first. Read-only: no route changes or deletes events. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly db: TenantConnection,
    private readonly events: AuditRepository,
  ) {}

  @Get()
  @Roles('owner', 'admin')
  async list(@Query() q: AuditQueryDto, @Req() req: Request) {
    const rows = await this.events.list(await this.db.manager(), tenantContextOf(req).tenant.id, {
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
