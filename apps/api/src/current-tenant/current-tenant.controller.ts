import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { publicTenantView } from '../tenants/tenant.view';
import { TenantsService } from '../tenants/tenants.service';

@ApiTags('current tenant')
@ApiBearerAuth()
@Controller('api')
export class CurrentTenantController {
  constructor(
    private readonly db: TenantConnection,
    private readonly tenants: TenantsService,
  ) {}

  @Get('tenant')
  tenant(@Req() req: Request) {
    return publicTenantView(tenantContextOf(req).tenant);
  }

  @Get('quota')
  quota() {
    return this.tenants.quotaView(this.db);
  }
}
