# Shared by the start-time benchmarks (cli-start.sh, up-start.sh); sourced, not run.

# A free loopback TCP port.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# print_medians UNIT N TIMES LABEL...: the median, min and max of each label's times, where TIMES names an
# associative array of label -> space-separated numbers.
print_medians() {
  local unit=$1 n=$2 label sorted v
  local -n all=$3
  shift 3
  printf '%-50s %8s %8s %8s  (%s, n=%d)\n' "command" "median" "min" "max" "$unit" "$n"
  for label in "$@"; do
    read -ra v <<< "${all[$label]}"
    sorted=($(printf '%s\n' "${v[@]}" | sort -n))
    printf '%-50s %8s %8s %8s\n' "$label" "${sorted[$(( ${#sorted[@]} / 2 ))]}" "${sorted[0]}" "${sorted[-1]}"
  done
}
