#!/usr/bin/env bash
# Builds the KEDA operator from the Go module proxy at a pinned version, with KEDA's own CRDs beside
# it, into a cache outside the checkout. Used by test/cluster/autoscaling.test.ts to prove that a
# real KEDA reads the chart's ScaledObject and reports it Active under load.
#
# KEDA's go.mod has replace/exclude directives, so `go install .../cmd/operator@v2.x` is refused (Go
# refuses `go install` of a module whose go.mod has replace directives). Instead we download the
# module, copy it to a writable directory and build inside it: it becomes the main module, so its
# replaces and go.sum apply exactly as upstream's release build.
set -euo pipefail

KEDA_VERSION=2.21.0
# Bump when the recipe itself changes (flags), so a cache from an older recipe is not reused.
RECIPE=1
MODULE=github.com/kedacore/keda/v2

CACHE_ROOT="${STRATA_CACHE:-$HOME/.cache/strata}"
OUT="$CACHE_ROOT/keda-v$KEDA_VERSION-r$RECIPE"

if [[ "${1:-}" == "--print-dir" ]]; then echo "$OUT"; exit 0; fi

start=$(date +%s)
log() { printf '[build-keda +%3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

# The six CRDs: the operator starts a controller for each kind, so all must be served.
crds=(keda.sh_scaledobjects keda.sh_scaledjobs keda.sh_triggerauthentications
  keda.sh_clustertriggerauthentications eventing.keda.sh_cloudeventsources
  eventing.keda.sh_clustercloudeventsources)
complete() {
  [[ -x "$OUT/bin/keda-operator" && -x "$OUT/bin/keda-adapter" && -d "$OUT/config" ]] || return 1
  local c; for c in "${crds[@]}"; do [[ -f "$OUT/crds/$c.yaml" ]] || return 1; done
}
if complete; then log "cached: $OUT"; exit 0; fi

# Two callers at once (setup and a test's ensureKeda) must not both build in one work directory:
# the second waits for the first, then finds the cache complete.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/keda-v$KEDA_VERSION.lock"
if ! flock -n 9; then log "another build of KEDA is running; waiting for it"; flock 9; fi
if complete; then log "cached: $OUT"; exit 0; fi
log "building keda-operator v$KEDA_VERSION into $OUT (first time only; takes minutes on 2 cores)"

command -v go >/dev/null || { echo "build-keda: Go is required to build the KEDA operator" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

run_with_ticker() {
  local what=$1; shift
  # 9>&-: the ticker's `sleep` must not hold the build lock after the build has finished.
  ( while sleep 30; do log "  ... still $what"; done ) 9>&- & local ticker=$!
  local rc=0
  "$@" || rc=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  return $rc
}

log "downloading $MODULE@v$KEDA_VERSION"
# Run outside any module so that the download does not depend on the current directory.
moddir=$(cd /tmp && GOFLAGS= go mod download -json "$MODULE@v$KEDA_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[[ -n "$moddir" && -d "$moddir" ]] || { echo "build-keda: go mod download gave no module directory" >&2; exit 1; }

WORK="$CACHE_ROOT/build/keda-$KEDA_VERSION"
rm -rf "$WORK"; mkdir -p "$(dirname "$WORK")"
# The module cache is read-only; go build may want to touch go.sum, so build in a writable copy.
cp -r "$moddir" "$WORK"; chmod -R u+w "$WORK"
cd "$WORK"

# `go list -deps` fetches exactly the modules the operator imports (the whole graph would be far
# more: KEDA has a scaler for every cloud), so the compile step that follows works offline.
log "downloading the modules ./cmd/operator and ./cmd/adapter import"
run_with_ticker "downloading KEDA's dependencies" go list -deps ./cmd/operator ./cmd/adapter 2>&1 >/dev/null | tail -n 3

mkdir -p "$OUT/bin" "$OUT/crds"
ld="-s -w -X $MODULE/version.Version=$KEDA_VERSION -X $MODULE/version.GitCommit=go-proxy-build"
log "compiling keda-operator"
run_with_ticker "compiling keda-operator" go build -trimpath -ldflags "$ld" -o "$OUT/bin/keda-operator.tmp" ./cmd/operator
# The metrics server (keda-operator-metrics-apiserver), which serves external.metrics.k8s.io.
log "compiling keda-adapter"
run_with_ticker "compiling keda-adapter" go build -trimpath -ldflags "$ld" -o "$OUT/bin/keda-adapter" ./cmd/adapter
for c in "${crds[@]}"; do cp "config/crd/bases/$c.yaml" "$OUT/crds/"; done
# KEDA's own install manifests (kustomize), from which the pod tests take its RBAC and Services.
rm -rf "$OUT/config"; cp -r config "$OUT/config"
# Renamed last, so an interrupted build never looks complete.
mv "$OUT/bin/keda-operator.tmp" "$OUT/bin/keda-operator"
cd /; rm -rf "$WORK"
log "done: $OUT/bin/keda-operator ($(du -h "$OUT/bin/keda-operator" | cut -f1)), CRDs in $OUT/crds"
