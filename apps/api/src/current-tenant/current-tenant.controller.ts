import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { QuotaResponse } from '../tenants/dto/quota-response.dto';
import { CurrentTenantResponse } from '../tenants/dto/tenant-response.dto';
import { UserResponse } from '../users/dto/user-response.dto';
import { actorOf } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { TransferOwnershipDto } from './dto/transfer-ownership.dto';
import { publicTenantView } from '../tenants/tenant.view';
import { TenantsService } from '../tenants/tenants.service';

@ApiTags('current tenant')
@Controller('api')
export class CurrentTenantController {
  constructor(
    private readonly db: TenantConnection,
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
  transferOwnership(@Req() req: Request, @Body() dto: TransferOwnershipDto) {
    const { tenantId, actor } = actorOf(req);
    describeAudit(req, { action: 'tenant.ownership_transfer', resourceType: 'user', resourceId: dto.user_id.toLowerCase() });
    return this.users.transferOwnership(this.db, tenantId, actor, dto.user_id.toLowerCase());
  }

  @Get('tenant')
  @ApiOperationDoc({ summary: 'The caller’s tenant', ok: CurrentTenantResponse })
  tenant(@Req() req: Request) {
    return publicTenantView(tenantContextOf(req).tenant);
  }

  @Get('quota')
  @ApiOperationDoc({ summary: 'The tenant’s effective quota and usage', ok: QuotaResponse })
  quota() {
    return this.tenants.quotaView(this.db);
  }
}
