#!/usr/bin/env bash
# Installs what a fresh machine lacks. Idempotent and quick when everything is already there,
# because `make test` and `make demo` run it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

# prometheus and redis-server are real parts of the tests; wrk is the benchmarks' load generator;
# shellcheck checks the workflows' run: blocks (test/actionlint.sh); buildah, mmdebstrap, runc, jq,
# binutils (strip) and curl build and check the container images (test/images); containerd, the
# CNI plugins and iptables make the local node (docs/local-cluster.md).
debian_packages=(openssl util-linux git make prometheus redis-server wrk python3-venv shellcheck
  buildah mmdebstrap runc jq binutils curl containerd containernetworking-plugins iptables)
missing=()
for p in "${debian_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "[setup] installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then echo "[setup] need root for apt-get; install them yourself" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lockfile changed since the last install.
stamp=node_modules/.strata-installed
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

bash test/setup-python.sh
bash test/setup-claude-code.sh
bash test/control-plane/build-binaries.sh
bash test/control-plane/build-keda.sh
bash test/actionlint.sh
bash test/images/build-images.sh
