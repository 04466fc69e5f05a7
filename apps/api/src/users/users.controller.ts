import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { Roles, TenantRole } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
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
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Idempotent()
  @Roles('owner', 'admin')
  async create(@Body() dto: CreateUserDto, @Tx() db: TenantConnection) {
    return this.users.create(await db.manager(), dto, currentActor().actor);
  }

  @Get()
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.users.list(await db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.users.get(await db.manager(), id);
  }

  /** Anyone may change their own email/password; the rest follows UserChangePolicy. */
  @Patch(':id')
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto, @Tx() db: TenantConnection) {
    const { tenantId, actor } = currentActor();
    return this.users.update(db, tenantId, actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'admin')
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    const { tenantId, actor } = currentActor();
    await this.users.remove(db, tenantId, actor, id);
  }

  /** Ends every sign-in of the user: their refresh tokens die and their access tokens are refused. */
  @Delete(':id/sessions')
  @HttpCode(204)
  async endSessions(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    const { tenantId, actor } = currentActor();
    describeAudit({ action: 'session.end_all', resourceType: 'user', resourceId: id });
    await this.users.endSessions(db, tenantId, actor, id);
  }
}
