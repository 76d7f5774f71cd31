# A small in-cluster client on the official `openai` package (test/in-cluster-client), as a pod for
# in-cluster tests; never shipped. Build from the repository root:
#   docker build -f docker/client.Dockerfile -t strata-client .
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
# The client is part of the test workspace (its `openai` version); see the runtime stage.
RUN --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
  NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca \
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --workspace=test

FROM ${RUNTIME_BASE}
ENV NODE_ENV=production
WORKDIR /app
# The client imports openai and nothing else outside node:; openai has no dependencies of its own.
COPY --from=deps /app/node_modules/openai node_modules/openai
COPY test/in-cluster-client test/in-cluster-client

USER 1000:1000
# Idle by default, for `kubectl exec <pod> -- node test/in-cluster-client/main.ts smoke|load ...`;
# or give the mode as the container's args.
ENTRYPOINT ["node", "test/in-cluster-client/main.ts"]
CMD ["sleep"]
