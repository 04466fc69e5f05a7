import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '@cascade/core';
import { findPrincipal, Role } from './principal';
import { IS_PUBLIC, PLATFORM_ROUTE, ROLES } from './route-metadata';

/** Platform routes take platform admins only; tenant routes never do; @Roles narrows further. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const principal = findPrincipal();
    if (!principal) throw forbidden();
    const platform = this.reflector.getAllAndOverride<boolean>(PLATFORM_ROUTE, targets) ?? false;
    if (platform !== (principal.role === 'platform_admin')) {
      throw forbidden(platform ? 'Platform administrators only' : 'Platform tokens cannot act inside a tenant');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
    return true;
  }
}
