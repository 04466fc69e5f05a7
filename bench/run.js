#!/usr/bin/env node
'use strict';
// `npm run bench`: builds CASCADE, gives it a fresh database with 50 tenants × 200 users × 1,000
// resources, and measures, in one run on the same database:
//   a   raw node:http + pg, the app's tenant transaction (3 round trips)      — the stack's limit
//   a1  the same transaction in ONE round trip                                  — what batching buys
//   a_app exactly what CASCADE now sends per read: BEGIN READ ONLY, three SET LOCALs and the
//       SELECT pipelined (one round trip), COMMIT not awaited before answering
//   b   raw node:http + pg, no isolation at all                                 — isolation's price
//   p   the peer: PostGraphile 5 (tools/peer-postgraphile), the same read as GraphQL, RLS through
//       its per-request pgSettings (BEGIN · set_config × 3 · the SELECT · COMMIT: 4 round trips)
//   c-db CASCADE, reads that miss its cache (every read goes to PostgreSQL)
//   c   CASCADE, hot-skewed reads (its cache as designed)
// all at saturation on GET /api/resources/:id (the peer: POST /graphql); then CASCADE with the
// mixed workload (80 % reads, 15 % writes, 5 % other) at saturation, and with 10,000 open
// keep-alive connections at a fixed arrival rate the box sustains. Every response is checked for
// rows of another tenant; any leak fails the run. Writes bench/results/<date>.json and .svg.
//
// The peer is installed on first use (npm ci in its folder); if that or its start fails, its phase
// is reported as skipped with the reason, never as a number.
//
// Flags: --quick (short smoke run), --profile (also a CPU profile of CASCADE under the mixed load),
//        --skip-build, --keep-tmp. Env: see SETTINGS below (BENCH_*), DATABASE_URL, REDIS_URL, and
//        BENCH_APP_NODE_OPTIONS (NODE_OPTIONS of the CASCADE process alone, e.g. memory flags).
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { cleanEnv, logTail, startNode, stop, stopAll, waitFor } = require('./lib/children');
const { preparePostgres, backendPids } = require('./lib/postgres');
const { provision } = require('./lib/provision');
const { cacheCounters } = require('./lib/metrics');
const { memoryOf, cpuSecondsOf, openFilesLimit, machineBusySeconds, establishedOn, machine } = require('./lib/system');
const { renderChart } = require('./lib/chart');
const { table, num, pct, times, mb } = require('./lib/table');
const progress = require('./lib/progress');
const { summarise, toText } = require('./profile-summary');
const { PEER_QUERY } = require('./workload');
const { sign } = require('./lib/jwt');
const { needsInstall } = require('../scripts/ensure-test-tools');

const ROOT = path.resolve(__dirname, '..');
const PROBE = path.join(__dirname, 'app-probe.js');
const RESULTS = path.join(__dirname, 'results');
const flags = new Set(process.argv.slice(2));
const QUICK = flags.has('--quick');
const envInt = (name, def) => (process.env[name] && /^\d+$/.test(process.env[name]) ? Number(process.env[name]) : def);

const SETTINGS = {
  tenants: envInt('BENCH_TENANTS', 50),
  usersPerTenant: envInt('BENCH_USERS_PER_TENANT', 200),
  resourcesPerTenant: envInt('BENCH_RESOURCES_PER_TENANT', 1000),
  hotPerTenant: envInt('BENCH_HOT_PER_TENANT', 20),
  poolSize: envInt('BENCH_DB_POOL_SIZE', 10),
  satConnections: envInt('BENCH_SAT_CONNECTIONS', 200),
  rounds: QUICK ? 1 : envInt('BENCH_ROUNDS', 3),
  satWarmup: QUICK ? 2 : envInt('BENCH_SAT_WARMUP', 3),
  satDuration: QUICK ? 4 : envInt('BENCH_SAT_DURATION', 8),
  // An unmeasured round before the measured ones, every server alike: the app's JIT and caches
  // warm up more slowly than the raw servers' (0.60 -> 0.41 -> 0.25 ms CPU/read over three rounds).
  warmupRound: QUICK ? 3 : envInt('BENCH_WARMUP_ROUND', 10),
  mixedConnections: QUICK ? 1000 : envInt('BENCH_CONNECTIONS', 10000),
  mixedSatDuration: QUICK ? 5 : envInt('BENCH_MIXED_SAT_DURATION', 20),
  // 0: 40 % of the mixed workload's throughput at saturation, measured in the same run. A paced
  // stream costs the app about 1.5× the CPU per request of a saturating closed loop (nothing is
  // batched), so 40 % keeps its event loop around two-thirds busy.
  mixedRate: envInt('BENCH_RATE', 0),
  mixedLoadShare: 0.4,
  // 0: long enough for every connection to have sent at least once (connections / rate + 5 s).
  mixedWarmup: envInt('BENCH_MIXED_WARMUP', 0),
  mixedDuration: QUICK ? 10 : envInt('BENCH_MIXED_DURATION', 45),
  mixedControlDuration: QUICK ? 5 : envInt('BENCH_MIXED_CONTROL_DURATION', 25),
  profileDuration: QUICK ? 8 : envInt('BENCH_PROFILE_DURATION', 20),
  // NODE_OPTIONS of the CASCADE process (of it alone: cleanEnv strips the caller's), so V8 memory
  // flags (--max-semi-space-size, --max-old-space-size) can be compared run against run.
  appNodeOptions: (process.env.BENCH_APP_NODE_OPTIONS || '').trim(),
};

/** Longest pause between two requests of one connection in the fixed-rate phase (see below). */
const MAX_SEND_INTERVAL_S = 50;

const RAW_SERVERS = [
  { key: 'a', label: 'raw + RLS tx (3 round trips, as the app)', chart: 'a: raw + RLS\n3 round trips', mode: 'rls' },
  { key: 'a1', label: 'raw + RLS tx (1 round trip)', chart: 'a1: raw + RLS\n1 round trip', mode: 'rls-1rt' },
  { key: 'b', label: 'raw, no isolation', chart: 'b: raw\nno isolation', mode: 'plain' },
  { key: 'a_app', label: 'raw, what CASCADE sends (pipelined)', chart: 'a_app: raw, as\nCASCADE sends', mode: 'rls-app' },
];
const PEER = { key: 'p', label: 'PostGraphile peer, same read', chart: 'p: peer\nPostGraphile', mode: 'peer-read-cold' };
const PEER_DIR = path.join(ROOT, 'tools', 'peer-postgraphile');
const CASCADE_RUNS = [
  { key: 'c_db', label: 'CASCADE, cache misses (DB path)', chart: 'c-db: CASCADE\ncache misses', mode: 'read-cold' },
  { key: 'c', label: 'CASCADE, hot-skewed reads (cache)', chart: 'c: CASCADE\nhot reads', mode: 'read-hot' },
];

const started = Date.now();
const stamp = new Date();
const runId = `${stamp.toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
const TMP = path.join(RESULTS, 'tmp', runId);
const DATA_FILE = path.join(TMP, 'data.json');
const cleanups = [];
let interrupted = false;

const { log, status } = progress;
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

let cleaning = null;

/** Stops every process this run started, drops its database, removes its scratch files. Once. */
function cleanup() {
  cleaning ??= (async () => {
    await stopAll(20000);
    while (cleanups.length) {
      try {
        await cleanups.pop()();
      } catch (err) {
        log(`cleanup: ${err.message}`);
      }
    }
    if (!flags.has('--keep-tmp')) rmSync(TMP, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`\n${signal}: stopping every process this run started and dropping its database…`);
    cleanup().finally(() => process.exit(130));
  });
}

function build() {
  return new Promise((resolve, reject) => {
    const logFile = path.join(TMP, 'build.log');
    const out = createWriteStream(logFile);
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(async () => child.exitCode === null && child.kill('SIGTERM'));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const timer = setInterval(() => status(`building (npm run build)… ${elapsed()}`), 500);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code === 0) return resolve();
      reject(new Error(`npm run build failed (exit ${code}):\n${logTail(logFile, 30)}`));
    });
  });
}

async function freePort() {
  const { freePort: free } = require(path.join(ROOT, 'dist/libs/database/src/embedded-postgres.js'));
  return free();
}

// ---------------------------------------------------------------- servers under test

async function startCascade({ pg, jwtSecret, profileFile }) {
  const port = await freePort();
  const logFile = path.join(TMP, profileFile ? 'app-profiled.log' : 'app.log');
  const timingFile = path.join(TMP, profileFile ? 'app-profiled.probe.json' : 'app.probe.json');
  const args = ['-r', PROBE, path.join(ROOT, 'dist/apps/api/src/main.js')];
  const entry = startNode('cascade', args, {
    cwd: ROOT,
    logFile,
    env: cleanEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: pg.appUrl,
      JWT_SECRET: jwtSecret,
      JWT_EXPIRES_IN_SECONDS: '3600', // tokens are minted once, at provisioning, for the whole run
      DB_POOL_SIZE: String(SETTINGS.poolSize),
      LOG_LEVEL: 'warn',
      STORAGE_ROOT: path.join(TMP, 'storage'),
      BENCH_PROBE_FILE: timingFile,
      ...(profileFile ? { BENCH_CPU_PROFILE: profileFile } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...(SETTINGS.appNodeOptions ? { NODE_OPTIONS: SETTINGS.appNodeOptions } : {}),
    }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, { timeoutMs: 60000, what: 'CASCADE', entry, logFile });
  return { entry, pid: entry.child.pid, port, baseUrl, logFile, timingFile };
}

async function startRaw(server, { pg, jwtSecret }) {
  const port = await freePort();
  const logFile = path.join(TMP, `raw-${server.key}.log`);
  const timingFile = path.join(TMP, `raw-${server.key}.probe.json`);
  const entry = startNode(`raw ${server.mode}`, ['-r', PROBE, path.join(__dirname, 'raw-server.js')], {
    cwd: ROOT,
    logFile,
    env: cleanEnv({
      MODE: server.mode,
      PORT: String(port),
      DATABASE_URL: server.mode === 'plain' ? pg.superUrl : pg.appUrl,
      JWT_SECRET: jwtSecret,
      JWT_EXPIRES_IN_SECONDS: '3600', // tokens are minted once, at provisioning, for the whole run
      POOL_SIZE: String(SETTINGS.poolSize),
      BENCH_PROBE_FILE: timingFile,
    }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${baseUrl}/health`)).status === 404, {
    timeoutMs: 20000,
    what: `raw server (${server.mode})`,
    entry,
    logFile,
  });
  return { entry, pid: entry.child.pid, port, baseUrl, logFile, timingFile };
}

// ---------------------------------------------------------------- the peer

/** What an npm log says went wrong: its "code …" and error lines, without stack frames. */
function failureLines(file) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const errors = lines
    .filter((l) => /^npm (error|ERR!)/.test(l))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((l) => l && !/^at /.test(l));
  const telling = errors.filter((l) => /^code |Error|failed|No matching|notarget/i.test(l));
  const chosen = telling.length ? telling.slice(0, 2) : errors.length ? errors.slice(0, 2) : lines.filter((l) => l.trim()).slice(-3);
  return chosen.join(' | ').slice(0, 400);
}

/**
 * The peer's own node_modules (tools/peer-postgraphile, never the app's dependencies), installed
 * from its lock file when missing or older than the lock. Resolves { ok, reason }: a failed
 * install skips the peer's phase, it does not stop the run.
 */
function installPeer() {
  if (!existsSync(path.join(PEER_DIR, 'package-lock.json')))
    return Promise.resolve({ ok: false, reason: 'tools/peer-postgraphile/package-lock.json is missing' });
  if (!needsInstall(PEER_DIR)) return Promise.resolve({ ok: true, installed: false });
  return new Promise((resolve) => {
    const logFile = path.join(TMP, 'peer-install.log');
    const out = createWriteStream(logFile);
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PEER_DIR], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(async () => child.exitCode === null && child.kill('SIGTERM'));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const timer = setInterval(() => status(`installing the peer (npm ci in tools/peer-postgraphile)… ${elapsed()}`), 500);
    // The log is read only once it is flushed, for the reason of a failure.
    let settled = false;
    const done = (result) => {
      if (settled) return; // 'error' and 'exit' may both come
      settled = true;
      clearInterval(timer);
      out.end(() => resolve(result()));
    };
    child.on('error', (err) => done(() => ({ ok: false, reason: `npm ci in tools/peer-postgraphile could not run: ${err.message}` })));
    child.on('exit', (code) =>
      done(() =>
        code === 0
          ? { ok: true, installed: true }
          : { ok: false, reason: `npm ci in tools/peer-postgraphile failed (exit ${code}): ${failureLines(logFile)}` },
      ),
    );
  });
}

/** Versions of what the peer runs, read from its node_modules. */
function peerVersions() {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(path.join(PEER_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  return Object.fromEntries(['postgraphile', 'grafast', 'grafserv', '@dataplan/pg', 'graphile-build-pg', 'pg'].map((n) => [n, version(n)]));
}

/**
 * Starts the peer on the same database as the app's authenticator, with the same secret, and
 * checks before any load that it isolates as CASCADE does: its own row is answered; another
 * tenant's row, asked for by id with that tenant named, is not (RLS); a token signed with another
 * secret is refused. A peer that fails these is a broken comparison: the run stops.
 */
async function startPeer({ pg, jwtSecret, data }) {
  const port = await freePort();
  const logFile = path.join(TMP, 'peer.log');
  const timingFile = path.join(TMP, 'peer.probe.json');
  const entry = startNode('peer postgraphile', ['-r', PROBE, path.join(PEER_DIR, 'peer-server.js')], {
    cwd: PEER_DIR,
    logFile,
    env: cleanEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: pg.appUrl,
      JWT_SECRET: jwtSecret,
      POOL_SIZE: String(SETTINGS.poolSize),
      BENCH_PROBE_FILE: timingFile,
      BENCH_PROBE_PG: path.join(PEER_DIR, 'node_modules', 'pg'), // the peer's own driver
    }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const target = { entry, pid: entry.child.pid, port, baseUrl, logFile, timingFile };
  const ask = async (token, tenantId, id) => {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: PEER_QUERY, variables: { tenantId, id } }),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // reported below with the status
    }
    return { status: res.status, text, row: json && json.data ? json.data.resourceByTenantIdAndRowId : undefined };
  };
  const user = data.users.find((u) => u.t === 0);
  const [mine, theirs] = data.tenants;
  try {
    await waitFor(async () => (await ask(user.token, mine.id, mine.resources[0])).status === 200, {
      timeoutMs: 60000,
      what: 'PostGraphile peer',
      entry,
      logFile,
    });
  } catch (err) {
    await stop(entry);
    return { skipped: `the peer did not start: ${err.message.split('\n').slice(0, 4).join(' | ').slice(0, 400)}` };
  }
  const own = await ask(user.token, mine.id, mine.resources[0]);
  const other = await ask(user.token, theirs.id, theirs.resources[0]);
  const claims = { sub: user.sub, tenant_id: theirs.id, role: user.role, exp: Math.floor(Date.now() / 1000) + 600 };
  const forged = await ask(sign(claims, randomBytes(32).toString('hex')), theirs.id, theirs.resources[0]);
  const problems = [];
  if (!own.row || own.row.id !== mine.resources[0] || !own.row.data || own.row.data.tenant !== mine.id)
    problems.push(`its own row was not answered right (${own.status} ${own.text.slice(0, 200)})`);
  if (other.status !== 200 || other.row !== null)
    problems.push(`another tenant's row by id did not answer null (${other.status} ${other.text.slice(0, 200)})`);
  if (forged.status !== 401 || forged.row)
    problems.push(`a token signed with another secret was not refused (${forged.status} ${forged.text.slice(0, 200)})`);
  if (problems.length) {
    await stop(entry);
    throw new Error(`the PostGraphile peer does not isolate tenants as CASCADE does: ${problems.join('; ')}`);
  }
  return { target };
}

// ---------------------------------------------------------------- measurement of one phase

const timingSeq = new Map();

/** Asks a preloaded server for its timing since the last ask (SIGUSR2) and reads the answer. */
async function collectTiming(target) {
  const before = timingSeq.get(target.timingFile) || 0;
  try {
    process.kill(target.pid, 'SIGUSR2');
  } catch {
    return null;
  }
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    try {
      const report = JSON.parse(readFileSync(target.timingFile, 'utf8'));
      if (report.seq > before) {
        timingSeq.set(target.timingFile, report.seq);
        return report;
      }
    } catch {
      // not written yet
    }
    await sleep(20);
  }
  return null;
}

async function cpuSnapshot(pg, pids) {
  // Our own processes and the machine first and synchronously: the generator may exit soon after.
  const at = Date.now();
  const machineBusy = machineBusySeconds();
  const own = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSecondsOf(p)]));
  const backends = await backendPids(pg.superUrl, pg.database).catch(() => []);
  const db = new Map(backends.map((p) => [p, cpuSecondsOf(p)]));
  return { at, machine: machineBusy, own, db };
}

function cpuDelta(a, b, windowSec) {
  const own = {};
  // 10 ms resolution (clock ticks): CPU per request of a short phase needs it, not 0.1 s.
  for (const k of Object.keys(b.own)) own[`${k}_s`] = b.own[k] !== null && a.own[k] !== null ? round(b.own[k] - a.own[k], 2) : null;
  let db = 0;
  for (const [pid, v] of b.db) if (v !== null) db += v - (a.db.get(pid) ?? 0);
  const machineBusy = b.machine - a.machine;
  const mine = (own.server_s || 0) + (own.generator_s || 0) + db;
  return {
    ...own,
    postgres_s: round(db, 1),
    machine_busy_s: round(machineBusy, 1),
    other_processes_s: round(Math.max(0, machineBusy - mine), 1),
    capacity_s: round(machine().cpus * windowSec, 1),
  };
}

const round = (v, d = 2) => (v === null || v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);

/**
 * The server's own CPU time per request answered in the window: on a shared box this moves far
 * less with other processes' load than req/s does, so it is what compares two builds.
 */
const cpuMsPerRequest = (p) => (p.cpu && p.cpu.server_s !== null && p.requests ? round((p.cpu.server_s * 1000) / p.requests, 3) : null);

/**
 * Runs the load generator against one server and gathers, over the measurement window only:
 * the generator's result, CPU split, the server's peak RSS, its pg timing and (CASCADE) cache counters.
 */
function runPhase({ key, title, step, target, mode, connections, warmupSec, durationSec, rate, pg, files, cascade, countConnections }) {
  if (target.entry.exited)
    return Promise.reject(
      new Error(`the server under test exited before "${title}" (code ${target.entry.code}):\n${logTail(target.logFile)}`),
    );
  const cfgFile = path.join(TMP, `load-${key}.json`);
  const timeoutSec = 10;
  writeFileSync(
    cfgFile,
    JSON.stringify({
      url: target.baseUrl,
      dataFile: DATA_FILE,
      mode,
      files: Boolean(files),
      connections,
      warmupSec,
      durationSec,
      rate,
      timeoutSec,
    }),
  );
  const logFile = path.join(TMP, `load-${key}.log`);
  const gen = startNode(`load ${key}`, [path.join(__dirname, 'load.js'), cfgFile], { cwd: ROOT, ipc: true, logFile, env: cleanEnv({}) });
  const pids = { server: target.pid, generator: gen.child.pid };
  const before = memoryOf(target.pid);
  let inWindow = false;
  let rssPeak = 0;
  const open = [];
  const sampler = setInterval(() => {
    if (!inWindow) return;
    const m = memoryOf(target.pid);
    if (m) rssPeak = Math.max(rssPeak, m.rss);
  }, 1000);
  const connSampler = countConnections
    ? setInterval(() => {
        if (inWindow) open.push(establishedOn(target.port));
      }, 3000)
    : null;

  const edge = async (which) => {
    if (countConnections) open.push(establishedOn(target.port)); // before anything can close
    const [cpu, cache, timing] = await Promise.all([
      cpuSnapshot(pg, pids),
      cascade ? cacheCounters(target.baseUrl).catch(() => null) : null,
      collectTiming(target),
    ]);
    return { which, cpu, cache, timing };
  };

  return new Promise((resolve, reject) => {
    let result = null;
    let failure = null;
    let start = null;
    let end = null;
    gen.child.on('message', (msg) => {
      if (msg.type === 'progress') {
        const phase = msg.phase === 'warmup' ? 'warm-up' : 'measuring';
        status(
          `${step} ${title} · ${phase} ${Math.round(msg.elapsed_s)}/${msg.total_s} s · ${num(msg.rps)} req/s · errors ${msg.errors} · leaks ${msg.leaks}${msg.reconnects ? ` · reconnects ${msg.reconnects}` : ''}`,
        );
      } else if (msg.type === 'window' && msg.edge === 'start') {
        start = edge('start').then((s) => {
          inWindow = true;
          return s;
        });
      } else if (msg.type === 'window' && msg.edge === 'end') {
        end = (start || Promise.resolve()).then(() => {
          inWindow = false;
          return edge('end');
        });
      } else if (msg.type === 'result') result = msg.result;
      else if (msg.type === 'error') failure = msg.message;
    });
    gen.exited$.then(async ({ code }) => {
      clearInterval(sampler);
      if (connSampler) clearInterval(connSampler);
      if (!result)
        return reject(new Error(`load generator for ${title} ended (exit ${code}) without a result: ${failure || logTail(logFile)}`));
      if (target.entry.exited)
        return reject(
          new Error(
            `the server under test exited during "${title}" (code ${target.entry.code}, signal ${target.entry.signal}):\n${logTail(target.logFile)}`,
          ),
        );
      try {
        const [s, e] = await Promise.all([start, end]);
        const out = { ...result, title };
        if (s && e) {
          out.cpu = cpuDelta(s.cpu, e.cpu, (e.cpu.at - s.cpu.at) / 1000);
          if (s.cache && e.cache) out.cache = cacheStats(s.cache, e.cache, result);
          if (e.timing) out.server_timing = trimTiming(e.timing);
        }
        out.rss_peak_bytes = rssPeak || null;
        out.rss_before_bytes = before ? before.rss : null;
        if (countConnections) out.open_connections = { min: Math.min(...open), max: Math.max(...open), samples: open.length };
        resolve(out);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/**
 * cascade_cache_requests_total counts two caches: the in-process tenant directory (one lookup per
 * request) and the resource cache (one per single read). The metric's own rate is reported, and a
 * lower bound for the resource cache alone, charging every miss to it.
 */
function cacheStats(a, b, result) {
  const hit = b.hit - a.hit;
  const miss = b.miss - a.miss;
  const error = b.error - a.error;
  const lookups = hit + miss + error;
  const tenantLookups = result.requests;
  const resourceLookups = lookups - tenantLookups;
  return {
    hits: hit,
    misses: miss,
    errors: error,
    hit_rate: lookups ? round(hit / lookups, 4) : null,
    resource_lookups: resourceLookups,
    resource_hit_rate_lower_bound: resourceLookups > 0 ? round(Math.max(0, hit - tenantLookups) / resourceLookups, 4) : null,
  };
}

function trimTiming(t) {
  const statements = Object.entries(t.statements)
    .sort((x, y) => y[1].total - x[1].total)
    .slice(0, 10)
    .map(([statement, s]) => ({ statement, count: s.count, mean_ms: round(s.mean), p95_ms: round(s.p95), p99_ms: round(s.p99) }));
  const q = t.queries;
  return {
    queries: q.count,
    query_ms: { mean: round(q.mean), p50: round(q.p50), p95: round(q.p95), p99: round(q.p99), max: round(q.max) },
    statements,
    pool_wait_ms: {
      count: t.pool_wait.count,
      mean: round(t.pool_wait.mean),
      p95: round(t.pool_wait.p95),
      p99: round(t.pool_wait.p99),
      max: round(t.pool_wait.max),
    },
    event_loop: {
      utilization: round(t.event_loop.utilization, 3),
      delay_p50_ms: round(t.event_loop.delay_p50_ms),
      delay_p99_ms: round(t.event_loop.delay_p99_ms),
      delay_max_ms: round(t.event_loop.delay_max_ms),
    },
    gc: { count: t.gc.count, total_ms: Math.round(t.gc.total_ms) },
    memory_at_end: t.memory
      ? { rss: t.memory.rss, heap_used: t.memory.heapUsed, heap_total: t.memory.heapTotal, external: t.memory.external }
      : null,
    // the probe's sample with the highest RSS in the window (process.memoryUsage() + open sockets)
    memory_peak: t.memory_peak
      ? {
          rss: t.memory_peak.rss,
          heap_total: t.memory_peak.heapTotal,
          heap_used: t.memory_peak.heapUsed,
          external: t.memory_peak.external,
          array_buffers: t.memory_peak.arrayBuffers,
          sockets: t.memory_peak.sockets,
        }
      : null,
  };
}

/**
 * One server's rounds as one result: the round with the median throughput stands for the server
 * (its latency, CPU, cache and timing), with every round's throughput listed; errors and leaks
 * are the sums over ALL rounds, so none is hidden by the choice.
 */
function medianRound(list) {
  const sorted = [...list].sort((x, y) => x.rps - y.rps);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const sum = (f) => list.reduce((acc, x) => acc + f(x), 0);
  const errorKinds = {};
  for (const x of list) for (const [k, v] of Object.entries(x.error_kinds)) errorKinds[k] = (errorKinds[k] || 0) + v;
  return {
    ...median,
    rps_rounds: list.map((x) => round(x.rps, 1)),
    errors: sum((x) => x.errors),
    leaks: sum((x) => x.leaks),
    responses_total: sum((x) => x.responses_total),
    error_kinds: errorKinds,
    error_samples: list.flatMap((x) => x.error_samples).slice(0, 5),
    leak_samples: list.flatMap((x) => x.leak_samples).slice(0, 5),
    rss_peak_bytes: Math.max(...list.map((x) => x.rss_peak_bytes || 0)) || null,
  };
}

function summariseRatios(values) {
  const s = [...values].sort((x, y) => x - y);
  return {
    median: round(s[Math.floor((s.length - 1) / 2)], 4),
    min: round(s[0], 4),
    max: round(s[s.length - 1], 4),
    rounds: values.map((v) => round(v, 4)),
  };
}

function phaseSummary(r) {
  return `${r.title}: ${num(r.rps)} req/s, p50 ${r.latency_ms.p50} ms, p95 ${r.latency_ms.p95} ms, p99 ${r.latency_ms.p99} ms, errors ${r.errors}, leaks ${r.leaks}`;
}

// ---------------------------------------------------------------- the run

async function main() {
  mkdirSync(TMP, { recursive: true });
  const box = machine();
  log(
    `CASCADE benchmark · ${box.cpus} CPUs (${box.cpu_model}) · ${(box.total_mem_bytes / 2 ** 30).toFixed(1)} GiB · Node ${box.node} · load average ${box.loadavg_at_start.join(' ')}`,
  );
  if (QUICK) log('--quick: short phases and 1,000 connections; numbers are a smoke test, not results');
  log(`CASCADE's NODE_OPTIONS (BENCH_APP_NODE_OPTIONS): ${SETTINGS.appNodeOptions || '(none)'}`);

  if (!flags.has('--skip-build')) await build();
  const peerInstall = await installPeer();
  log(
    `[1/7] built (${elapsed()}); PostGraphile peer ${peerInstall.ok ? (peerInstall.installed ? 'installed (npm ci in tools/peer-postgraphile)' : 'already installed') : `SKIPPED: ${peerInstall.reason}`}`,
  );

  const pg = await preparePostgres({ runId, log: (m) => status(m) });
  cleanups.push(pg.cleanup);
  log(
    `[2/7] PostgreSQL ${pg.serverVersion}${pg.embedded ? ' (embedded)' : ''}: database ${pg.database}, migrated, authenticator ${pg.role}; pg_stat_statements ${pg.pgStatStatements ? 'loaded' : 'not in shared_preload_libraries (server-side statement stats unavailable; app-side timing used)'}`,
  );

  const jwtSecret = randomBytes(48).toString('base64url');
  const app = await startCascade({ pg, jwtSecret });
  const idle = memoryOf(app.pid);
  log(
    `[3/7] CASCADE started in production mode on :${app.port} (pool ${SETTINGS.poolSize}, Redis ${process.env.REDIS_URL ? 'on' : 'off: in-memory cache'}, open-files limit ${openFilesLimit(app.pid)})`,
  );

  status('provisioning tenants, users and resources…');
  const data = await provision({
    baseUrl: app.baseUrl,
    superUrl: pg.superUrl,
    jwtSecret,
    tenants: SETTINGS.tenants,
    usersPerTenant: SETTINGS.usersPerTenant,
    resourcesPerTenant: SETTINGS.resourcesPerTenant,
    hotPerTenant: SETTINGS.hotPerTenant,
    log: (m) => status(m),
  });
  writeFileSync(DATA_FILE, JSON.stringify(data));
  const files = (await fetch(`${app.baseUrl}/api/files`, { headers: { authorization: `Bearer ${data.users[0].token}` } })).status === 200;
  log(
    `[4/7] provisioned ${SETTINGS.tenants} tenants × ${SETTINGS.usersPerTenant} users × ${SETTINGS.resourcesPerTenant} resources, ${data.users.length} tokens (${elapsed()}); GET /api/files ${files ? 'exists: in the mix' : 'does not exist in this build: left out of the mix'}`,
  );

  // Interleaved rounds: on a shared box the background load drifts, so each round runs every
  // server back to back and the comparisons are made within a round (paired), then medianed.
  const raws = {};
  for (const server of RAW_SERVERS) raws[server.key] = await startRaw(server, { pg, jwtSecret });
  const peer = { status: 'skipped', reason: peerInstall.reason, versions: peerInstall.ok ? peerVersions() : null };
  if (peerInstall.ok) {
    status('starting the PostGraphile peer (introspection, isolation checks)…');
    const launched = await startPeer({ pg, jwtSecret, data });
    if (launched.target) {
      raws.p = launched.target;
      Object.assign(peer, { status: 'measured', reason: null });
    } else peer.reason = launched.skipped;
    log(
      `[4/7] PostGraphile peer ${peer.status === 'measured' ? `${peer.versions.postgraphile} on :${raws.p.port}: own row answered, another tenant's row not, a forged token refused` : `SKIPPED: ${peer.reason}`}`,
    );
  }
  const servers = [...RAW_SERVERS, ...(raws.p ? [PEER] : []), ...CASCADE_RUNS];
  const rounds = {};
  const phaseCommon = { pg, connections: SETTINGS.satConnections, warmupSec: SETTINGS.satWarmup, durationSec: SETTINGS.satDuration };
  try {
    if (SETTINGS.warmupRound > 0) {
      for (const server of servers) {
        const cascade = !raws[server.key];
        await runPhase({
          ...phaseCommon,
          warmupSec: 0,
          durationSec: SETTINGS.warmupRound,
          key: `${server.key}-warm`,
          title: `${server.label}, warm-up round (not measured)`,
          step: '[5/7]',
          target: cascade ? app : raws[server.key],
          mode: server.mode,
          cascade,
        });
      }
      log(`[5/7] warm-up round done: ${SETTINGS.warmupRound} s per server, not measured`);
    }
    for (let r = 1; r <= SETTINGS.rounds; r++) {
      for (const server of servers) {
        const cascade = !raws[server.key];
        const result = await runPhase({
          ...phaseCommon,
          key: `${server.key}-r${r}`,
          title: `${server.label}, round ${r}/${SETTINGS.rounds}`,
          step: '[5/7]',
          target: cascade ? app : raws[server.key],
          mode: server.mode,
          cascade,
        });
        (rounds[server.key] ??= []).push(result);
      }
      log(`[5/7] round ${r}/${SETTINGS.rounds}: ${servers.map((x) => `${x.key} ${num(rounds[x.key][r - 1].rps)}`).join(' · ')} req/s`);
    }
  } finally {
    for (const raw of Object.values(raws)) await stop(raw.entry);
  }
  const saturation = {};
  for (const server of servers) saturation[server.key] = { label: server.label, ...medianRound(rounds[server.key]) };
  const paired = (f) => summariseRatios(rounds.a.map((_, i) => f(i)));
  const pairedRatios = {
    isolation_overhead: paired((i) => (rounds.b[i].rps - rounds.a[i].rps) / rounds.b[i].rps),
    isolation_overhead_one_round_trip: paired((i) => (rounds.b[i].rps - rounds.a1[i].rps) / rounds.b[i].rps),
    isolation_overhead_app: paired((i) => (rounds.b[i].rps - rounds.a_app[i].rps) / rounds.b[i].rps),
    framework_cost: paired((i) => rounds.c[i].rps / rounds.a[i].rps),
    framework_cost_db_path: paired((i) => rounds.c_db[i].rps / rounds.a[i].rps),
    framework_cost_db_path_app: paired((i) => rounds.c_db[i].rps / rounds.a_app[i].rps),
    // null when the peer was skipped: not measured, never a number
    db_path_vs_peer: rounds.p ? paired((i) => rounds.c_db[i].rps / rounds.p[i].rps) : null,
  };
  for (const key of Object.keys(saturation))
    log(
      `[5/7] ${phaseSummary(saturation[key])} (median of ${SETTINGS.rounds} rounds: ${saturation[key].rps_rounds.map((v) => num(v)).join(', ')})`,
    );

  saturation.c_mix = {
    label: 'CASCADE, mixed workload',
    ...(await runPhase({
      ...phaseCommon,
      durationSec: SETTINGS.mixedSatDuration,
      key: 'c_mix',
      title: 'CASCADE, mixed workload',
      step: '[5/7]',
      target: app,
      mode: 'mixed',
      files,
      cascade: true,
    })),
  };
  log(`[5/7] ${phaseSummary(saturation.c_mix)}`);

  // Node closes a connection whose first request has not arrived within headersTimeout (60 s); a
  // connection re-opened after the app's 5 s keep-alive timeout must send again before that.
  const rateFloor = Math.ceil(SETTINGS.mixedConnections / MAX_SEND_INTERVAL_S);
  const measuredRate = Math.round((saturation.c_mix.rps * SETTINGS.mixedLoadShare) / 10) * 10;
  const rate = SETTINGS.mixedRate || Math.max(rateFloor, measuredRate);
  if (!SETTINGS.mixedRate && measuredRate < rateFloor) {
    log(
      `      note: ${SETTINGS.mixedLoadShare * 100} % of the measured capacity is ${num(measuredRate)} req/s, below the ${num(rateFloor)} req/s that ${num(SETTINGS.mixedConnections)} connections need to send within ${MAX_SEND_INTERVAL_S} s each; using ${num(rateFloor)}`,
    );
  }
  const warmup = SETTINGS.mixedWarmup || Math.ceil(SETTINGS.mixedConnections / rate) + 5;
  const mixed = await runPhase({
    pg,
    key: 'mixed',
    title: `CASCADE mixed, ${num(SETTINGS.mixedConnections)} connections at ${num(rate)} req/s`,
    step: '[6/7]',
    target: app,
    mode: 'mixed',
    files,
    cascade: true,
    countConnections: true,
    connections: SETTINGS.mixedConnections,
    rate,
    warmupSec: warmup,
    durationSec: SETTINGS.mixedDuration,
  });
  mixed.rate_rule = SETTINGS.mixedRate ? 'BENCH_RATE' : `${SETTINGS.mixedLoadShare * 100} % of the mixed workload's saturation throughput`;
  log(`[6/7] ${phaseSummary(mixed)}`);

  // The same rate over few connections: what the 10,000 connections themselves cost.
  const control = await runPhase({
    pg,
    key: 'mixed_control',
    title: `CASCADE mixed, ${num(SETTINGS.satConnections)} connections at ${num(rate)} req/s`,
    step: '[6/7]',
    target: app,
    mode: 'mixed',
    files,
    cascade: true,
    connections: SETTINGS.satConnections,
    rate,
    warmupSec: SETTINGS.satWarmup,
    durationSec: SETTINGS.mixedControlDuration,
  });
  log(`[6/7] ${phaseSummary(control)}`);

  // The database path at a fixed rate: reads that miss the cache, paced (no coordinated omission),
  // so its p50/p95 are latencies of a server with headroom, not of a saturated queue.
  const dbRate = Math.max(10, Math.round((saturation.c_db.rps * SETTINGS.mixedLoadShare) / 10) * 10);
  const dbPath = await runPhase({
    pg,
    key: 'db_path_rate',
    title: `CASCADE reads that miss the cache, ${num(SETTINGS.satConnections)} connections at ${num(dbRate)} req/s`,
    step: '[6/7]',
    target: app,
    mode: 'read-cold',
    files,
    cascade: true,
    connections: SETTINGS.satConnections,
    rate: dbRate,
    warmupSec: SETTINGS.satWarmup,
    durationSec: SETTINGS.mixedControlDuration,
  });
  dbPath.rate_rule = `${SETTINGS.mixedLoadShare * 100} % of the c-db saturation throughput`;
  log(`[6/7] ${phaseSummary(dbPath)}`);

  status('stopping CASCADE (SIGTERM, graceful)…');
  const appHwm = memoryOf(app.pid);
  const shutdownStarted = Date.now();
  const exit = await stop(app.entry, 30000);
  const shutdown = { code: exit.code, signal: exit.signal, ms: Date.now() - shutdownStarted };

  let profile = null;
  if (flags.has('--profile')) profile = await runProfile({ pg, jwtSecret, files });

  const results = assemble({
    box,
    pg,
    saturation,
    pairedRatios,
    peer,
    mixed,
    control,
    dbPath,
    files,
    shutdown,
    appHwm,
    appIdle: idle,
    profile,
  });
  const date = stamp.toISOString().slice(0, 10);
  // A --quick run is a smoke test: its files go to the ignored scratch folder, never over results.
  const outDir = QUICK ? path.join(RESULTS, 'tmp') : RESULTS;
  mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `${date}${QUICK ? '-quick' : ''}.json`);
  const svgFile = path.join(outDir, `${date}${QUICK ? '-quick' : ''}.svg`);
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(svgFile, chart(results));
  log(`[7/7] results: ${path.relative(ROOT, jsonFile)}, chart: ${path.relative(ROOT, svgFile)} (${elapsed()} in all)`);

  await cleanup();
  process.stdout.write(`\n${report(results)}\n`);
  if (results.leaks_total > 0) {
    log(`\nFAILED: ${results.leaks_total} rows of another tenant were served. Zero is the only passing number.`);
    return 1;
  }
  if (results.errors_total > 0) {
    log(`\nFAILED: ${results.errors_total} requests failed (non-2xx, timeouts or socket errors); see error_kinds in the results.`);
    return 2;
  }
  return 0;
}

/** CASCADE again, CPU-profiled over the measurement window, saturated with the mixed workload. */
async function runProfile({ pg, jwtSecret, files }) {
  const keep = path.join(RESULTS, 'tmp', `${runId}-cascade.cpuprofile`);
  const app = await startCascade({ pg, jwtSecret, profileFile: keep });
  let phase;
  try {
    phase = await runPhase({
      pg,
      key: 'profile',
      title: 'CASCADE mixed at saturation, profiled',
      step: '[7/7]',
      target: app,
      mode: 'mixed',
      files,
      cascade: true,
      connections: SETTINGS.satConnections,
      warmupSec: 3,
      durationSec: SETTINGS.profileDuration,
    });
    await waitFor(async () => existsSync(keep), { timeoutMs: 20000, what: 'CPU profile' });
  } finally {
    await stop(app.entry, 30000);
  }
  const summary = summarise(JSON.parse(readFileSync(keep, 'utf8')), 25);
  log(`[7/7] ${phaseSummary(phase)}; profile: ${path.relative(ROOT, keep)}`);
  log(
    `\n${toText({ ...summary, categories: summary.categories.slice(0, 12), self: summary.self.slice(0, 15), inclusive: summary.inclusive.slice(0, 15) })}\n`,
  );
  return { file: path.relative(ROOT, keep), phase: slimPhase(phase), summary };
}

/** Which code was measured: the commit, and whether the working tree had changes on top of it. */
function gitState() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'apps', 'libs', 'config', 'package.json');
  return { commit: head.stdout.trim(), uncommitted_changes: Boolean(dirty.stdout.trim()) };
}

function slimPhase(r) {
  return { ...r, error_samples: r.error_samples.slice(0, 5), leak_samples: r.leak_samples.slice(0, 5) };
}

function assemble({ box, pg, saturation, pairedRatios, peer, mixed, control, dbPath, files, shutdown, appHwm, appIdle, profile }) {
  const phases = [...Object.values(saturation), mixed, control, dbPath, ...(profile ? [profile.phase] : [])];
  const leaks = phases.reduce((s, p) => s + p.leaks, 0);
  const errors = phases.reduce((s, p) => s + p.errors, 0);
  // Paired within each round, then the median over rounds (ranges in `paired`).
  const derived = Object.fromEntries(Object.entries(pairedRatios).map(([k, v]) => [k, v ? v.median : null]));
  const rss = Math.max(
    mixed.rss_peak_bytes || 0,
    control.rss_peak_bytes || 0,
    ...Object.values(saturation).map((p) => (p.title.startsWith('CASCADE') ? p.rss_peak_bytes || 0 : 0)),
  );
  derived.mixed_saturation_share = saturation.c_mix && saturation.a ? round(saturation.c_mix.rps / saturation.a.rps, 4) : null;
  // The issue's targets, exactly. A value that was not measured (its phase skipped, or not run at
  // the target's size, e.g. --quick's 1,000 connections) is "not measured": never met, never hidden.
  const known = (v) => typeof v === 'number' && Number.isFinite(v);
  const line = (target, v, format, ok, unmeasured = null) =>
    known(v) && !unmeasured
      ? { target, value: format(v), met: ok(v) }
      : { target, value: `not measured${unmeasured ? ` (${unmeasured})` : ''}`, met: null };
  const ms = (v) => `${v} ms`;
  const targets = [
    line('c-db / a ≥ 60 % (CASCADE DB path vs raw + RLS)', derived.framework_cost_db_path, pct, (v) => v >= 0.6),
    line(
      'c-db / p ≥ 1.5× (CASCADE DB path vs the PostGraphile peer)',
      derived.db_path_vs_peer,
      times,
      (v) => v >= 1.5,
      peer.status === 'measured' ? null : 'peer skipped: the reason is under the saturation table and in `peer`',
    ),
    line('mixed saturation / a ≥ 80 %', derived.mixed_saturation_share, pct, (v) => v >= 0.8),
    line('c / a ≥ 100 % (cache as designed)', derived.framework_cost, pct, (v) => v >= 1),
    line('(b − a_app) / b ≤ 10 % (isolation overhead, what CASCADE sends)', derived.isolation_overhead_app, pct, (v) => v <= 0.1),
    line(
      'peak RSS ≤ 300 MB with 10,000 connections',
      mixed.rss_peak_bytes,
      mb,
      (v) => v <= 300 * 1e6,
      mixed.connections < 10000 ? `${mb(mixed.rss_peak_bytes)} with ${num(mixed.connections)} connections only` : null,
    ),
    line('0 errors (all phases)', errors, num, (v) => v === 0),
    line('0 leaks (all phases)', leaks, num, (v) => v === 0),
    line(
      `p95 < 200 ms at the fixed rate (mixed, ${num(mixed.rate)} req/s over ${num(mixed.connections)} connections)`,
      mixed.latency_ms.p95,
      ms,
      (v) => v < 200,
    ),
  ];
  return {
    date: stamp.toISOString(),
    run_id: runId,
    code: gitState(),
    machine: box,
    postgres: {
      version: pg.serverVersion,
      embedded: pg.embedded,
      pg_stat_statements: pg.pgStatStatements,
      max_connections: pg.maxConnections,
    },
    redis: Boolean(process.env.REDIS_URL),
    peer,
    settings: {
      ...SETTINGS,
      quick: QUICK,
      files_route: files,
      hot_share: require('./workload').HOT_SHARE,
      mix: files ? require('./workload').MIXED_WITH_FILES : require('./workload').MIXED,
    },
    saturation: Object.fromEntries(Object.entries(saturation).map(([k, v]) => [k, slimPhase(v)])),
    derived,
    paired: pairedRatios,
    mixed: slimPhase(mixed),
    mixed_control: slimPhase(control),
    db_path_rate: slimPhase(dbPath),
    app: {
      rss_idle_after_start_bytes: appIdle ? appIdle.rss : null,
      rss_peak_bytes: rss,
      vm_hwm_bytes: appHwm ? appHwm.hwm : null,
      node_options: SETTINGS.appNodeOptions || null,
      shutdown,
    },
    leaks_total: leaks,
    errors_total: errors,
    responses_checked: phases.reduce((acc, p) => acc + p.responses_total, 0),
    targets,
    profile,
    duration_s: Math.round((Date.now() - started) / 1000),
  };
}

function chart(r) {
  const servers = ['a', 'a1', 'a_app', 'b', 'p', 'c_db', 'c']
    .filter((k) => r.saturation[k]) // p only when the peer was measured
    .map((k) => ({
      key: k,
      label: [...RAW_SERVERS, PEER, ...CASCADE_RUNS].find((s) => s.key === k).chart,
      rps: r.saturation[k].rps,
      latency: r.saturation[k].latency_ms,
    }));
  const m = r.mixed;
  return renderChart({
    servers,
    title: `CASCADE vs raw node:http + pg and a PostGraphile peer — the by-id read at saturation (${r.settings.satConnections} connections)`,
    subtitle: `${r.date.slice(0, 10)} · ${r.machine.cpus} CPUs, ${(r.machine.total_mem_bytes / 2 ** 30).toFixed(1)} GiB · Node ${r.machine.node} · PostgreSQL ${r.postgres.version} · ${r.redis ? 'Redis' : 'in-memory cache'} · everything on one box`,
    footer: [
      `Isolation overhead (b − a) / b = ${pct(r.derived.isolation_overhead)}, (b − a_app) / b = ${pct(r.derived.isolation_overhead_app)}; CASCADE / raw (c / a) = ${pct(r.derived.framework_cost)}; CASCADE DB path / raw (c-db / a) = ${pct(r.derived.framework_cost_db_path)}.`,
      `CASCADE DB path / PostGraphile peer (c-db / p) = ${r.derived.db_path_vs_peer === null ? `not measured (peer skipped: ${r.peer.reason})`.slice(0, 140) : `${times(r.derived.db_path_vs_peer)} (p: PostGraphile ${r.peer.versions.postgraphile}, the same read as GraphQL, RLS through per-request pgSettings)`}.`,
      `Mixed workload, ${num(m.connections)} keep-alive connections at ${num(m.rate)} req/s: p50 ${m.latency_ms.p50} ms, p95 ${m.latency_ms.p95} ms, p99 ${m.latency_ms.p99} ms; errors ${m.errors}; leaks ${r.leaks_total}; cache hit rate ${pct(m.cache && m.cache.hit_rate)}; RSS peak ${mb(r.app.rss_peak_bytes)}.`,
    ],
  });
}

/**
 * Where CASCADE's RSS goes at its peak with many connections: the probe's process.memoryUsage()
 * at the sample with the highest RSS of the window, beside the same at the control's few
 * connections (run after it, in the same process).
 */
function whereTheRssGoes(m, k) {
  const peakOf = (p) => p.server_timing && p.server_timing.memory_peak;
  const [pm, pk] = [peakOf(m), peakOf(k)];
  if (!pm) return ['Where the RSS goes: not measured (the probe reported no memory sample)', ''];
  const cell = (x, f) => (x ? f(x) : '—');
  const rest = (x) => mb(x.rss - x.heap_total - x.external);
  return [
    `Where the RSS goes: CASCADE at its highest RSS in the window (process.memoryUsage() from the probe, sampled every second)`,
    table(
      ['at the peak', `${num(m.connections)} connections`, `${num(k.connections)} connections`],
      [
        ['RSS', mb(pm.rss), cell(pk, (x) => mb(x.rss))],
        [
          'V8 heap: total (committed) / used',
          `${mb(pm.heap_total)} / ${mb(pm.heap_used)}`,
          cell(pk, (x) => `${mb(x.heap_total)} / ${mb(x.heap_used)}`),
        ],
        [
          'external (Buffers, native objects) / of it ArrayBuffers',
          `${mb(pm.external)} / ${mb(pm.array_buffers)}`,
          cell(pk, (x) => `${mb(x.external)} / ${mb(x.array_buffers)}`),
        ],
        ['rest: RSS − heap total − external (code, stacks, libuv, sockets, malloc)', rest(pm), cell(pk, rest)],
        ['TCP sockets open in the process (clients + its pg / Redis)', num(pm.sockets), cell(pk, (x) => num(x.sockets))],
        ['RSS before the phase (/proc; RSS rarely shrinks, so a later phase starts high)', mb(m.rss_before_bytes), mb(k.rss_before_bytes)],
      ],
      ['l', 'r', 'r'],
    ),
    '',
  ];
}

function report(r) {
  const out = [];
  const m = r.mixed;
  out.push(
    `CASCADE benchmark ${r.date.slice(0, 10)} · ${r.machine.cpus} CPUs · ${(r.machine.total_mem_bytes / 2 ** 30).toFixed(1)} GiB · Node ${r.machine.node} · PostgreSQL ${r.postgres.version}${r.postgres.embedded ? ' (embedded)' : ''} · ${r.redis ? 'Redis' : 'no Redis'} · CASCADE's NODE_OPTIONS: ${r.app.node_options || '(none)'}`,
  );
  out.push('');
  out.push(
    `Saturation: the by-id read (GET /api/resources/:id; the peer: POST /graphql), ${r.settings.satConnections} connections, ${r.settings.rounds} interleaved rounds of ${r.settings.satDuration} s (after ${r.settings.satWarmup} s warm-up each); the median round is shown`,
  );
  out.push(
    table(
      ['server', 'req/s', 'rounds', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'leaks', 'server CPU s', 'CPU ms/req', 'PG CPU s', 'cache hit'],
      Object.values(r.saturation).map((p) => [
        p.label,
        num(p.rps),
        p.rps_rounds ? p.rps_rounds.map((v) => num(v)).join(' / ') : '—',
        p.latency_ms.p50,
        p.latency_ms.p95,
        p.latency_ms.p99,
        num(p.errors),
        num(p.leaks),
        p.cpu && p.cpu.server_s,
        cpuMsPerRequest(p) ?? '—',
        p.cpu && p.cpu.postgres_s,
        p.cache ? pct(p.cache.hit_rate) : '—',
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const v = r.peer.versions;
  out.push(
    r.peer.status === 'measured'
      ? `p: PostGraphile ${v.postgraphile} (grafast ${v.grafast}, @dataplan/pg ${v['@dataplan/pg']}, pg ${v.pg}), POST /graphql, the same rows by (tenant_id, id), RLS through per-request pgSettings`
      : `p (PostGraphile peer): not measured, skipped: ${r.peer.reason}`,
  );
  out.push('');
  const ratios = [
    ['isolation overhead (b − a) / b', 'isolation_overhead'],
    ['  the same with a1 (1 round trip) for a', 'isolation_overhead_one_round_trip'],
    ['  the same with a_app (what CASCADE sends)', 'isolation_overhead_app'],
    ['framework cost c / a (cache as designed)', 'framework_cost'],
    ['  reads that miss the cache, c-db / a', 'framework_cost_db_path'],
    ['  the same against a_app, c-db / a_app', 'framework_cost_db_path_app'],
    ['CASCADE DB path / PostGraphile peer, c-db / p', 'db_path_vs_peer', times],
  ];
  for (const [label, key, format = pct] of ratios) {
    const p = r.paired[key];
    out.push(
      p
        ? `${label.padEnd(46)} ${format(r.derived[key]).padStart(7)}   (rounds: ${p.rounds.map((v) => format(v)).join(', ')})`
        : `${label.padEnd(46)} not measured (peer skipped: ${r.peer.reason})`,
    );
  }
  out.push(`${'mixed workload at saturation / a (median a)'.padEnd(46)} ${(pct(r.derived.mixed_saturation_share) || '—').padStart(7)}`);
  out.push('');
  const k = r.mixed_control;
  out.push(`Mixed workload on CASCADE at a fixed arrival rate of ${num(m.rate)} req/s (${m.rate_rule}), ${m.duration_s} s measured`);
  const both = (f) => [f(m), f(k)];
  const timing = (p, f) => (p.server_timing ? f(p.server_timing) : '—');
  out.push(
    table(
      ['measure', `${num(m.connections)} connections`, `${num(k.connections)} connections`],
      [
        ['achieved throughput (req/s)', ...both((p) => num(p.rps))],
        [
          'latency p50 / p95 / p99 (ms, from intended send)',
          ...both((p) => `${p.latency_ms.p50} / ${p.latency_ms.p95} / ${p.latency_ms.p99}`),
        ],
        ['errors / leaks', ...both((p) => `${num(p.errors)} / ${num(p.leaks)}`)],
        [
          'open connections, server side (min–max)',
          ...both((p) => (p.open_connections ? `${num(p.open_connections.min)}–${num(p.open_connections.max)}` : '—')),
        ],
        ['reconnects (idle closes by the server)', ...both((p) => `${num(p.reconnects)} (${num(p.idle_closes_by_server)})`)],
        [
          'cache hit rate: metric / resource cache ≥',
          ...both((p) => (p.cache ? `${pct(p.cache.hit_rate)} / ${pct(p.cache.resource_hit_rate_lower_bound)}` : '—')),
        ],
        [
          'DB round trip p50 / p95 / p99 (ms, app side)',
          ...both((p) => timing(p, (t) => `${t.query_ms.p50} / ${t.query_ms.p95} / ${t.query_ms.p99}`)),
        ],
        [
          'pool wait p95 (ms) / event-loop delay p99 (ms)',
          ...both((p) => timing(p, (t) => `${t.pool_wait_ms.p95} / ${t.event_loop.delay_p99_ms}`)),
        ],
        [
          'app RSS before → peak (V8 heap used at the end)',
          ...both(
            (p) =>
              `${mb(p.rss_before_bytes)} → ${mb(p.rss_peak_bytes)} (${timing(p, (t) => mb(t.memory_at_end && t.memory_at_end.heap_used))})`,
          ),
        ],
        [
          'CPU s: app / PostgreSQL / generator / others, of',
          ...both((p) =>
            p.cpu
              ? `${p.cpu.server_s} / ${p.cpu.postgres_s} / ${p.cpu.generator_s} / ${p.cpu.other_processes_s}, of ${p.cpu.capacity_s}`
              : '—',
          ),
        ],
      ],
      ['l', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(...whereTheRssGoes(m, k));
  const d = r.db_path_rate;
  if (d) {
    out.push(
      `Reads that miss the cache (DB path) at a fixed ${num(d.rate)} req/s (${d.rate_rule}), ${num(d.connections)} connections: ` +
        `p50 / p95 / p99 ${d.latency_ms.p50} / ${d.latency_ms.p95} / ${d.latency_ms.p99} ms (from intended send), ` +
        `DB round trip p50 / p95 ${d.server_timing ? `${d.server_timing.query_ms.p50} / ${d.server_timing.query_ms.p95}` : '—'} ms, ` +
        `errors ${num(d.errors)}, leaks ${num(d.leaks)}`,
    );
    out.push('');
  }
  out.push('Targets');
  out.push(
    table(
      ['target', 'value', 'met'],
      r.targets.map((t) => [t.target, t.value, t.met === null ? 'not measured' : t.met ? 'yes' : 'NO']),
      ['l', 'r', 'l'],
    ),
  );
  return out.join('\n');
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    if (interrupted) return; // the signal handler is already cleaning up and will exit
    progress.clear();
    process.stderr.write(`\nbenchmark failed: ${err.stack || err.message}\n`);
    await cleanup().catch(() => undefined);
    process.exit(3);
  },
);
