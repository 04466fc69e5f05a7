#!/usr/bin/env node
// `npm test`: runs jest (unit + e2e against real PostgreSQL/Redis) and the chart tests when
// present, then prints ONE summary line `N passed, N failed` derived from their JSON results.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const results = [];

function runJest(args) {
  const out = path.join(root, '.jest-results.json');
  rmSync(out, { force: true });
  const jestBin = require.resolve('jest/bin/jest');
  const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${out}`, ...args], { stdio: 'inherit', cwd: root });
  if (!existsSync(out)) return { name: 'jest', passed: 0, failed: 1, note: `jest produced no results (exit ${run.status})` };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  // A suite that failed to run (syntax error, failing hook) has no failed tests of its own: count it.
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')).length;
  return { name: 'jest', passed: r.numPassedTests, failed: r.numFailedTests + brokenSuites + (run.status !== 0 && r.numFailedTests === 0 && brokenSuites === 0 ? 1 : 0) };
}

function runChartTests() {
  const dir = path.join(root, 'tools', 'helm-test');
  if (!existsSync(path.join(dir, 'run.js'))) return null;
  if (!existsSync(path.join(dir, 'node_modules'))) {
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit', cwd: root });
    if (install.status !== 0) return { name: 'helm', passed: 0, failed: 1, note: 'npm ci in tools/helm-test failed' };
  }
  const out = path.join(root, '.helm-results.json');
  rmSync(out, { force: true });
  spawnSync(process.execPath, [path.join(dir, 'run.js'), '--json', out], { stdio: 'inherit', cwd: root });
  if (!existsSync(out)) return { name: 'helm', passed: 0, failed: 1, note: 'chart tests produced no results' };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  return { name: 'helm', passed: r.numPassedTests, failed: r.numFailedTests };
}

const args = process.argv.slice(2);
results.push(runJest(args));
if (!args.length && process.env.SKIP_CHART_TESTS !== '1') {
  const chart = runChartTests();
  if (chart) results.push(chart);
}
for (const r of results) process.stdout.write(`${r.name}: ${r.passed} passed, ${r.failed} failed${r.note ? ` (${r.note})` : ''}\n`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
