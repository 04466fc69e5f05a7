import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { findPrincipal, IS_PUBLIC, PLATFORM_ROUTE } from '@cascade/auth';
import { tenantMismatch, tenantRequired, tenantSuspended, unauthorized } from '@cascade/core';
import { setTenantContext } from './tenant-context';
import { TenantDirectory } from './tenant-directory.service';
import { TenantHints } from './tenant-hints.service';

/**
 * Fixes the tenant of a tenant route: the token's tenant_id is the authority; hints that
 * name another tenant are refused; a suspended tenant is refused. Gateway-mode requests take
 * the tenant from X-Tenant-ID, which a trusted gateway has vouched for.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly hints: TenantHints,
    private readonly directory: TenantDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = findPrincipal();
    if (!principal) throw unauthorized();
    if (principal.role === 'platform_admin') return true; // the roles guard refuses it
    const hinted = await this.hints.resolve(req);
    let tenant;
    if (principal.via === 'gateway') {
      if (!hinted) throw tenantRequired();
      tenant = hinted;
      setTenantContext({ tenant, principal: { ...principal, tenantId: tenant.id } });
    } else {
      tenant = await this.directory.findById(principal.tenantId as string);
      // a token for a tenant that no longer exists proves nothing any more (contract v2: 401)
      if (!tenant) throw unauthorized('Missing, invalid or expired token');
      if (hinted && hinted.id !== tenant.id) throw tenantMismatch();
      setTenantContext({ tenant, principal });
    }
    if (tenant.status === 'suspended') throw tenantSuspended();
    return true;
  }
}
