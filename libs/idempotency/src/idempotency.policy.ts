/** Timings of Idempotency-Key (docs/api.md, "Idempotency-Key"). */
export const IDEMPOTENCY_POLICY = {
  /** A key answers with its first response for this long; the contract says 24 h. */
  keepHours: 24,
  /** A streamed upload's key is held by a lease its request renews while the process lives. */
  leaseSeconds: 300,
  renewEveryMs: 60_000,
  /** Expired keys are already ignored on read; the sweep only gives their storage back. */
  sweepEveryMs: 10 * 60_000,
  sweepTenantsPerTransaction: 200,
  /** Deeper bodies are refused rather than walked (no creating route needs anything near it). */
  maxBodyDepth: 64,
} as const;
