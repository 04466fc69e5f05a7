#!/usr/bin/env node
// Derives the counts from the JSON the runners wrote (jest's --json output, the chart tests'
// --json output) and, run directly, prints the one plain line `N passed, N failed` CI reads.
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const JEST_RESULTS = path.join(root, '.jest-results.json');
const HELM_RESULTS = path.join(root, '.helm-results.json');

/** jest --json: failed tests, plus suites that failed without a failing test (hook, syntax error). */
function jestCounts(file = JEST_RESULTS) {
  if (!existsSync(file)) return { name: 'jest', passed: 0, failed: 1, note: 'jest wrote no results' };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')).length;
  return { name: 'jest', passed: r.numPassedTests, failed: r.numFailedTests + brokenSuites };
}

function chartCounts(file = HELM_RESULTS) {
  if (!existsSync(file)) return { name: 'helm', passed: 0, failed: 1, note: 'chart tests wrote no results' };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { name: 'helm', passed: r.numPassedTests, failed: r.numFailedTests };
}

function totalLine(parts) {
  const passed = parts.reduce((n, r) => n + r.passed, 0);
  const failed = parts.reduce((n, r) => n + r.failed, 0);
  return { passed, failed, line: `${passed} passed, ${failed} failed` };
}

module.exports = { JEST_RESULTS, HELM_RESULTS, jestCounts, chartCounts, totalLine };

if (require.main === module) {
  // The chart part counts only when the chart tests ran (their result file exists).
  const parts = [jestCounts(), ...(existsSync(HELM_RESULTS) ? [chartCounts()] : [])];
  // `--exit-status N`: a test run that failed without a counted failure still counts as one.
  const i = process.argv.indexOf('--exit-status');
  const status = i >= 0 ? Number(process.argv[i + 1]) : 0;
  const total = totalLine(parts);
  const line = status !== 0 && total.failed === 0 ? `${total.passed} passed, 1 failed` : total.line;
  process.stdout.write(`${line}\n`);
}
