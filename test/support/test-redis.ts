import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/database/src/embedded-postgres';
import { listening } from './net';

/** A redis-server this test starts itself on a free port (so it can kill and revive it). */
export class OwnRedis {
  private proc?: ChildProcess;
  private constructor(
    readonly port: number,
    /** With a directory: append-only file, fsync on every write, so a restart keeps every key. */
    private readonly dataDir?: string,
  ) {}

  static available(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  static async start(opts: { persistent?: boolean } = {}): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), opts.persistent ? mkdtempSync(join(tmpdir(), 'cascade-redis-')) : undefined);
    await r.revive();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async revive(): Promise<void> {
    const persistence = this.dataDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dataDir] : ['--appendonly', 'no'];
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await listening(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start');
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /** Kills it and removes its data directory. */
  async destroy(): Promise<void> {
    await this.kill();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * The Redis the suite runs against: REDIS_URL (CI points it at the machine's Redis), else one
 * started here when redis-server is installed, else none (Redis-only tests are then skipped,
 * and say so).
 */
export async function sharedRedisUrl(): Promise<{ url: string | null; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined };
  if (!OwnRedis.available()) return { url: null, stop: async () => undefined };
  const own = await OwnRedis.start();
  return { url: own.url, stop: () => own.kill() };
}
