/**
 * Polls `check` until it stops throwing (or returns a truthy value), instead of sleeping a fixed
 * time and hoping: on a loaded 2-core machine a fixed sleep is either too short (flaky) or too
 * long (slow). The last failure is rethrown when `timeoutMs` runs out, so the assertion message
 * a test gets is the real one.
 */
export async function eventually<T>(check: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 10 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value;
      throw new Error('condition still false');
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
