# syntax=docker/dockerfile:1
#
# CASCADE API image.
#
# Two stages:
#   build   - full dependency tree (dev dependencies included), compiles TypeScript into dist/
#   runtime - production dependencies only, the compiled dist/, tini as PID 1, non-root user
#
# No secret is baked in: DATABASE_URL, JWT_SECRET, REDIS_URL, ... come from the
# environment at run time (the Helm chart wires them from a Kubernetes Secret).
#
# scripts/dockerfile-proof.sh reads the COPY and RUN lines of this file and replays
# them in empty folders, so keep every COPY source a plain repository path and every
# install/build step a RUN line.

# Node 26 LTS (active until 2027-10, end of life 2029-04-30): the same version that
# package.json pins for `npm start`/`npm test` (optionalDependencies node-<platform>, .nvmrc).
ARG NODE_IMAGE=node:26.10.0-trixie-slim
# The npm that wrote package-lock.json. npm 11 honours package.json "allowScripts"
# (only the listed packages run install scripts).
ARG NPM_VERSION=11.19.1

########################################################################
# build stage
########################################################################
FROM ${NODE_IMAGE} AS build
ARG NPM_VERSION
RUN npm install -g npm@${NPM_VERSION} --no-audit --no-fund \
 && npm cache clean --force
WORKDIR /app

# Dependency manifests first so the npm ci layer is cached until they change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Sources and compiler configuration.
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

########################################################################
# runtime stage
########################################################################
FROM ${NODE_IMAGE} AS runtime
ARG NPM_VERSION

# tini forwards SIGTERM to node and reaps zombies; curl is not installed (the
# HEALTHCHECK below uses node's own fetch).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g npm@${NPM_VERSION} --no-audit --no-fund \
 && npm cache clean --force

ENV NODE_ENV=production \
    PORT=3000 \
    STORAGE_ROOT=/app/data \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app

# Production dependencies only. --omit=optional leaves out the pinned Node binaries (the image
# has its own, the same version) and embedded-postgres' platform binaries (the embedded server
# is only for DATABASE_URL unset, never in the cluster).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund \
 && npm cache clean --force

# The compiled application, nothing else from the build stage.
COPY --from=build /app/dist ./dist

# Quota plans read at run time (PLANS_FILE defaults to config/plans.json, relative
# to the working folder; the Helm chart can mount its own file instead).
COPY config ./config

# Unprivileged user with a fixed numeric id so Kubernetes runAsNonRoot can verify it.
# /app stays owned by root (read-only to the app); /app/data is the default
# STORAGE_ROOT for the local storage driver (a volume in Kubernetes).
RUN groupadd --system --gid 10001 cascade \
 && useradd --system --uid 10001 --gid cascade --home-dir /app --shell /usr/sbin/nologin cascade \
 && mkdir -p /app/data \
 && chown cascade:cascade /app/data
USER 10001:10001

EXPOSE 3000

# Cap the V8 heap below the container's memory so the process collects harder instead of
# being OOM-killed. The Helm chart sets its own NODE_OPTIONS
# (nodeRuntime.*, at most 75 % of the memory limit); `docker run -e NODE_OPTIONS=...` overrides.
ENV NODE_OPTIONS=--max-old-space-size=1024

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/api/src/main.js"]
