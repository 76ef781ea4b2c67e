#!/usr/bin/env bash
# Benchmark of `orgscan scan` with the full shipped pack on synthetic snapshots, and of the same
# detections written as plain Rego over the raw events under the reference OPA.
#
#   bench/scan.sh                 # orgscan at 10^6 and 10^7 events, OPA at 10^3, 10^4, 10^5 … until one
#                                 #   takes more than OPA_LIMIT seconds (default 600)
#   SIZES="1000000" OPA_SIZES="10000 100000" bench/scan.sh
#   PACK_ARGS="--no-default-policies --policies DIR" bench/scan.sh   # another pack
#   SIZES="1000000 10000000 100000000" OPA_SIZES= bench/scan.sh       # with the 10^8 row
#   FORMATS="zstd ndjson" SIZES=1000000 OPA_SIZES= bench/scan.sh     # compressed vs plain
#   BEFORE_BIN=path/to/old/orgscan bench/scan.sh                      # also an older build, same files
#
# Snapshots store their events as FORMATS says (default zstd: the generator writes
# events.ndjson.zst directly, ~80 bytes/event measured, so 10^8 needs ~8 GB instead of 140 GB).
# Before generating one, the free space in bench-out/ is checked against what it needs (with a
# margin); a size that does not fit is refused with both numbers.
#
# Prints a table: events, stored bytes and bytes/event, wall, CPU (user+sys), peak RSS, events/s;
# under each orgscan row the floor on the same file (`examples/scan_floor.rs`: decompress + read +
# the pass's slim parse on FLOOR_THREADS parser threads, default 2, no aggregation, facts or
# policies) and the ratio orgscan wall / floor wall; then the OPA rows and the ratio OPA wall /
# orgscan wall at the largest size OPA finished. Peak RSS and times come from
# /usr/bin/time -v (getrusage of the child). Snapshots are cached in bench-out/ (zstd ≈80 bytes
# per event: 0.8 GB at 10^7, 8 GB at 10^8; plain NDJSON for OPA ≈1.4 KB per event). Wall times
# depend on what else runs on the machine: each row ends with the 1-minute load average when it
# finished (CPU seconds and peak RSS are the comparable columns under load).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000000 10000000"}
# An empty OPA_SIZES skips the OPA comparison.
OPA_SIZES=${OPA_SIZES-"1000 10000 100000 1000000"}
OPA_LIMIT=${OPA_LIMIT:-600}
# Extra `orgscan scan` arguments, e.g. a pack without one policy (word-split on purpose).
PACK_ARGS=${PACK_ARGS:-}
FORMATS=${FORMATS:-zstd}
OUT=bench-out
mkdir -p "$OUT"

FLOOR_THREADS=${FLOOR_THREADS:-2}

cargo build --release --quiet --bin orgscan --example bench_snapshot --example scan_floor
BIN=target/release/orgscan
GEN=target/release/examples/bench_snapshot
FLOOR=target/release/examples/scan_floor

# Bytes a snapshot of N events needs on disk in FORMAT (measured: ~120 B/event compressed,
# ~1,400 plain; with a margin).
need_bytes() { # N FORMAT
  case $2 in zstd) echo $(( $1 * 170 + 50000000 ));; *) echo $(( $1 * 1500 + 50000000 ));; esac
}

snapshot() { # N [FORMAT] -> dir
  local n=$1 fmt=${2:-zstd}
  local dir="$OUT/snap-$n"
  [ "$fmt" = zstd ] || dir="$OUT/snap-$n-$fmt"
  if [ ! -f "$dir/manifest.json" ] || ! grep -q "\"records\": $n" "$dir/manifest.json"; then
    local need free
    need=$(need_bytes "$n" "$fmt")
    free=$(( $(df --output=avail -k "$OUT" | tail -1) * 1024 ))
    printf "snapshot of %s events (%s) needs ~%s MB in %s; %s MB free\n" "$n" "$fmt" \
      "$(( need / 1000000 ))" "$OUT" "$(( free / 1000000 ))" >&2
    if [ "$need" -gt "$free" ]; then
      echo "not enough disk for $n events: free $(( free / 1000000 )) MB, need $(( need / 1000000 )) MB" >&2
      return 1
    fi
    rm -rf "$dir"
    "$GEN" --count "$n" --out "$dir" --events-format "$fmt" >&2
  fi
  echo "$dir"
}

# Bytes of the stored events file of a snapshot dir.
stored_bytes() {
  local f
  for f in "$1/events.ndjson.zst" "$1/events.ndjson"; do
    [ -f "$f" ] && { stat -c %s "$f"; return; }
  done
  echo 0
}

# The 1-minute load average now.
load() { cut -d' ' -f1 /proc/loadavg; }

# Runs a command under /usr/bin/time -v; prints "wall_s cpu_s rss_mb".
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
  python3 - "$log" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def num(label):
    return float(re.search(re.escape(label) + r":\s*([0-9.:]+)", t).group(1).split()[0])
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)", t).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = num("User time (seconds)") + num("System time (seconds)")
rss = num("Maximum resident set size (kbytes)") / 1024
print(f"{secs:.2f} {cpu:.2f} {rss:.0f}")
PY
  rm -f "$log"
}

printf "machine: %s cores, load average %s; %s free in %s\n" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(df -h --output=avail "$OUT" | tail -1 | tr -d ' ')" "$OUT"
for n in $SIZES; do
  printf "  %s events (zstd) need ~%s MB of disk\n" "$n" "$(( $(need_bytes "$n" zstd) / 1000000 ))"
done
echo
printf "%-10s %-6s %-9s %10s %7s %9s %9s %11s %12s %6s\n" engine format events stored_mb B/event wall_s cpu_s peak_rss_mb events/s load
for n in $SIZES; do
  for fmt in $FORMATS; do
    dir=$(snapshot "$n" "$fmt") || continue
    bytes=$(stored_bytes "$dir")
    read -r wall cpu rss < <(measure "$BIN" scan "$dir" $PACK_ARGS --out "$OUT/report-$n-$fmt" --format json --exit-zero -q)
    printf "%-10s %-6s %-9s %10.0f %7.0f %9s %9s %11s %12.0f %6s\n" orgscan "$fmt" "$n" \
      "$(python3 -c "print($bytes/1e6)")" "$(python3 -c "print($bytes/$n)")" "$wall" "$cpu" "$rss" \
      "$(python3 -c "print($n/max($wall,0.001))")" "$(load)"
    if [ -n "${BEFORE_BIN:-}" ]; then
      read -r bwall bcpu brss < <(measure "$BEFORE_BIN" scan "$dir" $PACK_ARGS --out "$OUT/report-$n-$fmt-before" --format json --exit-zero -q)
      printf "%-10s %-6s %-9s %10.0f %7.0f %9s %9s %11s %12.0f %6s\n" before "$fmt" "$n" \
        "$(python3 -c "print($bytes/1e6)")" "$(python3 -c "print($bytes/$n)")" "$bwall" "$bcpu" "$brss" \
        "$(python3 -c "print($n/max($bwall,0.001))")" "$(load)"
    fi
    read -r fwall fcpu frss < <(measure "$FLOOR" "$dir" --threads "$FLOOR_THREADS")
    printf "%-10s %-6s %-9s %10.0f %7.0f %9s %9s %11s %12.0f %6s   orgscan/floor wall %sx, CPU %sx\n" floor "$fmt" "$n" \
      "$(python3 -c "print($bytes/1e6)")" "$(python3 -c "print($bytes/$n)")" "$fwall" "$fcpu" "$frss" \
      "$(python3 -c "print($n/max($fwall,0.001))")" "$(load)" \
      "$(python3 -c "print(round($wall/max($fwall,0.001),2))")" "$(python3 -c "print(round($cpu/max($fcpu,0.001),2))")"
  done
done

bench/install-opa.sh >/dev/null
last_opa=""
timed_out=""
for n in $OPA_SIZES; do
  dir=$(snapshot "$n" ndjson)
  if ! res=$(timeout "$OPA_LIMIT" python3 bench/opa/run_raw.py "$dir"); then
    printf "%-10s %-9s %9s\n" opa "$n" ">${OPA_LIMIT}"
    timed_out=$n
    break
  fi
  read -r wall rss < <(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['wall_s'], d['peak_rss_mb'])" "$res")
  printf "%-10s %-9s %9s %9s %11s %12.0f\n" opa "$n" "$wall" "-" "$rss" "$(python3 -c "print($n/max($wall,0.001))")"
  echo "$res" > "$OUT/opa-$n.json"
  last_opa=$n
  declare "OPA_$n=$wall"
done

if [ -n "$last_opa" ]; then
  # orgscan at the same size as the largest OPA run.
  dir=$(snapshot "$last_opa")
  read -r wall cpu rss < <(measure "$BIN" scan "$dir" $PACK_ARGS --out "$OUT/report-$last_opa" --format json --exit-zero -q)
  printf "%-10s %-9s %9s %9s %11s %12.0f\n" orgscan "$last_opa" "$wall" "$cpu" "$rss" "$(python3 -c "print($last_opa/max($wall,0.001))")"
  opa_wall_var="OPA_$last_opa"
  printf "\nratio at %s events: OPA over raw events %ss / orgscan %ss = %sx\n" "$last_opa" "${!opa_wall_var}" "$wall" \
    "$(python3 -c "print(round(${!opa_wall_var}/max($wall,0.001),1))")"
fi

if [ -n "$timed_out" ]; then
  # Where OPA gave up, the ratio is a lower bound: OPA's limit over orgscan's wall.
  dir=$(snapshot "$timed_out")
  read -r wall cpu rss < <(measure "$BIN" scan "$dir" $PACK_ARGS --out "$OUT/report-$timed_out" --format json --exit-zero -q)
  printf "%-10s %-9s %9s %9s %11s %12.0f\n" orgscan "$timed_out" "$wall" "$cpu" "$rss" "$(python3 -c "print($timed_out/max($wall,0.001))")"
  printf "ratio at %s events: OPA did not finish in %ss / orgscan %ss = more than %sx\n" "$timed_out" "$OPA_LIMIT" "$wall" \
    "$(python3 -c "print(round($OPA_LIMIT/max($wall,0.001)))")"
fi
