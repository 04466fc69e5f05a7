'use strict';
// Every process the benchmark starts goes through here, so all of them are stopped at the end,
// on failure and on Ctrl-C: none is left behind. Each runs under `bash -c 'ulimit -n …; exec …'`
// so the app, the raw servers and the load generator may hold 10,000+ sockets.
const { spawn } = require('node:child_process');
const { createWriteStream, existsSync, readFileSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');

const RAISE_NOFILE = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
const running = new Set();

/**
 * Starts `node <args>` with a raised open-files limit. Output goes to `logFile` (appended);
 * with `ipc` the child can `process.send` messages (the channel survives bash's exec).
 */
function startNode(name, args, { env, logFile, ipc = false, cwd } = {}) {
  const child = spawn('bash', ['-c', RAISE_NOFILE, process.execPath, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  const entry = { name, child, exited: false, code: null, signal: null };
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      entry.exited = true;
      entry.code = code;
      entry.signal = signal;
      running.delete(entry);
      resolve({ code, signal });
    }),
  );
  entry.exited$ = exited;
  if (logFile) {
    const out = createWriteStream(logFile, { flags: 'a' });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  running.add(entry);
  return entry;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
async function stop(entry, graceMs = 15000) {
  if (!entry || entry.exited) return entry ? { code: entry.code, signal: entry.signal } : undefined;
  entry.child.kill('SIGTERM');
  const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
  const result = await entry.exited$;
  clearTimeout(timer);
  return result;
}

async function stopAll(graceMs) {
  await Promise.all([...running].map((e) => stop(e, graceMs)));
}

/** Last resort on exit: whatever still runs is killed synchronously. */
function killAllNow() {
  for (const e of running) {
    try {
      e.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAllNow);

/** The environment of a child, without any CASCADE setting inherited from the caller's shell. */
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(PORT|DATABASE_URL|MIGRATION_DATABASE_URL|REDIS_URL|JWT_.*|METRICS_.*|BASE_DOMAIN|TRUST_.*|DB_.*|LOG_.*|STORAGE_.*|S3_.*|PLANS_FILE|CORS_ORIGINS|TRUSTED_PROXIES|MIGRATE_ON_START|NODE_OPTIONS|SHUTDOWN_GRACE_MS|MAX_UPLOAD_BYTES)$/.test(
        key,
      )
    )
      delete env[key];
  }
  return { ...env, ...extra };
}

function logTail(file, lines = 20) {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

async function waitFor(check, { timeoutMs, what, entry, logFile }) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (entry && entry.exited) throw new Error(`${what}: the process exited (code ${entry.code}).\n${logTail(logFile)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what}: not ready after ${timeoutMs} ms.\n${logTail(logFile)}`);
    await sleep(200);
  }
}

module.exports = { cleanEnv, logTail, startNode, stop, stopAll, killAllNow, waitFor };
