# Sourced by scripts that need Claude Code; test/journeys/claude-code/claude-code-binary.ts asks
# bash for the same names. Claude Code ships its Linux binary as a platform package on the npm
# registry (@anthropic-ai/claude-code-linux-x64 and -arm64, optional dependencies of
# @anthropic-ai/claude-code); it is kept outside the checkout, keyed by version, like the venvs.
CLAUDE_CODE_VERSION=2.1.332
case "$(uname -m)" in
  aarch64 | arm64) CLAUDE_CODE_PLATFORM=linux-arm64 ;;
  *) CLAUDE_CODE_PLATFORM=linux-x64 ;;
esac
CLAUDE_CODE_DIR="${STRATA_CACHE:-$HOME/.cache/strata}/claude-code-$CLAUDE_CODE_VERSION-$CLAUDE_CODE_PLATFORM"
CLAUDE_CODE_BIN="$CLAUDE_CODE_DIR/node_modules/@anthropic-ai/claude-code-$CLAUDE_CODE_PLATFORM/claude"
