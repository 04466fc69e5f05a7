import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { uuidv7 } from '@cascade/core';
import { Role } from './principal';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface TokenSubject {
  sub: string;
  tenantId: string | null;
  role: Role;
  /** The sign-in this access token belongs to (login/refresh). */
  sessionId?: string;
  /** The user's session epoch now: raising it ends every token issued under a lower one. */
  epoch?: number;
}

/** Issues HS256 access tokens: sub, tenant_id, role (a hint), sid, sep, jti, iat, exp. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(subject: TokenSubject, expiresInSeconds?: number): IssuedToken {
    const payload: Record<string, unknown> = { sub: subject.sub, role: subject.role, jti: uuidv7() };
    if (subject.tenantId) payload.tenant_id = subject.tenantId;
    if (subject.sessionId) payload.sid = subject.sessionId;
    if (subject.epoch !== undefined) payload.sep = subject.epoch;
    const opts = expiresInSeconds ? { expiresIn: expiresInSeconds } : {};
    const access_token = this.jwt.sign(payload, opts);
    const decoded = this.jwt.decode<{ exp: number; iat: number }>(access_token);
    return { access_token, token_type: 'Bearer', expires_in: decoded.exp - decoded.iat };
  }
}
