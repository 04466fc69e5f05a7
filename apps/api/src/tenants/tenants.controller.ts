import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { PlatformRoute } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, Tx } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { QuotaResponse } from './dto/quota-response.dto';
import { TenantResponse } from './dto/tenant-response.dto';
import { UuidPipe } from '../http/validation';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { QuotaOverridesDto } from './dto/quota-overrides.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('platform: tenants')
@PlatformRoute()
@Controller('api/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @Idempotent()
  @ApiOperationDoc({
    access: 'platform',
    summary: 'Create a tenant (and its owner when given)',
    created: TenantResponse,
    jsonBody: true,
    idempotent: true,
    errors: ['slug_taken'],
  })
  create(@Body() dto: CreateTenantDto, @Tx() db: TenantConnection) {
    return this.tenants.create(db, dto);
  }

  @Get()
  @ApiOperationDoc({ access: 'platform', summary: 'List tenants, oldest first', page: TenantResponse })
  list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.tenants.list(db, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ access: 'platform', summary: 'Get a tenant', ok: TenantResponse, ids: { id: 'The tenant id' } })
  get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.tenants.get(db, id);
  }

  @Patch(':id')
  @ApiOperationDoc({
    access: 'platform',
    summary: 'Rename, change plan, suspend or reactivate a tenant, or set its custom domain',
    ok: TenantResponse,
    ids: { id: 'The tenant id' },
    jsonBody: true,
    errors: ['conflict', 'feature_not_enabled'],
  })
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateTenantDto, @Tx() db: TenantConnection) {
    if (dto.status) describeAudit({ action: dto.status === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate' });
    return this.tenants.update(db, id, dto);
  }

  @Get(':id/quota')
  @ApiOperationDoc({ access: 'platform', summary: 'A tenant’s effective quota and usage', ok: QuotaResponse, ids: { id: 'The tenant id' } })
  getQuota(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.tenants.getQuota(db, id);
  }

  @Put(':id/quota')
  @ApiOperationDoc({
    access: 'platform',
    summary: 'Override quota fields of a tenant',
    description: 'Fields not sent keep their value; the answer is the effective quota.',
    ok: QuotaResponse,
    ids: { id: 'The tenant id' },
    jsonBody: true,
  })
  putQuota(@Param('id', UuidPipe) id: string, @Body() dto: QuotaOverridesDto, @Tx() db: TenantConnection) {
    describeAudit({ action: 'tenant.quota_update' });
    return this.tenants.putQuota(db, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({
    access: 'platform',
    summary: 'Delete a tenant with every row and stored file',
    noContent: 'Deleted',
    ids: { id: 'The tenant id' },
  })
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    // Every row of the tenant goes, its audit trail included: the deletion itself is logged.
    describeAudit({ tenantGone: true });
    await this.tenants.remove(db, id);
  }
}
