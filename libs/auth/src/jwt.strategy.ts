import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig, isUuid } from '@cascade/core';
import { Role, TENANT_ROLES } from './principal';
import { AccessClaims } from './sessions/principal-registry';

interface Claims {
  sub?: unknown;
  tenant_id?: unknown;
  role?: unknown;
  exp?: unknown;
  iat?: unknown;
  jti?: unknown;
  sid?: unknown;
  sep?: unknown;
}

/**
 * HS256 only (so `alg: none` and RS/HS confusion are refused); `exp`, `iat` and `jti` are
 * mandatory (contract v2). This only proves the sign-in: what the caller may do is decided by
 * PrincipalRegistry.judge (JwtAuthGuard), from the user as stored now.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, built once: given a string, jsonwebtoken first tries to parse it as a PEM
      // public key on EVERY verification — a quarter of the CPU of a cached read, measured.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: Claims): AccessClaims | false {
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || !isUuid(claims.sub)) return false;
    if (typeof claims.jti !== 'string' || claims.jti.length < 8 || claims.jti.length > 64) return false;
    if (claims.sid !== undefined && !isUuid(claims.sid)) return false;
    if (claims.sep !== undefined && !(Number.isInteger(claims.sep) && (claims.sep as number) >= 0)) return false;
    const role = claims.role as Role;
    const base = { sub: claims.sub.toLowerCase(), iat: claims.iat, exp: claims.exp, sep: (claims.sep as number | undefined) ?? 0 };
    if (role === 'platform_admin') return claims.tenant_id === undefined ? { ...base, tenantId: null, role } : false;
    if (!(TENANT_ROLES as readonly string[]).includes(role as string) || !isUuid(claims.tenant_id)) return false;
    return { ...base, tenantId: claims.tenant_id.toLowerCase(), role, sid: (claims.sid as string | undefined)?.toLowerCase() };
  }
}
