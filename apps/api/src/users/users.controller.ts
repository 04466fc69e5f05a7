import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { Roles, TenantRole } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UserResponse } from './dto/user-response.dto';
import { UuidPipe } from '../http/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { Actor } from './user-change.policy';
import { UsersService } from './users.service';

/** The caller as the policy sees them: the user as stored now (the registry judged the token). */
export function currentActor(): { tenantId: string; actor: Actor } {
  const { tenant, principal } = currentTenantContext();
  return { tenantId: tenant.id, actor: { id: principal.userId, role: principal.role as TenantRole } };
}

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

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
  async create(@Body() dto: CreateUserDto, @Tx() db: TenantConnection) {
    return this.users.create(await db.manager(), currentTenantContext().tenant.id, dto, currentActor().actor);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List the tenant’s users, oldest first', page: UserResponse })
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.users.list(await db.manager(), currentTenantContext().tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a user', ok: UserResponse, ids: { id: 'The user id' } })
  async get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.users.get(await db.manager(), currentTenantContext().tenant.id, id);
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
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto, @Tx() db: TenantConnection) {
    const { tenantId, actor } = currentActor();
    return this.users.update(db, tenantId, actor, id, dto);
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
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    const { tenantId, actor } = currentActor();
    await this.users.remove(db, tenantId, actor, id);
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
  async endSessions(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    const { tenantId, actor } = currentActor();
    describeAudit({ action: 'session.end_all', resourceType: 'user', resourceId: id });
    await this.users.endSessions(db, tenantId, actor, id);
  }
}
