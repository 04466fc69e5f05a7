import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt } from 'passport-jwt';
import { APP_CONFIG, AppConfig, ExpiringMap, tenantRequired, unauthorized } from '@cascade/core';
import { ApiKeyVerifier } from './api-keys/api-key.verifier';
import { isApiKey } from './api-keys/api-key-secret';
import { ExternalTokenVerifier } from './external/external-token.verifier';
import { Principal, setPrincipal } from './principal';
import { AccessClaims, PrincipalRegistry } from './sessions/principal-registry';
import { IS_PUBLIC } from './route-metadata';

const passportToken = ExtractJwt.fromAuthHeaderAsBearerToken();

function bearerToken(req: FastifyRequest): string | undefined {
  return /^bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * Deny by default: every route needs a valid token unless marked @Public(). In gateway mode
 * (TRUST_TENANT_HEADER=true) a request without a token is served for the X-Tenant-ID tenant
 * with tenant-admin rights, because an authenticating gateway in front vouches for it.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  /**
   * Our own tokens whose signature and claims passport already verified, until their `exp`: a
   * client sends one token for its whole lifetime, and verifying it again was 9 % of a request's
   * CPU (docs/benchmarks.md). Only the proof of sign-in is remembered, keyed by the whole token
   * string; the rights are still judged on every request by PrincipalRegistry.judge().
   */
  private readonly verified = new ExpiringMap<AccessClaims>(20_000);

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
    const token = bearerToken(req);
    const other = token === undefined ? null : await this.otherWayIn(token);
    if (other) {
      setPrincipal(this.registry.judge(other));
      return true;
    }
    const known = token === undefined ? undefined : this.verified.get(token);
    if (known) {
      setPrincipal(this.registry.judge(known));
      return true;
    }
    await super.canActivate(context);
    return true;
  }

  /** API keys and the identity provider's tokens (contract v2, "Other ways in"); null: our own token. */
  private otherWayIn(token: string): Promise<AccessClaims> | null {
    if (isApiKey(token)) return this.apiKeys.verify(token);
    if (this.external.accepts(token)) return this.external.verify(token);
    return null;
  }

  /** A valid signature proves a sign-in; the registry decides who that is now (deleted, demoted, ended). */
  override handleRequest<T = Principal>(err: unknown, claims: T | false, _info: unknown, context: ExecutionContext): T {
    if (err || !claims) throw unauthorized('Missing, invalid or expired token');
    const access = claims as unknown as AccessClaims;
    // Remember the proof only for the exact string passport verified.
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(req);
    if (token !== undefined && access.exp !== undefined && token === passportToken(req)) this.verified.set(token, access, access.exp * 1000);
    const principal = this.registry.judge(access);
    setPrincipal(principal);
    return principal as unknown as T;
  }
}
