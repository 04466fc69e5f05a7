'use strict';
// The limit of this stack: node:http + pg serving GET /api/resources/:id with the same JWT check
// (HS256 via node:crypto) and the same row, with no framework. One of three modes:
//   rls     the app's tenant transaction, shaped as the app sends it (3 round trips):
//           "BEGIN; SELECT set_config(role), set_config(tenant), set_config(timeout)", then the
//           SELECT with a bind parameter, then COMMIT
//   rls-1rt the whole transaction, SELECT and COMMIT included, as ONE simple-protocol round trip
//   plain   no isolation: SELECT … WHERE tenant_id = $1 AND id = $2, no transaction, no role switch
//   rls-app exactly what CASCADE sends per read since the request-path redesign
//           (libs/database/src/scoped-transaction.ts), on a pipelined pg client: BEGIN READ ONLY,
//           SET LOCAL ROLE, SET LOCAL app.current_tenant, SET LOCAL statement_timeout, the SELECT
//           with a bind parameter — in one socket write, one round trip — answered as soon as the
//           SELECT's rows arrive; COMMIT follows in the same pipeline and the client returns to
//           the pool when it completes
// Env: MODE, PORT, DATABASE_URL (the authenticator for rls*, a superuser for plain), JWT_SECRET,
// POOL_SIZE, STATEMENT_TIMEOUT_MS.
const http = require('node:http');
const { Pool } = require('pg');
const { verify } = require('./lib/jwt');

const MODE = process.env.MODE || 'rls';
const SECRET = process.env.JWT_SECRET;
const TIMEOUT = String(Number.parseInt(process.env.STATEMENT_TIMEOUT_MS || '15000', 10));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, name, data, created_at, updated_at';
// tenantId is checked against UUID before any of these run, so it can be a literal: a
// multi-statement simple-protocol string cannot carry bind parameters.
const scopeSql = (tenantId) =>
  `BEGIN; SELECT set_config('role', 'cascade_tenant', true), set_config('app.current_tenant', '${tenantId}', true), set_config('statement_timeout', '${TIMEOUT}', true)`;

if (!['rls', 'rls-1rt', 'rls-app', 'plain'].includes(MODE) || !SECRET || !/^\d+$/.test(TIMEOUT)) {
  process.stderr.write('MODE must be rls, rls-1rt, rls-app or plain; JWT_SECRET and a numeric STATEMENT_TIMEOUT_MS are required\n');
  process.exit(1);
}

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE || 10),
  connectionTimeoutMillis: 3000,
  pipeline: MODE === 'rls-app',
});

async function inTenantTransaction(tenantId, id) {
  const client = await pool.connect();
  try {
    await client.query(scopeSql(tenantId));
    const { rows } = await client.query(`SELECT ${COLUMNS} FROM cascade.resources WHERE id = $1`, [id]);
    await client.query('COMMIT');
    client.release();
    return rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err);
    throw err;
  }
}

async function inTenantTransactionOneTrip(tenantId, id) {
  const client = await pool.connect();
  try {
    const results = await client.query(`${scopeSql(tenantId)}; SELECT ${COLUMNS} FROM cascade.resources WHERE id = '${id}'; COMMIT`);
    client.release();
    return results[2].rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err);
    throw err;
  }
}

async function asCascadeSends(tenantId, id) {
  const client = await pool.connect();
  // One socket write for all five, as the app corks its socket until its first statement joins.
  client.connection.stream.cork();
  const scope = [
    client.query('BEGIN READ ONLY'),
    client.query('SET LOCAL ROLE cascade_tenant'),
    client.query(`SET LOCAL app.current_tenant = '${tenantId}'`),
    client.query(`SET LOCAL statement_timeout = ${TIMEOUT}`),
  ];
  for (const p of scope) p.catch(() => undefined);
  const reading = client.query(`SELECT ${COLUMNS} FROM cascade.resources WHERE id = $1`, [id]);
  client.connection.stream.uncork();
  try {
    const { rows } = await reading;
    await Promise.all(scope);
    client.query('COMMIT').then(
      () => client.release(),
      (err) => client.release(err),
    );
    return rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err);
    throw err;
  }
}

async function withoutIsolation(tenantId, id) {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM cascade.resources WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows[0];
}

const read = { rls: inTenantTransaction, 'rls-1rt': inTenantTransactionOneTrip, 'rls-app': asCascadeSends, plain: withoutIsolation }[MODE];

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const error = (res, status, code, message) => send(res, status, { statusCode: status, error: code, message });

const server = http.createServer((req, res) => {
  const match = req.method === 'GET' && /^\/api\/resources\/([^/?]+)$/.exec(req.url);
  if (!match) return error(res, 404, 'not_found', 'No such route');
  const auth = req.headers.authorization || '';
  const claims = auth.startsWith('Bearer ') ? verify(auth.slice(7), SECRET) : null;
  if (!claims || !UUID.test(claims.tenant_id || '') || !UUID.test(claims.sub || ''))
    return error(res, 401, 'unauthorized', 'Missing, invalid or expired token');
  const id = match[1];
  if (!UUID.test(id)) return error(res, 400, 'validation_failed', 'id must be a UUID');
  read(claims.tenant_id.toLowerCase(), id).then(
    (row) => (row ? send(res, 200, row) : error(res, 404, 'not_found', 'Not found')),
    () => error(res, 500, 'internal_error', 'Internal error'),
  );
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  if (process.send) process.send({ type: 'listening', port: server.address().port });
});

function shutdown() {
  server.close(() => pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
