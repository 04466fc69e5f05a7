'use strict';
// HS256 JSON Web Tokens with node:crypto only: the benchmark signs one token per user (fast,
// no library in the loop) and the raw servers verify them the way the app's passport-jwt does.
const { createHmac, timingSafeEqual } = require('node:crypto');

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(claims, secret) {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The claims of a valid, unexpired HS256 token, or null. */
function verify(token, secret, nowSeconds = Date.now() / 1000) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (header.alg !== 'HS256' || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
  return claims;
}

module.exports = { sign, verify };
