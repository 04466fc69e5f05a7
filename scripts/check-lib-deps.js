#!/usr/bin/env node
// The libraries form one direction of dependency (a DAG). This fails on a cycle between
// @cascade/* libraries, and prints the layering it found.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const libsDir = path.join(__dirname, '..', 'libs');
const libs = readdirSync(libsDir).filter((d) => statSync(path.join(libsDir, d)).isDirectory());

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

const deps = new Map(libs.map((lib) => {
  const found = new Set();
  for (const f of files(path.join(libsDir, lib, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/from '@cascade\/([a-z-]+)'/g)) if (m[1] !== lib) found.add(m[1]);
  }
  return [lib, [...found].sort()];
}));

const state = new Map();
const order = [];
function visit(lib, trail) {
  if (state.get(lib) === 'done') return;
  if (state.get(lib) === 'visiting') {
    process.stderr.write(`dependency cycle between libraries: ${[...trail, lib].join(' → ')}\n`);
    process.exit(1);
  }
  state.set(lib, 'visiting');
  for (const d of deps.get(lib) ?? []) visit(d, [...trail, lib]);
  state.set(lib, 'done');
  order.push(lib);
}
for (const lib of libs) visit(lib, []);
process.stdout.write(`library layering (each depends only on those before it): ${order.join(' ← ')}\n`);
