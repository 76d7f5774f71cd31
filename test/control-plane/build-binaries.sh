#!/usr/bin/env bash
# Builds the local cluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
# kube-proxy, kubectl, helm and CoreDNS) from the Go module proxy at pinned versions, into a cache
# outside the checkout. Recipe and pitfalls: docs/local-cluster.md. Upstream k8s.io/kubernetes
# cannot be `go install`ed (its go.mod replaces every staging module with ./staging/...), so we
# build from a throwaway wrapper module that replaces each staging module with its v0.x.y tag.
set -euo pipefail

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
HELM_VERSION=3.22.0
COREDNS_VERSION=1.14.7
# Bump when the build recipe itself changes (flags), so caches from an older recipe are not reused.
RECIPE=2
minor=$(cut -d. -f2 <<<"$K8S_VERSION")

CACHE_ROOT="${STRATA_CACHE:-$HOME/.cache/strata}"
BIN="$CACHE_ROOT/k8s-v$K8S_VERSION-etcd-v$ETCD_VERSION-helm-v$HELM_VERSION-r$RECIPE/bin"
# The node's parts (kube-scheduler, kubelet, kube-proxy, coredns) live beside the control plane's;
# a cache built before they were added gains them on the next run without rebuilding the rest.
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
WANT=(etcd "${K8S_CMDS[@]}" helm coredns)

if [[ "${1:-}" == "--print-bin-dir" ]]; then echo "$BIN"; exit 0; fi

start=$(date +%s)
log() { printf '[build-binaries +%3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

missing=()
for b in "${WANT[@]}"; do [[ -x "$BIN/$b" ]] || missing+=("$b"); done
if [[ ${#missing[@]} -eq 0 ]]; then log "cached: $BIN"; exit 0; fi

# Two builds at once (make test beside make demo, or two checkouts) would delete each other's work
# directories; the second one waits for the first and then finds the binaries built.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it"
  flock 9
  missing=()
  for b in "${WANT[@]}"; do [[ -x "$BIN/$b" ]] || missing+=("$b"); done
  if [[ ${#missing[@]} -eq 0 ]]; then log "built by the other run: $BIN"; exit 0; fi
fi
log "building ${missing[*]} into $BIN (first time only; takes many minutes on 2 cores)"

command -v go >/dev/null || { echo "build-binaries: Go is required to build the control plane" >&2; exit 1; }
mkdir -p "$BIN"
WORK="$CACHE_ROOT/build"
mkdir -p "$WORK"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

# A long `go` step prints nothing for minutes; a ticker shows it is alive.
run_with_ticker() {
  local what=$1; shift
  ( while sleep 30; do log "  ... still $what"; done ) & local ticker=$!
  local rc=0
  "$@" || rc=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  return $rc
}

needs() { local b; for b in "$@"; do [[ " ${missing[*]} " == *" $b "* ]] && return 0; done; return 1; }

if needs etcd; then
  d="$WORK/etcd-$ETCD_VERSION"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init local/etcdbuild >/dev/null 2>&1
  log "etcd v$ETCD_VERSION: downloading modules"
  run_with_ticker "downloading etcd modules" go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" 2>&1 | tail -n 3
  log "etcd: compiling"
  run_with_ticker "compiling etcd" go build -trimpath -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  log "etcd: done ($("$BIN/etcd" --version | head -n 1))"
fi

if needs "${K8S_CMDS[@]}"; then
  d="$WORK/k8s-$K8S_VERSION"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init local/k8sbuild >/dev/null 2>&1
  staging="0.${K8S_VERSION#1.}"
  go mod edit -go=1.24.0
  printf 'godebug default=go1.24\n' >>go.mod
  # Staging modules of 1.34: k8s.io/kubernetes requires each at v0.0.0 with a replace to ./staging,
  # which only works in its own tree, so each is pinned to its published v0.x.y tag (the recipe of
  # kubernetes/kubernetes#79384). Replaces must exist before `go get`.
  for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
    cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms \
    kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
    mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
    go mod edit -replace="k8s.io/$m=k8s.io/$m@v$staging"
  done
  log "kubernetes v$K8S_VERSION: downloading modules"
  pkgs=(); for cmd in "${K8S_CMDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd@v$K8S_VERSION"); done
  run_with_ticker "downloading kubernetes modules" go get "${pkgs[@]}" 2>&1 | tail -n 3
  # Without these, /version reports v0.0.0-master and Helm's kubeVersion checks misfire (no
  # ldflags means component-base reports its placeholder version).
  ld=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    # Proxy zips carry no git metadata; say so rather than leaving the `$Format:%H$` placeholder.
    ld+=" -X $p.gitCommit=unknown-go-proxy-build"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for cmd in "${K8S_CMDS[@]}"; do
    needs "$cmd" || continue
    log "kubernetes: compiling $cmd"
    run_with_ticker "compiling $cmd" go build -trimpath -ldflags "-s -w $ld" -o "$BIN/$cmd" "k8s.io/kubernetes/cmd/$cmd"
  done
  log "kubernetes: done ($("$BIN/kube-apiserver" --version))"
fi

if needs helm; then
  d="$WORK/helm-$HELM_VERSION"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init local/helmbuild >/dev/null 2>&1
  log "helm v$HELM_VERSION: downloading modules"
  run_with_ticker "downloading helm modules" go get "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" 2>&1 | tail -n 3
  # Without these, `helm template` assumes Kubernetes v1.20 (pkg/chartutil's defaults, which Helm's
  # own Makefile overrides with these flags).
  hl="-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  hl+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  log "helm: compiling"
  run_with_ticker "compiling helm" go build -trimpath -ldflags "-s -w $hl" -o "$BIN/helm" helm.sh/helm/v3/cmd/helm
  log "helm: done ($("$BIN/helm" version --short))"
fi

if needs coredns; then
  d="$WORK/coredns-$COREDNS_VERSION"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init local/corednsbuild >/dev/null 2>&1
  # CoreDNS's own main links every plugin, cloud SDKs included, which takes many minutes to
  # compile. Its compile-time configuration is the directives list; this main links only the
  # plugins the node's Corefile uses (node-config.ts), in CoreDNS's own order.
  cat >main.go <<'GO'
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	dnsserver.Directives = []string{"bind", "ready", "errors", "log", "cache", "kubernetes"}
}

func main() { coremain.Run() }
GO
  log "coredns v$COREDNS_VERSION: downloading modules"
  run_with_ticker "downloading coredns modules" go get "github.com/coredns/coredns@v$COREDNS_VERSION" 2>&1 | tail -n 3
  run_with_ticker "resolving coredns's imports" go mod tidy 2>&1 | tail -n 3
  log "coredns: compiling"
  run_with_ticker "compiling coredns" go build -trimpath -ldflags "-s -w" -o "$BIN/coredns" .
  log "coredns: done ($("$BIN/coredns" -version | head -n 1))"
fi

log "all binaries in $BIN"
