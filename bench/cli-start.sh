#!/usr/bin/env bash
# Start time of 'infrakit group ls' beside 'etcdctl get', in one run, against a plaintext etcd and a TLS etcd that
# wants a client certificate (as the dev-mode etcd does). Prints the median and the spread of N runs of each,
# interleaved, and the load average before and after. Usage: bench/cli-start.sh [N] (default 15).
# Needs etcd, etcdctl and openssl; builds the jar (and the class-data sharing archive) through ./infrakit first.
# BEFORE=DIR adds the launcher of another checkout (an older commit, say) to the same run, as "before".
# JDK25=PATH (a java binary of JDK 25 or later) adds the launcher on that JVM (INFRAKIT_JAVA: its ahead-of-time cache).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-15}"
dir="$(mktemp -d /tmp/infrakit-cli-start.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

. "$root/bench/start-common.sh"
etcd_member() { # name scheme client-port peer-port [tls flags...]
  local name=$1 scheme=$2 c=$3 p=$4; shift 4
  etcd --name "$name" --data-dir "$dir/$name" --logger=zap --log-level=error \
    --listen-client-urls "$scheme://127.0.0.1:$c" --advertise-client-urls "$scheme://127.0.0.1:$c" \
    --listen-peer-urls "http://127.0.0.1:$p" --initial-advertise-peer-urls "http://127.0.0.1:$p" \
    --initial-cluster "$name=http://127.0.0.1:$p" "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
}

# A CA, a server certificate for 127.0.0.1 (serverAuth and clientAuth, as the dev-mode etcd's: etcd's HTTP gateway
# connects to its gRPC server with it) and a client certificate (PKCS#8 key, as the CLI reads it).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=bench-ca \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
for who in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" -keyout "$dir/$who.key" \
    -out "$dir/$who.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=%s\n' "$([ $who = server ] && echo serverAuth,clientAuth || echo clientAuth)" \
    > "$dir/$who.ext"
  openssl x509 -req -in "$dir/$who.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 1 \
    -extfile "$dir/$who.ext" -out "$dir/$who.crt" 2>/dev/null
done

plain=$(port); tls=$(port)
etcd_member plain http "$plain" "$(port)"
etcd_member tls https "$tls" "$(port)" --cert-file "$dir/server.crt" --key-file "$dir/server.key" \
  --client-cert-auth --trusted-ca-file "$dir/ca.crt"
tlsopts=(--etcd-cacert "$dir/ca.crt" --etcd-cert "$dir/client.crt" --etcd-key "$dir/client.key")
ctltls=(--cacert "$dir/ca.crt" --cert "$dir/client.crt" --key "$dir/client.key")
for url in "http://127.0.0.1:$plain" "https://127.0.0.1:$tls"; do
  for i in $(seq 50); do etcdctl --endpoints "$url" "${ctltls[@]}" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
  etcdctl --endpoints "$url" "${ctltls[@]}" put /infrakit/groups/web "$(cat "$root/docs/examples/web.json")" >/dev/null
done

"$root/infrakit" version >/dev/null   # builds the jar and the archive when missing or stale
labels=("etcdctl get, plaintext" "infrakit group ls, plaintext" "infrakit group ls, plaintext, no archive")
if [ -n "${JDK25:-}" ]; then
  INFRAKIT_JAVA="$JDK25" "$root/infrakit" version >/dev/null
  labels+=("JDK 25: infrakit group ls, plaintext" "JDK 25: group ls, plaintext, no cache")
fi
if [ -n "${BEFORE:-}" ]; then
  "$BEFORE/infrakit" version >/dev/null
  labels+=("before: infrakit group ls, plaintext")
fi
labels+=("etcdctl get, TLS" "infrakit group ls, TLS")
[ -n "${BEFORE:-}" ] && labels+=("before: infrakit group ls, TLS")
[ -n "${JDK25:-}" ] && labels+=("JDK 25: infrakit group ls, TLS")

declare -A times
run() { # label command...
  local t0 t1
  t0=$(date +%s%N); "${@:2}" >/dev/null 2>&1 || { echo "failed: ${*:2}" >&2; exit 1; }; t1=$(date +%s%N)
  times[$1]+="$(( (t1 - t0) / 1000000 )) "
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$n"); do
  run "etcdctl get, plaintext" etcdctl --endpoints "http://127.0.0.1:$plain" get /infrakit/groups/web
  run "infrakit group ls, plaintext" "$root/infrakit" group ls --etcd "http://127.0.0.1:$plain"
  run "infrakit group ls, plaintext, no archive" env INFRAKIT_CDS=off "$root/infrakit" group ls --etcd "http://127.0.0.1:$plain"
  [ -n "${BEFORE:-}" ] && run "before: infrakit group ls, plaintext" "$BEFORE/infrakit" group ls --etcd "http://127.0.0.1:$plain"
  if [ -n "${JDK25:-}" ]; then
    run "JDK 25: infrakit group ls, plaintext" env INFRAKIT_JAVA="$JDK25" "$root/infrakit" group ls --etcd "http://127.0.0.1:$plain"
    run "JDK 25: group ls, plaintext, no cache" env INFRAKIT_JAVA="$JDK25" INFRAKIT_CDS=off "$root/infrakit" group ls \
      --etcd "http://127.0.0.1:$plain"
  fi
  run "etcdctl get, TLS" etcdctl --endpoints "https://127.0.0.1:$tls" "${ctltls[@]}" get /infrakit/groups/web
  run "infrakit group ls, TLS" "$root/infrakit" group ls --etcd "https://127.0.0.1:$tls" "${tlsopts[@]}"
  [ -n "${BEFORE:-}" ] && run "before: infrakit group ls, TLS" "$BEFORE/infrakit" group ls --etcd "https://127.0.0.1:$tls" "${tlsopts[@]}"
  [ -n "${JDK25:-}" ] && run "JDK 25: infrakit group ls, TLS" env INFRAKIT_JAVA="$JDK25" "$root/infrakit" group ls \
    --etcd "https://127.0.0.1:$tls" "${tlsopts[@]}"
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
print_medians "ms" "$n" times "${labels[@]}"
