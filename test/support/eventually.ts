/**
 * Polls `check` until it stops throwing and does not return `false`, instead of sleeping a fixed
 * time and hoping: on a loaded 2-core machine a fixed sleep is either too short (flaky) or too
 * long (slow). When `timeoutMs` runs out the last failure is rethrown, so a test fails with its
 * real assertion message (or "timed out waiting for <what>" for a plain boolean check).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 10, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value;
      throw new Error(`timed out waiting for ${what}`);
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
