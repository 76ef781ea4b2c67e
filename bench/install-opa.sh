#!/usr/bin/env bash
# Installs the reference OPA (v1.20.2, as a Python library over the real Go OPA) into .tools/,
# for bench/scan.sh's baseline. Never committed (.tools is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d .tools/opa-py/opa_bindings ]; then
  python3 -m pip install --quiet --ignore-requires-python --no-deps --target .tools/opa-py \
    opa-golib-python-bindings==0.4.4
fi
python3 -c "import sys; sys.path.insert(0, '.tools/opa-py'); from opa_bindings import OpaEngine; OpaEngine()" \
  && echo "reference OPA ready in .tools/opa-py"
