#!/usr/bin/env bash
# Builds every image geoloc-stream runs as, from nothing but Debian's package mirror and Maven Central:
#
#   localhost/geoloc/debian:bookworm         debootstrap --variant=minbase, imported (skipped when BASE_IMAGE is given)
#   localhost/geoloc/jre:17                  Debian's OpenJDK 17 on that base
#   localhost/geoloc/kafka:4.1.2             KRaft broker from the Maven Central jars the local stack uses
#   localhost/geoloc/schema-registry:3.0.9   Apicurio Registry's distribution from Maven Central
#   localhost/geoloc/prometheus:2.42.0       Debian's Prometheus, for docker-compose's observability profile
#   localhost/geoloc/stream-processor:VERSION the Quarkus application (CPU natives; GPU: see README.md here)
#   localhost/geoloc/trainer:VERSION         the trainer CLI
#
#   deployment/images/build.sh [--no-maven]
#
# The names start with localhost/ so that nothing ever pulls them from Docker Hub, where geoloc/ is anyone's.
# BASE_IMAGE=debian:bookworm-slim@sha256:... builds on a public base instead of the local one (the one switch).
# --no-maven uses the applications already built (mvn package) instead of building them.
# Needs a Docker daemon; the local base also needs root and debootstrap (Debian: apt-get install debootstrap).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
LOCAL_BASE=localhost/geoloc/debian:bookworm

say() { printf '==> %s\n' "$*"; }
fail() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

docker info >/dev/null 2>&1 || fail "No Docker daemon answers (Debian: apt-get install docker.io, then start dockerd)."

# The project's version: the root POM's first two-space-indented <version>.
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -1)

if [[ "${1:-}" != "--no-maven" ]]; then
  say "Building the applications and staging the broker's jars (mvn package, quiet)"
  log=$(mktemp)
  (cd "$ROOT" && mvn -B -ntp -q -pl stream-processor,trainer,deployment/local -am package -DskipTests >"$log" 2>&1) \
    || { cat "$log" >&2; fail "mvn package failed"; }
  rm -f "$log"
fi
for built in stream-processor/target/quarkus-app/quarkus-run.jar trainer/target/geoloc-trainer.jar \
    deployment/local/target/kafka-libs deployment/local/target/apicurio; do
  [[ -e "$ROOT/$built" ]] || fail "$built is missing: run without --no-maven"
done

# The base image: a minimal Debian made here, unless the user names a public one.
base=${BASE_IMAGE:-$LOCAL_BASE}
if [[ -z "${BASE_IMAGE:-}" ]] && ! docker image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is needed for the local base (apt-get install debootstrap)"
  say "Making $LOCAL_BASE with debootstrap (minbase, from $DEBIAN_MIRROR)"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; fail "debootstrap failed"; }
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb $DEBIAN_SECURITY_MIRROR bookworm-security main
SOURCES
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' \
    - "$LOCAL_BASE" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
  trap - EXIT
fi

build() {
  local tag=$1 dockerfile=$2
  shift 2
  say "Building $tag"
  local log
  log=$(mktemp)
  docker build -t "$tag" -f "$ROOT/$dockerfile" \
    --label org.opencontainers.image.source=geoloc-stream --label org.opencontainers.image.version="$version" \
    "$@" "$ROOT" >"$log" 2>&1 || { tail -30 "$log" >&2; fail "building $tag failed"; }
  rm -f "$log"
}
build localhost/geoloc/jre:17 deployment/images/jre/Dockerfile --build-arg BASE_IMAGE="$base"
build localhost/geoloc/kafka:4.1.2 deployment/images/kafka/Dockerfile
build localhost/geoloc/schema-registry:3.0.9 deployment/images/schema-registry/Dockerfile
build localhost/geoloc/prometheus:2.42.0 deployment/images/prometheus/Dockerfile --build-arg BASE_IMAGE="$base"
build "localhost/geoloc/stream-processor:$version" stream-processor/Dockerfile
build "localhost/geoloc/trainer:$version" trainer/Dockerfile

docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^localhost/geoloc/' | sort
