import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiBearerAuth('external')
@ApiBearerAuth('api_key')
@Controller('api/api-keys')
@Roles('owner', 'admin')
export class ApiKeysController {
  constructor(
    private readonly db: TenantConnection,
    private readonly keys: ApiKeysService,
  ) {}

  /** 201 with `secret` — shown this once, never again. */
  @Post()
  @Idempotent()
  async create(@Req() req: Request, @Body() dto: CreateApiKeyDto) {
    const { tenant, principal } = tenantContextOf(req);
    return this.keys.create(this.db, tenant.id, { id: principal.userId, role: principal.role }, dto);
  }

  @Get()
  async list(@Req() req: Request, @Query() q: ListQueryDto) {
    return this.keys.list(this.db, tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Req() req: Request, @Param('id', UuidPipe) id: string) {
    return this.keys.get(this.db, tenantContextOf(req).tenant.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.keys.remove(this.db, tenantContextOf(req).tenant.id, id);
  }
}
