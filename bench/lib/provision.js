'use strict';
// Provisions the benchmark's tenants: created and given their quota through the platform API
// (the app's own code writes those rows), then users and resources by direct multi-row SQL as
// the superuser — one INSERT per table per tenant — with the quota's usage counters set to match.
// Users share one precomputed scrypt hash (hashing 10,000 passwords would prove nothing), and
// each user gets a token signed in-process with the app's JWT_SECRET.
const path = require('node:path');
const { Client } = require('pg');
const { sign } = require('./jwt');

const ROOT = path.resolve(__dirname, '..', '..');
// The app's own helpers, from its build (loaded on use: the build runs first).
const uuidv7 = (...args) => require(path.join(ROOT, 'dist/libs/core/src/ids/uuid.js')).uuidv7(...args);
const hashPassword = (password) => require(path.join(ROOT, 'dist/libs/auth/src/password-hasher.js')).hashPassword(password);

const KINDS = [
  ['invoice', (n) => `Invoice INV-${2024 + (n % 2)}-${String(n).padStart(4, '0')}`],
  ['contract', (n) => `Contract ${['Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli'][n % 5]} ${n}`],
  ['ticket', (n) => `Ticket #${4000 + n}: ${['login fails', 'export slow', 'typo on invoice', 'add SSO', 'report missing'][n % 5]}`],
  ['note', (n) => `Meeting notes ${n}`],
];
const STATUSES = ['draft', 'open', 'in_review', 'approved', 'closed'];
const TAGS = ['finance', 'legal', 'support', 'q3', 'priority', 'customer', 'internal', 'archive'];
const DAY_MS = 86_400_000;

async function api(baseUrl, token, method, route, body) {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** `n` distinct elements chosen uniformly (a partial Fisher–Yates shuffle). */
function sample(list, n) {
  const copy = [...list];
  for (let i = 0; i < n && i < copy.length; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

async function inBatches(items, size, work) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

function resourceRows(tenantId, count, ownerIds, now) {
  const rows = [];
  for (let n = 0; n < count; n++) {
    const created = now - Math.floor(Math.random() * 365 * DAY_MS);
    const [kind, title] = KINDS[n % KINDS.length];
    rows.push({
      id: uuidv7(created),
      name: title(n),
      data: JSON.stringify({
        tenant: tenantId,
        seq: n,
        kind,
        status: STATUSES[n % STATUSES.length],
        amount_cents: kind === 'invoice' ? 1000 + ((n * 7919) % 500000) : null,
        currency: 'EUR',
        tags: [TAGS[n % TAGS.length], TAGS[(n * 3 + 1) % TAGS.length]],
        owner: ownerIds[n % ownerIds.length],
        notes: 'Reviewed with the account team; follow-up scheduled for next sprint.',
      }),
      createdBy: ownerIds[n % ownerIds.length],
      createdAt: new Date(created),
      updatedAt: new Date(Math.min(now, created + Math.floor(Math.random() * 30 * DAY_MS))),
    });
  }
  return rows;
}

/**
 * @returns the load generator's data: tenants (id, slug, max_users, users, resources, hot) and
 *          users (t = tenant index, sub, role, token), users interleaved across tenants.
 */
async function provision({ baseUrl, superUrl, jwtSecret, tenants: tenantCount, usersPerTenant, resourcesPerTenant, hotPerTenant, log }) {
  const now = Date.now();
  const exp = Math.floor(now / 1000) + 6 * 3600;
  const admin = sign({ sub: uuidv7(), role: 'platform_admin', jti: uuidv7(), iat: Math.floor(now / 1000), exp }, jwtSecret);

  const created = await inBatches([...Array(tenantCount).keys()], 5, async (k) => {
    const slug = `bench-${String(k).padStart(3, '0')}`;
    const tenant = await api(baseUrl, admin, 'POST', '/api/tenants', { name: `Bench Tenant ${k}`, slug, plan: 'standard' });
    // The limits must not refuse the benchmark's own traffic; max_users differs per tenant so a
    // quota answer names its tenant.
    const quota = await api(baseUrl, admin, 'PUT', `/api/tenants/${tenant.id}/quota`, {
      max_users: 1000 + k,
      max_api_calls_per_minute: 1_000_000_000,
      max_concurrent_requests: 1_000_000,
    });
    return { id: tenant.id, slug, max_users: quota.limits.max_users };
  });
  log(`created ${created.length} tenants and their quotas through the platform API`);

  const passwordHash = await hashPassword('bench-password-not-a-secret');
  const db = new Client({ connectionString: superUrl });
  await db.connect();
  const tenants = [];
  try {
    for (const t of created) {
      const users = [...Array(usersPerTenant).keys()].map((n) => ({
        id: uuidv7(now - (usersPerTenant - n) * 60_000),
        email: `user${n}@${t.slug}.example.com`,
        role: n === 0 ? 'owner' : n < 10 ? 'admin' : 'member',
      }));
      const resources = resourceRows(
        t.id,
        resourcesPerTenant,
        users.slice(0, 20).map((u) => u.id),
        now,
      );
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO cascade.users (tenant_id, id, email, password_hash, role)
         SELECT $1, u.id, u.email, $2, u.role FROM unnest($3::uuid[], $4::text[], $5::text[]) AS u(id, email, role)`,
        [t.id, passwordHash, users.map((u) => u.id), users.map((u) => u.email), users.map((u) => u.role)],
      );
      await db.query(
        `INSERT INTO cascade.resources (tenant_id, id, name, data, created_by, created_at, updated_at)
         SELECT $1, r.id, r.name, r.data::jsonb, r.created_by, r.created_at, r.updated_at
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::timestamptz[], $7::timestamptz[])
             AS r(id, name, data, created_by, created_at, updated_at)`,
        [
          t.id,
          resources.map((r) => r.id),
          resources.map((r) => r.name),
          resources.map((r) => r.data),
          resources.map((r) => r.createdBy),
          resources.map((r) => r.createdAt),
          resources.map((r) => r.updatedAt),
        ],
      );
      await db.query('UPDATE cascade.tenant_quotas SET users_used = $2, updated_at = now() WHERE tenant_id = $1', [t.id, users.length]);
      await db.query('COMMIT');
      const ids = resources.map((r) => r.id);
      tenants.push({ ...t, users: users.length, resources: ids, hot: sample(ids, hotPerTenant), userList: users });
    }
    // The counters must match the rows, for every tenant.
    const { rows } = await db.query(
      `SELECT count(*)::int AS bad FROM cascade.tenant_quotas q
        WHERE q.users_used <> (SELECT count(*) FROM cascade.users u WHERE u.tenant_id = q.tenant_id)`,
    );
    if (rows[0].bad !== 0) throw new Error(`${rows[0].bad} tenants have a users_used counter that does not match their rows`);
    await db.query('ANALYZE cascade.users');
    await db.query('ANALYZE cascade.resources');
    await db.query('ANALYZE cascade.tenant_quotas');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
  log(`inserted ${tenantCount * usersPerTenant} users and ${tenantCount * resourcesPerTenant} resources by SQL`);

  // Users interleaved across tenants: the first N connections cover every tenant evenly.
  const users = [];
  for (let n = 0; n < usersPerTenant; n++) {
    tenants.forEach((t, ti) => {
      const u = t.userList[n];
      users.push({
        t: ti,
        sub: u.id,
        role: u.role,
        token: sign({ sub: u.id, tenant_id: t.id, role: u.role, jti: uuidv7(), iat: Math.floor(now / 1000), exp }, jwtSecret),
      });
    });
  }
  for (const t of tenants) delete t.userList;
  return { tenants, users, adminToken: admin };
}

module.exports = { provision, api };
