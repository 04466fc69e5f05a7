import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { describeAudit } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { CurrentTenant, currentTenantContext, TenantConnection, TenantRecord, Tx } from '@cascade/tenancy';
import { currentActor } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { TransferOwnershipDto } from './dto/transfer-ownership.dto';
import { publicTenantView } from '../tenants/tenant.view';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { QuotaResponse } from '../tenants/dto/quota-response.dto';
import { CurrentTenantResponse } from '../tenants/dto/tenant-response.dto';
import { UserResponse } from '../users/dto/user-response.dto';
import { TenantsService } from '../tenants/tenants.service';

@ApiTags('current tenant')
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
  @ApiOperationDoc({
    summary: 'Hand the tenant to another user (owner only)',
    description: 'The named user becomes owner; the caller becomes admin. Answers the new owner.',
    ok: UserResponse,
    jsonBody: true,
    errors: ['forbidden', 'not_found'],
  })
  transferOwnership(@Body() dto: TransferOwnershipDto, @Tx() db: TenantConnection) {
    const { tenantId, actor } = currentActor();
    describeAudit({ action: 'tenant.ownership_transfer', resourceType: 'user', resourceId: dto.user_id.toLowerCase() });
    return this.users.transferOwnership(db, tenantId, actor, dto.user_id.toLowerCase());
  }

  @Get('tenant')
  @ApiOperationDoc({ summary: 'The caller’s tenant', ok: CurrentTenantResponse })
  tenant(@CurrentTenant() tenant: TenantRecord) {
    return publicTenantView(tenant);
  }

  @Get('quota')
  @ApiOperationDoc({ summary: 'The tenant’s effective quota and usage', ok: QuotaResponse })
  quota(@Tx() db: TenantConnection) {
    return this.tenants.quotaView(db, currentTenantContext().tenant.id);
  }
}
