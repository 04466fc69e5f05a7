import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { CurrentTenant, TenantConnection, TenantRecord, Tx } from '@cascade/tenancy';
import { currentActor } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { TransferOwnershipDto } from './dto/transfer-ownership.dto';
import { publicTenantView } from '../tenants/tenant.view';
import { TenantsService } from '../tenants/tenants.service';

@ApiTags('current tenant')
@ApiBearerAuth()
@Controller('api')
export class CurrentTenantController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  /** The owner hands the tenant to another user (who becomes owner); the old owner becomes admin. */
  @Post('tenant/ownership')
  @HttpCode(200)
  @Roles('owner')
  transferOwnership(@Body() dto: TransferOwnershipDto, @Tx() db: TenantConnection) {
    const { tenantId, actor } = currentActor();
    describeAudit({ action: 'tenant.ownership_transfer', resourceType: 'user', resourceId: dto.user_id.toLowerCase() });
    return this.users.transferOwnership(db, tenantId, actor, dto.user_id.toLowerCase());
  }

  @Get('tenant')
  tenant(@CurrentTenant() tenant: TenantRecord) {
    return publicTenantView(tenant);
  }

  @Get('quota')
  quota(@Tx() db: TenantConnection) {
    return this.tenants.quotaView(db);
  }
}
