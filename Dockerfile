# syntax=docker/dockerfile:1
# SmartLine: one image, several roles (serve | worker | all | migrate | admin).
# TypeScript runs through tsx (a runtime dependency), so nothing is compiled:
# the build stage typechecks the tree with the dev dependencies (a broken tree
# never becomes an image); the runtime stage installs production ones alone.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck

FROM ${NODE_IMAGE} AS runtime
# `smartline admin backup|restore|verify-backup` shells out to pg_dump / pg_restore / psql (PostgreSQL 15 client).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/src ./src
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/bin ./bin
COPY --from=build /app/tsconfig.json ./tsconfig.json
# The image's `node` user (uid 1000); it owns nothing but the backup directory.
RUN mkdir -p /app/backups && chown node:node /app/backups
USER node
EXPOSE 3000
# Liveness only (no curl in the image): node 20's fetch against /health/live.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (src/main.ts: drain HTTP, stop jobs, close pools).
# The role is the argument: `docker run smartline worker`, Kubernetes `args: [worker]`.
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["serve"]
