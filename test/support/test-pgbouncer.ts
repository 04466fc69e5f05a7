import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/database/src/embedded-postgres';
import { listening } from './net';

const BINARIES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', 'pgbouncer'];

function findBinary(): string | null {
  for (const bin of BINARIES) if (spawnSync(bin, ['--version']).status === 0) return bin;
  return null;
}

/**
 * A real PgBouncer in TRANSACTION pool mode, started on a free port in front of the test
 * PostgreSQL, with a deliberately tiny server pool so that transactions of different tenants
 * keep landing on the same server connections.
 */
export class TestPgBouncer {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static available(): boolean {
    return findBinary() !== null;
  }

  /** `upstream`: any URL of the PostgreSQL server (host and port are taken from it). */
  static async start(upstream: string, users: { name: string; password: string }[], poolSize = 2): Promise<TestPgBouncer> {
    const bin = findBinary();
    if (!bin) throw new Error('pgbouncer is not installed');
    const u = new URL(upstream);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cascade-pgbouncer-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'users.txt'), users.map((x) => `"${x.name}" "${x.password}"`).join('\n') + '\n', { mode: 0o644 });
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${u.hostname} port=${u.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'min_pool_size = 0',
        'reserve_pool_size = 0',
        'max_client_conn = 10000',
        'server_reset_query =',
        'ignore_startup_parameters = extra_float_digits,options',
        'logfile =',
        'pidfile =',
      ].join('\n') + '\n',
      { mode: 0o644 },
    );
    // PgBouncer refuses to run as root; -u drops to an ordinary user (the one PostgreSQL uses).
    const args = userInfo().uid === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d) => (stderr += d));
    for (let i = 0; i < 100; i++) {
      if (await listening(port)) return new TestPgBouncer(proc, dir, port);
      if (proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`pgbouncer did not start: ${stderr}`);
  }

  /** The same URL, but through PgBouncer. */
  url(direct: string): string {
    const u = new URL(direct);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGINT');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
