"""Validates JSON files against orgscan's schemas (draft 2020-12) with the `jsonschema` package
(installed into .tools/lint by scripts/install-test-deps.sh, with check-jsonschema).

usage: validate_schema.py SCHEMA_DIR SCHEMA_NAME FILE...
The schemas refer to each other by $id; all of SCHEMA_DIR is registered, nothing is fetched.
Prints one line per error and exits 1 when any file is invalid."""
import glob
import json
import os
import sys

import jsonschema
from referencing import Registry, Resource

schema_dir, name, files = sys.argv[1], sys.argv[2], sys.argv[3:]
schemas = {}
for path in glob.glob(os.path.join(schema_dir, "*.schema.json")):
    with open(path, encoding="utf-8") as f:
        s = json.load(f)
    jsonschema.Draft202012Validator.check_schema(s)
    schemas[os.path.basename(path)] = s
registry = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in schemas.values()]
)
validator = jsonschema.Draft202012Validator(
    schemas[name],
    registry=registry,
    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
)
bad = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for e in validator.iter_errors(doc):
        bad += 1
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"{path}: /{where}: {e.message[:300]}")
print(f"{len(files)} file(s) checked, {bad} error(s)")
sys.exit(1 if bad else 0)
