#!/bin/sh
# Fleet scan benchmark (issue 17): scans N demo orgs (default 50) with `scan --fleet --demo`
# and prints its wall time next to the budget N × (one demo scan) ÷ cores, and the size of
# portfolio.html. Usage: bench/fleet.sh [N]   (ORGSCAN=path/to/orgscan, default the release build)
set -eu
n=${1:-50}
bin=${ORGSCAN:-target/release/orgscan}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cores=$(nproc)
now() { date +%s.%N; }
t0=$(now)
"$bin" scan --out "$out/one" --quiet >/dev/null 2>&1 || true
t1=$(now)
"$bin" scan --fleet --demo --demo-orgs "$n" --out "$out/fleet" --quiet >/dev/null 2>&1 || true
t2=$(now)
test -f "$out/fleet/portfolio.html" || { echo "no portfolio written" >&2; exit 1; }
size=$(wc -c <"$out/fleet/portfolio.html")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" -v cores="$cores" -v size="$size" 'BEGIN {
  one = b - a; fleet = c - b; budget = n * one / cores;
  printf "one demo org: %.2f s\n%d demo orgs (--fleet --demo): %.2f s\nbudget %d x %.2f s / %d cores: %.2f s (%s)\nportfolio.html: %d bytes (budget 2 MB: %s)\n",
    one, n, fleet, n, one, cores, budget, (fleet <= budget ? "within" : "OVER"), size, (size <= 2097152 ? "within" : "OVER")
}'
