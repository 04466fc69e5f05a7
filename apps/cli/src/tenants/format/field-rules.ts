import { isEmail } from 'class-validator';
import { isSupportedHash } from '@cascade/auth';
import { Problem } from './problem';

/** A field's check: the normalised value, or why it is refused. */
export type Rule<T> = (value: unknown) => { value: T } | { reason: string };
export type Rules<T> = { [K in keyof T]-?: Rule<T[K]> };

const ok = <T>(value: T) => ({ value });
const no = (reason: string) => ({ reason });

export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_PATTERN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Absent and null both take the fallback. */
export function optional<T, F = T>(rule: Rule<T>, fallback: F): Rule<T | F> {
  return (v) => (v === undefined || v === null ? ok(fallback) : rule(v));
}

export function text(min: number, max: number): Rule<string> {
  return (v) => {
    if (typeof v !== 'string') return no('must be a string');
    const length = [...v].length;
    if (length < min || length > max) return no(`must be ${min} to ${max} characters long`);
    return ok(v);
  };
}

export function oneOf<T extends string>(allowed: readonly T[]): Rule<T> {
  return (v) => ((allowed as readonly unknown[]).includes(v) ? ok(v as T) : no(`must be one of ${allowed.join(', ')}`));
}

export function literal<T>(expected: T): Rule<T> {
  return (v) => (v === expected ? ok(expected) : no(`must be ${JSON.stringify(expected)}`));
}

/** A stable key of the source system: a string, or a whole number taken as its decimal string. */
export const externalId: Rule<string> = (v) => {
  if (Number.isSafeInteger(v)) return ok(String(v));
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) return no('must be a string of 1 to 200 characters (or a whole number)');
  if (v.trim() !== v || /\p{Cc}/u.test(v)) return no('must not have surrounding spaces or control characters');
  return ok(v);
};

export const email: Rule<string> = (v) =>
  typeof v === 'string' && v.length <= 254 && isEmail(v)
    ? ok(v.toLowerCase())
    : no('must be a valid email address (at most 254 characters)');

export const slug: Rule<string> = (v) =>
  typeof v === 'string' && SLUG_PATTERN.test(v)
    ? ok(v)
    : no('must be 1-63 lowercase letters, digits or dashes, not starting or ending with a dash');

export const domain: Rule<string> = (v) =>
  typeof v === 'string' && DOMAIN_PATTERN.test(v.toLowerCase()) ? ok(v.toLowerCase()) : no('must be a DNS name such as app.example.com');

/** ISO-8601 with a time zone; kept as the UTC instant it names. */
export const timestamp: Rule<string> = (v) => {
  if (typeof v !== 'string' || !ISO_TIMESTAMP.test(v) || Number.isNaN(Date.parse(v))) {
    return no('must be an ISO-8601 timestamp with a time zone, e.g. 2024-05-01T12:00:00Z');
  }
  return ok(new Date(v).toISOString());
};

export const jsonObject: Rule<Record<string, unknown>> = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? ok(v as Record<string, unknown>) : no('must be a JSON object');

export const wholeNumber: Rule<number> = (v) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? ok(v as number) : no('must be a whole number >= 0');

export const sha256Hex: Rule<string> = (v) =>
  typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v) ? ok(v.toLowerCase()) : no('must be 64 hexadecimal characters');

/**
 * Our own `scrypt$N$r$p$salt$hash` (base64url), with parameters the login can verify: N a power
 * of two, at most 128·N·r = 32 MiB of memory, and a 32-byte key as the login derives.
 */
export const passwordHash: Rule<string> = (v) => {
  if (typeof v !== 'string') return no('must be a string, or null to force a password reset');
  if (v.startsWith('$2')) return no('bcrypt hashes are not supported: leave password_hash null and the user resets the password');
  if (!isSupportedHash(v)) return no('must be in the format scrypt$N$r$p$salt$hash (base64url salt and hash)');
  const [, n, r, p, salt, key] = v.split('$');
  const [cost, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  if (cost < 2 || (cost & (cost - 1)) !== 0) return no('scrypt N must be a power of two');
  if (blockSize < 1 || parallel < 1 || parallel > 16 || 128 * cost * blockSize > 32 * 1024 * 1024) {
    return no('scrypt parameters out of range (r >= 1, 1 <= p <= 16, 128·N·r <= 32 MiB)');
  }
  if (Buffer.from(salt, 'base64url').length < 8) return no('scrypt salt must be at least 8 bytes');
  if (Buffer.from(key, 'base64url').length !== 32) return no('scrypt hash must be 32 bytes');
  return ok(v);
};

/**
 * Checks an object against its rules: every problem is pushed (unknown fields too, so a typo like
 * `passwordHash` is caught), and the normalised object is returned only when there were none.
 */
export function parseFields<T>(raw: unknown, rules: Rules<T>, at: Omit<Problem, 'reason' | 'field'>, problems: Problem[]): T | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ ...at, reason: 'must be a JSON object' });
    return null;
  }
  const input = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let valid = true;
  for (const field of Object.keys(input)) {
    if (!(field in rules)) {
      problems.push({ ...at, field, reason: 'unknown field' });
      valid = false;
    }
  }
  for (const [field, rule] of Object.entries(rules) as [string, Rule<unknown>][]) {
    const result = rule(input[field]);
    if ('reason' in result) {
      problems.push({ ...at, field, reason: input[field] === undefined ? 'is required' : result.reason });
      valid = false;
    } else {
      out[field] = result.value;
    }
  }
  return valid ? (out as T) : null;
}
