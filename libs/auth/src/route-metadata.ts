import { SetMetadata } from '@nestjs/common';
import { Role } from './principal';

export const IS_PUBLIC = 'cascade:public';
export const ROLES = 'cascade:roles';
export const PLATFORM_ROUTE = 'cascade:platform';

/** Open route: no token, no tenant (health, metrics, login, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Tenant route restricted to these roles (default: any member of the tenant). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** Platform administration: platform_admin tokens only, no tenant of its own. */
export const PlatformRoute = () => SetMetadata(PLATFORM_ROUTE, true);
