#!/usr/bin/env bash
# make test-containers: build the api and web images with the engine at hand (docker, else podman),
# bring the compose stack up, wait for it to be healthy, run tests/containers/ through nginx, and tear
# everything down, also on failure or Ctrl-C. Timings go to artifacts/containers/timings.json.
#
#   tests/containers/run.sh            ENGINE=docker|podman  COMPOSE="..."  CT_WEB_PORT=18080
#   CT_KEEP=1  leave the stack running afterwards (for a look; `make down` or the printed command stops it)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
PY="${PY:-$ROOT/.venv/bin/python}"
ARTIFACTS="$ROOT/artifacts/containers"
mkdir -p "$ARTIFACTS"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-denoiser-ct}"

log() { printf '[test-containers %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
declare -A took=()
timed() {  # timed NAME COMMAND...: run it, remember how long it took
  local name="$1" start
  shift
  start="$(now)"
  "$@"
  took[$name]="$(since "$start")"
  log "$name: ${took[$name]} s"
}

# --- the engine and the compose tool ------------------------------------------------------------------
if [ -z "${ENGINE:-}" ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then ENGINE=docker
  elif command -v podman >/dev/null; then ENGINE=podman
  else echo "error: no container engine: install docker, or podman (.ci/run shows how)" >&2; exit 1; fi
fi
export ENGINE
build_flags=()
if [ "$ENGINE" = podman ]; then
  deploy/podman-setup.sh
  # OCI images drop HEALTHCHECK; podman-compose's builds read BUILDAH_FORMAT too.
  export BUILDAH_FORMAT=docker
  build_flags+=(--format docker)
fi
if [ -z "${COMPOSE:-}" ]; then
  if [ "$ENGINE" = docker ] && docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"
  elif [ "$ENGINE" = docker ]; then COMPOSE=docker-compose
  elif command -v podman-compose >/dev/null; then COMPOSE=podman-compose
  else
    make --no-print-directory "$(dirname "$PY")/podman-compose" >&2
    COMPOSE="$(dirname "$PY")/podman-compose"
  fi
fi
read -r -a compose <<<"$COMPOSE"
log "engine: $ENGINE ($("$ENGINE" --version)); compose: $COMPOSE"

# --- builds go through the same package mirrors and proxies as this host ------------------------------
build_args=()
for name in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [ -n "${!name:-}" ] && build_args+=(--build-arg "$name=${!name}")
done
pip_setting() { [ -n "${!1:-}" ] && echo "${!1}" || "$PY" -m pip config get "$2" 2>/dev/null || true; }
# file:// indexes are this host's own directories, which a build cannot see.
network_urls() { tr ' ' '\n' | grep -E '^https?://' | paste -sd ' ' || true; }
index="$(pip_setting PIP_INDEX_URL global.index-url | network_urls)"
extra="$(pip_setting PIP_EXTRA_INDEX_URL global.extra-index-url | network_urls)"
[ -n "$index" ] && build_args+=(--build-arg "PIP_INDEX_URL=$index")
[ -n "$extra" ] && build_args+=(--build-arg "PIP_EXTRA_INDEX_URL=$extra")
registry="$(npm config get registry 2>/dev/null || true)"
case "$registry" in ""|https://registry.npmjs.org|https://registry.npmjs.org/) ;;
  *) build_args+=(--build-arg "NPM_CONFIG_REGISTRY=$registry") ;; esac

# --- teardown, whatever happens ----------------------------------------------------------------------
web_port="${CT_WEB_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export WEB_PORT="$web_port"
containers() {  # the containers of a compose service (docker compose and podman-compose label them alike)
  "$ENGINE" ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | sort
}
container() { containers "$1" | head -n 1; }
# --remove-orphans: podman-compose's down removes only the containers of the current scale (api_1)
# without it, and then cannot remove the network the other replicas still use.
down() { "${compose[@]}" down -v -t 5 --remove-orphans >/dev/null 2>&1 || "${compose[@]}" down >/dev/null 2>&1 || true; }
teardown() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" != 0 ]; then
    log "failed ($status): the containers' logs follow"
    for service in api web; do  # every replica of api, after the scale-out test
      for name in $(containers "$service" 2>/dev/null || true); do
        { echo "----- $service ($name)"; "$ENGINE" logs --tail 60 "$name" 2>&1 || true; } >&2
      done
    done
  fi
  if [ "${CT_KEEP:-0}" = 1 ]; then
    log "CT_KEEP=1: left running on http://127.0.0.1:$web_port; stop: WEB_PORT=$web_port $COMPOSE down --remove-orphans"
  else
    log "tearing down"
    down
  fi
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# --- build, start, wait, test ------------------------------------------------------------------------
total_start="$(now)"
timed base_images deploy/base-images.sh
timed build_api "$ENGINE" build "${build_flags[@]}" "${build_args[@]}" --target api -t denoiser-api:latest .
timed build_web "$ENGINE" build "${build_flags[@]}" "${build_args[@]}" --target web -t denoiser-web:latest .
down  # a stack left over by an interrupted run
timed compose_up "${compose[@]}" up -d
api="$(container api)" web="$(container web)"
[ -n "$api" ] && [ -n "$web" ] || { echo "error: compose did not create the api and web containers" >&2; exit 1; }

healthy() {  # healthy CONTAINER: run its HEALTHCHECK now (podman has no systemd timer here to do it)
  if [ "$ENGINE" = podman ]; then podman healthcheck run "$1" >/dev/null 2>&1
  else [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ]; fi
}
wait_healthy() {
  local deadline=$((SECONDS + ${CT_HEALTH_TIMEOUT:-300}))
  until healthy "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "error: $1 is not healthy after ${CT_HEALTH_TIMEOUT:-300} s" >&2; return 1; }
    sleep 2
  done
}
timed wait_healthy_api wait_healthy "$api"
timed wait_healthy_web wait_healthy "$web"

export DENOISER_CONTAINER_URL="http://127.0.0.1:$web_port" DENOISER_CONTAINER_ENGINE="$ENGINE" \
  DENOISER_CONTAINER_API="$api" DENOISER_CONTAINER_WEB="$web" DENOISER_CONTAINER_COMPOSE="$COMPOSE"
timed pytest "$PY" -m pytest -p no:cacheprovider -v --durations=8 tests/containers
took[total]="$(since "$total_start")"

sizes="$("$ENGINE" image inspect --format '"{{index .RepoTags 0}}": {{.Size}}' denoiser-api:latest \
  denoiser-web:latest python:3.11-slim nginx:1.27-alpine node:20-bookworm-slim 2>/dev/null | paste -sd ',')"
{
  printf '{"engine": "%s", "compose": "%s"' "$ENGINE" "$COMPOSE"
  for key in "${!took[@]}"; do printf ', "%s_s": %s' "$key" "${took[$key]}"; done
  printf ', "image_bytes": {%s}}\n' "$sizes"
} >"$ARTIFACTS/timings.json"
log "timings: $(cat "$ARTIFACTS/timings.json")"
