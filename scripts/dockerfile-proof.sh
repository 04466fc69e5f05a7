#!/usr/bin/env bash
# Proves the Dockerfile without a Docker engine.
#
# What it does, stage by stage, reading everything from the Dockerfile itself
# (no parallel list of files is kept here):
#   1. parses the Dockerfile into stages (FROM ... AS name) with their WORKDIR,
#      ENV, COPY, RUN, USER, ENTRYPOINT and CMD instructions;
#   2. for each stage, creates an empty folder standing for the image's root
#      filesystem and replays the COPY instructions into it: sources from the build
#      context are filtered through .dockerignore, `COPY --from=<stage>` copies out
#      of the earlier stage's folder;
#   3. replays the stage's RUN instructions verbatim (sh -c, in the mapped WORKDIR,
#      with the stage's ENV), except steps that need the image's own root
#      filesystem (apt-get, useradd/groupadd, chown), which are listed as skipped;
#   4. checks the runtime folder: dist/ present, no TypeScript sources, no dev
#      dependencies, no secret in ENV/ARG, a numeric non-root USER, tini as
#      ENTRYPOINT;
#   5. runs the migrate CLI and then the image's CMD from the runtime folder as an
#      unprivileged uid (setpriv, when run as root) against DATABASE_URL, with the
#      runtime folder read-only to that uid, curls /health/live and /health/ready
#      (both must answer 200), sends SIGTERM and expects exit code 0.
#
# Environment:
#   DATABASE_URL        database to use as-is. Default: a fresh database created on
#                       postgres://postgres@127.0.0.1:5432 and dropped afterwards.
#   MIGRATION_DATABASE_URL  passed through when set.
#   REDIS_URL           passed through; default redis://127.0.0.1:6379 when that port answers.
#   PROOF_PORT          port for the server (default 3907).
#   PROOF_NPM_CACHE     npm cache folder (default: a fresh one inside the work folder,
#                       as in a clean image build).
#   PROOF_KEEP=1        keep the work folder for inspection.
#   PROOF_ONLY=static   only parse, copy and run the static checks (no npm, no server).
#   PROOF_CONTEXT       build context (default: the repository root); DOCKERFILE
#                       defaults to $PROOF_CONTEXT/Dockerfile.
#
# Prints one line per step and ends with "dockerfile-proof: PASS" or
# "dockerfile-proof: FAIL"; the exit code follows.

set -uo pipefail

REPO="${PROOF_CONTEXT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
DOCKERFILE="${DOCKERFILE:-$REPO/Dockerfile}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cascade-dockerfile-proof.XXXXXX")"
chmod 755 "$WORK"
PORT="${PROOF_PORT:-3907}"
RUN_UID=10001
FAILED=0
CREATED_DB=""
SERVER_PID=""

step() { printf '[proof] %s\n' "$*"; }
ok() { printf '[proof] ok   %s\n' "$*"; }
bad() { printf '[proof] FAIL %s\n' "$*"; FAILED=1; }

finish() {
  local code=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  if [ -n "$CREATED_DB" ]; then
    psql "$ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS \"$CREATED_DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || step "could not drop database $CREATED_DB"
  fi
  if [ "${PROOF_KEEP:-0}" = "1" ]; then
    step "work folder kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  if [ "$FAILED" -ne 0 ] || [ "$code" -ne 0 ]; then
    echo "dockerfile-proof: FAIL"
    exit 1
  fi
  echo "dockerfile-proof: PASS"
  exit 0
}
trap finish EXIT
trap 'bad "interrupted"; exit 1' INT TERM

[ -f "$DOCKERFILE" ] || { bad "no Dockerfile at $DOCKERFILE"; exit 1; }

# ---------------------------------------------------------------------------
# Parse the Dockerfile and replay COPY instructions (node: no extra dependency)
# ---------------------------------------------------------------------------
# The helper writes $WORK/plan.json (stages, RUN steps, ENV, CMD) and performs the
# COPY instructions of one stage when asked.
cat >"$WORK/dockerfile.js" <<'NODE'
'use strict';
const fs = require('fs');
const path = require('path');

const [, , mode, dockerfile, work, context, stageName] = process.argv;

function logicalLines(text) {
  const out = [];
  let cur = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (!cur && (line.startsWith('#') || line === '')) continue;
    if (cur && line.startsWith('#')) continue; // comments inside a continuation
    if (/\\\s*$/.test(raw)) {
      cur += raw.replace(/\\\s*$/, '') + ' ';
      continue;
    }
    cur += raw;
    out.push(cur.trim());
    cur = '';
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseArgsJsonOrShell(rest) {
  const t = rest.trim();
  if (t.startsWith('[')) return { exec: JSON.parse(t) };
  return { shell: t };
}

function parseEnv(rest) {
  const env = {};
  // KEY=VALUE pairs (values may be quoted); legacy "ENV KEY VALUE" too.
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)/g;
  let m;
  let any = false;
  while ((m = re.exec(rest))) {
    any = true;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    env[m[1]] = v;
  }
  if (!any) {
    const [k, ...v] = rest.trim().split(/\s+/);
    env[k] = v.join(' ');
  }
  return env;
}

function parse(text) {
  const args = {};
  const stages = [];
  let st = null;
  for (const line of logicalLines(text)) {
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!m) continue;
    const ins = m[1].toUpperCase();
    const rest = m[2];
    if (ins === 'ARG' && !st) {
      const [k, v] = rest.split('=');
      args[k.trim()] = v === undefined ? '' : v.trim();
      continue;
    }
    if (ins === 'FROM') {
      const fm = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest.replace(/--platform=\S+\s+/, ''));
      const image = fm[1].replace(/\$\{?([A-Za-z_]+)\}?/g, (_, k) => args[k] ?? '');
      st = { name: fm[2] || String(stages.length), image, workdir: '/', env: {}, steps: [], user: null, entrypoint: null, cmd: null };
      stages.push(st);
      continue;
    }
    if (!st) continue;
    switch (ins) {
      case 'WORKDIR':
        st.steps.push({ kind: 'workdir', path: path.posix.resolve(st.workdir, rest.trim()) });
        st.workdir = path.posix.resolve(st.workdir, rest.trim());
        break;
      case 'ENV':
        Object.assign(st.env, parseEnv(rest));
        st.steps.push({ kind: 'env', env: parseEnv(rest) });
        break;
      case 'ARG':
        st.steps.push({ kind: 'arg', text: rest });
        break;
      case 'COPY':
      case 'ADD': {
        const words = rest.trim().startsWith('[') ? JSON.parse(rest) : rest.trim().split(/\s+/);
        const flags = {};
        while (words.length && words[0].startsWith('--')) {
          const [k, v] = words.shift().slice(2).split('=');
          flags[k] = v ?? true;
        }
        const dest = words.pop();
        st.steps.push({ kind: 'copy', instruction: ins, from: flags.from || null, sources: words, dest, workdir: st.workdir, line });
        break;
      }
      case 'RUN':
        st.steps.push({ kind: 'run', command: rest, workdir: st.workdir, env: { ...st.env } });
        break;
      case 'USER':
        st.user = rest.trim();
        break;
      case 'ENTRYPOINT':
        st.entrypoint = parseArgsJsonOrShell(rest);
        break;
      case 'CMD':
        st.cmd = parseArgsJsonOrShell(rest);
        break;
      default:
        st.steps.push({ kind: 'other', instruction: ins, text: rest });
    }
  }
  return { args, stages };
}

// .dockerignore: patterns relative to the context root, '*' within one path
// segment, '**' across segments, '!' re-includes; a pattern that matches a folder
// excludes everything under it.
function loadIgnore(ctx) {
  const file = path.join(ctx, '.dockerignore');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const p = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      let re = '';
      for (let i = 0; i < p.length; i++) {
        const c = p[i];
        if (c === '*' && p[i + 1] === '*') {
          re += '.*';
          i++;
          if (p[i + 1] === '/') i++;
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp('^' + re + '$'), text: l };
    });
}

function ignored(rules, rel) {
  const parts = rel.split('/');
  let out = false;
  for (const r of rules) {
    for (let i = 1; i <= parts.length; i++) {
      if (r.re.test(parts.slice(0, i).join('/'))) {
        out = !r.negate;
        break;
      }
    }
  }
  return out;
}

function copyTree(src, dst, filter, counter) {
  const st = fs.lstatSync(src);
  if (st.isDirectory()) {
    fs.mkdirSync(dst, { recursive: true });
    for (const name of fs.readdirSync(src)) copyTree(path.join(src, name), path.join(dst, name), filter, counter);
  } else if (st.isSymbolicLink()) {
    if (filter && !filter(src)) return;
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.symlinkSync(fs.readlinkSync(src), dst);
    counter.n++;
  } else {
    if (filter && !filter(src)) return;
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, st.mode & 0o777);
    counter.n++;
  }
}

const rootOf = (stage) => path.join(work, 'stages', stage, 'rootfs');
const inRoot = (stage, p) => path.join(rootOf(stage), p);

if (mode === 'plan') {
  const plan = parse(fs.readFileSync(dockerfile, 'utf8'));
  fs.writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan, null, 2));
  for (const s of plan.stages) {
    const copies = s.steps.filter((x) => x.kind === 'copy').length;
    const runs = s.steps.filter((x) => x.kind === 'run').length;
    console.log(`stage ${s.name} (FROM ${s.image}): ${copies} COPY, ${runs} RUN, USER ${s.user ?? '(root)'}`);
  }
  process.exit(0);
}

if (mode === 'copy') {
  const plan = JSON.parse(fs.readFileSync(path.join(work, 'plan.json'), 'utf8'));
  const stage = plan.stages.find((s) => s.name === stageName);
  const rules = loadIgnore(context);
  fs.mkdirSync(rootOf(stage.name), { recursive: true });
  let failed = false;
  for (const step of stage.steps) {
    if (step.kind === 'workdir') {
      fs.mkdirSync(inRoot(stage.name, step.path), { recursive: true });
      continue;
    }
    if (step.kind !== 'copy') continue;
    if (step.instruction === 'ADD') {
      console.log(`FAIL ADD is not replayed; use COPY: ${step.line}`);
      failed = true;
      continue;
    }
    const destAbs = path.posix.resolve(step.workdir, step.dest);
    const destIsDir = step.dest.endsWith('/') || step.sources.length > 1;
    const counter = { n: 0 };
    let stepFailed = false;
    let stepSkipped = false;
    for (const src of step.sources) {
      let from;
      let filter = null;
      if (step.from) {
        from = inRoot(step.from, path.posix.resolve('/', src));
      } else {
        const rel = path.posix.normalize(src).replace(/^\/+/, '');
        from = path.join(context, rel);
        if (ignored(rules, rel)) {
          console.log(`FAIL ${step.line}: ${src} is excluded by .dockerignore`);
          stepFailed = true;
          continue;
        }
        filter = (abs) => !ignored(rules, path.relative(context, abs).split(path.sep).join('/'));
      }
      if (!fs.existsSync(from)) {
        if (step.from && process.env.PROOF_ONLY === 'static') {
          console.log(`skip ${step.line}: stage ${step.from} was not built (PROOF_ONLY=static)`);
          stepSkipped = true;
          continue;
        }
        console.log(`FAIL ${step.line}: source ${src} not found${step.from ? ' in stage ' + step.from : ' in the build context'}`);
        stepFailed = true;
        continue;
      }
      const isDir = fs.statSync(from).isDirectory();
      // Docker semantics: a folder source copies its contents into dest.
      const target = isDir ? inRoot(stage.name, destAbs) : destIsDir ? path.join(inRoot(stage.name, destAbs), path.basename(from)) : inRoot(stage.name, destAbs);
      copyTree(from, target, filter, counter);
    }
    if (stepFailed) failed = true;
    else if (!stepSkipped) console.log(`ok   ${step.line} -> ${counter.n} file(s)`);
  }
  process.exit(failed ? 1 : 0);
}

if (mode === 'runs') {
  // One shell-quoted line per RUN: "<workdir>\t<system|replay>\t<base64 command>\t<base64 env json>"
  const plan = JSON.parse(fs.readFileSync(path.join(work, 'plan.json'), 'utf8'));
  const stage = plan.stages.find((s) => s.name === stageName);
  for (const step of stage.steps.filter((x) => x.kind === 'run')) {
    // Steps that change the image's own system (packages, users, global npm) are
    // not replayed on this machine; the replay uses the host's npm instead.
    const system = /\b(apt-get|apt|apk|useradd|groupadd|adduser|addgroup|chown|chmod|setcap)\b|\bnpm (install|i) (-g|--global)\b/.test(step.command);
    console.log(
      [
        step.workdir,
        system ? 'system' : 'replay',
        Buffer.from(step.command).toString('base64'),
        Buffer.from(JSON.stringify(step.env)).toString('base64'),
      ].join('\t'),
    );
  }
  process.exit(0);
}

if (mode === 'get') {
  // Print a field of the last stage: user | entrypoint | cmd | env | workdir | name
  const plan = JSON.parse(fs.readFileSync(path.join(work, 'plan.json'), 'utf8'));
  const last = plan.stages[plan.stages.length - 1];
  const field = stageName;
  const v = last[field];
  if (field === 'entrypoint' || field === 'cmd') process.stdout.write(v ? JSON.stringify(v.exec ?? ['/bin/sh', '-c', v.shell]) : '[]');
  else if (field === 'env') process.stdout.write(Object.entries(v).map(([k, x]) => `${k}=${x}`).join('\n'));
  else process.stdout.write(String(v ?? ''));
  process.exit(0);
}

console.error('unknown mode ' + mode);
process.exit(2);
NODE

helper() { node "$WORK/dockerfile.js" "$@"; }

step "Dockerfile: $DOCKERFILE"
step "work folder: $WORK"
if ! helper plan "$DOCKERFILE" "$WORK" "$REPO" | sed 's/^/[proof]      /'; then
  bad "could not parse the Dockerfile"
  exit 1
fi

mapfile -t STAGES < <(node -e 'for (const s of JSON.parse(require("fs").readFileSync(process.argv[1])).stages) console.log(s.name)' "$WORK/plan.json")
RUNTIME_STAGE="${STAGES[${#STAGES[@]}-1]}"
RUNTIME_ROOT="$WORK/stages/$RUNTIME_STAGE/rootfs"
RUNTIME_WORKDIR="$(helper get "$DOCKERFILE" "$WORK" "$REPO" workdir)"
RUNTIME_DIR="$RUNTIME_ROOT$RUNTIME_WORKDIR"

# ---------------------------------------------------------------------------
# Static checks on the Dockerfile
# ---------------------------------------------------------------------------
if grep -Eiq '^\s*(ENV|ARG)\s.*(SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL|ACCESS_KEY)' "$DOCKERFILE"; then
  bad "a secret-looking variable is set by ENV/ARG in the Dockerfile"
else
  ok "no secret is set by ENV or ARG"
fi
RUNTIME_USER="$(helper get "$DOCKERFILE" "$WORK" "$REPO" user)"
if [[ "$RUNTIME_USER" =~ ^[1-9][0-9]*(:[1-9][0-9]*)?$ ]]; then
  ok "runtime USER is numeric and non-root ($RUNTIME_USER)"
else
  bad "runtime USER must be a numeric non-root uid, got '${RUNTIME_USER:-<none>}'"
fi
RUN_UID="${RUNTIME_USER%%:*}"
[[ "$RUN_UID" =~ ^[0-9]+$ ]] || RUN_UID=10001
ENTRYPOINT_JSON="$(helper get "$DOCKERFILE" "$WORK" "$REPO" entrypoint)"
CMD_JSON="$(helper get "$DOCKERFILE" "$WORK" "$REPO" cmd)"
if [[ "$ENTRYPOINT_JSON" == *tini* ]]; then ok "ENTRYPOINT runs tini ($ENTRYPOINT_JSON)"; else bad "ENTRYPOINT does not run tini: $ENTRYPOINT_JSON"; fi
if grep -Eq '^ENV .*NODE_ENV=production' "$DOCKERFILE"; then ok "NODE_ENV=production is set in the runtime image"; else bad "NODE_ENV=production is not set"; fi
if grep -Eq '^EXPOSE 3000' "$DOCKERFILE"; then ok "EXPOSE 3000"; else bad "EXPOSE 3000 missing"; fi
if [ -f "$REPO/.dockerignore" ] && grep -qx 'node_modules' "$REPO/.dockerignore"; then ok ".dockerignore excludes node_modules"; else bad ".dockerignore missing or does not exclude node_modules"; fi

# ---------------------------------------------------------------------------
# Replay each stage
# ---------------------------------------------------------------------------
NPM_CACHE="${PROOF_NPM_CACHE:-$WORK/npm-cache}"
image_npm="$(sed -n 's/^ARG NPM_VERSION=\(.*\)$/\1/p' "$DOCKERFILE" | head -n 1)"
host_npm="$(npm --version)"
if [ -n "$image_npm" ] && [ "$image_npm" != "$host_npm" ]; then
  step "note: the image pins npm $image_npm, this machine has npm $host_npm; the replay uses $host_npm"
elif [ -n "$image_npm" ]; then
  ok "host npm $host_npm is the npm the image pins"
fi
mkdir -p "$NPM_CACHE"

replay_runs() {
  local stage="$1" wd kind cmd64 env64 cmd
  while IFS=$'\t' read -r wd kind cmd64 env64; do
    cmd="$(printf '%s' "$cmd64" | base64 -d)"
    if [ "$kind" = "system" ]; then
      step "skip (needs the image's root filesystem): RUN ${cmd:0:100}"
      continue
    fi
    step "RUN (stage $stage, WORKDIR $wd): $cmd"
    local dir="$WORK/stages/$stage/rootfs$wd"
    mkdir -p "$dir"
    local -a envs=()
    mapfile -t envs < <(printf '%s' "$env64" | base64 -d | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const [k,v] of Object.entries(JSON.parse(s)))console.log(k+"="+v)})')
    local log="$WORK/run-$stage-$RANDOM.log"
    if (cd "$dir" && env -i PATH="$PATH" HOME="$WORK/home" npm_config_cache="$NPM_CACHE" npm_config_update_notifier=false "${envs[@]}" sh -c "$cmd") >"$log" 2>&1; then
      ok "RUN finished ($(tail -n 1 "$log" | cut -c1-120))"
    else
      bad "RUN failed: $cmd (last lines below)"
      tail -n 30 "$log" | sed 's/^/[proof]      /'
      return 1
    fi
  done < <(helper runs "$DOCKERFILE" "$WORK" "$REPO" "$stage")
}

mkdir -p "$WORK/home"
for stage in "${STAGES[@]}"; do
  step "== stage $stage: COPY =="
  if ! helper copy "$DOCKERFILE" "$WORK" "$REPO" "$stage" | sed 's/^/[proof]      /'; then
    bad "COPY of stage $stage failed"
    exit 1
  fi
  if [ "${PROOF_ONLY:-}" = "static" ]; then
    step "PROOF_ONLY=static: RUN steps of stage $stage not replayed"
    helper runs "$DOCKERFILE" "$WORK" "$REPO" "$stage" | while IFS=$'\t' read -r wd kind cmd64 _; do
      step "  would $( [ "$kind" = system ] && echo skip || echo run ) in $wd: $(printf '%s' "$cmd64" | base64 -d | cut -c1-100)"
    done
    continue
  fi
  step "== stage $stage: RUN =="
  replay_runs "$stage" || exit 1
done

if [ "${PROOF_ONLY:-}" = "static" ]; then
  if [ -d "$RUNTIME_DIR" ] && [ -f "$RUNTIME_DIR/package.json" ]; then ok "runtime folder holds package.json"; else bad "runtime folder lacks package.json"; fi
  exit 0
fi

# ---------------------------------------------------------------------------
# Check the runtime folder
# ---------------------------------------------------------------------------
step "== runtime folder: $RUNTIME_DIR =="
top="$(cd "$RUNTIME_DIR" && ls -A | tr '\n' ' ')"
step "contents: $top"
if [ -f "$RUNTIME_DIR/dist/apps/api/src/main.js" ]; then ok "dist/apps/api/src/main.js present"; else bad "dist/apps/api/src/main.js missing"; fi
if [ -f "$RUNTIME_DIR/dist/apps/cli/src/main.js" ]; then ok "dist/apps/cli/src/main.js present"; else bad "dist/apps/cli/src/main.js missing"; fi
for unexpected in apps libs src test tsconfig.json; do
  [ -e "$RUNTIME_DIR/$unexpected" ] && bad "runtime folder contains $unexpected (sources must stay in the build stage)"
done
ts_count="$(find "$RUNTIME_DIR" -path "$RUNTIME_DIR/node_modules" -prune -o -name '*.ts' ! -name '*.d.ts' -print | wc -l)"
if [ "$ts_count" -eq 0 ]; then ok "no TypeScript sources outside node_modules"; else bad "$ts_count TypeScript source file(s) in the runtime folder"; fi
# Every package the lockfile marks dev-only must be absent (a devDependency that a
# production dependency also needs is not dev-only and stays).
dev_report="$(node -e '
  const fs = require("fs"), path = require("path");
  const dir = process.argv[1];
  const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));
  const devOnly = Object.entries(lock.packages || {}).filter(([k, v]) => k && v.dev);
  const present = devOnly.filter(([k]) => fs.existsSync(path.join(dir, k))).map(([k]) => k.replace(/^node_modules\//, ""));
  console.log(devOnly.length + " " + present.slice(0, 10).join(","));
' "$RUNTIME_DIR")"
dev_total="${dev_report%% *}"
dev_present="${dev_report#* }"
if [ -z "$dev_present" ]; then ok "none of the $dev_total dev-only packages of the lockfile is installed in the runtime folder"; else bad "dev-only packages in runtime node_modules: $dev_present"; fi
step "runtime size: $(du -sh "$RUNTIME_DIR" | cut -f1) (node_modules $(du -sh "$RUNTIME_DIR/node_modules" 2>/dev/null | cut -f1))"

[ "$FAILED" -eq 0 ] || exit 1

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
ADMIN_URL="${PROOF_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -z "${DATABASE_URL:-}" ]; then
  CREATED_DB="cascade_proof_$(date +%s)_$$"
  if psql "$ADMIN_URL" -qAtc "CREATE DATABASE \"$CREATED_DB\"" >/dev/null; then
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$CREATED_DB"
    ok "created database $CREATED_DB"
  else
    CREATED_DB=""
    bad "could not create a database on $ADMIN_URL (set DATABASE_URL)"
    exit 1
  fi
fi
if [ -z "${REDIS_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  REDIS_URL="redis://127.0.0.1:6379"
fi

# ---------------------------------------------------------------------------
# Run as the image would: unprivileged uid, runtime folder not writable to it
# ---------------------------------------------------------------------------
STORAGE_DIR="$WORK/storage"
TMP_DIR="$WORK/tmp"
mkdir -p "$STORAGE_DIR" "$TMP_DIR"
AS_USER=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null; then
    chown -R 0:0 "$RUNTIME_ROOT"
    chmod -R go-w "$RUNTIME_ROOT"
    chown "$RUN_UID:$RUN_UID" "$STORAGE_DIR" "$TMP_DIR"
    AS_USER=(setpriv "--reuid=$RUN_UID" "--regid=$RUN_UID" --clear-groups)
    ok "server runs as uid $RUN_UID; the runtime folder is owned by root and read-only to it"
  else
    bad "running as root and setpriv is missing: cannot drop privileges"
    exit 1
  fi
else
  chmod -R a-w "$RUNTIME_DIR"
  ok "server runs as uid $(id -u) with the runtime folder made read-only"
fi

# ENTRYPOINT: tini is used when installed here, otherwise the CMD runs directly.
mapfile -t CMD_ARGS < <(node -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$CMD_JSON")
ENTRY=()
if [[ "$ENTRYPOINT_JSON" == *tini* ]]; then
  if command -v tini >/dev/null; then ENTRY=("$(command -v tini)" --); else step "tini not installed here: running CMD directly (the image runs it under tini)"; fi
fi

mapfile -t IMAGE_ENV < <(helper get "$DOCKERFILE" "$WORK" "$REPO" env)
JWT="proof-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
APP_ENV=(
  "PATH=$PATH" "HOME=$TMP_DIR" "TMPDIR=$TMP_DIR"
  "${IMAGE_ENV[@]}"
  "PORT=$PORT"
  "DATABASE_URL=$DATABASE_URL"
  "JWT_SECRET=$JWT"
  "BASE_DOMAIN=${BASE_DOMAIN:-localhost}"
  "STORAGE_DRIVER=local"
  "STORAGE_ROOT=$STORAGE_DIR"
  "SHUTDOWN_GRACE_MS=${SHUTDOWN_GRACE_MS:-2000}"
  "LOG_LEVEL=${LOG_LEVEL:-info}"
)
[ -n "${MIGRATION_DATABASE_URL:-}" ] && APP_ENV+=("MIGRATION_DATABASE_URL=$MIGRATION_DATABASE_URL")
[ -n "${REDIS_URL:-}" ] && APP_ENV+=("REDIS_URL=$REDIS_URL")

step "== migrate =="
if (cd "$RUNTIME_DIR" && env -i "${APP_ENV[@]}" "${AS_USER[@]}" node dist/apps/cli/src/main.js migrate) >"$WORK/migrate.log" 2>&1; then
  ok "migrate CLI exited 0"
else
  bad "migrate CLI failed"
  tail -n 30 "$WORK/migrate.log" | sed 's/^/[proof]      /'
  exit 1
fi

step "== server: ${ENTRY[*]} ${CMD_ARGS[*]} on port $PORT =="
(cd "$RUNTIME_DIR" && exec env -i "${APP_ENV[@]}" "${AS_USER[@]}" "${ENTRY[@]}" "${CMD_ARGS[@]}") >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

live=""
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  live="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/live" || true)"
  [ "$live" = "200" ] && break
  sleep 0.5
done
if [ "$live" = "200" ]; then ok "GET /health/live -> 200"; else bad "GET /health/live -> ${live:-no answer}"; fi

ready=""
for _ in $(seq 1 40); do
  ready="$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)"
  [ "$ready" = "200" ] && break
  sleep 0.5
done
if [ "$ready" = "200" ]; then ok "GET /health/ready -> 200"; else bad "GET /health/ready -> ${ready:-no answer} $(head -c 300 "$WORK/ready.json" 2>/dev/null)"; fi

if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -TERM "$SERVER_PID"
  code=""
  for _ in $(seq 1 60); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then wait "$SERVER_PID"; code=$?; break; fi
    sleep 0.5
  done
  if [ -z "$code" ]; then
    bad "server still running 30 s after SIGTERM"
  elif [ "$code" -eq 0 ]; then
    ok "SIGTERM -> exit code 0"
  elif [ "$code" -gt 128 ]; then
    bad "SIGTERM -> exit code $code: the process died of signal $((code - 128)) instead of exiting 0 after its drain (a second SIGTERM handler that re-raises the signal, e.g. Nest's enableShutdownHooks, does this)"
  else
    bad "SIGTERM -> exit code $code"
  fi
  SERVER_PID=""
else
  wait "$SERVER_PID"
  bad "server exited on its own with code $?"
  SERVER_PID=""
fi
if [ "$FAILED" -ne 0 ]; then
  step "last server log lines:"
  tail -n 40 "$WORK/server.log" | sed 's/^/[proof]      /'
fi
exit "$FAILED"
