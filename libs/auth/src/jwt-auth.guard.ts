import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Request } from 'express';
import { APP_CONFIG, AppConfig, tenantRequired, unauthorized } from '@cascade/core';
import { Principal, setPrincipal } from './principal';
import { IS_PUBLIC } from './route-metadata';

/**
 * Deny by default: every route needs a valid token unless marked @Public(). In gateway mode
 * (TRUST_TENANT_HEADER=true) a request without a token is served for the X-Tenant-ID tenant
 * with tenant-admin rights, because an authenticating gateway in front vouches for it.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.headers.authorization && this.config.trustTenantHeader) {
      if (!req.headers['x-tenant-id']) throw tenantRequired();
      setPrincipal(req, { userId: null, tenantId: null, role: 'admin', via: 'gateway' });
      return true;
    }
    await super.canActivate(context);
    return true;
  }

  override handleRequest<T = Principal>(err: unknown, principal: T | false, _info: unknown, context: ExecutionContext): T {
    if (err || !principal) throw unauthorized('Missing, invalid or expired token');
    setPrincipal(context.switchToHttp().getRequest<Request>(), principal as unknown as Principal);
    return principal;
  }
}
