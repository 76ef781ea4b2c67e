#!/usr/bin/env bash
# Packs the release archives from the binaries the release workflow built:
#   package-release.sh BINS_DIR OUT_DIR VERSION
# BINS_DIR holds one folder per target, bin-<target>/orgscan[.exe]. For each target it writes
# OUT_DIR/orgscan-<VERSION>-<target>.tar.gz (.zip for Windows) holding
#   orgscan-<VERSION>-<target>/{orgscan[.exe], README.md, LICENSE, completions/, man/}
# and OUT_DIR/SHA256SUMS over every archive. Completions and man pages come from the
# x86_64 Linux binary (they are the same for every platform). The GitHub Action (action.yml)
# downloads these names: keep them in step.
set -euo pipefail

bins="${1:?usage: package-release.sh BINS_DIR OUT_DIR VERSION}"
out="${2:?usage: package-release.sh BINS_DIR OUT_DIR VERSION}"
version="${3:?usage: package-release.sh BINS_DIR OUT_DIR VERSION}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'package-release: %s\n' "$*"; }

host="$bins/bin-x86_64-unknown-linux-musl/orgscan"
[ -f "$host" ] || { say "missing $host (needed to write completions and man pages)"; exit 1; }
chmod +x "$host"
reported="$("$host" --version)"
[ "$reported" = "orgscan $version" ] || { say "binary says '$reported', expected 'orgscan $version'"; exit 1; }

mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# Shared contents of every archive.
common="$stage/common"
mkdir -p "$common/completions" "$common/man"
"$host" completions bash >"$common/completions/orgscan.bash"
"$host" completions zsh >"$common/completions/_orgscan"
"$host" completions fish >"$common/completions/orgscan.fish"
"$host" completions powershell >"$common/completions/_orgscan.ps1"
"$host" man --out-dir "$common/man"
cp "$root/README.md" "$root/LICENSE" "$common/"

# Reproducible archives: sorted entries, fixed owner and time.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}"

found=0
for dir in "$bins"/bin-*/; do
    target="$(basename "$dir")"
    target="${target#bin-}"
    name="orgscan-$version-$target"
    pkg="$stage/$name"
    mkdir -p "$pkg"
    cp -R "$common/." "$pkg/"
    case "$target" in
        *windows*)
            cp "$dir/orgscan.exe" "$pkg/"
            (cd "$stage" && find "$name" -exec touch -d "@$epoch" {} + && find "$name" | LC_ALL=C sort | zip -q -X "$name.zip" -@)
            mv "$stage/$name.zip" "$out/"
            ;;
        *)
            cp "$dir/orgscan" "$pkg/"
            chmod 0755 "$pkg/orgscan"
            tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
                -cf - "$name" | gzip -n -9 >"$out/$name.tar.gz"
            ;;
    esac
    found=$((found + 1))
    say "packed $name"
done
[ "$found" -gt 0 ] || { say "no bin-* folders in $bins"; exit 1; }

(cd "$out" && sha256sum -- orgscan-"$version"-*.tar.gz orgscan-"$version"-*.zip 2>/dev/null >SHA256SUMS || true)
[ -s "$out/SHA256SUMS" ] || { say "no checksums written"; exit 1; }
say "SHA256SUMS:"
cat "$out/SHA256SUMS"
