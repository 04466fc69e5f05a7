#!/usr/bin/env node
'use strict';
// A text "flame" summary of a V8 .cpuprofile (node --cpu-prof): where the process spent its CPU,
// by package (self time), by function (self time) and by function including callees.
//   node bench/profile-summary.js <file.cpuprofile> [--top N] [--json]
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** Which package / layer a frame belongs to, from its script URL. */
function categoryOf(frame) {
  const url = frame.url || '';
  const name = frame.functionName || '';
  if (!url) {
    if (name === '(garbage collector)') return 'GC';
    if (name === '(idle)') return 'idle';
    if (name === '(program)') return 'V8/native (program)';
    return name ? `native: ${name}` : 'native';
  }
  if (url.startsWith('node:')) {
    const mod = url.slice(5).split('/').slice(0, 2).join('/');
    return `node:${mod.replace(/^internal\//, 'internal/')}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return `app: ${url
      .slice(dist + 6)
      .split('/')
      .slice(0, 3)
      .join('/')}`;
  if (url.includes('/bench/')) return 'bench preload';
  return url;
}

/**
 * Components a request's CPU goes to. Each sample is charged to the first frame, walking from the
 * sampled (leaf) function towards the root, that matches one of these — so a socket write issued
 * by the pg driver counts as "database driver", one issued by Fastify as "HTTP response".
 */
const COMPONENTS = [
  ['JWT verification (passport-jwt, jsonwebtoken)', /node_modules\/(jsonwebtoken|jws|jwa|passport|passport-jwt|@nestjs\/passport)\//],
  ['database driver (TypeORM query runner, pg, protocol)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-\w+|typeorm)\//],
  ['Redis client (rate limit, cache)', /node_modules\/(@redis|redis|cache-manager|cache-manager-redis-yet)\//],
  ['validation (class-validator, class-transformer)', /node_modules\/(class-validator|class-transformer|validator|libphonenumber-js)\//],
  [
    'metrics and request log (prom-client, app)',
    /node_modules\/prom-client\/|\/dist\/libs\/metrics\/|\/dist\/apps\/api\/src\/lifecycle\/app-logger/,
  ],
  ['Nest dependency injection (request scope)', /node_modules\/@nestjs\/core\/injector\//],
  [
    'Nest pipeline (router, guards, interceptors, pipes) and rxjs',
    /node_modules\/(@nestjs\/(core|common|platform-fastify|platform-express)|rxjs|iterare|reflect-metadata)\/|^node:async_hooks/,
  ],
  [
    // Fastify since the move off Express; Express's packages stay listed so older profiles summarise alike.
    'HTTP framework: Fastify or Express, router, hooks/middleware (helmet, cors)',
    /node_modules\/(fastify|@fastify\/[\w-]+|find-my-way|avvio|light-my-request|fast-querystring|fast-decode-uri-component|fast-json-stringify|fastify-plugin|toad-cache|safe-regex2|process-warning|rfdc|abstract-logging|express|router|helmet|cors|body-parser|raw-body|finalhandler|send|content-type|type-is|on-finished|qs|depd|statuses|vary|accepts|negotiator|mime-types|media-typer|iconv-lite|safe-buffer|cookie|etag|fresh|proxy-addr|forwarded|ipaddr\.js|parseurl|encodeurl|escape-html|range-parser)\//,
  ],
  ['CASCADE code (libs, apps)', /\/dist\/(libs|apps)\//],
  ['HTTP response write (node:http outgoing)', /^node:_http_outgoing/],
  ['HTTP request parse and dispatch (node:http server)', /^node:(_http_server|_http_common|_http_incoming)/],
  ['benchmark probe (preloaded)', /\/bench\//],
];

function componentOf(stack) {
  for (const f of stack) {
    if (f.functionName === '(garbage collector)') return 'garbage collection';
    const url = f.url || '';
    for (const [name, re] of COMPONENTS) if (re.test(url)) return name;
  }
  return 'other (Node internals, timers, sockets, idle-time work)';
}

function frameKey(f) {
  return `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '').replace(process.cwd() + path.sep, '');
}

/**
 * @returns { total_ms, busy_ms, categories, self, inclusive } — percentages are of busy time
 *          (everything but idle), which is what a saturated server spends its CPU on.
 */
function summarise(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const dt = profile.timeDeltas || [];
  const selfByNode = new Map();
  const inclusive = new Map();
  const components = new Map();
  let total = 0;
  let idle = 0;
  // A sample lasts until the next one (as DevTools counts it); the first delta is the gap between
  // starting the profiler and the first sample, so it belongs to no function.
  profile.samples.forEach((id, i) => {
    const ms = (dt[i + 1] ?? 1000) / 1000;
    total += ms;
    selfByNode.set(id, (selfByNode.get(id) || 0) + ms);
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === '(idle)') {
      idle += ms;
      return;
    }
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(nodes.get(cur).callFrame);
    const component = componentOf(stack);
    components.set(component, (components.get(component) || 0) + ms);
    // Inclusive time: every distinct function on the sampled stack (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = nodes.get(cur).callFrame;
      if (f.functionName === '(root)') continue;
      const key = frameKey(f);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) || 0) + ms);
    }
  });
  const busy = total - idle;
  const categories = new Map();
  const self = new Map();
  for (const [id, ms] of selfByNode) {
    const f = nodes.get(id).callFrame;
    if (f.functionName === '(idle)') continue;
    const cat = categoryOf(f);
    categories.set(cat, (categories.get(cat) || 0) + ms);
    const key = frameKey(f);
    const entry = self.get(key) || { ms: 0, category: cat };
    entry.ms += ms;
    self.set(key, entry);
  }
  const share = (ms) => Math.round((ms / busy) * 1000) / 10;
  const sortDesc = (entries) => [...entries].sort((a, b) => b[1] - a[1]);
  return {
    total_ms: Math.round(total),
    busy_ms: Math.round(busy),
    idle_share: Math.round((idle / total) * 1000) / 10,
    components: sortDesc([...components]).map(([name, ms]) => ({ name, ms: Math.round(ms), pct: share(ms) })),
    categories: sortDesc([...categories])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: share(ms) })),
    self: [...self]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([fn, e]) => ({ fn, category: e.category, ms: Math.round(e.ms), pct: share(e.ms) })),
    inclusive: sortDesc([...inclusive])
      .filter(([fn]) => !/^\((program|garbage collector)\)/.test(fn))
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: share(ms) })),
  };
}

function toText(s) {
  const lines = [];
  const bar = (pct) => '#'.repeat(Math.max(0, Math.round(pct / 2)));
  lines.push(`CPU profile: ${s.total_ms} ms sampled, ${s.busy_ms} ms busy (${s.idle_share} % idle). Shares are of busy time.`);
  lines.push('', 'By component (each sample charged once, to the innermost matching frame):');
  for (const c of s.components || []) lines.push(`  ${String(c.pct).padStart(5)} %  ${bar(c.pct).padEnd(25)} ${c.name}`);
  lines.push('', 'Self time by package/layer:');
  for (const c of s.categories) lines.push(`  ${String(c.pct).padStart(5)} %  ${bar(c.pct).padEnd(25)} ${c.name}`);
  lines.push('', 'Top functions by self time:');
  for (const f of s.self) lines.push(`  ${String(f.pct).padStart(5)} %  ${f.fn}  [${f.category}]`);
  lines.push('', 'Top functions by inclusive time (self + callees):');
  for (const f of s.inclusive) lines.push(`  ${String(f.pct).padStart(5)} %  ${f.fn}`);
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.js <file.cpuprofile> [--top N] [--json]\n');
    process.exit(1);
  }
  const topIdx = args.indexOf('--top');
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')), topIdx >= 0 ? Number(args[topIdx + 1]) : 25);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(summary, null, 2)}\n` : `${toText(summary)}\n`);
}

module.exports = { summarise, toText };
