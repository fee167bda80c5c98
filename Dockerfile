# syntax=docker/dockerfile:1
# The plugin's one image: the API (default command) and the workers (node dist/src/worker.js).
# Build:  docker build -t mm-plugin .      Run it all:  docker compose up --build

# Node 22 LTS. The build stage has python3/make/g++ in case better-sqlite3 has no prebuilt binary.
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config config
COPY libs libs
COPY migrations migrations
COPY src src
COPY bench bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The data directory (SQLite file, generated secrets) belongs to the unprivileged `node` user (uid 1000).
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
# API (PORT), bundled sandbox (SANDBOX_PORT, only without Meta credentials), worker health and metrics (WORKER_HTTP_PORT).
EXPOSE 3000 3001 3002
# A worker answers on WORKER_HTTP_PORT (set it in a worker's environment), the API on PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WORKER_HTTP_PORT||process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
