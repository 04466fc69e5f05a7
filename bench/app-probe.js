'use strict';
// Preloaded into a server under test (`node -r bench/app-probe.js …`) to measure what the app's
// own code cannot tell us without being edited: how long each database round trip takes as the
// app sees it (pg Client#query call → result), how long requests wait for a pooled connection,
// the event-loop delay and utilisation, and GC pauses. On SIGUSR2 it writes what it collected
// since the previous signal to BENCH_PROBE_FILE (atomically) and starts afresh.
// With BENCH_CPU_PROFILE=<file>, the first SIGUSR2 also starts V8's CPU profiler (what
// `node --cpu-prof` runs, at its 1 ms sampling interval) and the second one writes the profile:
// exactly the measurement window, without start-up and provisioning in it.
// BENCH_PROBE_PG names the `pg` module the server loads when it is not the app's (the PostGraphile
// peer has its own). The probe also keeps the process's memory at its highest RSS since the last
// signal (process.memoryUsage() and the TCP sockets open then, sampled every second): where the
// RSS goes at the peak, not at the window's end.
const inspector = require('node:inspector');
const { monitorEventLoopDelay } = require('node:perf_hooks'); // performance, PerformanceObserver: Node globals
const { renameSync, writeFileSync } = require('node:fs');
const pg = require(process.env.BENCH_PROBE_PG || 'pg');

const FILE = process.env.BENCH_PROBE_FILE;
const PROFILE_FILE = process.env.BENCH_CPU_PROFILE;
let profiler = null;
let samples = new Map(); // statement kind → durations (ms)
let poolWaits = [];
let gcMs = 0;
let gcCount = 0;
let seq = 0;
let memoryPeak = null;
let eluStart = performance.eventLoopUtilization();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** A stable name for a statement: its text with uuid / number literals and column lists elided. */
function kindOf(text) {
  const t = String(text)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'/gi, "'<uuid>'")
    .replace(/'\d+'/g, "'<n>'");
  if (/set_config\('role'/.test(t)) {
    const parts = [
      /^BEGIN/i.test(t) ? 'BEGIN' : null,
      'SELECT set_config(role, tenant, timeout)',
      /cascade\.resources/.test(t) ? 'SELECT … FROM cascade.resources' : null,
      /COMMIT$/i.test(t) ? 'COMMIT' : null,
    ];
    return parts.filter(Boolean).join('; ');
  }
  return t
    .replace(/^SELECT .+? FROM /i, 'SELECT … FROM ')
    .replace(/ RETURNING .*$/i, ' RETURNING …')
    .slice(0, 110);
}

function record(kind, ms) {
  let list = samples.get(kind);
  if (!list) samples.set(kind, (list = []));
  list.push(ms);
}

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function timedQuery(config, values, callback) {
  const text = typeof config === 'string' ? config : config && config.text;
  if (!text || (config && typeof config.submit === 'function')) return query.apply(this, arguments);
  const kind = kindOf(text);
  const start = performance.now();
  const done = () => record(kind, performance.now() - start);
  const cbIndex = typeof values === 'function' ? 1 : typeof callback === 'function' ? 2 : -1;
  if (cbIndex >= 0) {
    const args = [...arguments];
    const cb = args[cbIndex];
    args[cbIndex] = function timedCallback() {
      done();
      return cb.apply(this, arguments);
    };
    return query.apply(this, args);
  }
  const result = query.apply(this, arguments);
  if (result && typeof result.then === 'function') result.then(done, done);
  return result;
};

const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function timedConnect(cb) {
  const start = performance.now();
  if (typeof cb === 'function') {
    return connect.call(this, function timedConnectCallback() {
      poolWaits.push(performance.now() - start);
      return cb.apply(this, arguments);
    });
  }
  const result = connect.call(this);
  result.then(
    () => poolWaits.push(performance.now() - start),
    () => undefined,
  );
  return result;
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });

/** TCP sockets this process holds open: accepted connections plus its own pg / Redis clients. */
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

function sampleMemory() {
  const m = process.memoryUsage();
  if (!memoryPeak || m.rss > memoryPeak.rss) memoryPeak = { ...m, sockets: openSockets(), at: Date.now() };
}
setInterval(sampleMemory, 1000).unref();

function percentiles(values) {
  const s = Float64Array.from(values).sort();
  const at = (p) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    mean: s.length ? sum / s.length : null,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: s.length ? s[s.length - 1] : null,
    total: sum,
  };
}

function dump() {
  const statements = {};
  const all = [];
  for (const [kind, list] of samples) {
    statements[kind] = percentiles(list);
    for (const v of list) all.push(v);
  }
  const elu = performance.eventLoopUtilization(eluStart);
  sampleMemory();
  const report = {
    seq: ++seq,
    at: Date.now(),
    queries: percentiles(all),
    statements,
    pool_wait: percentiles(poolWaits),
    event_loop: {
      utilization: elu.utilization,
      delay_p50_ms: loopDelay.percentile(50) / 1e6,
      delay_p99_ms: loopDelay.percentile(99) / 1e6,
      delay_max_ms: loopDelay.max / 1e6,
    },
    gc: { count: gcCount, total_ms: gcMs },
    memory: process.memoryUsage(),
    memory_peak: memoryPeak,
  };
  memoryPeak = null;
  samples = new Map();
  poolWaits = [];
  gcMs = 0;
  gcCount = 0;
  eluStart = performance.eventLoopUtilization();
  loopDelay.reset();
  if (FILE) {
    writeFileSync(`${FILE}.tmp`, JSON.stringify(report));
    renameSync(`${FILE}.tmp`, FILE);
  }
}

function toggleProfiler() {
  if (!profiler) {
    profiler = new inspector.Session();
    profiler.connect();
    profiler.post('Profiler.enable', () =>
      profiler.post('Profiler.setSamplingInterval', { interval: 1000 }, () => profiler.post('Profiler.start')),
    );
    return;
  }
  const session = profiler;
  session.post('Profiler.stop', (err, result) => {
    if (!err) {
      writeFileSync(`${PROFILE_FILE}.tmp`, JSON.stringify(result.profile));
      renameSync(`${PROFILE_FILE}.tmp`, PROFILE_FILE);
    }
    session.disconnect();
  });
}

process.on('SIGUSR2', () => {
  dump();
  if (PROFILE_FILE) toggleProfiler();
});
