import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { freePort, isAlive, postmasterPid } from '../../libs/database/src/embedded-postgres';
import { eventually } from '../support/eventually';
import { API_MAIN, buildOnce, printedDatabaseUrl, REPO, Sandbox } from './sandbox';

const SAMPLE_EXPORT = join(REPO, 'test/fixtures/sample-export');
const stackLine = /^\s+at .+\(.+:\d+:\d+\)$/m;

/**
 * The first hour of a new user, with real processes: the built API and CLI run in a project
 * folder whose parent is 0700, with no DATABASE_URL — the embedded PostgreSQL, its recorded
 * state, the CLI finding it, and start-up failures explained in one line.
 */
describe('local development without DATABASE_URL (project under a 0700 folder)', () => {
  const sandbox = new Sandbox();
  let port: number;
  let api: ReturnType<Sandbox['start']>;
  const state = () => JSON.parse(readFileSync(join(sandbox.dir, '.cascade/pg/server.json'), 'utf8')) as { pid: number; port: number; owner: number; dataDir: string };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers });
  const listening = async (a: ReturnType<Sandbox['start']>) =>
    // The hints (database URL, token) follow the 'listening' log line, possibly in a later chunk: wait for the last one.
    eventually(() => expect(a.out()).toContain(`API docs: http://localhost:${port}/docs`), { timeoutMs: 60000, intervalMs: 100 });

  beforeAll(async () => {
    buildOnce();
    port = await freePort();
  }, 240000);

  afterAll(() => sandbox.dispose(), 60000);

  it('npm start serves on 127.0.0.1, records its database in .cascade/pg/server.json and prints the URL the CLI uses', async () => {
    api = sandbox.start([API_MAIN], { PORT: String(port) });
    await listening(api);
    expect((await get('/health/live')).status).toBe(200);
    const url = printedDatabaseUrl(api.out());
    expect(url).not.toBeNull();
    const recorded = state();
    expect(recorded).toMatchObject({ port: Number(url?.[1]), owner: api.child.pid });
    expect(postmasterPid(recorded.dataDir)).toBe(recorded.pid);
    if (userInfo().uid === 0) {
      // The OS user postgres cannot enter the 0700 parent: the data lives where it can, and the project says where.
      expect(recorded.dataDir.startsWith(sandbox.parent)).toBe(false);
      expect(readFileSync(join(sandbox.dir, '.cascade/pg/data-location'), 'utf8').trim()).toBe(recorded.dataDir);
    }
    expect(api.out()).not.toMatch(stackLine);
  }, 90000);

  it('the CLI uses the running server without DATABASE_URL', () => {
    const run = sandbox.cli(['tenants', 'import', SAMPLE_EXPORT, '--dry-run']);
    expect(run.stderr).toContain(`using the embedded PostgreSQL of npm start (port ${state().port})`);
    expect(run.stdout).toContain('Dry run: 317 of 317 records would be created. Nothing was written.');
    expect(run.code).toBe(0);
  }, 90000);

  it('demo creates a tenant whose printed login works against the API, once', async () => {
    const first = sandbox.cli(['demo'], { PORT: String(port) });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created the demo tenant "demo"');
    expect(first.stdout).toContain(`http://localhost:${port}/api/auth/login`);
    const [, email, password] = /owner\s+(\S+)\s+(\S+)/.exec(first.stdout) ?? [];
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'demo' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const files = (await (await get('/api/files', { authorization: `Bearer ${access_token}` })).json()) as { items: { filename: string }[] };
    expect(files.items.map((f) => f.filename)).toEqual(['welcome.txt']);
    const resources = (await (await get('/api/resources', { authorization: `Bearer ${access_token}` })).json()) as { items: unknown[] };
    expect(resources.items).toHaveLength(5);
    const again = sandbox.cli(['demo'], { PORT: String(port) });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Found the demo tenant "demo"');
  }, 90000);

  it('pretty logs are one line per request', async () => {
    await get('/health/live');
    await eventually(() => expect(api.out()).toMatch(/\[Request\].*GET \/health\/live 200 [\d.]+ ms tenant=- id=\S+/), { timeoutMs: 5000 });
    expect(api.out()).not.toMatch(/^\s*"?request_id"?:/m);
  });

  it('a second instance on the same port fails in one line naming the port and PORT=, and leaves the first one serving', () => {
    const second = sandbox.run(process.execPath, [API_MAIN], { PORT: String(port) });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([`CASCADE failed to start: port ${port} is in use on 127.0.0.1 (another CASCADE?): stop it, or start on another port with PORT=${port + 1} npm start`]);
    expect(isAlive(state().pid)).toBe(true);
  }, 30000);

  it('reset refuses while npm start runs', () => {
    const run = sandbox.cli(['reset', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^the embedded PostgreSQL is running \(pid \d+, port \d+, started by pid \d+\): stop npm start first\n$/);
  }, 30000);

  it('an npm start killed with -9 leaves PostgreSQL running: the CLI still uses it, the next npm start takes it over and stops it', async () => {
    const orphan = state();
    api.child.kill('SIGKILL');
    await eventually(() => expect(isAlive(api.child.pid as number)).toBe(false), { timeoutMs: 10000 });
    expect(isAlive(orphan.pid)).toBe(true);
    expect(sandbox.cli(['migrate']).stdout).toBe('up to date: nothing to apply\n');
    api = sandbox.start([API_MAIN], { PORT: String(port) });
    await listening(api);
    expect(api.out()).toContain(`outlived the npm start that started it (pid ${orphan.owner}): taking it over`);
    expect(state()).toMatchObject({ pid: orphan.pid, owner: api.child.pid });
    expect(await sandbox.stop(api.child)).toBe(0);
    expect(postmasterPid(orphan.dataDir)).toBeUndefined(); // shut down (a zombie may linger until its new parent reaps it)
    expect(existsSync(join(sandbox.dir, '.cascade/pg/server.json'))).toBe(false);
  }, 120000);

  // What makes a restart fast is asserted (no build, the same dist/); its wall time is printed, not
  // held to a threshold: timings belong to the benchmark, not to npm test on a shared machine.
  it('a restart without code changes skips the build and serves from the same dist/', async () => {
    const mainBuilt = statSync(API_MAIN).mtimeMs;
    const started = Date.now();
    const check = spawnSync(process.execPath, [join(REPO, 'scripts/build-if-stale.js')], { cwd: REPO, encoding: 'utf8' });
    expect(check.stderr).toContain('dist/ is up to date: build skipped');
    api = sandbox.start([API_MAIN], { PORT: String(port) });
    try {
      await listening(api);
      expect((await get('/health/ready')).status).toBe(200);
      const took = Date.now() - started;
      expect(statSync(API_MAIN).mtimeMs).toBe(mainBuilt); // nothing was rebuilt
      const appMs = Number(/listening on 127\.0\.0\.1:\d+ \((\d+) ms to start\)/.exec(api.out())?.[1]);
      expect(appMs).toBeGreaterThan(0);
      process.stdout.write(`[docs] restart without changes: ready in ${took} ms (the app's own start: ${appMs} ms, load ${loadavg()[0].toFixed(1)})\n`);
    } finally {
      await sandbox.stop(api.child);
    }
  }, 60000);

  it('stale state is detected and repaired: the CLI starts its own server and stops it after', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const file = join(sandbox.dir, '.cascade/pg/server.json');
    writeFileSync(file, JSON.stringify({ pid: Number(dead.stdout), port: 1, dataDir: '/nonexistent', database: 'cascade', owner: Number(dead.stdout), started_at: '2020-01-01T00:00:00Z' }));
    const run = sandbox.cli(['migrate']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`removed stale ${file}`);
    expect(run.stderr).toMatch(/npm start is not running: started the embedded PostgreSQL \(port \d+\) for this command/);
    expect(existsSync(file)).toBe(false);
    const dataDir = userInfo().uid === 0 ? readFileSync(join(sandbox.dir, '.cascade/pg/data-location'), 'utf8').trim() : join(sandbox.dir, '.cascade/pg/data');
    expect(postmasterPid(dataDir)).toBeUndefined();
  }, 60000);

  it('reset asks first: without a terminal and without --yes nothing is deleted; --yes deletes the local data', () => {
    const dataDir = userInfo().uid === 0 ? readFileSync(join(sandbox.dir, '.cascade/pg/data-location'), 'utf8').trim() : join(sandbox.dir, '.cascade/pg/data');
    const refused = sandbox.cli(['reset']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Nothing was deleted. To delete the local embedded database');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const withUrl = sandbox.cli(['reset', '--yes'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(withUrl.code).toBe(1);
    expect(withUrl.stderr).toContain('DATABASE_URL is set: nothing was deleted');
    const done = sandbox.cli(['reset', '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Deleted the local embedded database');
    expect(existsSync(dataDir)).toBe(false);
  }, 60000);
});

describe('start-up and CLI messages', () => {
  const sandbox = new Sandbox();
  beforeAll(() => buildOnce(), 240000);
  afterAll(() => sandbox.dispose(), 60000);

  it('bad configuration: every bad variable in one line, no stack, exit 1', () => {
    const run = sandbox.run(process.execPath, [API_MAIN], { PORT: 'eighty', LOG_LEVEL: 'verbose', HOST: 'a b' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^CASCADE failed to start: Invalid configuration \(3 variables\): /);
    for (const variable of ['PORT must be a whole number', 'LOG_LEVEL must be one of', 'HOST must be']) expect(run.stderr).toContain(variable);
    expect(run.stderr).not.toContain('eighty');
  }, 30000);

  it.each([['--help'], ['help'], ['-h'], ['']])('cascade %s prints the usage on stdout and exits 0', (...args: string[]) => {
    const run = sandbox.cli(args.filter(Boolean));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: cascade <command>');
    expect(run.stdout).toContain('demo');
    expect(run.stderr).toBe('');
  }, 30000);

  it('a typo is an unknown command with a suggestion, exit 1', () => {
    const run = sandbox.cli(['tenant', 'import', 'x']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('unknown command "tenant" (did you mean "tenants"?): see npm run cli -- help\n');
  }, 30000);
});
