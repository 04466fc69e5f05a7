import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { PlatformRoute } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection } from '@cascade/tenancy';
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
  constructor(
    private readonly db: TenantConnection,
    private readonly tenants: TenantsService,
  ) {}

  @Post()
  @Idempotent()
  create(@Body() dto: CreateTenantDto) {
    return this.tenants.create(this.db, dto);
  }

  @Get()
  list(@Query() q: ListQueryDto) {
    return this.tenants.list(this.db, q.limit, q.cursor);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string) {
    return this.tenants.get(this.db, id);
  }

  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateTenantDto, @Req() req: Request) {
    if (dto.status) describeAudit(req, { action: dto.status === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate' });
    return this.tenants.update(this.db, id, dto);
  }

  @Get(':id/quota')
  getQuota(@Param('id', UuidPipe) id: string) {
    return this.tenants.getQuota(this.db, id);
  }

  @Put(':id/quota')
  putQuota(@Param('id', UuidPipe) id: string, @Body() dto: QuotaOverridesDto, @Req() req: Request) {
    describeAudit(req, { action: 'tenant.quota_update' });
    return this.tenants.putQuota(this.db, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    // Every row of the tenant goes, its audit trail included: the deletion itself is logged.
    describeAudit(req, { tenantGone: true });
    await this.tenants.remove(this.db, id);
  }
}
