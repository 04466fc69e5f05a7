/**
 * Timings of the upload protocol (see docs/storage.md). A pending or deleting row holds a lease
 * that its request renews while the process lives; the sweeper only takes over rows whose lease
 * ran out, i.e. whose process died. The lease is far longer than the renewal period so a slow
 * database round trip never costs a live upload its row.
 */
export const FILES_POLICY = {
  leaseSeconds: 300,
  renewEveryMs: 60_000,
  /** Bytes an upload may stage past what it has reserved before it reserves again. */
  reserveEveryBytes: 8 * 1024 * 1024,
  sweepEveryMs: 60_000,
  /** Staged files untouched this long belong to nobody (their row is long gone or swept). */
  staleStagingMs: 2 * 300_000,
  sweepTenantsPerTransaction: 200,
} as const;
