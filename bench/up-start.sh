#!/usr/bin/env bash
# Start time of 'infrakit up': from the launcher's start to its "watching" log line, against a plaintext etcd, with
# the HTTP endpoint and the group socket on (as a user runs it). Prints the median and the spread of N starts of
# each variant, interleaved, and the load average before and after. Usage: bench/up-start.sh [N] (default 7).
# Needs etcd. JDK25=PATH (a java binary of JDK 25 or later) adds the launcher on that JVM (its ahead-of-time cache).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-7}"
dir="$(mktemp -d /tmp/infrakit-up-start.XXXXXX)"
etcd_pid=""
cleanup() { [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

. "$root/bench/start-common.sh"
client=$(port); peer=$(port)
etcd --name up-start --data-dir "$dir/etcd" --log-level=error --listen-client-urls "http://127.0.0.1:$client" \
  --advertise-client-urls "http://127.0.0.1:$client" --listen-peer-urls "http://127.0.0.1:$peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer" --initial-cluster "up-start=http://127.0.0.1:$peer" \
  >"$dir/etcd.log" 2>&1 &
etcd_pid=$!
for i in $(seq 50); do etcdctl --endpoints "http://127.0.0.1:$client" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done

# Milliseconds from the launcher's start to "watching"; the replica is stopped (SIGTERM) once it is there.
start_ms() { # java-binary-or-empty round
  local home="$dir/home-$2" t0 t1 pid
  mkdir -p "$home"
  : >"$home/log"
  t0=$(date +%s%N)
  INFRAKIT_HOME="$home" INFRAKIT_JAVA="$1" "$root/infrakit" up --etcd "http://127.0.0.1:$client" \
    --prefix "/up-start-$2" --http "127.0.0.1:$(port)" >"$home/log" 2>&1 &
  pid=$!
  until grep -q ' watching ' "$home/log"; do
    kill -0 "$pid" 2>/dev/null || { echo "failed: see below" >&2; cat "$home/log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

labels=("infrakit up, default JVM ($(java -version 2>&1 | head -1 | cut -d'"' -f2))")
"$root/infrakit" version >/dev/null   # builds the jar and the archive when missing or stale
start_ms "" warm >/dev/null           # and the operator's archive or cache, if it is made on first use
if [ -n "${JDK25:-}" ]; then
  labels+=("infrakit up, JDK 25 ahead-of-time cache")
  start_ms "$JDK25" warm25 >/dev/null
fi
declare -A times
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$n"); do
  times[${labels[0]}]+="$(start_ms "" "$i") "
  [ -n "${JDK25:-}" ] && times[${labels[1]}]+="$(start_ms "$JDK25" "$i-25") "
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
print_medians "ms to \"watching\"" "$n" times "${labels[@]}"
