#!/usr/bin/env node
// `pretest`: installs the chart tests' own tools (tools/helm-test, its own package.json) once, and
// again only when their lock file changed — not on every `npm test`.
const { spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '..', 'tools', 'helm-test');
const lock = path.join(dir, 'package-lock.json');
const installed = path.join(dir, 'node_modules', '.package-lock.json'); // npm writes it on every install

if (!existsSync(lock) || process.env.SKIP_CHART_TESTS === '1') process.exit(0);
if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) process.exit(0);
process.stdout.write('[pretest] installing the chart tests\' tools in tools/helm-test (once)\n');
const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit' });
process.exit(run.status ?? 1);
