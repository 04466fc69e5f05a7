import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Role } from './principal';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Issues HS256 tokens whose claims follow the contract: sub, tenant_id, role, exp. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(claims: { sub: string; tenantId: string | null; role: Role }, expiresInSeconds?: number): IssuedToken {
    const payload: Record<string, unknown> = { sub: claims.sub, role: claims.role };
    if (claims.tenantId) payload.tenant_id = claims.tenantId;
    const opts = expiresInSeconds ? { expiresIn: expiresInSeconds } : {};
    const access_token = this.jwt.sign(payload, opts);
    const decoded = this.jwt.decode<{ exp: number; iat: number }>(access_token);
    return { access_token, token_type: 'Bearer', expires_in: decoded.exp - decoded.iat };
  }
}
