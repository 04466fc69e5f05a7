#!/usr/bin/env node
// `npm test`: runs jest (unit + e2e against real PostgreSQL/Redis) and the chart tests when
// present, then prints ONE summary line `N passed, N failed, N skipped` derived from their JSON
// results. The chart tests' tools are installed by `pretest` (scripts/ensure-test-tools.js), once.
require('./runtime-check');
const { spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');
const { JEST_RESULTS, HELM_RESULTS, jestCounts, chartCounts, totalLine, countLine } = require('./test-summary');

const root = path.resolve(__dirname, '..');

function runJest(args) {
  rmSync(JEST_RESULTS, { force: true });
  const jestBin = require.resolve('jest/bin/jest');
  const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${JEST_RESULTS}`, ...args], { stdio: 'inherit', cwd: root });
  const counts = jestCounts();
  // jest failing with nothing counted as failed (a crash, a coverage threshold) is still a failure
  if (run.status !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `jest exited ${run.status}` };
  return counts;
}

function runChartTests() {
  const dir = path.join(root, 'tools', 'helm-test');
  if (!existsSync(path.join(dir, 'run.js'))) return null;
  rmSync(HELM_RESULTS, { force: true });
  if (!existsSync(path.join(dir, 'node_modules'))) return { name: 'helm', passed: 0, failed: 1, note: 'chart tools not installed: run `npm run pretest`' };
  spawnSync(process.execPath, [path.join(dir, 'run.js'), '--json', HELM_RESULTS], { stdio: 'inherit', cwd: root });
  return chartCounts();
}

const args = process.argv.slice(2);
const results = [runJest(args)];
rmSync(HELM_RESULTS, { force: true });
if (!args.length && process.env.SKIP_CHART_TESTS !== '1') {
  const chart = runChartTests();
  if (chart) results.push(chart);
}
for (const r of results) process.stdout.write(`${r.name}: ${countLine(r.passed, r.failed, r.skipped ?? 0)}${r.note ? ` (${r.note})` : ''}\n`);
const { failed, line } = totalLine(results);
process.stdout.write(`${line}\n`);
process.exit(failed === 0 ? 0 : 1);
