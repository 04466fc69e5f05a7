import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { CurrentTenant, TenantConnection, TenantRecord, Tx } from '@cascade/tenancy';
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
  constructor(private readonly keys: ApiKeysService) {}

  /** 201 with `secret` — shown this once, never again. */
  @Post()
  @Idempotent()
  @ApiOperationDoc({
    summary: 'Mint an API key (owner/admin; only the owner mints admin keys); the secret is in this answer only',
    created: ApiKeyCreatedResponse,
    jsonBody: true,
    idempotent: true,
  })
  async create(
    @Body() dto: CreateApiKeyDto,
    @CurrentTenant() tenant: TenantRecord,
    @CurrentPrincipal() principal: Principal,
    @Tx() db: TenantConnection,
  ) {
    return this.keys.create(db, tenant.id, { id: principal.userId, role: principal.role }, dto);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List API keys (no secrets)', page: ApiKeyResponse })
  async list(@Query() q: ListQueryDto, @CurrentTenant() tenant: TenantRecord, @Tx() db: TenantConnection) {
    return this.keys.list(db, tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get an API key (no secret)', ok: ApiKeyResponse, ids: { id: 'The API key id' } })
  async get(@Param('id', UuidPipe) id: string, @CurrentTenant() tenant: TenantRecord, @Tx() db: TenantConnection) {
    return this.keys.get(db, tenant.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({
    summary: 'Delete an API key: refused from the next request on, on every replica',
    noContent: 'Deleted',
    ids: { id: 'The API key id' },
  })
  async remove(@Param('id', UuidPipe) id: string, @CurrentTenant() tenant: TenantRecord, @Tx() db: TenantConnection): Promise<void> {
    await this.keys.remove(db, tenant.id, id);
  }
}
