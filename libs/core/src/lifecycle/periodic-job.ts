/**
 * A background job run every `everyMs` and on demand, never twice at once: a call while a run is
 * in progress shares that run. `stop()` ends the timer and waits for the run in progress, so a
 * shutting-down process (or a test driving the job by hand) leaves nothing behind. The sweepers
 * of uploads and idempotency keys both run this way.
 */
export class PeriodicJob<T, A = void> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(
    private readonly work: (arg: A) => Promise<T>,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Runs every `everyMs` with the argument `argFor()` gives at that moment; the timer never holds the process open. */
  start(everyMs: number, argFor: () => A): void {
    this.timer = setInterval(() => this.run(argFor()).catch(this.onError), everyMs);
    this.timer.unref();
  }

  /** Concurrent calls share one run. */
  run(arg: A): Promise<T> {
    this.running ??= this.work(arg).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined); // its failure was already reported to its caller
  }
}
