import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { PlatformRoute } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UuidPipe } from '../http/validation';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { QuotaOverridesDto } from './dto/quota-overrides.dto';
import { QuotaResponse } from './dto/quota-response.dto';
import { TenantResponse } from './dto/tenant-response.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('platform: tenants')
@PlatformRoute()
@Controller('api/tenants')
export class TenantsController {
  constructor(
    private readonly db: TenantConnection,
    private readonly tenants: TenantsService,
  ) {}

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
  create(@Body() dto: CreateTenantDto) {
    return this.tenants.create(this.db, dto);
  }

  @Get()
  @ApiOperationDoc({ access: 'platform', summary: 'List tenants, oldest first', page: TenantResponse })
  list(@Query() q: ListQueryDto) {
    return this.tenants.list(this.db, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ access: 'platform', summary: 'Get a tenant', ok: TenantResponse, ids: { id: 'The tenant id' } })
  get(@Param('id', UuidPipe) id: string) {
    return this.tenants.get(this.db, id);
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
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateTenantDto, @Req() req: Request) {
    if (dto.status) describeAudit(req, { action: dto.status === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate' });
    return this.tenants.update(this.db, id, dto);
  }

  @Get(':id/quota')
  @ApiOperationDoc({ access: 'platform', summary: 'A tenant’s effective quota and usage', ok: QuotaResponse, ids: { id: 'The tenant id' } })
  getQuota(@Param('id', UuidPipe) id: string) {
    return this.tenants.getQuota(this.db, id);
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
  putQuota(@Param('id', UuidPipe) id: string, @Body() dto: QuotaOverridesDto, @Req() req: Request) {
    describeAudit(req, { action: 'tenant.quota_update' });
    return this.tenants.putQuota(this.db, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({
    access: 'platform',
    summary: 'Delete a tenant with every row and stored file',
    noContent: 'Deleted',
    ids: { id: 'The tenant id' },
  })
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    // Every row of the tenant goes, its audit trail included: the deletion itself is logged.
    describeAudit(req, { tenantGone: true });
    await this.tenants.remove(this.db, id);
  }
}
