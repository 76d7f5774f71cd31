# Sourced by scripts that need the Python venvs; test/support/python.ts reads the same names.
# Two venvs: litellm pins its own openai, and the journeys want the newest official client.
# litellm 1.99.4 is the newest whose dependencies the registry mirror here can satisfy.
OPENAI_PY_VERSION=3.54.0
LITELLM_VERSION=1.99.4
STRATA_PYTHON_CACHE="${STRATA_CACHE:-$HOME/.cache/strata}"
OPENAI_PY_VENV="$STRATA_PYTHON_CACHE/python-openai-$OPENAI_PY_VERSION"
LITELLM_VENV="$STRATA_PYTHON_CACHE/python-litellm-$LITELLM_VERSION"
