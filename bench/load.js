'use strict';
// The load generator, run as its own process (`node bench/load.js <config.json>`): autocannon's
// programmatic API with one keep-alive connection per simulated user, each carrying that user's
// token. Every response is checked (workload.js). Two shapes:
//   closed loop (no `rate`): each connection sends its next request when the previous answer
//     arrives — throughput at saturation;
//   fixed arrival rate (`rate` req/s over all connections): each connection sends on its own
//     schedule (every connections/rate seconds, random phase), so thousands of connections can stay
//     open at a rate the box sustains. Latency is measured from the INTENDED send time, so a
//     server that falls behind cannot hide it (no coordinated omission).
// Reports progress and the result to the parent over IPC (or stdout as JSON lines).
const { readFileSync } = require('node:fs');
const autocannon = require('autocannon');
const { createWorkload } = require('./workload');
const { percentiles, SampleBuffer } = require('./lib/stats');
const { openFilesLimit } = require('./lib/system');

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const data = JSON.parse(readFileSync(cfg.dataFile, 'utf8'));
const workload = createWorkload(data, { mode: cfg.mode, files: cfg.files });

const send = (msg) => (process.send ? process.send(msg) : process.stdout.write(`${JSON.stringify(msg)}\n`));

const nofile = openFilesLimit();
if (nofile !== null && nofile < cfg.connections + 64) {
  send({
    type: 'error',
    message: `open-files limit ${nofile} is too low for ${cfg.connections} connections (raise the hard limit: ulimit -Hn)`,
  });
  process.exit(1);
}

const t0 = performance.now();
const measureFrom = t0 + cfg.warmupSec * 1000;
const measureTo = measureFrom + cfg.durationSec * 1000;
const intervalMs = cfg.rate ? (cfg.connections / cfg.rate) * 1000 : 0;
// A request that gets no answer within this is a timeout (an error). Between the paced requests
// of a connection the timer is pushed past its next send, so idling is never a timeout.
const requestTimeoutMs = (cfg.timeoutSec || 10) * 1000;

const ops = {};
const opStats = (op) => (ops[op] ??= { count: 0, errors: 0, leaks: 0, latency: new SampleBuffer() });
const errorKinds = {};
const errorSamples = [];
const leakSamples = [];
let inWindow = 0;
let windowErrors = 0;
let totalResponses = 0;
let totalErrors = 0;
let totalLeaks = 0;
let reconnects = 0;
let lateSends = 0;
let idleCloses = 0;
const socketErrorKinds = {};
let tickResponses = 0;
const latency = new SampleBuffer();
const serviceTime = new SampleBuffer();

function noteError(kind, status, body) {
  totalErrors++;
  errorKinds[kind] = (errorKinds[kind] || 0) + 1;
  if (errorSamples.length < 10) errorSamples.push({ kind, status, body: String(body).slice(0, 300) });
}

function setupClient(client) {
  const conn = workload.connection();
  const state = { intended: 0, sentAt: 0, next: t0 + Math.random() * intervalMs, timer: null, connects: 0, inFlight: false };
  let current = null;

  const request = {
    setupRequest(req) {
      current = conn.next();
      req.method = current.method;
      req.path = current.path;
      req.headers = current.headers;
      req.body = current.body;
      return req;
    },
    onResponse(status, body) {
      const now = performance.now();
      const req = current;
      state.inFlight = false;
      totalResponses++;
      tickResponses++;
      const { leaks, error } = conn.check(req, status, body);
      const stats = opStats(req.op);
      if (leaks) {
        totalLeaks += leaks;
        stats.leaks += leaks;
        if (leakSamples.length < 10)
          leakSamples.push({ op: req.op, path: req.path, tenant: conn.tenantId, body: String(body).slice(0, 300) });
      }
      if (error) {
        stats.errors++;
        noteError(error, status, body);
      }
      if (now >= measureFrom && now <= measureTo) {
        inWindow++;
        stats.count++;
        if (error) windowErrors++;
        latency.push(now - state.intended);
        serviceTime.push(now - state.sentAt);
        stats.latency.push(now - state.intended);
      }
    },
  };
  client.setRequests([request]);

  // A kept-alive connection connects exactly once. autocannon reconnects at once when the server
  // closes a connection ('end'), after a timeout and after a socket error; the last two it counts
  // as errors itself. A server close with a request in flight loses that request: an error too.
  const connect = client._connect;
  client._connect = function countedConnect() {
    if (state.connects++ > 0) {
      reconnects++;
      const closedByServer = this.conn && !this.conn.destroyed;
      if (state.inFlight && closedByServer) noteError('connection closed with a request in flight', 0, '');
      else if (!state.inFlight) idleCloses++;
      state.inFlight = false;
      this.pipelinedRequests.clear();
    }
    return connect.apply(this, arguments);
  };

  const doRequest = client._doRequest;
  const fire = () => {
    state.timer = null;
    if (client.destroyed) return;
    state.sentAt = performance.now();
    state.inFlight = true;
    doRequest.call(client);
  };
  client._doRequest = function scheduledRequest() {
    if (state.timer || state.inFlight) return; // one request per connection at a time
    if (!intervalMs) {
      state.intended = performance.now();
      return fire();
    }
    state.intended = state.next;
    state.next += intervalMs;
    const wait = state.intended - performance.now();
    if (wait <= 0) {
      if (-wait > 1) lateSends++;
      return fire();
    }
    state.timer = setTimeout(fire, wait);
    // Waiting for the next slot is not a timeout: the request timer runs from the send.
    client.timeoutTicker.reschedule(wait + requestTimeoutMs);
  };
  client.on('done', () => state.timer && clearTimeout(state.timer));
  client.on('connError', (err) => {
    const kind = `socket ${err.code || err.message}`;
    socketErrorKinds[kind] = (socketErrorKinds[kind] || 0) + 1;
  });
}

const instance = autocannon(
  {
    url: cfg.url,
    connections: cfg.connections,
    // One second past the window, so the window's end is observed while the load still runs.
    duration: cfg.warmupSec + cfg.durationSec + 1,
    timeout: requestTimeoutMs / 1000,
    setupClient,
  },
  (err, result) => {
    clearInterval(ticker);
    if (err) {
      send({ type: 'error', message: err.message });
      process.exit(1);
    }
    const windowSec = cfg.durationSec;
    const byOp = {};
    for (const [op, s] of Object.entries(ops)) {
      byOp[op] = { count: s.count, errors: s.errors, leaks: s.leaks, rps: s.count / windowSec, latency_ms: percentiles(s.latency) };
    }
    send({
      type: 'result',
      result: {
        mode: cfg.mode,
        connections: cfg.connections,
        rate: cfg.rate || null,
        warmup_s: cfg.warmupSec,
        duration_s: windowSec,
        requests: inWindow,
        rps: inWindow / windowSec,
        latency_ms: percentiles(latency),
        service_time_ms: percentiles(serviceTime),
        errors: totalErrors + result.errors,
        errors_in_window: windowErrors,
        error_kinds: errorKinds,
        error_samples: errorSamples,
        leaks: totalLeaks,
        leak_samples: leakSamples,
        responses_total: totalResponses,
        socket_errors: result.errors,
        socket_error_kinds: socketErrorKinds,
        timeouts: result.timeouts,
        status_codes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
        reconnects,
        idle_closes_by_server: idleCloses,
        late_sends: lateSends,
        by_op: byOp,
        generator_cpu_s: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      },
    });
    setTimeout(() => process.exit(0), 50);
  },
);

const ticker = setInterval(() => {
  const now = performance.now();
  const phase = now < measureFrom ? 'warmup' : now <= measureTo ? 'measure' : 'done';
  send({
    type: 'progress',
    phase,
    elapsed_s: (now - t0) / 1000,
    total_s: cfg.warmupSec + cfg.durationSec,
    rps: tickResponses,
    errors: totalErrors,
    leaks: totalLeaks,
    reconnects,
  });
  tickResponses = 0;
}, 1000);

// Exact window edges, so the parent can scrape the app's counters right at them.
setTimeout(() => send({ type: 'window', edge: 'start' }), cfg.warmupSec * 1000);
setTimeout(() => send({ type: 'window', edge: 'end' }), (cfg.warmupSec + cfg.durationSec) * 1000);

const stop = () => instance.stop();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.on('disconnect', stop);
