'use strict';
// The benchmark's peer (`npm run bench`, phase p): PostGraphile 5 serving the same by-id read on
// the same rows and tokens as CASCADE, with isolation done by PostgreSQL's row-level security
// exactly as CASCADE scopes it: the request's role and app.current_tenant, transaction-local.
// PostGraphile applies `pgSettings` per request as BEGIN · set_config(…, true) for each setting ·
// the query · COMMIT (4 round trips). The token is verified (HS256, the bench's JWT_SECRET, with
// the raw servers' own check, bench/lib/jwt.js) before any setting is derived from it: an
// unverified token never reaches the database.
//
// Only cascade.resources is exposed, read-only: one root field per unique key, e.g.
//   query ($tenantId: UUID!, $id: UUID!) {
//     resourceByTenantIdAndRowId(tenantId: $tenantId, rowId: $id) { id: rowId name data createdAt updatedAt }
//   }
// (the Amber preset calls an `id` column rowId: `id` is its global Node id.)
// The client names its tenant in the query (as CASCADE's SQL names tenant_id = $1): RLS decides
// what it may see, the predicate only routes the lookup to the primary key.
//
// Env: PORT, DATABASE_URL (the authenticator login: NOINHERIT, member of cascade_tenant),
// JWT_SECRET, POOL_SIZE, STATEMENT_TIMEOUT_MS.
const http = require('node:http');
const { postgraphile } = require('postgraphile');
const { PostGraphileAmberPreset } = require('postgraphile/presets/amber');
const { makePgService } = require('postgraphile/adaptors/pg');
const { grafserv } = require('postgraphile/grafserv/node');
const { makePgSmartTagsPlugin } = require('postgraphile/utils');
const { verify } = require('../../bench/lib/jwt');

const SECRET = process.env.JWT_SECRET;
const TIMEOUT = String(Number.parseInt(process.env.STATEMENT_TIMEOUT_MS || '15000', 10));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

if (!SECRET || !process.env.DATABASE_URL || !/^\d+$/.test(TIMEOUT)) {
  process.stderr.write('DATABASE_URL, JWT_SECRET and a numeric STATEMENT_TIMEOUT_MS are required\n');
  process.exit(1);
}

/**
 * The request's settings, as CASCADE sets them for a tenant user (scoped-transaction.ts): the
 * tenant role, the tenant from the VERIFIED token, the statement timeout. A request without a
 * valid token fails here, before PostgreSQL is asked anything.
 */
function pgSettings(requestContext) {
  const req = requestContext.node && requestContext.node.req;
  const auth = (req && req.headers.authorization) || '';
  const claims = auth.startsWith('Bearer ') ? verify(auth.slice(7), SECRET) : null;
  if (!claims || !UUID.test(claims.tenant_id || '') || !UUID.test(claims.sub || ''))
    // grafserv answers with the status an error thrown here carries.
    throw Object.assign(new Error('Missing, invalid or expired token'), { statusCode: 401 });
  return {
    role: 'cascade_tenant',
    'app.current_tenant': claims.tenant_id.toLowerCase(),
    statement_timeout: TIMEOUT,
  };
}

// Every other table, view and type of schema cascade is left out of the GraphQL schema.
const OnlyResourcesPlugin = makePgSmartTagsPlugin([
  { kind: 'class', match: (rel) => rel.relname !== 'resources', tags: { behavior: ['-*'] } },
]);

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [OnlyResourcesPlugin],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['cascade'],
      poolConfig: { max: Number(process.env.POOL_SIZE || 10), connectionTimeoutMillis: 3000 },
      pubsub: false, // no subscriptions: no LISTEN connection
      pgSettings,
    }),
  ],
  schema: { defaultBehavior: '-insert -update -delete' }, // reads only
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
};

async function main() {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  serv.addTo(server);
  await pgl.getSchema(); // introspected and built before the first request is accepted
  server.listen(Number(process.env.PORT || 0), '127.0.0.1');

  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => pgl.release().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => {
  process.stderr.write(`peer failed to start: ${err.stack || err.message}\n`);
  process.exit(1);
});
