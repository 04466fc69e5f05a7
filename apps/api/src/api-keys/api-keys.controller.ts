import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UuidPipe } from '../http/validation';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyCreatedResponse, ApiKeyResponse } from './dto/api-key-response.dto';
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
  @ApiOperationDoc({
    summary: 'Mint an API key (owner/admin; only the owner mints admin keys); the secret is in this answer only',
    created: ApiKeyCreatedResponse,
    jsonBody: true,
    idempotent: true,
  })
  async create(@Req() req: Request, @Body() dto: CreateApiKeyDto) {
    const { tenant, principal } = tenantContextOf(req);
    return this.keys.create(this.db, tenant.id, { id: principal.userId, role: principal.role }, dto);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List API keys (no secrets)', page: ApiKeyResponse })
  async list(@Req() req: Request, @Query() q: ListQueryDto) {
    return this.keys.list(this.db, tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get an API key (no secret)', ok: ApiKeyResponse, ids: { id: 'The API key id' } })
  async get(@Req() req: Request, @Param('id', UuidPipe) id: string) {
    return this.keys.get(this.db, tenantContextOf(req).tenant.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({
    summary: 'Delete an API key: refused from the next request on, on every replica',
    noContent: 'Deleted',
    ids: { id: 'The API key id' },
  })
  async remove(@Req() req: Request, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.keys.remove(this.db, tenantContextOf(req).tenant.id, id);
  }
}
