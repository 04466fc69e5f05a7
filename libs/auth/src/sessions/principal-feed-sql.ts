/**
 * The feed poll: every tenant's recent changes, read by the platform role (policy
 * platform_feed_read). DELIBERATELY CROSS-TENANT — the one statement on a tenant table without a
 * `tenant_id = $n`, on the allow-list of test/setup/tenant-predicate.setup.ts. It runs once a second
 * per replica, off the request path; on Citus it asks every shard (docs/citus.md).
 */
export const PRINCIPAL_FEED_SQL = `SELECT tenant_id, user_id, kind, role, epoch, session_id, id::text AS id, extract(epoch FROM at) * 1000 AS at_ms
   FROM cascade.principal_changes
  WHERE at > coalesce(to_timestamp($1::float8 / 1000), now() - make_interval(secs => $2::float8 / 1000))
  ORDER BY id`;
