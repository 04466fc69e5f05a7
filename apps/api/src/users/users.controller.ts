import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { Roles, TenantRole } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UuidPipe } from '../http/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user-response.dto';
import { Actor } from './user-change.policy';
import { UsersService } from './users.service';

/** The caller as the policy sees them: the user as stored now (the registry judged the token). */
export function actorOf(req: Request): { tenantId: string; actor: Actor } {
  const { tenant, principal } = tenantContextOf(req);
  return { tenantId: tenant.id, actor: { id: principal.userId, role: principal.role as TenantRole } };
}

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly db: TenantConnection,
    private readonly users: UsersService,
  ) {}

  @Post()
  @Idempotent()
  @Roles('owner', 'admin')
  @ApiOperationDoc({
    summary: 'Create a user (owner, admin)',
    description: 'An admin creates members only; the owner creates admins and members.',
    created: UserResponse,
    jsonBody: true,
    idempotent: true,
    errors: ['forbidden', 'email_taken', 'quota_exceeded'],
  })
  async create(@Req() req: Request, @Body() dto: CreateUserDto) {
    return this.users.create(await this.db.manager(), dto, actorOf(req).actor);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List the tenant’s users, oldest first', page: UserResponse })
  async list(@Query() q: ListQueryDto) {
    return this.users.list(await this.db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a user', ok: UserResponse, ids: { id: 'The user id' } })
  async get(@Param('id', UuidPipe) id: string) {
    return this.users.get(await this.db.manager(), id);
  }

  /** Anyone may change their own email/password; the rest follows UserChangePolicy. */
  @Patch(':id')
  @ApiOperationDoc({
    summary: 'Change a user’s email, password or role',
    description:
      'Anyone may change their own email or password; an admin manages members, the owner manages admins and members; nobody changes their own role. A password or email change ends every sign-in of that user.',
    ok: UserResponse,
    ids: { id: 'The user id' },
    jsonBody: true,
    errors: ['forbidden', 'email_taken'],
  })
  async update(@Req() req: Request, @Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto) {
    const { tenantId, actor } = actorOf(req);
    return this.users.update(this.db, tenantId, actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'admin')
  @ApiOperationDoc({
    summary: 'Delete a user (owner, admin)',
    noContent: 'Deleted; every sign-in of the user ended',
    ids: { id: 'The user id' },
    errors: ['forbidden'],
  })
  async remove(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    const { tenantId, actor } = actorOf(req);
    await this.users.remove(this.db, tenantId, actor, id);
  }

  /** Ends every sign-in of the user: their refresh tokens die and their access tokens are refused. */
  @Delete(':id/sessions')
  @HttpCode(204)
  @ApiOperationDoc({
    summary: 'End every sign-in of a user (owner, admin)',
    description: 'Their refresh tokens die and access tokens issued before are refused from the next request on.',
    noContent: 'Every sign-in of the user ended',
    ids: { id: 'The user id' },
    errors: ['forbidden'],
  })
  async endSessions(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    const { tenantId, actor } = actorOf(req);
    describeAudit(req, { action: 'session.end_all', resourceType: 'user', resourceId: id });
    await this.users.endSessions(this.db, tenantId, actor, id);
  }
}
