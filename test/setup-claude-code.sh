#!/usr/bin/env bash
# Claude Code for the journey that runs it headless against the gateway
# (test/journeys/claude-code/). Installed with npm from the registry into a cache outside the
# checkout, keyed by version: an unchanged version costs nothing, and the 400 MB binary never
# enters the repository's node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/claude-code-env.sh

[[ -f $CLAUDE_CODE_DIR/.installed && -x $CLAUDE_CODE_BIN ]] && exit 0
echo "[setup] Claude Code $CLAUDE_CODE_VERSION ($CLAUDE_CODE_PLATFORM) into $CLAUDE_CODE_DIR"
rm -rf "$CLAUDE_CODE_DIR"
mkdir -p "$CLAUDE_CODE_DIR"
echo '{"private":true}' >"$CLAUDE_CODE_DIR/package.json"
npm install --prefix "$CLAUDE_CODE_DIR" --no-audit --no-fund --loglevel=error \
  "@anthropic-ai/claude-code-$CLAUDE_CODE_PLATFORM@$CLAUDE_CODE_VERSION"
"$CLAUDE_CODE_BIN" --version
touch "$CLAUDE_CODE_DIR/.installed"
