# The Bedrock emulator (test/emulator), as a pod for in-cluster tests; never shipped. Build from the
# repository root: docker build -f docker/emulator.Dockerfile -t strata-emulator .
# Bases as in docker/gateway.Dockerfile: node:24-slim, or local stand-ins passed as build args.
ARG BUILD_BASE=node:24-slim
ARG RUNTIME_BASE=node:24-slim

FROM ${BUILD_BASE} AS deps
WORKDIR /app
# Every workspace manifest, because npm ci checks the lock file against all of them.
COPY package.json package-lock.json ./
COPY crds/package.json crds/
COPY aws-signing/package.json aws-signing/
COPY gateway/package.json gateway/
COPY operator/package.json operator/
COPY test/package.json test/
# The emulator is part of the test workspace; see the runtime stage for what it keeps.
RUN --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
  NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca \
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --workspace=test

FROM ${RUNTIME_BASE}
ENV NODE_ENV=production
WORKDIR /app
# The emulator server imports zod and nothing else outside node: (its SDK client helpers, which
# tests use, are never loaded here); zod has no dependencies of its own.
COPY --from=deps /app/node_modules/zod node_modules/zod
COPY test/emulator test/emulator

USER 1000:1000
EXPOSE 8080
# No request log: a long-lived pod under load would otherwise grow without bound. Pass your own
# arguments (without --no-record) when a test reads /__emulator/requests.
ENTRYPOINT ["node", "test/emulator/cli.ts"]
CMD ["--host", "0.0.0.0", "--port", "8080", "--no-record"]
