# Sourced by scripts that need the Python venvs; test/support/python.ts reads the same names.
# Three venvs: litellm pins its own openai, the journeys want the newest official openai client,
# and the Anthropic journey the official `anthropic` client.
# litellm 1.99.4 is the newest whose dependencies the registry mirror here can satisfy.
OPENAI_PY_VERSION=3.54.0
LITELLM_VERSION=1.99.4
ANTHROPIC_PY_VERSION=2.17.0
STRATA_PYTHON_CACHE="${STRATA_CACHE:-$HOME/.cache/strata}"
OPENAI_PY_VENV="$STRATA_PYTHON_CACHE/python-openai-$OPENAI_PY_VERSION"
LITELLM_VENV="$STRATA_PYTHON_CACHE/python-litellm-$LITELLM_VERSION"
ANTHROPIC_PY_VENV="$STRATA_PYTHON_CACHE/python-anthropic-$ANTHROPIC_PY_VERSION"
