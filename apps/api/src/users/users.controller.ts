import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { Roles, TenantRole } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { Actor } from './user-change.policy';
import { UsersService } from './users.service';

/** The caller as the policy sees them: the user as stored now (the registry judged the token). */
export function actorOf(req: Request): { tenantId: string; actor: Actor } {
  const { tenant, principal } = tenantContextOf(req);
  return { tenantId: tenant.id, actor: { id: principal.userId, role: principal.role as TenantRole } };
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly db: TenantConnection,
    private readonly users: UsersService,
  ) {}

  @Post()
  @Idempotent()
  @Roles('owner', 'admin')
  async create(@Req() req: Request, @Body() dto: CreateUserDto) {
    const { tenantId, actor } = actorOf(req);
    return this.users.create(await this.db.manager(), tenantId, dto, actor);
  }

  @Get()
  async list(@Req() req: Request, @Query() q: ListQueryDto) {
    return this.users.list(await this.db.manager(), tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Req() req: Request, @Param('id', UuidPipe) id: string) {
    return this.users.get(await this.db.manager(), tenantContextOf(req).tenant.id, id);
  }

  /** Anyone may change their own email/password; the rest follows UserChangePolicy. */
  @Patch(':id')
  async update(@Req() req: Request, @Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto) {
    const { tenantId, actor } = actorOf(req);
    return this.users.update(this.db, tenantId, actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'admin')
  async remove(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    const { tenantId, actor } = actorOf(req);
    await this.users.remove(this.db, tenantId, actor, id);
  }

  /** Ends every sign-in of the user: their refresh tokens die and their access tokens are refused. */
  @Delete(':id/sessions')
  @HttpCode(204)
  async endSessions(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    const { tenantId, actor } = actorOf(req);
    describeAudit(req, { action: 'session.end_all', resourceType: 'user', resourceId: id });
    await this.users.endSessions(this.db, tenantId, actor, id);
  }
}
