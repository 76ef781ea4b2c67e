#!/bin/sh
# Fleet scan benchmark (issue 17): scans N demo orgs (default 50) with `scan --fleet --demo`
# and prints its wall time next to the budget N × (one demo scan) ÷ cores, and the size of
# portfolio.html, and (when Chromium is found: ORGSCAN_CHROMIUM, else `chromium` on PATH) how
# long headless Chromium takes to load it and print its DOM, next to the same for an empty page
# (the browser's own start-up). Usage: bench/fleet.sh [N]
# (ORGSCAN=path/to/orgscan, default the release build)
set -eu
n=${1:-50}
bin=${ORGSCAN:-target/release/orgscan}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cores=$(nproc)
now() { date +%s.%N; }
# CPU seconds (user + system) of a command, through GNU time when present: a single scan
# already runs its event pass on every core, so its wall time understates what it costs.
cpu_of() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S" -o "$out/cpu" "$@" >/dev/null 2>&1 || true
    # The last line: GNU time first says when the command exited non-zero (the demo fails its gate).
    awk 'END { printf "%.2f", $1 + $2 }' "$out/cpu"
  else
    "$@" >/dev/null 2>&1 || true
    printf 0
  fi
}
# Wall and CPU times move with what else runs: say under which load they were taken.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
cpu_one=$(cpu_of "$bin" scan --out "$out/one" --quiet)
t1=$(now)
cpu_fleet=$(cpu_of "$bin" scan --fleet --demo --demo-orgs "$n" --out "$out/fleet" --quiet)
t2=$(now)
test -f "$out/fleet/portfolio.html" || { echo "no portfolio written" >&2; exit 1; }
size=$(wc -c <"$out/fleet/portfolio.html")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" -v cores="$cores" -v size="$size" -v cpu_one="$cpu_one" -v cpu_fleet="$cpu_fleet" 'BEGIN {
  one = b - a; fleet = c - b; budget = n * one / cores;
  printf "one demo org: %.2f s\n%d demo orgs (--fleet --demo): %.2f s\nbudget %d x %.2f s / %d cores: %.2f s (%s)\nportfolio.html: %d bytes (budget 2 MB: %s)\n",
    one, n, fleet, n, one, cores, budget, (fleet <= budget ? "within" : "OVER"), size, (size <= 2097152 ? "within" : "OVER")
  if (cpu_one > 0) {
    printf "CPU: one demo org %.2f s (%.2f cores busy); %d orgs %.2f s (%.2f per org, %.2f cores busy); by CPU the budget is %d x %.2f s / %d cores = %.2f s (%s)\n",
      cpu_one, cpu_one / one, n, cpu_fleet, cpu_fleet / n, cpu_fleet / fleet, n, cpu_one, cores, n * cpu_one / cores, (fleet <= n * cpu_one / cores ? "within" : "OVER")
  }
}'

echo "load average after the scans: $(cut -d' ' -f1-3 /proc/loadavg)"

chromium=${ORGSCAN_CHROMIUM:-$(command -v chromium || true)}
if [ -n "$chromium" ] && [ -x "$chromium" ]; then
  printf '<!DOCTYPE html><title>empty</title>' >"$out/empty.html"
  load() {
    s=$(now)
    "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage \
      --user-data-dir="$out/profile" --dump-dom "file://$1" >/dev/null 2>&1 || true
    e=$(now)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
  }
  load "$out/empty.html" >/dev/null # warm the profile
  empty=$(load "$out/empty.html")
  page=$(load "$out/fleet/portfolio.html")
  awk -v p="$page" -v e="$empty" 'BEGIN {
    printf "chromium --dump-dom portfolio.html: %.2f s (an empty page: %.2f s; difference %.2f s, budget 1 s: %s)\n",
      p, e, p - e, (p - e <= 1 ? "within" : "OVER") }'
else
  echo "chromium not found: page load not measured"
fi
