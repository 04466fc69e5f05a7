import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { describeAudit } from '@cascade/audit';
import { Public } from '@cascade/auth';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { LoginService } from './login.service';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { TokenPairResponse } from './dto/token-pair-response.dto';
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
  @ApiOperationDoc({
    access: 'public',
    summary: 'Sign in with email and password',
    description:
      'The tenant comes from X-Tenant-ID or the Host. A wrong email and a wrong password answer the same 401; after 5 failures for one email within 15 minutes, 429.',
    ok: TokenPairResponse,
    jsonBody: true,
    errors: ['tenant_required', 'unauthorized', 'tenant_suspended', 'tenant_not_found', 'rate_limited'],
  })
  run(@Req() req: FastifyRequest, @Body() dto: LoginDto) {
    return this.login.login(req, dto);
  }

  /** A new access + refresh pair for a refresh token, which is spent by it. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperationDoc({
    access: 'public',
    summary: 'Spend a refresh token for a new token pair',
    description: 'Refresh tokens are single-use: presenting a spent one ends that whole sign-in and answers 401.',
    ok: TokenPairResponse,
    jsonBody: true,
    errors: ['unauthorized', 'tenant_suspended'],
  })
  refresh(@Req() req: FastifyRequest, @Body() dto: RefreshDto) {
    return this.sessions.refresh(req, dto.refresh_token);
  }

  /** Ends the caller's sign-in: its refresh tokens and every access token issued for it. */
  @Post('logout')
  @HttpCode(204)
  @ApiOperationDoc({ summary: 'End the caller’s sign-in', noContent: 'Its refresh tokens and access tokens are refused from now on' })
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
  @ApiOperationDoc({ summary: 'End every sign-in of the caller', noContent: 'Every sign-in of the caller ended' })
  async logoutAll(@Tx() db: TenantConnection): Promise<void> {
    const { tenant, principal } = currentTenantContext();
    describeAudit({ action: 'session.logout_all', resourceType: 'user', resourceId: principal.userId });
    if (!principal.userId) return;
    await this.sessions.endAll(await db.manager(), tenant.id, principal.userId);
    db.afterCommit(() => this.sessions.changed());
  }
}
