#!/usr/bin/env bash
# Installs the external checkers the report tests use, idempotently (safe to run again):
#   - Debian's chromium        → /usr/bin/chromium   (HTML screenshot and hostile-input tests)
#   - SARIF Multitool (npm)    → .tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
#   - junitparser (PyPI)       → .tools/py                 (PYTHONPATH for the JUnit test)
# `.ci/run` calls it before `cargo test`; run it locally to enable those tests (they skip with a
# notice when a tool is missing, and fail when CI is set).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"

say() { printf 'install-test-deps: %s\n' "$*"; }

# --- chromium (Debian) ---------------------------------------------------------------------
if command -v chromium >/dev/null 2>&1; then
    say "chromium present: $(chromium --version 2>/dev/null || echo '?')"
else
    say "installing chromium (apt)"
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    say "installed $(chromium --version)"
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

say "done"
