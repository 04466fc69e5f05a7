#!/usr/bin/env node
// Builds dist/ only when the sources changed since the last build, so `npm start` without code
// changes starts in seconds. The fingerprint is every source file's path, size and mtime (plus
// the build configuration and the lock file): an edit, a new or a deleted file all change it.
//
//   node scripts/build-if-stale.js          build when stale, else say dist/ is up to date
//   node scripts/build-if-stale.js --check  exit 1 when stale, 0 when up to date (no build)
require('./runtime-check');
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const stampFile = path.join(root, 'dist', '.build-fingerprint');
const entryFiles = ['dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js'];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.isFile() && p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

function fingerprint() {
  const files = [...sources(path.join(root, 'apps')), ...sources(path.join(root, 'libs'))];
  files.push(...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => path.join(root, f)));
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    const st = statSync(f);
    hash.update(`${path.relative(root, f)}:${st.size}:${st.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

const current = fingerprint();
const upToDate =
  entryFiles.every((f) => existsSync(path.join(root, f))) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === current;

if (process.argv.includes('--check')) process.exit(upToDate ? 0 : 1);
if (upToDate) {
  process.stderr.write('dist/ is up to date: build skipped (npm run build forces one)\n');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
writeFileSync(stampFile, `${current}\n`);
