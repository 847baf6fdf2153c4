#!/usr/bin/env bash
# Makes sure a Docker daemon answers: installs Debian's docker.io (and debootstrap, for build.sh's base image) when
# missing, and starts dockerd in the background when none runs (a machine without systemd, such as CI's). Needs root.
set -euo pipefail

log=${DOCKERD_LOG:-/tmp/dockerd.log}
fail() { printf 'docker-daemon.sh: %s\n' "$*" >&2; exit 1; }

if docker info >/dev/null 2>&1; then
  exit 0
fi
[[ $(id -u) -eq 0 ]] || fail "no Docker daemon answers, and starting one needs root"
if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "==> Installing Debian's docker.io and debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q docker.io debootstrap >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q docker.io debootstrap >/dev/null; } \
    || fail "could not install docker.io and debootstrap with apt-get"
fi
if ! docker info >/dev/null 2>&1; then
  echo "==> Starting dockerd (its log: $log)"
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && exit 0
    sleep 1
  done
  tail -20 "$log" >&2
  fail "dockerd did not answer within 60 s"
fi
