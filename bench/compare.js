#!/usr/bin/env node
'use strict';
// `node bench/compare.js <build A> <build B> [rounds]`: the app's own CPU time per request of two
// builds of CASCADE (two checkouts, each with node_modules and a built dist/), measured in ONE
// session on ONE database and interleaved finely — A B, then B A, round after round — so the drift
// of a shared machine's background load falls on both alike. Per round and build: the c, c-db and
// mixed workloads of bench/load.js, 200 connections, 3 s warm-up and 8 s measured each. Every c-db
// window walks rows no earlier window read (the resource lists are rotated), so each of its reads
// misses the cache on both builds. Prints each window, then per workload the means and the
// geometric mean of the per-round ratios B / A (order effects cancel over A B / B A pairs).
// Env: DATABASE_URL (a superuser URL), REDIS_URL. Uses this checkout's dist/ for the migrations.
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { cleanEnv, startNode, stopAll, waitFor } = require('./lib/children');
const { preparePostgres } = require('./lib/postgres');
const { provision } = require('./lib/provision');
const { cpuSecondsOf, machineBusySeconds, machine } = require('./lib/system');

const [dirA, dirB] = process.argv.slice(2, 4).map((d) => d && path.resolve(d));
const ROUNDS = Number(process.argv[4] || 5);
// c-db after c, not after the writes of the previous round's mixed windows: the first c-db window
// after them paid 15-25 % more CPU per request, whichever build it measured.
const WORKLOADS = [
  ['c', 'read-hot'],
  ['c_db', 'read-cold'],
  ['mixed', 'mixed'],
];
const runId = `cmp${Date.now()}_${process.pid}`;
const TMP = path.join(__dirname, 'results', 'tmp', runId);

async function startApp(name, dir, port, pg, jwtSecret) {
  const logFile = path.join(TMP, `app-${name}.log`);
  const entry = startNode(name, [path.join(dir, 'dist/apps/api/src/main.js')], {
    cwd: dir,
    logFile,
    env: cleanEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: pg.appUrl,
      JWT_SECRET: jwtSecret,
      JWT_EXPIRES_IN_SECONDS: '3600',
      DB_POOL_SIZE: '10',
      LOG_LEVEL: 'warn',
      STORAGE_ROOT: path.join(TMP, `storage-${name}`),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, {
    timeoutMs: 60000,
    what: `build ${name} (${dir})`,
    entry,
    logFile,
  });
  return { name, pid: entry.child.pid, baseUrl };
}

/** One window of one workload against one build: the build's CPU seconds over the requests answered. */
function window(app, mode, dataFile, key) {
  const cfgFile = path.join(TMP, `load-${key}.json`);
  writeFileSync(cfgFile, JSON.stringify({ url: app.baseUrl, dataFile, mode, files: true, connections: 200, warmupSec: 3, durationSec: 8 }));
  const gen = startNode(`load ${key}`, [path.join(__dirname, 'load.js'), cfgFile], {
    cwd: path.dirname(__dirname),
    ipc: true,
    logFile: path.join(TMP, `load-${key}.log`),
    env: cleanEnv({}),
  });
  const snap = () => ({ cpu: cpuSecondsOf(app.pid), busy: machineBusySeconds(), at: Date.now() });
  return new Promise((resolve, reject) => {
    let start;
    let end;
    let result;
    gen.child.on('message', (msg) => {
      if (msg.type === 'window' && msg.edge === 'start') start = snap();
      else if (msg.type === 'window') end = snap();
      else if (msg.type === 'result') result = msg.result;
    });
    gen.exited$.then(() => {
      if (!result || !start || !end)
        return reject(new Error(`window ${key}: the load generator gave no result (${path.join(TMP, `load-${key}.log`)})`));
      const cpu = end.cpu - start.cpu;
      resolve({
        requests: result.requests,
        rps: result.rps,
        errors: result.errors,
        leaks: result.leaks,
        cpu_ms_per_request: (cpu * 1000) / result.requests,
        machine_busy: (end.busy - start.busy) / (machine().cpus * ((end.at - start.at) / 1000)),
      });
    });
  });
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const geomean = (xs) => Math.exp(mean(xs.map(Math.log)));

async function main() {
  if (!dirA || !dirB) throw new Error('usage: node bench/compare.js <build A> <build B> [rounds]');
  mkdirSync(TMP, { recursive: true });
  const pg = await preparePostgres({ runId, log: () => undefined });
  const jwtSecret = randomBytes(48).toString('base64url');
  try {
    const a = await startApp('A', dirA, 39101, pg, jwtSecret);
    const data = await provision({
      baseUrl: a.baseUrl,
      superUrl: pg.superUrl,
      jwtSecret,
      tenants: 50,
      usersPerTenant: 200,
      resourcesPerTenant: 1000,
      hotPerTenant: 20,
      log: () => undefined,
    });
    const b = await startApp('B', dirB, 39102, pg, jwtSecret);
    const dataFile = path.join(TMP, 'data.json');
    writeFileSync(dataFile, JSON.stringify(data));
    let coldWindows = 0;
    const coldData = () => {
      const shift = 50 * coldWindows++; // 50 rows a tenant a window: 1,000 rows last 20 windows
      const rotated = {
        ...data,
        tenants: data.tenants.map((t) => ({ ...t, resources: [...t.resources.slice(shift), ...t.resources.slice(0, shift)] })),
      };
      const file = path.join(TMP, `data-cold-${coldWindows}.json`);
      writeFileSync(file, JSON.stringify(rotated));
      return file;
    };
    const results = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [workload, mode] of WORKLOADS) {
        for (const app of round % 2 ? [a, b] : [b, a]) {
          const r = await window(app, mode, mode === 'read-cold' ? coldData() : dataFile, `${workload}-${app.name}-r${round}`);
          results.push({ workload, build: app.name, round, ...r });
          process.stdout.write(
            `${workload.padEnd(5)} ${app.name} round ${round}: ${r.cpu_ms_per_request.toFixed(3)} ms/req, ${Math.round(r.rps)} req/s, errors ${r.errors}, leaks ${r.leaks}, machine busy ${Math.round(r.machine_busy * 100)} %\n`,
          );
        }
      }
    }
    process.stdout.write(`\nA = ${dirA}\nB = ${dirB}\n`);
    for (const [workload] of WORKLOADS) {
      const of = (build) => results.filter((r) => r.workload === workload && r.build === build);
      const ratios = of('A').map((x) => of('B').find((y) => y.round === x.round).cpu_ms_per_request / x.cpu_ms_per_request);
      process.stdout.write(
        `${workload}: CPU ms/req A ${mean(of('A').map((r) => r.cpu_ms_per_request)).toFixed(3)}, B ${mean(of('B').map((r) => r.cpu_ms_per_request)).toFixed(3)}; ` +
          `B / A ${((geomean(ratios) - 1) * 100).toFixed(1)} % (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')}); ` +
          `req/s A ${Math.round(mean(of('A').map((r) => r.rps)))}, B ${Math.round(mean(of('B').map((r) => r.rps)))}\n`,
      );
    }
    const bad = results.reduce((n, r) => n + r.errors + r.leaks, 0);
    if (bad) process.stdout.write(`${bad} errors or leaks: see ${TMP}\n`);
    else rmSync(TMP, { recursive: true, force: true });
    process.exitCode = bad ? 2 : 0;
  } finally {
    await stopAll(15000);
    await pg.cleanup();
  }
}

main().catch(async (err) => {
  process.stderr.write(`${err.stack || err}\n`);
  await stopAll(5000);
  process.exit(3);
});
