# syntax=docker/dockerfile:1
# SmartLine: one image, several roles (serve | worker | all | migrate | admin).
# The build stage typechecks the tree and compiles src/ to dist/ with the dev
# dependencies (a broken tree never becomes an image); the runtime stage holds
# dist/, migrations/ and the production dependencies alone: no tsx, esbuild,
# TypeScript or embedded-postgres (a dev dependency; production refuses it anyway).

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck && npm run build && npm run build:console

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
# typescript is only an optional peer of graphile-worker's cosmiconfig (for .ts config files, which we do not
# have); being a dev dependency too, --omit=dev keeps it (npm drops dev+optional only with --omit=optional,
# which would drop @node-rs/argon2's native binary too), hence removed by hand.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/typescript && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
# The ops console, prebuilt (Vite is a dev dependency): served at /console by the API nodes.
COPY --from=build /app/console/dist ./console/dist
# The image's `node` user (uid 1000); it owns nothing but the backup directory.
RUN mkdir -p /app/backups && chown node:node /app/backups
USER node
EXPOSE 3000
# Liveness only (no curl in the image): node's fetch against /health/live.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (dist/main.js: drain HTTP, stop jobs, close pools).
# The role is the argument: `docker run smartline worker`, Kubernetes `args: [worker]`.
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]
