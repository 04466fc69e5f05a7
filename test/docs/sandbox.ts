import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const API_MAIN = join(REPO, 'dist/apps/api/src/main.js');
export const CLI_MAIN = join(REPO, 'dist/apps/cli/src/main.js');

/** Builds dist/ when the sources changed (skipped in well under a second when up to date). */
export function buildOnce(): void {
  const run = spawnSync(process.execPath, [join(REPO, 'scripts/build-if-stale.js')], { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`build failed:\n${run.stdout}${run.stderr}`);
}

/**
 * A fresh "project folder" for the zero-setup default: its parent is 0700 (like /root or a
 * `mktemp -d`), it holds config/ like a clone, and processes run in it with no DATABASE_URL,
 * no REDIS_URL and no JWT_SECRET — as a new user types the README's commands.
 */
export class Sandbox {
  readonly parent = mkdtempSync(join(tmpdir(), 'cascade-sandbox-'));
  readonly dir = join(this.parent, 'project');
  private readonly children = new Set<ChildProcess>();

  constructor() {
    chmodSync(this.parent, 0o700);
    mkdirSync(this.dir);
    cpSync(join(REPO, 'config'), join(this.dir, 'config'), { recursive: true });
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_FORMAT: 'pretty', ...extra };
    for (const k of ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'PORT', 'HOST', 'LOG_LEVEL', 'CASCADE_TEST_ADMIN_URL']) {
      if (!(k in extra)) delete env[k];
    }
    return env;
  }

  /** Runs a command to its end. */
  run(command: string, args: string[], extra: Record<string, string> = {}, input?: string): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(command, args, { cwd: this.dir, env: this.env(extra), encoding: 'utf8', input, timeout: 90000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  cli(args: string[], extra: Record<string, string> = {}) {
    return this.run(process.execPath, [CLI_MAIN, ...args], extra);
  }

  /** Starts a long-running process (the API); its output accumulates in `out`. */
  start(args: string[], extra: Record<string, string> = {}): { child: ChildProcess; out: () => string } {
    const child = spawn(process.execPath, args, { cwd: this.dir, env: this.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return { child, out: () => out };
  }

  async stop(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    return exited;
  }

  /** Stops what is still running and removes the local data (through `reset`, which knows where it lives). */
  async dispose(): Promise<void> {
    for (const child of [...this.children]) await this.stop(child);
    this.cli(['reset', '--yes']);
    rmSync(this.parent, { recursive: true, force: true });
  }
}

/** The URL printed by npm start for the CLI's database. */
export const printedDatabaseUrl = (out: string) => /postgres:\/\/postgres:[^@\s]+@127\.0\.0\.1:(\d+)\/cascade/.exec(out);
