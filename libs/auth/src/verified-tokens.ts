import { AccessClaims } from './sessions/principal-registry';

/**
 * Our own access tokens whose signature and claims were already verified, until their `exp`: a
 * client sends the same token on every request for its lifetime, and verifying it again
 * (passport + jsonwebtoken) was 9 % of the CPU of a request (docs/benchmarks.md, profile). Only
 * the PROOF of sign-in is remembered: who the caller is and may be is still decided per request
 * by PrincipalRegistry.judge(). Keyed by the whole token string, so a token differing in one
 * byte is verified from scratch.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

  constructor(private readonly maxEntries = 20_000) {}

  find(token: string, nowMs = Date.now()): AccessClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs > nowMs) return entry.claims;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, claims: AccessClaims, expSeconds: number): void {
    if (this.entries.size >= this.maxEntries) {
      // the oldest insertion goes: a Map iterates in insertion order
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { claims, expiresAtMs: expSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}
