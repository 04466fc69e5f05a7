import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppConfig } from './app-config';
import { parseEnv } from './parse-env';

export const DEV_SECRET_FILE = '.cascade/jwt-secret';

/**
 * The validated config. Outside production a missing JWT_SECRET is generated once and kept in
 * ./.cascade/jwt-secret, so the server and the CLI agree and printed tokens survive restarts.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig & { generatedSecret: boolean } {
  const parsed = parseEnv(env);
  if (parsed.jwtSecret) return { ...parsed, jwtSecret: parsed.jwtSecret, generatedSecret: false };
  const file = resolve(DEV_SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return { ...parsed, jwtSecret: readFileSync(file, 'utf8').trim(), generatedSecret: true };
}
