#!/usr/bin/env bash
# Installs the reference OPA (v1.20.2) used by tests/it/opa_parity.rs into .tools/opa-py.
#
# OPA is reachable here only through PyPI: opa-golib-python-bindings 0.4.4 ships the real OPA
# library (Go, c-shared) with a ctypes wrapper (`from opa_bindings import OpaEngine`). The wheel
# declares Python >= 3.14 but works on 3.8+, hence --ignore-requires-python; it has no runtime
# dependencies, hence --no-deps. Idempotent: does nothing when the right version already works.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=.tools/opa-py
PACKAGE=opa-golib-python-bindings
VERSION=0.4.4
PYTHON=${PYTHON:-python3}
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "install-opa: $PYTHON not found; the OPA parity test needs Python 3" >&2
  exit 1
fi

works() {
  [ -d "$TARGET/opa_golib_python_bindings-$VERSION.dist-info" ] &&
    PYTHONPATH="$TARGET" "$PYTHON" scripts/opa_parity.py --version >/dev/null 2>&1
}

if works; then
  echo "install-opa: OPA $(PYTHONPATH="$TARGET" "$PYTHON" scripts/opa_parity.py --version) already in $TARGET"
  exit 0
fi

rm -rf "$TARGET"
mkdir -p "$TARGET"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --ignore-requires-python --no-deps \
  --target "$TARGET" "$PACKAGE==$VERSION"

if ! works; then
  echo "install-opa: installed $PACKAGE $VERSION into $TARGET but it does not load" >&2
  PYTHONPATH="$TARGET" "$PYTHON" scripts/opa_parity.py --version >&2 || true
  exit 1
fi
echo "install-opa: OPA $(PYTHONPATH="$TARGET" "$PYTHON" scripts/opa_parity.py --version) installed in $TARGET"
