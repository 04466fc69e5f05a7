import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, JWTPayload, jwtVerify } from 'jose';
import { APP_CONFIG, AppConfig, DomainError, ExpiringMap, ExternalAuthConfig, unauthorized } from '@cascade/core';
import { AccessClaims } from '../sessions/principal-registry';
import { EXTERNAL_USER_DIRECTORY, ExternalIdentity, ExternalUser, ExternalUserDirectory } from './external-user-directory';
import { JwksCache } from './jwks-cache';

const CLOCK_SKEW_S = 30;
/** How long a resolved user is reused; shorter than the principal registry's memory, so a change
 * the registry has forgotten is read again from the users table. */
const USER_TTL_MS = 60_000;
const MAX_CACHED_USERS = 10_000;
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

/**
 * Tokens of the external identity provider (AUTH_JWKS_URL): verified with jose against the
 * provider's keys (by kid; an alg that does not fit the key's type finds no key), then mapped
 * onto the CASCADE user of that iss+sub, created on first sight. The claims it answers are
 * judged by PrincipalRegistry like our own tokens', so deletion, demotion and ended sessions
 * apply to provider users too.
 */
@Injectable()
export class ExternalTokenVerifier {
  private readonly settings?: ExternalAuthConfig;
  private readonly jwks?: JwksCache;
  private readonly users = new ExpiringMap<Promise<ExternalUser | null>>(MAX_CACHED_USERS);

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EXTERNAL_USER_DIRECTORY) private readonly directory: ExternalUserDirectory,
  ) {
    this.settings = config.externalAuth;
    if (this.settings) this.jwks = new JwksCache(this.settings.jwksUrl);
  }

  /** Whether this bearer token is for the provider: it is configured and the token's alg is one of its. */
  accepts(token: string): boolean {
    if (!this.settings) return false;
    try {
      const { alg } = decodeProtectedHeader(token);
      return typeof alg === 'string' && (this.settings.algorithms as string[]).includes(alg);
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<AccessClaims> {
    const settings = this.settings as ExternalAuthConfig;
    const jwks = this.jwks as JwksCache;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, t) => jwks.key(header, t), {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: settings.algorithms,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['sub', 'iat', 'exp'],
      }));
    } catch (err) {
      if (err instanceof DomainError) throw err; // keys unreadable: 503, not "your token is bad"
      throw invalid();
    }
    const identity = this.identityOf(payload, settings);
    const user = await this.userOf(identity);
    // ended sign-ins are PrincipalRegistry's to judge: by iat against when the epoch was raised
    if (!user) throw invalid();
    return { sub: user.userId, tenantId: user.tenantId, role: user.role, iat: payload.iat as number, sep: 0, via: 'external' };
  }

  private identityOf(payload: JWTPayload, settings: ExternalAuthConfig): ExternalIdentity {
    const tenant = payload[settings.tenantClaim];
    const sub = payload.sub as string;
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 100 || sub.length === 0 || sub.length > 255) throw invalid();
    const claimed = payload[settings.roleClaim];
    const roles = (Array.isArray(claimed) ? claimed : [claimed]).filter((r): r is string => typeof r === 'string');
    const mapped = roles.map((r) => (Object.hasOwn(settings.roleMap, r) ? settings.roleMap[r] : undefined));
    const email = typeof payload.email === 'string' && EMAIL_RE.test(payload.email) ? payload.email.toLowerCase() : undefined;
    return {
      issuer: settings.issuer,
      subject: sub,
      tenant: tenant.toLowerCase(),
      role: mapped.includes('admin') ? 'admin' : 'member',
      email,
    };
  }

  /** One lookup per identity per USER_TTL_MS on this replica; concurrent first requests share it. */
  private userOf(identity: ExternalIdentity): Promise<ExternalUser | null> {
    const key = `${identity.tenant}\n${identity.subject}`;
    const cached = this.users.get(key);
    if (cached) return cached;
    const user = this.directory.resolve(identity);
    this.users.set(key, user, Date.now() + USER_TTL_MS);
    void user.catch(() => this.users.delete(key)); // a failed lookup (quota, database) is not remembered
    return user;
  }
}

const invalid = () => unauthorized('Missing, invalid or expired token');
