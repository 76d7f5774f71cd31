# Every target runs on the project's own Node 24 (the `node` devDependency), never the system Node.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.DEFAULT_GOAL := help
# Files written by generators; `make check` fails when they differ from what is committed.
GENERATED := crds/generated charts/strata/templates/crds charts/strata/templates/_names.tpl docs/error-codes.md

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## install what a fresh machine lacks: Debian packages, npm packages, control-plane binaries
	@bash test/setup.sh

build: setup ## generate files from the schemas and typecheck everything
	@npm run --silent generate --workspaces --if-present
	@tsc -p tsconfig.json

check: setup ## format, lint, typecheck, the gateway's layers, lint .github/workflows, and fail when a generated file drifts
	@prettier --check . --log-level warn
	@eslint .
	@tsc -p tsconfig.json
	@node test/layering/check-layers.ts
	@bash test/actionlint.sh .github/workflows/*.yml
	@npm run --silent generate --workspaces --if-present
	@drift=$$(git status --porcelain -- $(GENERATED)); if [[ -n $$drift ]]; then echo "$$drift"; echo "generated files drifted: run 'make build' and commit them" >&2; exit 1; fi

test: setup ## run every test: unit, the real control plane, journeys
	@vitest run

e2e: setup ## run only the end-to-end projects (real control plane, real processes, pods on a real node)
	@vitest run --project cluster --project journeys --project pods

demo: setup ## the main job: start the local system and show it working (Ctrl-C stops it)
	@node test/demo/main.ts

bench: setup ## benchmarks: gateway vs bare proxy, Portkey, LiteLLM (writes docs/benchmarks.md), overload curve, 429 storm, then control-plane scale. STRATA_BENCH_QUICK=1 for a smoke run
	@. test/python-env.sh && LITELLM_VENV="$$LITELLM_VENV" node test/bench/gateway-bench.ts
	@node test/bench/overload-curve.ts
	@node test/bench/throttle-storm.ts
	@node test/bench/publish-scale.ts
	@node test/bench/control-plane-scale.ts
	@node test/bench/fleet-scale.ts

images: setup ## build the container images with buildah (docs/images.md); setup already does, cached after the first run
	@bash test/images/build-images.sh

cluster-up: setup ## start a local cluster that stays up (with a node where one can run); prints its kubeconfig path
	@node test/control-plane/cli.ts up

cluster-down: ## stop the cluster started by cluster-up and undo its host changes
	@node test/control-plane/cli.ts down

clean-cache: ## remove the cached control-plane binaries (~/.cache/strata)
	rm -rf "$${STRATA_CACHE:-$$HOME/.cache/strata}"

.PHONY: help setup build check test e2e demo bench images cluster-up cluster-down clean-cache
