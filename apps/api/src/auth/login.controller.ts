import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { describeAudit } from '@cascade/audit';
import { Public } from '@cascade/auth';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { LoginService } from './login.service';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller('api/auth')
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Tenant-ID', required: false, description: 'Tenant id or slug (or use the tenant subdomain)' })
  run(@Req() req: Request, @Body() dto: LoginDto) {
    return this.login.login(req, dto);
  }

  /** A new access + refresh pair for a refresh token, which is spent by it. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Req() req: Request, @Body() dto: RefreshDto) {
    return this.sessions.refresh(req, dto.refresh_token);
  }

  /** Ends the caller's sign-in: its refresh tokens and every access token issued for it. */
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@Tx() db: TenantConnection): Promise<void> {
    const { tenant, principal } = currentTenantContext();
    describeAudit({ action: 'session.logout', resourceType: 'user', resourceId: principal.userId });
    if (!principal.userId) return; // gateway requests have no sign-in to end
    const em = await db.manager();
    if (principal.sessionId) await this.sessions.endSession(em, tenant.id, principal.userId, principal.sessionId);
    else await this.sessions.endAll(em, tenant.id, principal.userId); // an operator token: no single sign-in to name
    db.afterCommit(() => this.sessions.changed());
  }

  /** Ends every sign-in of the caller. */
  @Post('logout-all')
  @HttpCode(204)
  @ApiBearerAuth()
  async logoutAll(@Tx() db: TenantConnection): Promise<void> {
    const { tenant, principal } = currentTenantContext();
    describeAudit({ action: 'session.logout_all', resourceType: 'user', resourceId: principal.userId });
    if (!principal.userId) return;
    await this.sessions.endAll(await db.manager(), tenant.id, principal.userId);
    db.afterCommit(() => this.sessions.changed());
  }
}
