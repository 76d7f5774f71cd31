#!/usr/bin/env bash
# `bash test/images/check-images.sh [MANIFEST]`: runs the images of MANIFEST (written by
# build-images.sh) the way the chart's securityContext runs them: read-only root filesystem, the
# image's own non-root user, every capability dropped, no privilege escalation, an empty /tmp
# (the chart's emptyDir). runc starts them straight from buildah's storage, on the host network.
#   - gateway and operator hold only their production dependencies (npm ls) and only sources
#     their entrypoint imports (test/images/import-closure.ts);
#   - emulator, gateway and client serve a real exchange: the client's `smoke`, then a short
#     `load` with streams the emulator paces, through the gateway to the emulator;
#   - operator loads its whole module graph (it needs an apiserver to go further);
#   - pause runs and exits 0 on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export PATH=$repo/node_modules/.bin:$PATH
manifest=${1:-${STRATA_IMAGES_DIR:-${STRATA_CACHE:-$HOME/.cache/strata}/images}/manifest.json}
[[ -f $manifest ]] || {
  echo "[check-images] no manifest at $manifest: run test/images/build-images.sh" >&2
  exit 1
}

work=$(mktemp -d)
# Every runc container and buildah working container of this run is named strata-check-*-<pid>.
running=()
cleanup() {
  local id
  for id in "${running[@]}"; do runc kill "$id" KILL >/dev/null 2>&1 || true; done
  for id in "${running[@]}"; do runc delete --force "$id" >/dev/null 2>&1 || true; done
  buildah containers --format '{{.ContainerName}}' | grep -x "strata-check-.*-$$" |
    while read -r id; do buildah rm "$id" >/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "[check-images] $*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}
ref() { jq -er --arg n "$1" '.images[$n].ref' "$manifest"; }
image_config() { buildah inspect --type image "$(ref "$1")" | jq -c '.OCIv1.config'; }
free_port() { node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# rootfs NAME: mounts image NAME's file system (a buildah working container) and prints its path.
rootfs() {
  buildah rm "strata-check-$1-$$" >/dev/null 2>&1 || true
  buildah mount "$(buildah from --pull=never --name "strata-check-$1-$$" "$(ref "$1")")"
}

# bundle NAME ENV_JSON MOUNTS_JSON ARG...: an OCI bundle for runc in $work/NAME: the image's env,
# working directory and user, the chart's restrictions, ARGs as the command line.
bundle() {
  local name=$1 env=$2 mounts=$3 image root user args
  shift 3
  image=$(image_config "$name")
  root=$(rootfs "$name")
  user=$(jq -r '.User' <<<"$image")
  [[ $user =~ ^[1-9][0-9]*:[0-9]+$ ]] || fail "$name: USER is '$user', not a numeric non-root uid:gid"
  mkdir -p "$work/$name"
  runc spec --bundle "$work/$name"
  args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
  jq --arg root "$root" --argjson image "$image" --argjson env "$env" --argjson mounts "$mounts" \
    --argjson uid "${user%%:*}" --argjson gid "${user##*:}" --argjson args "$args" '
      .root = {path: $root, readonly: true}
      | .process.terminal = false
      | .process.user = {uid: $uid, gid: $gid}
      | .process.args = $args
      | .process.env = (($image.Env // []) + $env)
      | .process.cwd = ($image.WorkingDir // "/")
      | .process.capabilities = {bounding: [], effective: [], permitted: [], inheritable: [], ambient: []}
      | .process.noNewPrivileges = true
      | .linux.namespaces |= map(select(.type != "network"))
      | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}] + $mounts
    ' <"$work/$name/config.json" >"$work/$name/config.json.new"
  mv "$work/$name/config.json.new" "$work/$name/config.json"
}

# start NAME: runs bundle NAME in the background, output in $work/NAME.log, runc's pid in $started.
start() {
  running+=("strata-check-$1-$$")
  runc run --bundle "$work/$1" "strata-check-$1-$$" >"$work/$1.log" 2>&1 &
  started=$!
}

# run NAME: runs bundle NAME to its end; prints its stdout, keeps stderr in $work/NAME.err.
run() {
  running+=("strata-check-$1-$$")
  runc run --bundle "$work/$1" "strata-check-$1-$$" 2>"$work/$1.err"
}

wait_http() {
  local url=$1 name=$2 attempt
  for attempt in $(seq 100); do
    [[ $attempt -gt 1 ]] && sleep 0.1
    curl -sf -o /dev/null "$url" && return 0
  done
  cat "$work/$name.log" >&2
  fail "$name did not answer $url"
}

# --- what the program images hold ------------------------------------------------------------
entrypoint_of() { image_config "$1" | jq -r '.Entrypoint[1]'; }
for name in gateway operator; do
  root=$(rootfs "$name")
  entry=$(entrypoint_of "$name")
  expected=$(node test/images/import-closure.ts "$entry" | grep -v '^package:' | sort)
  held=$(cd "$root/app" && find . -path ./node_modules -prune -o -type f \( -name '*.ts' -o -name '*.js' \) -print | sed 's#^\./##' | sort)
  extra=$(comm -13 <(echo "$expected") <(echo "$held"))
  [[ -z $extra ]] || fail "$name holds sources its entrypoint never imports:"$'\n'"$extra"
  missing=$(comm -23 <(echo "$expected") <(echo "$held"))
  [[ -z $missing ]] || fail "$name lacks sources its entrypoint imports:"$'\n'"$missing"
  workspaces=(--workspace=crds --workspace=aws-signing "--workspace=$name")
  production=$(npm ls --omit=dev "${workspaces[@]}" --all --parseable 2>/dev/null | grep -o 'node_modules/.*' | sort -u)
  packages=$(cd "$root/app" && find node_modules -name package.json -not -path '*/node_modules/*/node_modules/*/*/package.json' |
    sed 's#/package.json$##' | grep -E '^node_modules/(@[^/]+/)?[^/@]+(/node_modules/(@[^/]+/)?[^/@]+)*$' | sort -u)
  unexpected=$(comm -13 <(echo "$production") <(echo "$packages"))
  [[ -z $unexpected ]] || fail "$name holds packages outside its production dependencies:"$'\n'"$unexpected"
  say "$name: $(wc -l <<<"$held") source files, $(wc -l <<<"$packages") packages, all production"
done

# --- emulator, gateway and client together -----------------------------------------------------
emulator_port=$(free_port)
bundle emulator '[]' '[]' node test/emulator/cli.ts --host 127.0.0.1 --port "$emulator_port" --no-record
start emulator
wait_http "http://127.0.0.1:$emulator_port/__emulator/scenarios" emulator
say "emulator: listening"
# Streams held open for about 1.25 s each (six deltas of 4 characters, 250 ms apart), as the
# in-cluster load test does.
curl -sf -o /dev/null -X POST "http://127.0.0.1:$emulator_port/__emulator/scenarios" \
  -H 'content-type: application/json' \
  -d '{"match":{"operation":"converse-stream"},"times":100000,"scenario":{"chunkSize":4,"tokenDelayMs":250}}'

gateway_port=$(free_port)
jq '.projects[0].routes += [{name: "embed", namespace: "default", model: "embed",
      backends: [{kind: "converse", modelId: "amazon.titan-embed-text-v2:0", region: "us-east-1"}]}]' \
  examples/standalone/routes.json >"$work/routes.json"
bundle gateway \
  "[\"AWS_ENDPOINT_URL_BEDROCK_RUNTIME=http://127.0.0.1:$emulator_port\", \"AWS_REGION=us-east-1\",
    \"AWS_ACCESS_KEY_ID=test\", \"AWS_SECRET_ACCESS_KEY=test\"]" \
  "[{\"destination\": \"/etc/strata/routes.json\", \"type\": \"bind\", \"source\": \"$work/routes.json\", \"options\": [\"rbind\", \"ro\"]}]" \
  node gateway/bin/strata-gateway.js --routes /etc/strata/routes.json --host 127.0.0.1 --port "$gateway_port"
start gateway
wait_http "http://127.0.0.1:$gateway_port/readyz" gateway
say "gateway: ready"

client_env="[\"OPENAI_BASE_URL=http://127.0.0.1:$gateway_port/v1\", \"OPENAI_API_KEY=sk-strata-demo-key\"]"
bundle client "$client_env" '[]' node test/in-cluster-client/main.ts smoke --model claude --embedding-model embed
smoke=$(run client) || fail "client smoke: $smoke $(cat "$work/client.err")"
jq -e '.ok' <<<"$smoke" >/dev/null || fail "client smoke: $smoke"
say "client smoke: $smoke"
rm -rf "${work:?}/client"
bundle client "$client_env" '[]' node test/in-cluster-client/main.ts load --seconds 4 --concurrency 4 --stream-share 0.5 --model claude
load=$(run client) || fail "client load: $load $(cat "$work/client.err")"
jq -e '.failed == 0 and .streamsBroken == 0 and .streamsStarted > 0' <<<"$load" >/dev/null || fail "client load: $load"
say "client load: $load"

# --- operator: the whole module graph loads ------------------------------------------------------
# An unknown flag fails in parseArgs, which runs only after every static import has loaded.
bundle operator '[]' '[]' node operator/bin/strata-operator.js --not-a-flag
if run operator >/dev/null; then fail "operator accepted --not-a-flag"; fi
grep -q "not-a-flag" "$work/operator.err" || fail "operator did not get as far as its arguments: $(cat "$work/operator.err")"
say "operator: module graph loads"

# --- pause ---------------------------------------------------------------------------------------
bundle pause '[]' '[]' /pause
start pause
sleep 0.5
runc kill "strata-check-pause-$$" TERM
wait "$started" || fail "pause did not exit 0 on SIGTERM: $(cat "$work/pause.log")"
say "pause: runs, exits 0 on SIGTERM"
say "all images start under the chart's restrictions"
