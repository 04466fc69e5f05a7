import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '@cascade/core';
import { runTenantsCommand } from '../tenants/tenants.command';
import { DEMO_SLUG, DEMO_USERS, writeDemoExport } from './demo-export';

export const DEMO_USAGE = `  demo                             create (once) a demo tenant with users, workrooms, resources
                                   and a file; prints the logins and curls to try
`;

/**
 * `cascade demo`: imports the demo tenant (idempotent: a rerun finds it and creates nothing) and
 * prints how to log in and what to try, against the API at HOST:PORT.
 */
export async function runDemoCommand(args: string[], config: AppConfig, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(`demo takes no arguments\nusage:\n${DEMO_USAGE}`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cascade-demo-'));
  let out = '';
  let code: number;
  try {
    await writeDemoExport(dir);
    code = await runTenantsCommand(['import', dir, '--json'], {
      config,
      io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true, isTTY: false } },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = JSON.parse(out || '{}') as { status?: string; tenant?: { id: string; created: boolean }; problems?: { reason: string }[]; error?: string };
  if (code !== 0 || !report.tenant) {
    const why = report.error ?? report.problems?.map((p) => p.reason).join('; ') ?? 'unknown';
    io.stderr.write(`demo failed: ${why}\n`);
    return code || 2;
  }
  const host = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  const api = `http://${host}:${config.port}`;
  const [owner] = DEMO_USERS;
  io.stdout.write(
    `${report.tenant.created ? 'Created' : 'Found'} the demo tenant "${DEMO_SLUG}" (${report.tenant.id}): 3 users, 2 workrooms, 5 resources, 1 file.\n\n` +
      `Logins (POST /api/auth/login with X-Tenant-ID: ${DEMO_SLUG}):\n` +
      DEMO_USERS.map((u) => `  ${u.role.padEnd(6)}  ${u.email.padEnd(20)}  ${u.password}\n`).join('') +
      `\nTry it (the API must be running: npm start):\n\n` +
      `  TOKEN=$(curl -s -H 'X-Tenant-ID: ${DEMO_SLUG}' -H 'content-type: application/json' \\\n` +
      `    -d '{"email":"${owner.email}","password":"${owner.password}"}' ${api}/api/auth/login | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')\n` +
      `  curl -s -H "Authorization: Bearer $TOKEN" ${api}/api/resources\n` +
      `  curl -s -H "Authorization: Bearer $TOKEN" ${api}/api/files\n\n`,
  );
  return 0;
}
