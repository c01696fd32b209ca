#!/usr/bin/env bash
# Start time of 'infrakit up': from the launcher's start to its "watching" log line, against a plaintext etcd, with
# the HTTP endpoint and the group socket on (as a user runs it). Prints the median and the spread of N starts of
# each variant, interleaved, and the load average before and after. Usage: bench/up-start.sh [N] (default 7).
# Also: once "watching" is logged, a one-instance group is put (etcdctl) and the time to its instance file is taken
# (the first commit after start). Needs etcd and etcdctl. JDK25=PATH (a java binary of JDK 25 or later) adds the
# launcher on that JVM (its ahead-of-time cache); BEFORE=DIR adds the launcher of another checkout, as "before".
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

# Milliseconds from the launcher's start to "watching", then from the put of a group to its first instance file;
# the replica is stopped (SIGTERM) after that.
start_ms() { # launcher java-binary-or-empty round
  local home="$dir/home-$3" t0 t1 t2 pid spec
  mkdir -p "$home"
  : >"$home/log"
  t0=$(date +%s%N)
  INFRAKIT_HOME="$home" INFRAKIT_JAVA="$2" "$1" up --etcd "http://127.0.0.1:$client" \
    --prefix "/up-start-$3" --http "127.0.0.1:$(port)" >"$home/log" 2>&1 &
  pid=$!
  until grep -q ' watching ' "$home/log"; do
    kill -0 "$pid" 2>/dev/null || { echo "failed: see below" >&2; cat "$home/log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  spec='{"ID":"first","Properties":{"Allocation":{"Size":1},"Instance":{"Plugin":"file","Properties":{}},'
  spec+='"Flavor":{"Plugin":"vanilla","Properties":{"Init":["true"]}}}}'
  etcdctl --endpoints "http://127.0.0.1:$client" put "/up-start-$3/groups/first" "$spec" >/dev/null
  until [ -n "$(ls -A "$home/instances/file" 2>/dev/null)" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "failed: see below" >&2; cat "$home/log" >&2; exit 1; }
    sleep 0.002
  done
  t2=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 ))"
}

labels=("infrakit up, default JVM ($(java -version 2>&1 | head -1 | cut -d'"' -f2))")
launchers=("$root/infrakit"); javas=("")
"$root/infrakit" version >/dev/null   # builds the jar and the archive when missing or stale
if [ -n "${JDK25:-}" ]; then
  labels+=("infrakit up, JDK 25 ahead-of-time cache"); launchers+=("$root/infrakit"); javas+=("$JDK25")
fi
if [ -n "${BEFORE:-}" ]; then
  "$BEFORE/infrakit" version >/dev/null
  labels+=("before: infrakit up, default JVM"); launchers+=("$BEFORE/infrakit"); javas+=("")
fi
for k in "${!labels[@]}"; do     # the first start makes the operator's archive or cache, if made on first use
  start_ms "${launchers[$k]}" "${javas[$k]}" "warm-$k" >/dev/null
done
declare -A times firsts
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$n"); do
  for k in "${!labels[@]}"; do
    read -r up first <<< "$(start_ms "${launchers[$k]}" "${javas[$k]}" "$i-$k")"
    times[${labels[$k]}]+="$up "
    firsts[${labels[$k]}]+="$first "
  done
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
print_medians "ms to \"watching\"" "$n" times "${labels[@]}"
print_medians "ms, put -> first instance file" "$n" firsts "${labels[@]}"
