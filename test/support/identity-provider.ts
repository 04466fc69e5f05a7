import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

/** A real key pair, generated now (RSA 2048 or EC P-256), with its public JWK. */
export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * A real identity provider's JWKS endpoint on 127.0.0.1 (node:http): serves whichever keys the
 * test publishes, counts the requests it receives, and can be taken down (answers 503).
 */
export class JwksServer {
  requests = 0;
  down = false;
  url = '';
  private keys: JWK[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.requests++;
    if (this.down || req.url !== '/jwks') {
      res.writeHead(this.down ? 503 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  });

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer();
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    jwks.url = `http://127.0.0.1:${(jwks.server.address() as AddressInfo).port}/jwks`;
    return jwks;
  }

  publish(...keys: SigningKey[]): void {
    this.keys = keys.map((k) => k.jwk);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const ISSUER = 'https://idp.test/realms/cascade';
export const AUDIENCE = 'cascade-api';

/** A provider token: iss/aud/iat/exp as a provider sets them, overridable per test. */
export function providerToken(
  key: SigningKey,
  claims: JWTPayload,
  opts: { iss?: string; aud?: string; expiresIn?: string | number; kid?: string; iatOffsetS?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + (opts.iatOffsetS ?? 0);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(opts.expiresIn ?? now + 300)
    .sign(key.privateKey);
}
