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
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VENVSHIP_CACHE:-/var/cache/venvship}
stand_ins=${VENVSHIP_STAND_INS:-auto}
engine_dir=/opt/venvship-engine
engine_log=/var/log/venvship-dockerd.log

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
  local ref=$1 recipe=$here/stand-ins/$2 hash
  # Rebuilt when the recipe or the Debian root beneath it changes.
  hash=$(recipe_hash "$recipe")-$(docker image inspect -f '{{.Id}}' \
    debian:13-slim | cut -c8-19)
  has_image "$ref" "$hash" && return
  try_pull "$ref" && return
  [ "$stand_ins" = never ] && die "cannot pull $ref"
  log "building the $ref stand-in from $(basename "$recipe")"
  docker build -q --label "venvship.stand-in=$hash" -t "$ref" \
    -f "$recipe" "$here/stand-ins" >/dev/null
}

main() {
  mkdir -p "$cache"
  start_engine
  ensure_buildx
  debian_root debian:13-slim trixie
  stand_in gcr.io/distroless/python3-debian13:nonroot \
    distroless-python.Dockerfile
  stand_in python:3.13 python.Dockerfile
  stand_in python:3.13-slim python-slim.Dockerfile
  log "ready: $(docker images --format '{{.Repository}}:{{.Tag}}' |
    grep -v '<none>' | tr '\n' ' ')"
}

main "$@"
