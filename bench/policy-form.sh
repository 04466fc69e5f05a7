#!/usr/bin/env bash
# The cost of the two policy forms on plain PostgreSQL (docs/citus.md, "What the policy form costs"):
#   sub-select  tenant_id = (select nullif(current_setting('app.current_tenant', true), ''))::uuid
#   direct      tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid   (Citus accepts only this)
# Two identical tables (100 tenants x 2,000 rows), one per form, read under FORCE row-level security
# by a non-owner role: with the explicit tenant_id predicate the app sends, without it (RLS alone),
# and a forced sequential scan (the policy evaluated on every row). pgbench, one client,
# rounds interleaved; prints tps per round and EXPLAIN ANALYZE of each query. Creates and drops its
# own database and role. Usage: bench/policy-form.sh [postgres://...admin url] [seconds] [rounds]
set -euo pipefail
URL="${1:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}}"
SECS="${2:-8}"
ROUNDS="${3:-3}"
DB="cascade_policy_form_$$"
ROLE="cascade_policy_bench"
base="${URL%/*}"
work="$(mktemp -d)"
cleanup() {
  psql "$URL" -qX -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$URL" -qX -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$URL" -qX -c "CREATE DATABASE $DB"
psql "$URL" -qX -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN CREATE ROLE $ROLE NOLOGIN; END IF; END \$\$"
psql "$base/$DB" -qX -v ON_ERROR_STOP=1 <<SQL
CREATE SCHEMA pf;
GRANT USAGE ON SCHEMA pf TO $ROLE;
CREATE TABLE pf.tenants AS SELECT gen_random_uuid() AS id, n FROM generate_series(1, 100) n;
DO \$\$
DECLARE form text;
BEGIN
  FOREACH form IN ARRAY ARRAY['sub', 'direct'] LOOP
    EXECUTE format('CREATE TABLE pf.%I (tenant_id uuid NOT NULL, id uuid NOT NULL, name text NOT NULL, data jsonb NOT NULL,
                      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                      PRIMARY KEY (tenant_id, id))', form);
    -- the same rows in the same physical order in both tables, so only the policy differs
    IF form = 'sub' THEN
      INSERT INTO pf.sub (tenant_id, id, name, data)
      SELECT t.id, gen_random_uuid(), 'row ' || g, jsonb_build_object('n', g) FROM pf.tenants t, generate_series(1, 2000) g;
    ELSE
      INSERT INTO pf.direct SELECT * FROM pf.sub ORDER BY ctid;
    END IF;
    EXECUTE format('ALTER TABLE pf.%I ENABLE ROW LEVEL SECURITY', form);
    EXECUTE format('ALTER TABLE pf.%I FORCE ROW LEVEL SECURITY', form);
    EXECUTE format('GRANT SELECT ON pf.%I TO $ROLE', form);
    -- statistics from every row (not a random sample), so both tables get the same plans
    SET LOCAL default_statistics_target = 1000;
    EXECUTE format('ANALYZE pf.%I', form);
  END LOOP;
END \$\$;
CREATE POLICY tenant_isolation ON pf.sub USING (tenant_id = (select nullif(current_setting('app.current_tenant', true), ''))::uuid);
CREATE POLICY tenant_isolation ON pf.direct USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
SQL
TENANT="$(psql "$base/$DB" -AtX -c "SELECT id FROM pf.tenants WHERE n = 42")"
ROW="$(psql "$base/$DB" -AtX -c "SELECT id FROM pf.sub WHERE tenant_id = '$TENANT' ORDER BY id OFFSET 999 LIMIT 1")"

KINDS="${KINDS:-byid list byid-rls list-rls scan}"
query() { # $1 table, $2 kind
  case "$2" in
    byid) echo "SELECT id, name, data, created_at, updated_at FROM pf.$1 WHERE tenant_id = '$TENANT' AND id = '$ROW';" ;;
    list) echo "SELECT id, name, data, created_at, updated_at FROM pf.$1 WHERE tenant_id = '$TENANT' AND id > '00000000-0000-0000-0000-000000000000' ORDER BY id LIMIT 1000;" ;;
    # the same without the explicit predicate: row-level security alone picks the tenant
    byid-rls) echo "SELECT id, name, data, created_at, updated_at FROM pf.$1 WHERE id = '$ROW';" ;;
    list-rls) echo "SELECT id, name, data, created_at, updated_at FROM pf.$1 WHERE id > '00000000-0000-0000-0000-000000000000' ORDER BY id LIMIT 1000;" ;;
    # worst case: no index usable, the policy is a filter on each of the 200,000 rows
    scan) echo "SELECT count(*) FROM pf.$1;" ;;
  esac
}
prelude() { # $1 kind
  echo "BEGIN;"; echo "SET LOCAL ROLE $ROLE;"; echo "SET LOCAL app.current_tenant = '$TENANT';"
  if [ "$1" = scan ]; then echo "SET LOCAL enable_indexscan = off;"; echo "SET LOCAL enable_bitmapscan = off;"; echo "SET LOCAL enable_indexonlyscan = off;"; fi
}
for t in sub direct; do
  for q in $KINDS; do
    { prelude "$q"; query "$t" "$q"; echo "COMMIT;"; } > "$work/$t-$q.sql"
  done
done

for q in $KINDS; do
  for t in sub direct; do
    echo "== EXPLAIN ANALYZE $q, $t form"
    { prelude "$q"; echo "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) $(query "$t" "$q")"; echo "COMMIT;"; } |
      psql "$base/$DB" -qX | grep -v '^ *$'
  done
done

echo "== in-server loop: mean execution time per statement, the two forms alternating every iteration"
{ prelude byid; cat <<SQL
DO \$\$
DECLARE t0 timestamptz; sub_byid interval := '0'; dir_byid interval := '0'; sub_list interval := '0'; dir_list interval := '0';
BEGIN
  FOR i IN 1..${LOOPS:-4000} LOOP
    IF i % 2 = 0 THEN
      t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query sub byid | tr -d ';')) q; sub_byid := sub_byid + (clock_timestamp() - t0);
    END IF;
    t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query direct byid | tr -d ';')) q; dir_byid := dir_byid + (clock_timestamp() - t0);
    IF i % 2 = 1 THEN
      t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query sub byid | tr -d ';')) q; sub_byid := sub_byid + (clock_timestamp() - t0);
    END IF;
  END LOOP;
  FOR i IN 1..${LOOPS:-4000} / 20 LOOP
    IF i % 2 = 0 THEN
      t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query sub list | tr -d ';')) q; sub_list := sub_list + (clock_timestamp() - t0);
    END IF;
    t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query direct list | tr -d ';')) q; dir_list := dir_list + (clock_timestamp() - t0);
    IF i % 2 = 1 THEN
      t0 := clock_timestamp(); PERFORM array_agg(q) FROM ($(query sub list | tr -d ';')) q; sub_list := sub_list + (clock_timestamp() - t0);
    END IF;
  END LOOP;
  RAISE NOTICE 'by-id read:      sub-select % us, direct % us', round(extract(epoch FROM sub_byid) * 1e6 / ${LOOPS:-4000}, 1), round(extract(epoch FROM dir_byid) * 1e6 / ${LOOPS:-4000}, 1);
  RAISE NOTICE '1,000-row page:  sub-select % us, direct % us', round(extract(epoch FROM sub_list) * 1e6 / (${LOOPS:-4000} / 20), 1), round(extract(epoch FROM dir_list) * 1e6 / (${LOOPS:-4000} / 20), 1);
END \$\$;
COMMIT;
SQL
} | psql "$base/$DB" -qX 2>&1 | sed 's/^.*NOTICE: *//'

echo "== pgbench: tps, one client, ${SECS}s per run, -M prepared"
for round in $(seq 1 "$ROUNDS"); do
  order="sub direct"
  [ $((round % 2)) -eq 0 ] && order="direct sub" # alternate which form goes first
  for q in $KINDS; do
    for t in $order; do
      tps="$(pgbench -n -M prepared -c 1 -j 1 -T "$SECS" -f "$work/$t-$q.sql" "$base/$DB" 2>/dev/null | awk '/^tps/ {print $3}')"
      echo "round $round  $q  $t  $tps"
    done
  done
done
