#!/usr/bin/env bash
# The crate as published: `cargo package --locked` packs it and builds the unpacked tarball
# (cargo's verify step, in debug, sharing ./target so the dependencies are not rebuilt), then
# the binary built from that tarball scans the bundled demo org from an empty directory. A file
# that include_dir!/include_str! embeds but the package leaves out fails the build; a policy
# or template missing from the embedded set fails the scan.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'check-package: %s\n' "$*"; }

version="$(cargo metadata --format-version 1 --no-deps --locked \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="orgscan"))')"
crate="target/package/orgscan-$version.crate"

say "cargo package --locked"
cargo package --locked "$@"
[ -f "$crate" ] || { say "missing $crate"; exit 1; }

# The verify step built the unpacked sources in target/package/orgscan-$version; its binary is
# uplifted to target/debug. Check that it came from the tarball, then run it away from the
# repository so nothing outside the binary can be read.
unpacked="target/package/orgscan-$version"
for embedded in policies reports/report.html.hbs src/prepare/geo/countries.txt LICENSE; do
    [ -e "$unpacked/$embedded" ] || { say "$embedded is not in the package"; exit 1; }
done
bin="$(pwd)/target/debug/orgscan"
[ "$bin" -nt "$unpacked/Cargo.toml" ] || { say "$bin was not rebuilt from the unpacked package"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say "scanning the demo org with the packaged build in $work"
(cd "$work" && "$bin" scan --exit-zero --quiet --format json,html,sarif,junit,md,csv)
for f in report.json report.html report.sarif report.junit.xml report.md findings.csv; do
    [ -s "$work/orgscan-report/$f" ] || { say "orgscan-report/$f was not written"; exit 1; }
done
grep -q '"schema": "orgscan.report/v1"' "$work/orgscan-report/report.json" \
    || { say "report.json is not an orgscan.report/v1 document"; exit 1; }
say "ok: $(du -h "$crate" | cut -f1) package builds and scans the demo"
