#!/usr/bin/env bash
# Makes sure a Docker daemon answers and the tools the images and their tests use are there: installs Debian's
# docker.io, docker-compose (v1) and debootstrap (for build.sh's base image) when missing, and starts dockerd in the
# background when none runs (a machine without systemd, such as CI's). Needs root for either.
set -euo pipefail

log=${DOCKERD_LOG:-/tmp/dockerd.log}
fail() { printf 'docker-daemon.sh: %s\n' "$*" >&2; exit 1; }

# Only what is missing: a Docker installed otherwise (docker-ce and its containerd) is left as it is.
declare -A package_of=([dockerd]=docker.io [docker-compose]=docker-compose [debootstrap]=debootstrap)
packages=()
for tool in dockerd docker-compose debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || packages+=("${package_of[$tool]}")
done
if [[ ${#packages[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "install ${packages[*]} (as root: apt-get install ${packages[*]})"
  echo "==> Installing Debian's ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${packages[@]}" >/dev/null; } \
    || fail "could not install ${packages[*]} with apt-get"
fi
if docker info >/dev/null 2>&1; then
  exit 0
fi
[[ $(id -u) -eq 0 ]] || fail "no Docker daemon answers, and starting one needs root"
echo "==> Starting dockerd (its log: $log)"
nohup dockerd >"$log" 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
tail -20 "$log" >&2
fail "dockerd did not answer within 60 s"
