# strata-gateway. Build from the repository root:
#   docker build -f docker/gateway.Dockerfile -t strata-gateway .
# Node 24 runs the TypeScript sources directly (type stripping), so there is no compile stage.
#
# Production base: node:24-slim (Docker Hub) for both stages. A machine that cannot pull it passes
# local stand-ins as BUILD_BASE and RUNTIME_BASE (test/images/build-images.sh; docs/images.md).
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
# The production dependencies of the gateway and the two workspace packages it imports. No
# install scripts: none of them needs one. Behind a TLS-intercepting proxy, pass its CA bundle as
# the build secret `npm-ca`: it is mounted for this step only and lands in no layer.
RUN --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
  NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca \
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier \
  --workspace=crds --workspace=aws-signing --workspace=gateway

FROM ${RUNTIME_BASE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
# Sources only: .dockerignore leaves out tests, test kits and fixtures.
COPY crds/package.json crds/
COPY crds/src crds/src
COPY aws-signing/package.json aws-signing/
COPY aws-signing/src aws-signing/src
COPY gateway/package.json gateway/
COPY gateway/bin gateway/bin
COPY gateway/src gateway/src

# uid 1000 (the `node` user of node:24-slim), numeric so that runAsNonRoot can verify it; the
# chart's securityContext runs as the same uid. Nothing is written outside /tmp.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "gateway/bin/strata-gateway.js"]
