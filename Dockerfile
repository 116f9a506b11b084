# syntax=docker/dockerfile:1

# The nta-watch service image.
#
#   docker build -t nta-watch .
#   docker run -d --name nta-watch -e NTA_WATCH_TOKEN=... \
#     -v nta-watch-data:/var/lib/nta-watch -p 127.0.0.1:9753:9753 nta-watch
#
# Configuration: /etc/nta-watch/config.yaml (config/docker/config.yaml unless
# a file is mounted over it); API tokens from environment variables or from
# secret files the configuration names. State: the SQLite store on the
# /var/lib/nta-watch volume.
#
# Node 26 has been the Active LTS line since 2026-10-28 (24 is in
# maintenance); --build-arg NODE_MAJOR=24 builds on the previous line. Every
# stage starts from the same base, so better-sqlite3's native module is built
# for the Node and glibc it runs on.
ARG NODE_MAJOR=26

# The toolchain node-gyp needs when better-sqlite3 has no prebuilt binary for
# this Node and platform.
FROM node:${NODE_MAJOR}-trixie-slim AS toolchain
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# Production dependencies only: what the runtime stage copies.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

# All dependencies, to compile the TypeScript sources to dist/.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:${NODE_MAJOR}-trixie-slim AS runtime-base
LABEL org.opencontainers.image.title="nta-watch" \
      org.opencontainers.image.description="Proposes Negative Trust Anchors (RFC 7646) when a zone's DNSSEC signing breaks" \
      org.opencontainers.image.licenses="BSD-3-Clause"
ENV NODE_ENV=production \
    NTA_WATCH_HEALTH_URL=http://127.0.0.1:9753/healthz
# A fixed non-root uid, so that volumes and secret files can be given to it.
RUN groupadd --gid 10001 nta-watch \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/nta-watch \
       --shell /usr/sbin/nologin nta-watch \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/nta-watch \
    && install -d -m 0755 /etc/nta-watch
WORKDIR /app
# package.json says "type": "module": dist/ is ES modules.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
COPY config/docker/config.yaml /etc/nta-watch/config.yaml
USER 10001:10001
VOLUME ["/var/lib/nta-watch"]
EXPOSE 9753
# Slim images have no curl: Node's own fetch asks /healthz (no token needed).
# Set NTA_WATCH_HEALTH_URL when the configuration moves the API.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch(process.env.NTA_WATCH_HEALTH_URL, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/nta-watch.js"]
CMD ["serve", "--config", "/etc/nta-watch/config.yaml"]

# With rndc (bind9-utils) for the BIND adapter, as the BIND sidecar uses it:
#   docker build --target runtime-rndc -t nta-watch:rndc .
FROM runtime-base AS runtime-rndc
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends bind9-utils \
    && rm -rf /var/lib/apt/lists/*
USER 10001:10001

# The default image: the last stage.
FROM runtime-base AS runtime
