#!/usr/bin/env bash
# Builds actionlint from the Go module proxy at a pinned version into a cache outside the checkout
# (`make setup` runs this with no arguments), and lints the workflow files given as arguments
# (`make check`). The release workflow cannot run on this machine, so this is what proves it
# well-formed: expressions, job outputs, permissions, action inputs, and shellcheck on every `run:`.
set -euo pipefail

ACTIONLINT_VERSION=1.7.12
# Bump when the recipe itself changes (flags), so a cache from an older recipe is not reused.
RECIPE=1
PKG=github.com/rhysd/actionlint/cmd/actionlint

CACHE_ROOT="${STRATA_CACHE:-$HOME/.cache/strata}"
BIN="$CACHE_ROOT/actionlint-v$ACTIONLINT_VERSION-r$RECIPE/bin"

start=$(date +%s)
log() { printf '[actionlint +%3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

build() {
  # Two setups at once (make check beside make test) must not both write the binary: the second
  # waits for the first, then finds it built.
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/actionlint-v$ACTIONLINT_VERSION.lock"
  if ! flock -n 9; then log "another build of actionlint is running; waiting for it"; flock 9; fi
  if [[ -x "$BIN/actionlint" ]]; then exec 9>&-; return; fi
  log "building actionlint v$ACTIONLINT_VERSION into $BIN (first time only; seconds)"
  command -v go >/dev/null || { echo "actionlint: Go is required to build actionlint" >&2; exit 1; }
  # actionlint's go.mod has no replace directives, so `go install pkg@version` builds it as
  # upstream's release does. Into a scratch directory first, so an interrupted build never
  # looks complete.
  local tmp="$BIN.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  # No ticker, unlike the control-plane builds: `go install` names each module as it downloads it,
  # and the compile takes seconds (12 s cold on 2 cores).
  env CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local GOBIN="$tmp" go install -trimpath \
    -ldflags "-s -w -X github.com/rhysd/actionlint.version=v$ACTIONLINT_VERSION" "$PKG@v$ACTIONLINT_VERSION"
  mkdir -p "$BIN"
  mv "$tmp/actionlint" "$BIN/actionlint"
  rmdir "$tmp"
  exec 9>&-
  log "done: $BIN/actionlint ($("$BIN/actionlint" -version | head -n 1))"
}

# Actions are pinned by commit with their version in a comment (`@<sha> # v7.3.0`). actionlint
# knows the inputs of popular actions only by major tag, so each file is linted with its pins read
# as `@v7`: a misspelt or removed input then fails here, not on the first release.
lint() {
  command -v shellcheck >/dev/null || { echo "actionlint: shellcheck is missing; run make setup" >&2; exit 1; }
  local f rc=0 unversioned
  for f in "$@"; do
    unversioned=$(grep -nE '@[0-9a-f]{40}' "$f" | grep -vE '@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*$' || true)
    if [[ -n $unversioned ]]; then
      printf '%s: a commit pin needs its version in a comment (# vX.Y.Z):\n%s\n' "$f" "$unversioned" >&2
      rc=1
    fi
    sed -E 's/@[0-9a-f]{40} # (v[0-9]+)[.0-9]*$/@\1/' "$f" | "$BIN/actionlint" -stdin-filename "$f" - || rc=1
  done
  return $rc
}

[[ -x "$BIN/actionlint" ]] || build
if [[ $# -gt 0 ]]; then lint "$@"; else log "ready: $BIN/actionlint"; fi
