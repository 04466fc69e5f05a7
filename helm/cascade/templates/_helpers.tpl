{{/*
Chart name, truncated to the 63 characters a DNS label allows.
*/}}
{{- define "cascade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full resource name: release-chart unless the release name already holds the chart name.
*/}}
{{- define "cascade.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cascade.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "cascade.labels" -}}
helm.sh/chart: {{ include "cascade.chart" . }}
{{ include "cascade.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cascade
{{- end }}

{{/*
Selector labels of the API pods.
*/}}
{{- define "cascade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cascade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cascade.apiSelectorLabels" -}}
{{ include "cascade.selectorLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{- define "cascade.pgbouncerSelectorLabels" -}}
{{ include "cascade.selectorLabels" . }}
app.kubernetes.io/component: pgbouncer
{{- end }}

{{- define "cascade.pgbouncerFullname" -}}
{{- printf "%s-pgbouncer" (include "cascade.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cascade.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cascade.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: repository@digest when a digest is given, repository:tag otherwise.
*/}}
{{- define "cascade.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "cascade.pgbouncerImage" -}}
{{- $img := .Values.pgbouncer.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository $img.tag }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the API reads: the existing one, or the one the chart renders.
*/}}
{{- define "cascade.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "cascade.fullname" . }}
{{- end }}
{{- end }}

{{/*
Secret read by the migration hook. A pre-install hook runs before the chart's
ordinary resources exist, so the chart renders a hook Secret of its own (created
before the Job by its lower hook weight) unless an existing Secret is named.
*/}}
{{- define "cascade.migrationSecretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-migration" (include "cascade.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Render-time checks that a schema cannot express.
*/}}
{{- define "cascade.nodeOptions" -}}
{{- $n := .Values.nodeRuntime -}}
--max-old-space-size={{ int $n.maxOldSpaceSizeMiB }}
{{- if not (kindIs "invalid" $n.maxSemiSpaceSizeMiB) }} --max-semi-space-size={{ int $n.maxSemiSpaceSizeMiB }}{{ end }}
{{- end }}

{{- define "cascade.validate" -}}
{{- $limit := toString (dig "limits" "memory" "" .Values.resources) -}}
{{- $limitMiB := 0 -}}
{{- if hasSuffix "Gi" $limit }}{{ $limitMiB = mul (int (trimSuffix "Gi" $limit)) 1024 }}{{ end -}}
{{- if hasSuffix "Mi" $limit }}{{ $limitMiB = int (trimSuffix "Mi" $limit) }}{{ end -}}
{{- if and (gt (int $limitMiB) 0) (gt (mul (int .Values.nodeRuntime.maxOldSpaceSizeMiB) 4) (mul (int $limitMiB) 3)) }}
{{- fail (printf "nodeRuntime.maxOldSpaceSizeMiB (%d) must be at most 75 %% of resources.limits.memory (%s = %d MiB): the process needs memory outside the V8 heap too" (int .Values.nodeRuntime.maxOldSpaceSizeMiB) $limit (int $limitMiB)) }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
{{- $_ := required "secrets.databaseUrl is required (or name secrets.existingSecret): without it the API would start an embedded development database" .Values.secrets.databaseUrl }}
{{- $_ := required "secrets.jwtSecret is required (or name secrets.existingSecret)" .Values.secrets.jwtSecret }}
{{- if and .Values.pgbouncer.enabled (or (not .Values.secrets.databaseUser) (not .Values.secrets.databasePassword)) }}
{{- fail "pgbouncer.enabled needs secrets.databaseUser and secrets.databasePassword (the login role PgBouncer accepts and uses upstream)" }}
{{- end }}
{{- end }}
{{- if and .Values.pgbouncer.enabled (not .Values.pgbouncer.upstream.host) }}
{{- fail "pgbouncer.enabled needs pgbouncer.upstream.host (the PostgreSQL server)" }}
{{- end }}
{{- if and (eq .Values.config.storage.driver "s3") (not .Values.config.storage.s3.bucket) }}
{{- fail "config.storage.driver=s3 needs config.storage.s3.bucket" }}
{{- end }}
{{- if and (eq .Values.config.storage.driver "local") (not .Values.persistence.enabled) }}
{{- fail "config.storage.driver=local needs persistence.enabled: files written to a pod's own filesystem are lost and invisible to the other replicas" }}
{{- end }}
{{- if and .Values.ingress.tls.enabled (not .Values.ingress.tls.secretName) }}
{{- fail "ingress.tls.enabled needs ingress.tls.secretName (a certificate for <baseDomain> and *.<baseDomain>)" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (null the other)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- $floor := add (int .Values.shutdown.preStopSleepSeconds) (div (add (int .Values.shutdown.graceMs) 999) 1000) }}
{{- if and (not (kindIs "invalid" .Values.shutdown.terminationGracePeriodSeconds)) (le (int .Values.shutdown.terminationGracePeriodSeconds) (int $floor)) }}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + graceMs (%d s), or pods are killed mid-drain" (int .Values.shutdown.terminationGracePeriodSeconds) (int $floor)) }}
{{- end }}
{{- end }}

{{/*
terminationGracePeriodSeconds: explicit, or preStop sleep + drain grace + margin.
*/}}
{{- define "cascade.terminationGracePeriodSeconds" -}}
{{- if kindIs "invalid" .Values.shutdown.terminationGracePeriodSeconds }}
{{- add (int .Values.shutdown.preStopSleepSeconds) (div (add (int .Values.shutdown.graceMs) 999) 1000) (int .Values.shutdown.extraSeconds) }}
{{- else }}
{{- int .Values.shutdown.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/*
Non-secret environment as a flat map, shared by the ConfigMap (API pods) and the
migration hook (which cannot rely on the ConfigMap during pre-install).
*/}}
{{- define "cascade.configEnv" -}}
{{- $c := .Values.config -}}
{{- $citus := eq .Values.database.mode "citus" -}}
NODE_ENV: "production"
NODE_OPTIONS: {{ include "cascade.nodeOptions" . | quote }}
DB_MODE: {{ .Values.database.mode | quote }}
PORT: {{ $c.port | toString | quote }}
BASE_DOMAIN: {{ $c.baseDomain | quote }}
TRUST_TENANT_HEADER: {{ $c.trustTenantHeader | toString | quote }}
MAX_UPLOAD_BYTES: {{ $c.maxUploadBytes | int64 | toString | quote }}
DB_POOL_SIZE: {{ (kindIs "invalid" $c.dbPoolSize | ternary (ternary 20 10 $citus) $c.dbPoolSize) | toString | quote }}
DB_STATEMENT_TIMEOUT_MS: {{ $c.dbStatementTimeoutMs | toString | quote }}
DB_CONNECT_TIMEOUT_MS: {{ (kindIs "invalid" $c.dbConnectTimeoutMs | ternary (ternary 5000 2000 $citus) $c.dbConnectTimeoutMs) | toString | quote }}
METRICS_MAX_TENANT_LABELS: {{ $c.metricsMaxTenantLabels | toString | quote }}
JWT_EXPIRES_IN_SECONDS: {{ $c.jwtExpiresInSeconds | toString | quote }}
MIGRATE_ON_START: "false"
SHUTDOWN_GRACE_MS: {{ .Values.shutdown.graceMs | toString | quote }}
LOG_LEVEL: {{ $c.logLevel | quote }}
LOG_FORMAT: {{ $c.logFormat | quote }}
JSON_BODY_LIMIT: {{ $c.jsonBodyLimit | quote }}
{{- if $c.corsOrigins }}
CORS_ORIGINS: {{ $c.corsOrigins | quote }}
{{- end }}
{{- if $c.trustedProxies }}
TRUSTED_PROXIES: {{ $c.trustedProxies | quote }}
{{- end }}
STORAGE_DRIVER: {{ $c.storage.driver | quote }}
{{- if eq $c.storage.driver "local" }}
STORAGE_ROOT: {{ $c.storage.root | quote }}
{{- else }}
{{- if $c.storage.s3.endpoint }}
S3_ENDPOINT: {{ $c.storage.s3.endpoint | quote }}
{{- end }}
S3_BUCKET: {{ $c.storage.s3.bucket | quote }}
S3_REGION: {{ $c.storage.s3.region | quote }}
S3_FORCE_PATH_STYLE: {{ $c.storage.s3.forcePathStyle | toString | quote }}
{{- end }}
{{- if $c.plans }}
PLANS_FILE: "/etc/cascade/plans/plans.json"
{{- end }}
{{- end }}

{{/*
One secretKeyRef env entry. Args: dict "name" "key" "secret" "optional".
*/}}
{{- define "cascade.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/*
Secret environment of the API container. With PgBouncer, DATABASE_URL is built from
DATABASE_USER / DATABASE_PASSWORD and points at the PgBouncer Service; the Secret's
own DATABASE_URL is then used by the migration hook only.
*/}}
{{- define "cascade.apiSecretEnv" -}}
{{- $secret := include "cascade.secretName" . -}}
{{- $existing := .Values.secrets.existingSecret -}}
{{- if .Values.pgbouncer.enabled }}
{{ include "cascade.secretEnv" (dict "name" "DATABASE_USER" "key" "DATABASE_USER" "secret" $secret) }}
{{ include "cascade.secretEnv" (dict "name" "DATABASE_PASSWORD" "key" "DATABASE_PASSWORD" "secret" $secret) }}
- name: DATABASE_URL
  value: {{ printf "postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@%s:%d/%s" (include "cascade.pgbouncerFullname" .) (int .Values.pgbouncer.port) .Values.pgbouncer.upstream.database | quote }}
{{- else }}
{{ include "cascade.secretEnv" (dict "name" "DATABASE_URL" "key" "DATABASE_URL" "secret" $secret) }}
{{- end }}
{{ include "cascade.secretEnv" (dict "name" "JWT_SECRET" "key" "JWT_SECRET" "secret" $secret) }}
{{- if or $existing .Values.secrets.redisUrl }}
{{ include "cascade.secretEnv" (dict "name" "REDIS_URL" "key" "REDIS_URL" "secret" $secret "optional" true) }}
{{- end }}
{{ include "cascade.secretEnv" (dict "name" "METRICS_TOKEN" "key" (include "cascade.metricsTokenKey" .) "secret" (include "cascade.metricsTokenSecretName" .)) }}
{{- if or $existing .Values.secrets.s3AccessKeyId }}
{{ include "cascade.secretEnv" (dict "name" "S3_ACCESS_KEY_ID" "key" "S3_ACCESS_KEY_ID" "secret" $secret "optional" true) }}
{{- end }}
{{- if or $existing .Values.secrets.s3SecretAccessKey }}
{{ include "cascade.secretEnv" (dict "name" "S3_SECRET_ACCESS_KEY" "key" "S3_SECRET_ACCESS_KEY" "secret" $secret "optional" true) }}
{{- end }}
{{- end }}

{{/*
Key/value data of the application Secret (chart-rendered case), shared with the
migration hook's Secret. METRICS_TOKEN is added by secret.yaml only: the hook does
not need it.
*/}}
{{- define "cascade.secretData" -}}
{{- $s := .Values.secrets -}}
DATABASE_URL: {{ $s.databaseUrl | b64enc | quote }}
JWT_SECRET: {{ $s.jwtSecret | b64enc | quote }}
{{- if $s.migrationDatabaseUrl }}
MIGRATION_DATABASE_URL: {{ $s.migrationDatabaseUrl | b64enc | quote }}
{{- end }}
{{- if $s.redisUrl }}
REDIS_URL: {{ $s.redisUrl | b64enc | quote }}
{{- end }}
{{- if $s.s3AccessKeyId }}
S3_ACCESS_KEY_ID: {{ $s.s3AccessKeyId | b64enc | quote }}
{{- end }}
{{- if $s.s3SecretAccessKey }}
S3_SECRET_ACCESS_KEY: {{ $s.s3SecretAccessKey | b64enc | quote }}
{{- end }}
{{- if $s.databaseUser }}
DATABASE_USER: {{ $s.databaseUser | b64enc | quote }}
{{- end }}
{{- if $s.databasePassword }}
DATABASE_PASSWORD: {{ $s.databasePassword | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Secret and key holding METRICS_TOKEN, which GET /metrics always requires. First match:
metrics.existingSecret, secrets.existingSecret (key METRICS_TOKEN), the chart's Secret.
*/}}
{{- define "cascade.metricsTokenSecretName" -}}
{{- default (include "cascade.secretName" .) .Values.metrics.existingSecret }}
{{- end }}

{{- define "cascade.metricsTokenKey" -}}
{{- if .Values.metrics.existingSecret }}
{{- .Values.metrics.existingSecretKey }}
{{- else }}
{{- print "METRICS_TOKEN" }}
{{- end }}
{{- end }}

{{/*
True (non-empty) when the chart's own Secret carries METRICS_TOKEN.
*/}}
{{- define "cascade.chartOwnsMetricsToken" -}}
{{- if and (not .Values.metrics.existingSecret) (not .Values.secrets.existingSecret) }}true{{ end }}
{{- end }}

{{/*
METRICS_TOKEN of the chart's Secret, base64: secrets.metricsToken when given; else the
value already in the live Secret (lookup, so `helm upgrade` keeps it); else 48 random
characters. `lookup` answers nothing under `helm template`, `--dry-run` (client) and
tools that render with `helm template` (Argo CD), so there every render generates anew.
*/}}
{{- define "cascade.metricsTokenB64" -}}
{{- if .Values.secrets.metricsToken }}
{{- .Values.secrets.metricsToken | b64enc }}
{{- else }}
{{- $live := lookup "v1" "Secret" .Release.Namespace (include "cascade.fullname" .) | default dict }}
{{- $previous := dig "data" "METRICS_TOKEN" "" $live }}
{{- if $previous }}
{{- $previous }}
{{- else }}
{{- randAlphaNum 48 | b64enc }}
{{- end }}
{{- end }}
{{- end }}
