#!/usr/bin/env node
// Derives the counts from the JSON the runners wrote (jest's --json output, the chart tests'
// --json output) and, run directly, prints the one plain line `N passed, N failed, N skipped` CI
// reads. Skipped tests (it.skip / describe.skip for what cannot run here) are never passes.
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
  return { name: 'jest', passed: r.numPassedTests, failed: r.numFailedTests + brokenSuites, skipped: r.numPendingTests + r.numTodoTests };
}

function chartCounts(file = HELM_RESULTS) {
  if (!existsSync(file)) return { name: 'helm', passed: 0, failed: 1, note: 'chart tests wrote no results' };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { name: 'helm', passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numSkippedTests ?? 0 };
}

function totalLine(parts) {
  const passed = parts.reduce((n, r) => n + r.passed, 0);
  const failed = parts.reduce((n, r) => n + r.failed, 0);
  const skipped = parts.reduce((n, r) => n + (r.skipped ?? 0), 0);
  return { passed, failed, skipped, line: countLine(passed, failed, skipped) };
}

function countLine(passed, failed, skipped) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

module.exports = { JEST_RESULTS, HELM_RESULTS, jestCounts, chartCounts, totalLine, countLine };

if (require.main === module) {
  // The chart part counts only when the chart tests ran (their result file exists).
  const parts = [jestCounts(), ...(existsSync(HELM_RESULTS) ? [chartCounts()] : [])];
  // `--exit-status N`: a test run that failed without a counted failure still counts as one.
  const i = process.argv.indexOf('--exit-status');
  const status = i >= 0 ? Number(process.argv[i + 1]) : 0;
  // `--gate NAME=STATUS` (repeatable): a gate run before the tests (lint, types) that exited
  // non-zero counts as one failure of its own.
  const gates = process.argv.flatMap((a, k) => (process.argv[k - 1] === '--gate' ? [a.split('=')] : []));
  const gateFailures = gates.filter(([, s]) => Number(s) !== 0).length;
  const total = totalLine(parts);
  const failed = (status !== 0 && total.failed === 0 ? 1 : total.failed) + gateFailures;
  const line = countLine(total.passed + gates.length - gateFailures, failed, total.skipped);
  process.stdout.write(`${line}\n`);
}
