'use strict';
// What each connection asks for and how each answer is checked. A connection acts for ONE user
// of ONE tenant (its own token) and knows that tenant, so every row in every response body can be
// checked: provisioned and created resources carry `data.tenant` = their tenant's id, quota rows a
// per-tenant `max_users`, and GET /api/tenant the id itself. A row of another tenant is a leak.
// The PostGraphile peer is asked the same single read as GraphQL (POST /graphql) and checked the
// same way: its row must be the one asked for and carry the caller's tenant.

/** Operation weights of the mixed workload: 80 % reads, 15 % writes, 5 % other. */
const MIXED = [
  ['get', 0.65],
  ['list', 0.15],
  ['create', 0.075],
  ['update', 0.075],
  ['quota', 0.025],
  ['tenant', 0.025],
];
const MIXED_WITH_FILES = [...MIXED.slice(0, 4), ['quota', 0.02], ['tenant', 0.02], ['files', 0.01]];

/** Share of single reads that go to the tenant's hot set; the rest are uniform over all its rows. */
const HOT_SHARE = 0.9;

const EXPECTED_STATUS = { get: 200, list: 200, create: 201, update: 200, quota: 200, tenant: 200, files: 200, peer: 200 };

/**
 * The peer's by-id read (tools/peer-postgraphile): the primary key (tenant_id, id), the tenant
 * named as CASCADE's SQL names it; `rowId` is the Amber preset's name for an `id` column.
 */
const PEER_QUERY =
  'query Resource($tenantId: UUID!, $id: UUID!) { resourceByTenantIdAndRowId(tenantId: $tenantId, rowId: $id) { id: rowId name data createdAt updatedAt } }';

function pickWeighted(table) {
  let r = Math.random();
  for (const [name, weight] of table) {
    if ((r -= weight) < 0) return name;
  }
  return table[table.length - 1][0];
}

const pick = (list) => list[(Math.random() * list.length) | 0];

/**
 * @param data    provisioned tenants and users (see lib/provision.js)
 * @param mode    'read-hot' (hot-skewed single reads), 'read-cold' (single reads that walk each
 *                tenant's rows without repeating, so a cache cannot answer them), 'peer-read-cold'
 *                (the same reads asked of the PostGraphile peer) or 'mixed'
 * @param files   whether GET /api/files exists in this build
 */
function createWorkload(data, { mode, files = false }) {
  const tenants = data.tenants;
  const tenantIndexById = new Map(tenants.map((t, i) => [t.id, i]));
  const maxUsersOwner = new Map(tenants.map((t) => [t.max_users, t.id]));
  const mixed = files ? MIXED_WITH_FILES : MIXED;
  // read-cold: one shared cursor per tenant, so no two connections read the same row either.
  const coldCursor = new Array(tenants.length).fill(0);
  let nextConnection = 0;

  function connection() {
    const user = data.users[nextConnection++ % data.users.length];
    const tenant = tenants[user.t];
    const auth = `Bearer ${user.token}`;
    const getHeaders = { authorization: auth };
    const postHeaders = { authorization: auth, 'content-type': 'application/json' };
    let lastCursor = null;

    function singleId() {
      if (mode === 'read-cold' || mode === 'peer-read-cold') return tenant.resources[coldCursor[user.t]++ % tenant.resources.length];
      return Math.random() < HOT_SHARE ? pick(tenant.hot) : pick(tenant.resources);
    }

    function jsonRequest(method, path, body) {
      const text = JSON.stringify(body);
      return { op: null, method, path, headers: postHeaders, body: text };
    }

    /** The next request of this connection. */
    function next() {
      const op = mode === 'mixed' ? pickWeighted(mixed) : mode === 'peer-read-cold' ? 'peer' : 'get';
      let req;
      switch (op) {
        case 'get':
          req = { method: 'GET', path: `/api/resources/${singleId()}`, headers: getHeaders };
          break;
        case 'list': {
          // A quarter of list calls follow the page this connection saw last (keyset pagination).
          const cursor = lastCursor && Math.random() < 0.25 ? `&cursor=${encodeURIComponent(lastCursor)}` : '';
          req = { method: 'GET', path: `/api/resources?limit=20${cursor}`, headers: getHeaders };
          break;
        }
        case 'create':
          req = jsonRequest('POST', '/api/resources', {
            name: `Created by ${user.sub.slice(0, 8)} #${(Math.random() * 1e6) | 0}`,
            data: { tenant: tenant.id, kind: 'note', source: 'bench', body: 'Meeting notes: agreed next steps and owners.' },
          });
          break;
        case 'update':
          req = jsonRequest('PATCH', `/api/resources/${pick(tenant.resources)}`, { name: `Renamed #${(Math.random() * 1e6) | 0}` });
          break;
        case 'quota':
          req = { method: 'GET', path: '/api/quota', headers: getHeaders };
          break;
        case 'tenant':
          req = { method: 'GET', path: '/api/tenant', headers: getHeaders };
          break;
        case 'peer': {
          const id = singleId();
          req = jsonRequest('POST', '/graphql', { query: PEER_QUERY, variables: { tenantId: tenant.id, id } });
          req.id = id;
          break;
        }
        default:
          req = { method: 'GET', path: '/api/files', headers: getHeaders };
      }
      req.op = op;
      return req;
    }

    /** A row's owner as this connection sees it: 'own', 'leak' (another tenant) or 'unknown'. */
    function owner(row) {
      const t = row && row.data && row.data.tenant;
      if (t === tenant.id) return 'own';
      return tenantIndexById.has(t) ? 'leak' : 'unknown';
    }

    /**
     * Checks one answer. Returns { leaks, error } where leaks counts rows of other tenants and
     * error names what was wrong (undefined when the answer is right).
     */
    function check(req, status, body) {
      const op = req.op;
      if (status !== EXPECTED_STATUS[op]) return { leaks: 0, error: `${op} ${status}` };
      let json;
      try {
        json = JSON.parse(body);
      } catch {
        return { leaks: 0, error: `${op} unparsable body` };
      }
      switch (op) {
        case 'get':
        case 'create':
        case 'update': {
          const o = owner(json);
          if (o === 'leak') return { leaks: 1, error: `${op} leak` };
          if (o !== 'own') return { leaks: 0, error: `${op} row without data.tenant` };
          if (op !== 'create' && !req.path.endsWith(json.id)) return { leaks: 0, error: `${op} answered another row` };
          return { leaks: 0 };
        }
        case 'peer': {
          if (json.errors) return { leaks: 0, error: 'peer answered GraphQL errors' };
          const row = json.data && json.data.resourceByTenantIdAndRowId;
          if (!row) return { leaks: 0, error: 'peer answered no row' };
          const o = owner(row);
          if (o === 'leak') return { leaks: 1, error: 'peer leak' };
          if (o !== 'own') return { leaks: 0, error: 'peer row without data.tenant' };
          if (row.id !== req.id) return { leaks: 0, error: 'peer answered another row' };
          return { leaks: 0 };
        }
        case 'list': {
          if (!Array.isArray(json.items)) return { leaks: 0, error: 'list without items' };
          let leaks = 0;
          let unknown = 0;
          for (const item of json.items) {
            const o = owner(item);
            if (o === 'leak') leaks++;
            else if (o !== 'own') unknown++;
          }
          lastCursor = json.next_cursor;
          if (leaks) return { leaks, error: 'list leak' };
          return unknown ? { leaks: 0, error: 'list row without data.tenant' } : { leaks: 0 };
        }
        case 'quota': {
          const maxUsers = json.limits && json.limits.max_users;
          if (maxUsers === tenant.max_users)
            return json.usage && json.usage.users === tenant.users
              ? { leaks: 0 }
              : { leaks: 0, error: 'quota usage does not match the rows' };
          return maxUsersOwner.has(maxUsers) ? { leaks: 1, error: 'quota leak' } : { leaks: 0, error: 'quota of nobody' };
        }
        case 'tenant':
          if (json.id === tenant.id) return { leaks: 0 };
          return tenantIndexById.has(json.id) ? { leaks: 1, error: 'tenant leak' } : { leaks: 0, error: 'tenant of nobody' };
        default: {
          // No tenant has stored files in this benchmark: any file listed belongs to someone else.
          const items = Array.isArray(json.items) ? json.items : null;
          if (!items) return { leaks: 0, error: 'files without items' };
          return items.length ? { leaks: items.length, error: 'files leak' } : { leaks: 0 };
        }
      }
    }

    return { tenantId: tenant.id, next, check };
  }

  return { connection };
}

module.exports = { createWorkload, MIXED, MIXED_WITH_FILES, HOT_SHARE, PEER_QUERY };
