import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { Roles } from '@cascade/auth';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { actorOf } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { TransferOwnershipDto } from './dto/transfer-ownership.dto';
import { publicTenantView } from '../tenants/tenant.view';
import { TenantsService } from '../tenants/tenants.service';

@ApiTags('current tenant')
@ApiBearerAuth()
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
  transferOwnership(@Req() req: Request, @Body() dto: TransferOwnershipDto) {
    const { tenantId, actor } = actorOf(req);
    describeAudit(req, { action: 'tenant.ownership_transfer', resourceType: 'user', resourceId: dto.user_id.toLowerCase() });
    return this.users.transferOwnership(this.db, tenantId, actor, dto.user_id.toLowerCase());
  }

  @Get('tenant')
  tenant(@Req() req: Request) {
    return publicTenantView(tenantContextOf(req).tenant);
  }

  @Get('quota')
  quota(@Req() req: Request) {
    return this.tenants.quotaView(this.db, tenantContextOf(req).tenant.id);
  }
}
