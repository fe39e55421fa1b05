# syntax=docker/dockerfile:1
# Switchboard's image: built with every dependency, run with the production ones only, as the unprivileged `node`
# user. Config through the environment (.env.example lists every variable) and an optional switchboard.yaml mounted in
# /etc/switchboard; state in the /data volume (SQLite) or in Redis (REDIS_URL). See docs/DEPLOY.md.
#
#   docker build -t switchboard .
#   docker run -d -p 8000:8000 -v switchboard-data:/data --env-file .env --stop-timeout 15 switchboard
#
# Node 20 LTS: better-sqlite3 12 ships and builds its native module for Node 20 to 22, and this is the Node the tests run on.
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. build: TypeScript and Vite (dev dependencies) make dist/: the gateway and the web console.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No scripts: `prepare` would build before the sources are here, and building needs no native module.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY graphs ./graphs
COPY tools ./tools
COPY ui ./ui
RUN npm run build

# 2. deps: the production dependencies only, with better-sqlite3's native module for this image (a prebuilt binary
# when one downloads, else compiled: hence the compilers, which stay in this stage).
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 \
  && npm cache clean --force

# 3. the image.
FROM ${NODE_IMAGE}
# HOST 0.0.0.0: reachable from outside the container. The gateway refuses that with client auth off unless told
# (SWITCHBOARD_REQUIRE_AUTH=1 with an admin key, or SWITCHBOARD_ALLOW_PUBLIC=1 on a trusted network).
# SWITCHBOARD_SHUTDOWN_GRACE_MS 8 s: within `docker stop`'s default 10 s before SIGKILL.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    SWITCHBOARD_DATA_DIR=/data \
    SWITCHBOARD_SHUTDOWN_GRACE_MS=8000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json LICENSE ./
RUN mkdir -p /data /etc/switchboard && chown node:node /data
USER node
# The working directory is where `serve` looks for switchboard.yaml: mount a directory holding it here (a directory,
# not the file alone, so that the gateway sees an edited file and applies it).
WORKDIR /etc/switchboard
VOLUME /data
EXPOSE 8000
# Ready: a provider can take a call, the stores answer, and the gateway is not stopping.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains: no new connections, requests in flight finish within the grace period, then exit 0.
STOPSIGNAL SIGTERM
# node serves with the options of src/cli/node-options.ts (a larger young generation: less garbage collection).
ENTRYPOINT ["node", "--max-semi-space-size=32", "/app/dist/src/cli/index.js"]
CMD ["serve"]
