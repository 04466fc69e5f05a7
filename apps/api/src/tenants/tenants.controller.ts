import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { PlatformRoute } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, Tx } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { QuotaOverridesDto } from './dto/quota-overrides.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('platform: tenants')
@ApiBearerAuth()
@PlatformRoute()
@Controller('api/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @Idempotent()
  create(@Body() dto: CreateTenantDto, @Tx() db: TenantConnection) {
    return this.tenants.create(db, dto);
  }

  @Get()
  list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.tenants.list(db, q.limit, q.cursor);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.tenants.get(db, id);
  }

  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateTenantDto, @Tx() db: TenantConnection) {
    if (dto.status) describeAudit({ action: dto.status === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate' });
    return this.tenants.update(db, id, dto);
  }

  @Get(':id/quota')
  getQuota(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.tenants.getQuota(db, id);
  }

  @Put(':id/quota')
  putQuota(@Param('id', UuidPipe) id: string, @Body() dto: QuotaOverridesDto, @Tx() db: TenantConnection) {
    describeAudit({ action: 'tenant.quota_update' });
    return this.tenants.putQuota(db, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    // Every row of the tenant goes, its audit trail included: the deletion itself is logged.
    describeAudit({ tenantGone: true });
    await this.tenants.remove(db, id);
  }
}
