#!/usr/bin/env python3
"""Evaluates bench/opa/raw_detections.rego (the detection pack as plain Rego over raw events)
with the reference OPA (opa-golib-python-bindings, installed by bench/install-opa.sh) on a
snapshot directory. Prints one JSON line: events, load/eval seconds, peak RSS, finding counts.

usage: run_raw.py SNAPSHOT_DIR
"""
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, ".tools", "opa-py"))
from opa_bindings import OpaEngine  # noqa: E402


def load_json(snap, name, default):
    path = os.path.join(snap, name)
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def geo_table():
    """Country name and aliases -> [lat, lon] of the capital, from orgscan's bundled table."""
    table = {}
    with open(os.path.join(ROOT, "src", "prepare", "geo", "countries.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, name, aliases, _capital, lat, lon, _radius = line.rstrip("\n").split("|")
            for n in [name, code] + [a for a in aliases.split(";") if a]:
                table.setdefault(n, [float(lat), float(lon)])
    return table


def main():
    snap = sys.argv[1]
    started = time.monotonic()
    events = []
    with open(os.path.join(snap, "events.ndjson"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                events.append(json.loads(line))
    doc = {
        "events": events,
        "org_policies": load_json(snap, "org_policies.json", []),
        "users": load_json(snap, "users.json", []),
        "event_actions": load_json(snap, "event_actions.json", []),
    }
    engine = OpaEngine()
    with open(os.path.join(HERE, "raw_detections.rego"), encoding="utf-8") as f:
        engine.add_policy("raw_detections.rego", f.read())
    engine.add_data({"geo": geo_table()})
    loaded = time.monotonic()
    counts = engine.eval_document("bench.raw.counts", doc)
    done = time.monotonic()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "events": len(events),
        "load_s": round(loaded - started, 3),
        "eval_s": round(done - loaded, 3),
        "wall_s": round(done - started, 3),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "counts": counts,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
