/**
 * The Citus coordinator of CITUS_URL: a superuser URL of a database on a Citus 13 coordinator
 * (PostgreSQL 15) with at least one worker, given to this suite alone — it migrates that database,
 * gives the request roles LOGIN and distributes the tables, which cannot be undone by a test.
 * Citus is not installable on the development machines, so without CITUS_URL these tests are
 * declared skipped (counted as skipped, never as passed) and say why.
 */
export function citusUrl(): string | undefined {
  return process.env.CITUS_URL?.trim() || undefined;
}

/** `describe` when CITUS_URL is set, else `describe.skip` with the reason printed. */
export function describeWithCitus(name: string, body: () => void): void {
  if (citusUrl()) {
    describe(name, body);
    return;
  }
  process.stdout.write(
    `[skipped] ${name}: CITUS_URL is not set (a superuser URL of a database on a Citus coordinator; Citus is not installable here)\n`,
  );
  describe.skip(name, body);
}
