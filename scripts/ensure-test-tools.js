#!/usr/bin/env node
// `pretest`: installs the test tools that live in folders of their own under tools/ (their own
// package.json, kept out of the app's dependencies) once, and again only when a lock file changed —
// not on every `npm test`. tools/helm-test: the chart tests; tools/openapi-lint: Redocly CLI,
// openapi-typescript and openapi-fetch (the OpenAPI lint and the typed-client flow).
// (tools/peer-postgraphile is the benchmark's peer: `npm run bench` installs it on first use.)
const { spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const TOOLS = [
  { dir: 'helm-test', what: "the chart tests' tools", skip: process.env.SKIP_CHART_TESTS === '1' },
  { dir: 'openapi-lint', what: 'the OpenAPI tools (Redocly CLI, openapi-typescript, openapi-fetch)', skip: false },
];

/** Whether a tool folder's node_modules is missing or older than its lock file (npm ci needed). */
function needsInstall(dir) {
  const lock = path.join(dir, 'package-lock.json');
  const installed = path.join(dir, 'node_modules', '.package-lock.json'); // npm writes it on every install
  return !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
}

function main() {
  for (const tool of TOOLS) {
    const dir = path.resolve(__dirname, '..', 'tools', tool.dir);
    if (!existsSync(path.join(dir, 'package-lock.json')) || tool.skip || !needsInstall(dir)) continue;
    process.stdout.write(`[pretest] installing ${tool.what} in tools/${tool.dir} (once)\n`);
    const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

if (require.main === module) main();

module.exports = { needsInstall };
