#!/usr/bin/env bash
# Makes this machine ready for venvship's end-to-end tests and local runs:
#   1. a Docker engine with BuildKit answers (started from Debian's packages
#      when none does);
#   2. every base image the generated Dockerfiles name is in the engine
#      (pulled when a registry answers, otherwise a stand-in built from
#      Debian's packages and tagged with the same reference).
# Idempotent: a second run finds everything in place and does nothing.
#
# Environment:
#   VENVSHIP_CACHE       where downloads and root file systems are kept
#                        (default /var/cache/venvship)
#   VENVSHIP_STAND_INS   "auto" (default: pull, else build), "always"
#                        (never pull) or "never" (fail when a pull fails)
#   DEBIAN_MIRROR        mirror for debootstrap (default: the host's)
#   VENVSHIP_CONTAINERD_STORE=1 (or --containerd-store)
#                        also start a second engine that keeps images in
#                        containerd's image store, as fresh installs of
#                        Engine 29 do, and load the base images into it;
#                        DOCKER_HOST=unix:///run/venvship-containerd/docker.sock
#                        selects it
#   VENVSHIP_BENCH_IMAGES=1 (or --bench-images)
#                        also make the images the benchmark's recipes name
#                        (python:3.11, python:3.11-slim,
#                        gcr.io/distroless/python3-debian11)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VENVSHIP_CACHE:-/var/cache/venvship}
stand_ins=${VENVSHIP_STAND_INS:-auto}
engine_dir=/opt/venvship-engine
engine_log=/var/log/venvship-dockerd.log
containerd_store=${VENVSHIP_CONTAINERD_STORE:-0}
bench_images=${VENVSHIP_BENCH_IMAGES:-0}
# The second engine: its own data, state, pidfile and socket, so that it
# never touches the first one's images or build cache.
containerd_engine_run=/run/venvship-containerd
containerd_engine_host=unix://$containerd_engine_run/docker.sock
containerd_engine_data=/var/lib/venvship-containerd
containerd_engine_log=/var/log/venvship-dockerd-containerd.log
containerd_engine_bridge=venvship-cd0
containerd_engine_subnet=10.213.213.1/24

log() { printf '[provision] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

as_root() {
  [ "$(id -u)" = 0 ] || die "$1 needs root; run this script with sudo"
}

host_mirror() {
  local uri
  uri=$(grep -rhoE '^(URIs:|deb) +\S*https?://\S+/debian/?' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
    grep -oE 'https?://\S+' | head -n 1 || true)
  echo "${DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

# Debian 12's engine (20.10) lacks features the generated Dockerfiles use
# and the 28.x client needs buildx: take dockerd and buildx from Debian 13,
# whose binaries run on Debian 12's libc.
trixie_apt() {
  local dir=$cache/apt-trixie
  mkdir -p "$dir/lists/partial" "$dir/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
    "$(host_mirror) trixie main" >"$dir/sources.list"
  apt-get -q \
    -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::Cache::Archives="$dir/archives" \
    -o APT::Sandbox::User=root "$@"
}

install_engine_packages() {
  as_root "installing a Docker engine"
  command -v apt-get >/dev/null ||
    die "no Docker engine answers and this is not a Debian machine: start one"
  log "installing containerd, runc and iptables from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends \
    containerd runc iptables tini debootstrap ca-certificates >/dev/null
  if [ ! -x "$engine_dir/bin/dockerd" ]; then
    log "fetching dockerd 26 and buildx from Debian 13"
    trixie_apt update >/dev/null
    local debs=$cache/debs
    mkdir -p "$debs" "$engine_dir"
    (cd "$debs" && trixie_apt download docker.io docker-buildx >/dev/null)
    local unpacked
    unpacked=$(mktemp -d)
    for deb in "$debs"/docker.io_*.deb "$debs"/docker-buildx_*.deb; do
      dpkg-deb -x "$deb" "$unpacked"
    done
    mkdir -p "$engine_dir/bin" /usr/libexec/docker/cli-plugins
    cp "$unpacked"/usr/sbin/dockerd "$unpacked"/usr/sbin/docker-proxy \
      "$engine_dir/bin/"
    cp "$unpacked"/usr/libexec/docker/cli-plugins/docker-buildx \
      /usr/libexec/docker/cli-plugins/
    rm -rf "$unpacked"
  fi
  if ! command -v docker >/dev/null; then
    (cd "$cache/debs" && trixie_apt download docker-cli >/dev/null)
    dpkg-deb -x "$cache"/debs/docker-cli_*.deb /
  fi
  ln -sf /usr/bin/tini /usr/local/bin/docker-init 2>/dev/null || true
}

start_engine() {
  if engine_answers; then
    log "a Docker engine answers"
    return
  fi
  [ -x "$engine_dir/bin/dockerd" ] || install_engine_packages
  log "starting dockerd (log: $engine_log)"
  mkdir -p /etc/docker
  [ -f /etc/docker/daemon.json ] || echo '{}' >/etc/docker/daemon.json
  PATH="$engine_dir/bin:$PATH" setsid nohup dockerd \
    >"$engine_log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 1
  done
  engine_answers || {
    tail -n 20 "$engine_log" >&2
    die "dockerd did not answer within 60 s"
  }
  log "engine $(docker version -f '{{.Server.Version}}') is up"
}

ensure_buildx() {
  docker buildx version >/dev/null 2>&1 && return
  as_root "installing the buildx plugin"
  install_engine_packages
  docker buildx version >/dev/null 2>&1 || die "buildx plugin not usable"
}

# A stand-in's label records the hash of the recipe that made it, so that
# a changed recipe rebuilds and an unchanged one is reused across runs.
recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }

has_image() {
  local ref=$1 want=${2:-}
  docker image inspect "$ref" >/dev/null 2>&1 || return 1
  [ -z "$want" ] && return 0
  local got
  got=$(docker image inspect -f \
    '{{ index .Config.Labels "venvship.stand-in" }}' "$ref" 2>/dev/null)
  # An image without our label came from a registry: keep it.
  [ -z "$got" ] || [ "$got" = "$want" ]
}

try_pull() {
  [ "$stand_ins" = always ] && return 1
  log "pulling $1"
  timeout 120 docker pull -q "$1" >/dev/null 2>&1
}

debian_root() {
  local ref=$1 suite=$2 hash=$2-minbase-1
  has_image "$ref" "$hash" && return
  try_pull "$ref" && return
  [ "$stand_ins" = never ] && die "cannot pull $ref"
  as_root "building the $ref stand-in"
  command -v debootstrap >/dev/null || install_engine_packages
  local root=$cache/rootfs-$suite
  if [ ! -f "$root/.complete" ]; then
    log "debootstrap $suite into $root"
    rm -rf "$root"
    debootstrap --variant=minbase "$suite" "$root" "$(host_mirror)" \
      >"$cache/debootstrap-$suite.log" 2>&1 ||
      die "debootstrap failed: see $cache/debootstrap-$suite.log"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    touch "$root/.complete"
  fi
  log "importing $ref"
  tar -C "$root" --exclude=./.complete -c . |
    docker import -c 'CMD ["bash"]' \
      -c "LABEL venvship.stand-in=$hash" - "$ref" >/dev/null
}

stand_in() {
  local ref=$1 recipe=$here/stand-ins/$2 base=${3:-debian:13-slim} hash
  # Rebuilt when the recipe or the Debian root beneath it changes.
  hash=$(recipe_hash "$recipe")-$(docker image inspect -f '{{.Id}}' \
    "$base" | cut -c8-19)
  has_image "$ref" "$hash" && return
  try_pull "$ref" && return
  [ "$stand_ins" = never ] && die "cannot pull $ref"
  log "building the $ref stand-in from $(basename "$recipe")"
  docker build -q --label "venvship.stand-in=$hash" -t "$ref" \
    -f "$recipe" "$here/stand-ins" >/dev/null
}

# The seed document's recipes name Python 3.11 images and distroless on
# Debian 11 (Python 3.9 at /usr/bin, while python:3.11 has it in
# /usr/local/bin): both Debian releases are still on the mirror.
bench_stand_ins() {
  debian_root debian:12-slim bookworm
  debian_root debian:11-slim bullseye
  stand_in python:3.11 python-3.11.Dockerfile debian:12-slim
  stand_in python:3.11-slim python-3.11-slim.Dockerfile debian:12-slim
  stand_in gcr.io/distroless/python3-debian11:latest \
    distroless-python-debian11.Dockerfile debian:11-slim
}

second_engine_answers() {
  DOCKER_HOST=$containerd_engine_host engine_answers
}

# A second dockerd with containerd's image store, on a bridge of its own
# and without iptables rules, so that it cannot disturb the first
# engine's networks (`--bridge none` would: dockerd then deletes docker0).
# Its containers and builds reach nothing outside, which measuring images
# does not need.
start_containerd_engine() {
  if second_engine_answers; then
    log "the containerd-store engine answers"
    return
  fi
  as_root "starting a second Docker engine"
  # The first engine may be one of the host's own: ours is needed here.
  [ -x "$engine_dir/bin/dockerd" ] || install_engine_packages
  if ! ip link show "$containerd_engine_bridge" >/dev/null 2>&1; then
    ip link add "$containerd_engine_bridge" type bridge
    ip addr add "$containerd_engine_subnet" dev "$containerd_engine_bridge"
    ip link set "$containerd_engine_bridge" up
  fi
  log "starting dockerd with the containerd image store" \
    "(log: $containerd_engine_log)"
  mkdir -p "$containerd_engine_run" "$containerd_engine_data"
  echo '{"features": {"containerd-snapshotter": true}}' \
    >"$containerd_engine_run/daemon.json"
  PATH="$engine_dir/bin:$PATH" setsid nohup dockerd \
    --config-file "$containerd_engine_run/daemon.json" \
    --data-root "$containerd_engine_data" \
    --exec-root "$containerd_engine_run/exec" \
    --pidfile "$containerd_engine_run/docker.pid" \
    --host "$containerd_engine_host" \
    --bridge "$containerd_engine_bridge" \
    --iptables=false --ip6tables=false --ip-masq=false \
    >"$containerd_engine_log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    second_engine_answers && break
    sleep 1
  done
  second_engine_answers || {
    tail -n 20 "$containerd_engine_log" >&2
    die "the containerd-store dockerd did not answer within 60 s"
  }
}

# Copies a base image from the first engine when the second lacks it or
# holds another version of it (the same layers and labels mean the same).
copy_to_containerd_engine() {
  local ref=$1 format='{{json .RootFS.Layers}} {{json .Config.Labels}}'
  local want got
  want=$(docker image inspect -f "$format" "$ref")
  got=$(DOCKER_HOST=$containerd_engine_host docker image inspect \
    -f "$format" "$ref" 2>/dev/null || true)
  [ "$want" = "$got" ] && return
  log "loading $ref into the containerd-store engine"
  docker save "$ref" |
    DOCKER_HOST=$containerd_engine_host docker load -q >/dev/null
}

main() {
  for arg in "$@"; do
    case $arg in
      --containerd-store) containerd_store=1 ;;
      --bench-images) bench_images=1 ;;
      *) die "unknown option $arg" ;;
    esac
  done
  mkdir -p "$cache"
  start_engine
  ensure_buildx
  debian_root debian:13-slim trixie
  stand_in gcr.io/distroless/python3-debian13:nonroot \
    distroless-python.Dockerfile
  stand_in python:3.13 python.Dockerfile
  stand_in python:3.13-slim python-slim.Dockerfile
  if [ "$bench_images" = 1 ]; then bench_stand_ins; fi
  if [ "$containerd_store" = 1 ]; then
    start_containerd_engine
    # What the end-to-end tests build on; the others are loaded on demand.
    copy_to_containerd_engine debian:13-slim
    copy_to_containerd_engine gcr.io/distroless/python3-debian13:nonroot
  fi
  log "ready: $(docker images --format '{{.Repository}}:{{.Tag}}' |
    grep -v '<none>' | tr '\n' ' ')"
}

main "$@"
