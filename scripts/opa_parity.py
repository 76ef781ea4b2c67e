#!/usr/bin/env python3
"""The reference-OPA side of orgscan's differential test (tests/it/opa_parity.rs).

Evaluates orgscan policies with the real OPA (v1.20.2, via opa-golib-python-bindings, installed
by scripts/install-opa.sh into .tools/opa-py) and prints what OPA computed, as JSON, for the Rust
test to compare with regorus. Standard library only.

    opa_parity.py --version            print the OPA version of the installed library
    opa_parity.py JOB.json             evaluate a job (format below), print results on stdout
    opa_parity.py --dir DIR INPUT.json evaluate every policy under DIR (plus policies/lib) on an
                                       input written by `orgscan scan --dump-input`, print results

A job:
    {"libraries": [{"path", "text"}],
     "policies":  [{"path", "text", "package", "control_id"}],
     "inputs":    [{"name", "input"}],
     "rules":     ["deny", "score", "not_evaluable", "not_applicable"],
     "tests":     [{"path", "text", "package", "names": [...]}],
     "builtins":  ["name", ...]}

Results:
    {"opa_version": "1.20.2",
     "evaluations": [{"policy", "input", "outputs": {rule: value or null (undefined)}, "error"}],
     "tests": [{"path", "package", "name", "status": "pass"|"fail"|"error", "message"}],
     "builtins": {"name": true (OPA knows it) | false}}

Each policy sees the input with its own `control.id` (its METADATA id), as orgscan's evaluator
gives it (src/policy/evaluate.rs, `policy_input`): the rule refs carry `with input.control.id`.

Policies are evaluated together for speed and each alone when something fails (see
`evaluate`), so one broken policy cannot hide another's result.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".tools", "opa-py"))

try:
    from opa_bindings import OpaEngine, OpaError  # noqa: E402
except ImportError as e:  # pragma: no cover - reported to the caller
    print(f"opa_parity: the reference OPA is not installed ({e}); run scripts/install-opa.sh",
          file=sys.stderr)
    sys.exit(3)

RULES = ["deny", "score", "not_evaluable", "not_applicable"]


def opa_version():
    """The OPA module version linked into the bridge library (from Go's embedded build info)."""
    import opa_bindings

    lib = os.path.join(os.path.dirname(opa_bindings.__file__), "libopabridge.so")
    with open(lib, "rb") as f:
        data = f.read()
    m = re.search(rb"dep\tgithub.com/open-policy-agent/opa\tv([0-9][0-9A-Za-z.\-]*)", data)
    return m.group(1).decode() if m else "unknown"


def one_line(message):
    return " | ".join(line.strip() for line in str(message).splitlines() if line.strip())


def query(engine, ref, input_doc):
    """The value of `ref`, or None when undefined."""
    rows = engine.eval_query(f"x := {ref}", input_doc)
    if not rows:
        return None
    return rows[0].get("x")


def query_refs(engine, refs, input_doc):
    """The value of each ref (None when undefined), in one query: OPA prepares every distinct
    query string against all modules, so one query is several times faster than one per ref.
    `[x | x := ref]` is `[]` when ref is undefined and `[value]` otherwise."""
    parts = [f"r{i} := [x | x := {ref}]" for i, ref in enumerate(refs)]
    rows = engine.eval_query("; ".join(parts), input_doc)
    if not rows:
        raise OpaError("undefined", "the query was undefined")
    outputs = {}
    for i, ref in enumerate(refs):
        values = rows[0].get(f"r{i}") or []
        outputs[ref] = values[0] if values else None
    return outputs


def rule_ref(policy, rule):
    """The ref of one rule of a policy, evaluated with the policy's own `input.control.id`."""
    ref = f"data.{policy['package']}.{rule}"
    control_id = policy.get("control_id")
    if control_id:
        ref += f" with input.control.id as {json.dumps(control_id)}"
    return ref


def query_rules(engine, policy, rules, input_doc):
    """The value of each rule of a policy (None when undefined), in one query."""
    values = query_refs(engine, [rule_ref(policy, rule) for rule in rules], input_doc)
    return {rule: values[rule_ref(policy, rule)] for rule in rules}


def evaluate_isolated(job, rules):
    """Each policy in its own engine (libraries + that policy), so a policy OPA cannot compile
    is reported alone."""
    evaluations = []
    for policy in job.get("policies", []):
        engine = OpaEngine()
        try:
            for lib in job.get("libraries", []):
                engine.add_policy(lib["path"], lib["text"])
            engine.add_policy(policy["path"], policy["text"])
            for doc in job.get("inputs", []):
                entry = {"policy": policy["path"], "input": doc["name"], "outputs": {}, "error": None}
                try:
                    entry["outputs"] = query_rules(engine, policy, rules, doc["input"])
                except OpaError as e:
                    entry["outputs"] = {}
                    entry["error"] = one_line(e.message)
                evaluations.append(entry)
        except OpaError as e:
            for doc in job.get("inputs", []):
                evaluations.append({"policy": policy["path"], "input": doc["name"], "outputs": {},
                                    "error": one_line(e.message)})
        finally:
            engine.close()
    return evaluations


def evaluate(job):
    """Every policy's rules on every input. Fast path: one engine with every module and one
    query per input (OPA parses the input once per query and compiles once per engine); a
    policy that errors on an input is then evaluated alone on it, and when the modules do not
    compile together each policy gets its own engine (`evaluate_isolated`). Packages do not
    interact, so all three give the same values."""
    rules = job.get("rules") or RULES
    policies = job.get("policies", [])
    engine = OpaEngine()
    try:
        for module in job.get("libraries", []) + policies:
            engine.add_policy(module["path"], module["text"])
        refs = [rule_ref(p, rule) for p in policies for rule in rules]
        evaluations = []
        for doc in job.get("inputs", []):
            try:
                values = query_refs(engine, refs, doc["input"])
            except OpaError as e:
                if is_compile_error(e):
                    raise
                values = None
            for policy in policies:
                entry = {"policy": policy["path"], "input": doc["name"], "outputs": {}, "error": None}
                try:
                    if values is not None:
                        entry["outputs"] = {r: values[rule_ref(policy, r)] for r in rules}
                    else:
                        entry["outputs"] = query_rules(engine, policy, rules, doc["input"])
                except OpaError as e:
                    if is_compile_error(e):
                        raise
                    entry["outputs"] = {}
                    entry["error"] = one_line(e.message)
                evaluations.append(entry)
        return evaluations
    except OpaError as e:
        if not is_compile_error(e):
            raise
        return evaluate_isolated(job, rules)
    finally:
        engine.close()


def test_entries(tests, values, engine, compile_error=None):
    """Results of the tests of `tests` from one query's `values` (None when that query failed:
    then each test runs alone, in `engine`, to say which one errors)."""
    results = []
    for test in tests:
        for name in test["names"]:
            ref = f"data.{test['package']}.{name}"
            entry = {"path": test["path"], "package": test["package"], "name": name,
                     "status": "pass", "message": None}
            try:
                if compile_error is not None:
                    raise compile_error
                value = values[ref] if values is not None else query(engine, ref, None)
                if value is None or value is False:
                    entry["status"] = "fail"
            except OpaError as e:
                entry["status"] = "error"
                entry["message"] = one_line(e.message)
            results.append(entry)
    return results


def is_compile_error(error):
    return error.code == "prepare_error" or "bundle activation failed" in error.message


def run_tests(job):
    """Every test rule, like `opa test`: a test passes when it is defined and not false.

    OPA prepares (compiles) each distinct query against every module, which costs far more than
    evaluating a test, so all tests go in one query over one engine holding every module. When
    that fails, each test file gets its own engine (so a file that does not compile under OPA
    does not hide the others), and within a file each test runs alone to say which one errors."""
    tests = job.get("tests", [])
    if not tests:
        return []
    modules = job.get("libraries", []) + job.get("policies", [])

    def engine_with(files):
        engine = OpaEngine()
        for module in modules + files:
            engine.add_policy(module["path"], module["text"])
        return engine

    refs = [f"data.{t['package']}.{name}" for t in tests for name in t["names"]]
    engine = engine_with(tests)
    try:
        return test_entries(tests, query_refs(engine, refs, None), engine)
    except OpaError:
        pass
    finally:
        engine.close()
    results = []
    for test in tests:
        engine = engine_with([test])
        try:
            refs = [f"data.{test['package']}.{name}" for name in test["names"]]
            try:
                values = query_refs(engine, refs, None)
                results.extend(test_entries([test], values, engine))
            except OpaError as e:
                error = e if is_compile_error(e) else None
                results.extend(test_entries([test], None, engine, error))
        finally:
            engine.close()
    return results


def probe_builtins(names):
    """Whether OPA knows each builtin: a call with no arguments fails with `undefined function`
    only when it does not."""
    known = {}
    for name in names:
        engine = OpaEngine()
        try:
            engine.add_policy("probe.rego", f"package probe\nx := {name}()\n")
            engine.eval_query("data.probe")
            known[name] = True
        except OpaError as e:
            known[name] = "undefined function" not in e.message
        finally:
            engine.close()
    return known


def policy_job(directory, input_path):
    """A job for every policy under `directory` (and the shipped libraries) on one input."""
    libraries, policies = [], []
    roots = [os.path.join(ROOT, "policies", "lib"), directory]
    seen = set()
    for root in roots:
        for dirpath, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                if not name.endswith(".rego") or name.endswith("_test.rego") or path in seen:
                    continue
                seen.add(path)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                package = re.search(r"^package\s+(\S+)", text, re.M)
                if not package:
                    continue
                entry = {"path": path, "text": text, "package": package.group(1)}
                control_id = re.search(r"^#\s+id:\s*(\S+)", text, re.M)
                if control_id:
                    entry["control_id"] = control_id.group(1)
                is_lib = "/lib/" in path.replace(os.sep, "/") or entry["package"].startswith(
                    "orgscan.lib")
                (libraries if is_lib else policies).append(entry)
    with open(input_path, encoding="utf-8") as f:
        doc = json.load(f)
    return {"libraries": libraries, "policies": policies,
            "inputs": [{"name": os.path.basename(input_path), "input": doc}]}


def main(argv):
    if argv[1:] == ["--version"]:
        print(opa_version())
        return 0
    if len(argv) == 4 and argv[1] == "--dir":
        job = policy_job(argv[2], argv[3])
    elif len(argv) == 2 and not argv[1].startswith("-"):
        with open(argv[1], encoding="utf-8") as f:
            job = json.load(f)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    result = {
        "opa_version": opa_version(),
        "evaluations": evaluate(job),
        "tests": run_tests(job),
        "builtins": probe_builtins(job.get("builtins", [])),
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
