#!/usr/bin/env bash
# Python virtualenvs outside the checkout, with the real Python callers and peer: the official
# `openai` and `anthropic` clients (client-agnostic journeys) and `litellm` in proxy mode
# (benchmarks). Keyed by the pinned versions, so a version bump builds a fresh one and an
# unchanged one costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/python-env.sh

make_venv() { # dir, packages…
  local dir=$1; shift
  [[ -f $dir/.installed ]] && return 0
  echo "[setup] python venv $dir: $* (a minute or two the first time)"
  local began; began=$(date +%s)
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  touch "$dir/.installed"
  echo "[setup] python venv ready after $(( $(date +%s) - began ))s"
}

make_venv "$OPENAI_PY_VENV" "openai==$OPENAI_PY_VERSION"
make_venv "$LITELLM_VENV" "litellm[proxy]==$LITELLM_VERSION"
make_venv "$ANTHROPIC_PY_VENV" "anthropic==$ANTHROPIC_PY_VERSION"
