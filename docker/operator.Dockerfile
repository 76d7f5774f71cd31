# strata-operator. Build from the repository root: docker build -f docker/operator.Dockerfile -t strata-operator .
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
# The operator imports the gateway's request signer (@strata/gateway/aws-signing), so it needs all three.
# No install scripts: no runtime dependency needs one.
RUN npm ci --omit=dev --ignore-scripts --workspace=crds --workspace=gateway --workspace=operator \
  && npm cache clean --force

COPY crds/src crds/src
COPY gateway/src gateway/src
COPY operator/bin operator/bin
COPY operator/src operator/src

# uid 1000, the image's own unprivileged user; the chart's securityContext runs as the same uid.
USER node
EXPOSE 8080
ENTRYPOINT ["node", "operator/bin/strata-operator.js"]
