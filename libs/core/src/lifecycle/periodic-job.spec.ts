import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  it('shares a run in progress, runs again afterwards, and stop() waits for the run', async () => {
    let calls = 0;
    let release!: () => void;
    const job = new PeriodicJob<number, number>(
      (n) => {
        const call = ++calls;
        return new Promise<number>((resolve) => (release = () => resolve(n + call)));
      },
      () => undefined,
    );
    const [a, b] = [job.run(10), job.run(20)];
    expect(calls).toBe(1);
    release();
    expect(await Promise.all([a, b])).toEqual([11, 11]);
    const c = job.run(30);
    const stopped = job.stop();
    release();
    await stopped;
    expect(await c).toBe(32);
  });

  it('runs on its timer with a fresh argument and reports failures', async () => {
    jest.useFakeTimers();
    try {
      const seen: number[] = [];
      const errors: string[] = [];
      let tick = 0;
      const job = new PeriodicJob<void, number>(
        async (n) => {
          seen.push(n);
          if (n === 2) throw new Error('boom');
        },
        (err) => errors.push(err.message),
      );
      job.start(1000, () => ++tick);
      await jest.advanceTimersByTimeAsync(3000);
      await job.stop();
      expect(seen).toEqual([1, 2, 3]);
      expect(errors).toEqual(['boom']);
    } finally {
      jest.useRealTimers();
    }
  });
});
