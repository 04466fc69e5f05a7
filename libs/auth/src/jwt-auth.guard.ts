import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, tenantRequired, unauthorized } from '@cascade/core';
import { ApiKeyVerifier } from './api-keys/api-key.verifier';
import { isApiKey } from './api-keys/api-key-secret';
import { ExternalTokenVerifier } from './external/external-token.verifier';
import { Principal, setPrincipal } from './principal';
import { AccessClaims, PrincipalRegistry } from './sessions/principal-registry';
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
    private readonly registry: PrincipalRegistry,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly external: ExternalTokenVerifier,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!req.headers.authorization && this.config.trustTenantHeader) {
      if (!req.headers['x-tenant-id']) throw tenantRequired();
      setPrincipal({ userId: null, tenantId: null, role: 'admin', via: 'gateway' });
      return true;
    }
    const other = await this.otherWayIn(req);
    if (other) {
      setPrincipal(this.registry.judge(other));
      return true;
    }
    await super.canActivate(context);
    return true;
  }

  /** API keys and the identity provider's tokens (contract v2, "Other ways in"); null: our own token. */
  private otherWayIn(req: FastifyRequest): Promise<AccessClaims> | null {
    const header = req.headers.authorization;
    const token = /^bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    if (!token) return null;
    if (isApiKey(token)) return this.apiKeys.verify(token);
    if (this.external.accepts(token)) return this.external.verify(token);
    return null;
  }

  /** A valid signature proves a sign-in; the registry decides who that is now (deleted, demoted, ended). */
  override handleRequest<T = Principal>(err: unknown, claims: T | false): T {
    if (err || !claims) throw unauthorized('Missing, invalid or expired token');
    const principal = this.registry.judge(claims as unknown as AccessClaims);
    setPrincipal(principal);
    return principal as unknown as T;
  }
}
