#!/usr/bin/env bash
# A real Kafka broker (single-node KRaft) and a real Confluent-compatible schema registry (Apicurio) on
# 127.0.0.1, without Docker. Both come from Maven Central; the first start downloads them (~170 MB).
#
#   stack.sh start    start both (idempotent), create the project's topics, print how to reach them
#   stack.sh stop     stop what this script started, nothing else
#   stack.sh status   say what runs; exit 0 when both answer, 3 otherwise
#   stack.sh reset    stop, then delete all data (topics, records, schemas)
#   stack.sh env      print the connection settings as shell exports
#
# Settings (environment): GEOLOC_STACK_HOME (data, logs, PIDs; default <repo>/.local-stack),
# GEOLOC_KAFKA_PORT (9092), GEOLOC_KAFKA_CONTROLLER_PORT (9093), GEOLOC_REGISTRY_PORT (8081),
# GEOLOC_REGISTRY_MANAGEMENT_PORT (8091), JAVA_HOME (else java on PATH; Java 17 or newer).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# Absolute, so that stop and reset find it from any directory.
STACK_HOME=$(realpath -m -- "${GEOLOC_STACK_HOME:-$ROOT/.local-stack}")
TOPICS_FILE="$ROOT/deployment/topics.conf"
MARKER="-Dgeoloc.stack.home=$STACK_HOME"

say() { printf '%s\n' "$*"; }
fail() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }

# Ports: what the last start recorded, so that stop/status/env follow a running stack; else the settings.
load_ports() {
  if [[ -f "$STACK_HOME/ports.env" ]]; then
    # shellcheck source=/dev/null
    source "$STACK_HOME/ports.env"
  fi
  KAFKA_PORT=${GEOLOC_KAFKA_PORT:-${recorded_kafka_port:-9092}}
  CONTROLLER_PORT=${GEOLOC_KAFKA_CONTROLLER_PORT:-${recorded_controller_port:-9093}}
  REGISTRY_PORT=${GEOLOC_REGISTRY_PORT:-${recorded_registry_port:-8081}}
  MANAGEMENT_PORT=${GEOLOC_REGISTRY_MANAGEMENT_PORT:-${recorded_management_port:-8091}}
  BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
  REGISTRY_URL="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
}

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA=$(command -v java)
  else
    fail "Java is missing: install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME."
  fi
  local version major
  version=$("$JAVA" -version 2>&1 | awk -F '"' '/version/ {print $2; exit}')
  major=${version%%.*}
  [[ "$major" == 1 ]] && major=$(cut -d. -f2 <<<"$version")
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] \
    || fail "Java 17 or newer is needed; $JAVA is version '${version:-unknown}'. Set JAVA_HOME to a newer JDK."
}

# The broker's classpath and Apicurio's distribution, prepared by this folder's Maven module.
prepare() {
  CLASSPATH_FILES=("$HERE/target/classpath/runtime.txt" "$HERE/target/classpath/tools.txt")
  REGISTRY_JAR=$(ls "$HERE"/target/apicurio/apicurio-registry-app-*-runner.jar 2>/dev/null | head -n 1 || true)
  if [[ ! -f "${CLASSPATH_FILES[0]}" || ! -f "${CLASSPATH_FILES[1]}" || -z "$REGISTRY_JAR" ]]; then
    command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed once to fetch Kafka and Apicurio from Maven Central."
    say "Fetching Kafka and Apicurio Registry from Maven Central (first start only)..."
    mvn -B -q -ntp -f "$HERE/pom.xml" generate-resources >"$STACK_HOME/logs/prepare.log" 2>&1 \
      || fail "Preparing the stack failed; see $STACK_HOME/logs/prepare.log"
    REGISTRY_JAR=$(ls "$HERE"/target/apicurio/apicurio-registry-app-*-runner.jar 2>/dev/null | head -n 1 || true)
    [[ -n "$REGISTRY_JAR" ]] || fail "Apicurio Registry was not unpacked; see $STACK_HOME/logs/prepare.log"
  fi
  BROKER_CP="$(cat "${CLASSPATH_FILES[0]}"):$(cat "${CLASSPATH_FILES[1]}")"
}

# The PID in NAME.pid when that process is one this script started for this STACK_HOME, else nothing.
our_pid() {
  local file="$STACK_HOME/$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid=$(<"$file")
  # The marker must be one whole argument of the process's command line.
  if [[ -r "/proc/$pid/cmdline" ]] && grep -qzxF -- "$MARKER" "/proc/$pid/cmdline"; then
    echo "$pid"
  else
    rm -f "$file"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free() {
  local port=$1 what=$2 setting=$3
  if port_in_use "$port"; then
    fail "Port $port on 127.0.0.1 ($what) is already in use by another program. Stop it or choose another port: $setting=<port> $0 start"
  fi
}

registry_answers() { curl -sf -o /dev/null --max-time 2 "$REGISTRY_URL/subjects"; }

wait_until() {
  local what=$1 pid=$2 log=$3 timeout=$4 check=$5 deadline=$((SECONDS + $4))
  until $check; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "$what exited during start-up; its log: $log"; }
    (( SECONDS < deadline )) || { tail -n 30 "$log" >&2; fail "$what did not answer within $timeout s; its log: $log"; }
    sleep 0.2
  done
}

broker_answers() { port_in_use "$KAFKA_PORT"; }

start_broker() {
  local pid
  pid=$(our_pid kafka)
  if [[ -n "$pid" ]]; then say "Kafka broker already running (PID $pid) on $BOOTSTRAP"; return; fi
  require_free "$KAFKA_PORT" "Kafka" GEOLOC_KAFKA_PORT
  require_free "$CONTROLLER_PORT" "Kafka controller" GEOLOC_KAFKA_CONTROLLER_PORT
  mkdir -p "$STACK_HOME/kafka/data"
  cat >"$STACK_HOME/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$STACK_HOME/kafka/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  if [[ ! -s "$STACK_HOME/kafka/cluster.id" ]]; then
    kafka_tool kafka.tools.StorageTool random-uuid >"$STACK_HOME/kafka/cluster.id.new" \
      && [[ -s "$STACK_HOME/kafka/cluster.id.new" ]] || fail "Could not generate a Kafka cluster id"
    mv "$STACK_HOME/kafka/cluster.id.new" "$STACK_HOME/kafka/cluster.id"
  fi
  kafka_tool kafka.tools.StorageTool format -t "$(<"$STACK_HOME/kafka/cluster.id")" \
    -c "$STACK_HOME/kafka/server.properties" --ignore-formatted >>"$STACK_HOME/logs/kafka-format.log" 2>&1 \
    || fail "Formatting Kafka's storage failed; see $STACK_HOME/logs/kafka-format.log"
  say "Starting Kafka broker on $BOOTSTRAP..."
  nohup "$JAVA" "$MARKER" -Xms256m -Xmx1g \
    -Dkafka.logs.dir="$STACK_HOME/logs" -Dlog4j2.configurationFile="$HERE/log4j2-broker.properties" \
    -cp "$BROKER_CP" kafka.Kafka "$STACK_HOME/kafka/server.properties" \
    >"$STACK_HOME/logs/kafka.out" 2>&1 &
  echo $! >"$STACK_HOME/kafka.pid"
  wait_until "Kafka broker" $! "$STACK_HOME/logs/kafka.out" 60 broker_answers
}

start_registry() {
  local pid
  pid=$(our_pid registry)
  if [[ -n "$pid" ]]; then say "Schema registry already running (PID $pid) at $REGISTRY_URL"; return; fi
  require_free "$REGISTRY_PORT" "schema registry" GEOLOC_REGISTRY_PORT
  require_free "$MANAGEMENT_PORT" "schema registry management" GEOLOC_REGISTRY_MANAGEMENT_PORT
  mkdir -p "$STACK_HOME/registry"
  say "Starting schema registry (Apicurio, Confluent API) at $REGISTRY_URL..."
  nohup "$JAVA" "$MARKER" -Xmx512m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MANAGEMENT_PORT" \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dapicurio.datasource.url="jdbc:h2:file:$STACK_HOME/registry/schemas" \
    -jar "$REGISTRY_JAR" >"$STACK_HOME/logs/registry.log" 2>&1 &
  echo $! >"$STACK_HOME/registry.pid"
  wait_until "Schema registry" $! "$STACK_HOME/logs/registry.log" 90 registry_answers
}

kafka_tool() {
  "$JAVA" -Dlog4j2.level=WARN -Dlog4j2.statusLoggerLevel=OFF -cp "$BROKER_CP" "$@"
}

# Each topic of topics.conf, and the compatibility rule of its value subject in the registry.
create_topics() {
  local name partitions compatibility configs args
  while read -r name partitions compatibility configs; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" --partitions "$partitions"
          --replication-factor 1)
    for config in ${configs//;/ }; do args+=(--config "$config"); done
    kafka_tool org.apache.kafka.tools.TopicCommand "${args[@]}" >/dev/null \
      || fail "Could not create topic $name"
    [[ "$compatibility" == - ]] && continue
    curl -sf -o /dev/null --max-time 10 -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
      -d "{\"compatibility\": \"$compatibility\"}" "$REGISTRY_URL/config/$name-value" \
      || fail "Could not set $compatibility compatibility on subject $name-value at $REGISTRY_URL"
  done <"$TOPICS_FILE"
  say "Topics: $(grep -v '^#' "$TOPICS_FILE" | awk 'NF {printf "%s%s", sep, $1; sep=", "}')"
}

print_env() {
  cat <<EOF
export GEOLOC_BOOTSTRAP_SERVERS=$BOOTSTRAP
export GEOLOC_SCHEMA_REGISTRY_URL=$REGISTRY_URL
EOF
}

stop_one() {
  local name=$1 what=$2 pid waited=0
  pid=$(our_pid "$name")
  if [[ -z "$pid" ]]; then say "$what: not running"; return; fi
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (( ++waited == 150 )); then kill -KILL "$pid" 2>/dev/null || true; say "$what did not stop in 30 s: killed"; fi
    sleep 0.2
  done
  rm -f "$STACK_HOME/$name.pid"
  say "$what: stopped (PID $pid)"
}

# A running stack keeps its ports: starting it again with other ones would half-work.
require_same_ports() {
  [[ -n "$(our_pid kafka)$(our_pid registry)" && -n "${recorded_kafka_port:-}" ]] || return 0
  if [[ "$KAFKA_PORT/$CONTROLLER_PORT/$REGISTRY_PORT/$MANAGEMENT_PORT" != \
        "$recorded_kafka_port/$recorded_controller_port/$recorded_registry_port/$recorded_management_port" ]]; then
    fail "The stack in $STACK_HOME already runs on other ports (Kafka $recorded_kafka_port, registry $recorded_registry_port); run '$0 stop' before changing them."
  fi
}

# The stack's home is a folder this script made (marked .geoloc-stack), or a new or empty one it takes.
claim_home() {
  [[ -f "$STACK_HOME/.geoloc-stack" ]] && return
  if [[ -d "$STACK_HOME" && -n "$(ls -A "$STACK_HOME")" ]]; then
    fail "$STACK_HOME is not empty and was not made by stack.sh; set GEOLOC_STACK_HOME to a new or empty folder."
  fi
  mkdir -p "$STACK_HOME"
  touch "$STACK_HOME/.geoloc-stack"
}

cmd_start() {
  require_same_ports
  claim_home
  mkdir -p "$STACK_HOME/logs"
  find_java
  command -v curl >/dev/null 2>&1 || fail "curl is missing (Debian: apt-get install curl)."
  prepare
  # Recorded before anything starts, so that stop, status and the next start follow a half-started stack.
  printf 'recorded_kafka_port=%s\nrecorded_controller_port=%s\nrecorded_registry_port=%s\nrecorded_management_port=%s\n' \
    "$KAFKA_PORT" "$CONTROLLER_PORT" "$REGISTRY_PORT" "$MANAGEMENT_PORT" >"$STACK_HOME/ports.env"
  start_broker
  start_registry
  create_topics
  say ""
  say "Local stack is up (data and logs in $STACK_HOME). Connection settings:"
  print_env
}

cmd_stop() {
  stop_one registry "Schema registry"
  stop_one kafka "Kafka broker"
}

cmd_status() {
  local healthy=0 pid
  pid=$(our_pid kafka)
  if [[ -n "$pid" ]] && broker_answers; then
    say "Kafka broker:    running (PID $pid) on $BOOTSTRAP"
  else
    say "Kafka broker:    not running"; healthy=3
  fi
  pid=$(our_pid registry)
  if [[ -n "$pid" ]] && registry_answers; then
    say "Schema registry: running (PID $pid) at $REGISTRY_URL"
  else
    say "Schema registry: not running"; healthy=3
  fi
  return $healthy
}

cmd_reset() {
  cmd_stop
  if [[ -f "$STACK_HOME/.geoloc-stack" ]]; then
    # Only what start made; the folder itself goes only if nothing else is left in it.
    rm -rf "${STACK_HOME:?}"/{kafka,registry,logs} "${STACK_HOME:?}"/{kafka,registry}.pid "${STACK_HOME:?}"/ports.env \
      "${STACK_HOME:?}/.geoloc-stack"
    rmdir "$STACK_HOME" 2>/dev/null || true
    say "Deleted the stack's data in $STACK_HOME"
  elif [[ -e "$STACK_HOME" ]]; then
    fail "$STACK_HOME was not made by stack.sh; not deleting it"
  fi
}

load_ports
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  env) print_env ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
     [[ -z "${1:-}" ]] || exit 2 ;;
esac
