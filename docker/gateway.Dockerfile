# strata-gateway. Build from the repository root: docker build -f docker/gateway.Dockerfile -t strata-gateway .
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build stage.
FROM node:24-slim

ENV NODE_ENV=production
WORKDIR /app

# Every workspace manifest, because npm ci checks the lock file against all of them.
COPY package.json package-lock.json ./
COPY crds/package.json crds/
COPY gateway/package.json gateway/
COPY operator/package.json operator/
COPY test/package.json test/
# The gateway needs its own workspace and the shared schemas (@strata/crds).
# No install scripts: no runtime dependency needs one.
RUN npm ci --omit=dev --ignore-scripts --workspace=crds --workspace=gateway \
  && npm cache clean --force

COPY crds/src crds/src
COPY gateway/bin gateway/bin
COPY gateway/src gateway/src

# uid 1000, the image's own unprivileged user; the chart's securityContext runs as the same uid.
USER node
EXPOSE 8080
ENTRYPOINT ["node", "gateway/bin/strata-gateway.js"]
