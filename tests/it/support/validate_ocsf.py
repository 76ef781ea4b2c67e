"""Validates OCSF findings (a JSON array of events, as `orgscan scan --format ocsf` writes) against
the OCSF 1.8.0 JSON Schemas of the classes orgscan uses, vendored in tests/fixtures/ocsf/ (see
its README for where they come from), with the `jsonschema` package (draft 2020-12); nothing
is fetched. JSON Schema cannot say that a caption matches its id, so this also checks each
event's class_name, category_name, activity_name, type_name, severity, status and
compliance.status against the schema's own enum captions (captions.json), and type_uid =
class_uid * 100 + activity_id.

usage: validate_ocsf.py OCSF_DIR FILE...
Prints one line per error and exits 1 when any event is invalid."""
import json
import os
import sys

import jsonschema

ocsf_dir, files = sys.argv[1], sys.argv[2:]
with open(os.path.join(ocsf_dir, "captions.json"), encoding="utf-8") as f:
    captions = json.load(f)
validators = {}
for uid, cls in captions["classes"].items():
    with open(os.path.join(ocsf_dir, cls["name"] + ".schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validators[int(uid)] = jsonschema.Draft202012Validator(schema)


def caption_errors(event):
    cls = captions["classes"].get(str(event.get("class_uid")))
    if cls is None:
        return [f"class_uid {event.get('class_uid')!r} is not a class orgscan uses"]
    errors = []

    def same(attr, want):
        if attr in event and event[attr] != want:
            errors.append(f"{attr} {event[attr]!r}, expected {want!r}")

    same("class_name", cls["class_name"])
    same("category_name", cls["category_name"])
    for id_attr, name_attr in [
        ("activity_id", "activity_name"),
        ("severity_id", "severity"),
        ("status_id", "status"),
        ("type_uid", "type_name"),
    ]:
        caption = cls["enums"][id_attr].get(str(event.get(id_attr)))
        if caption is not None and name_attr in event:
            same(name_attr, caption)
    if event.get("type_uid") != event.get("class_uid", 0) * 100 + event.get("activity_id", 0):
        errors.append(f"type_uid {event.get('type_uid')!r} is not class_uid * 100 + activity_id")
    compliance = event.get("compliance") or {}
    caption = captions["objects"]["compliance"]["status_id"].get(str(compliance.get("status_id")))
    if caption is not None and "status" in compliance and compliance["status"] != caption:
        errors.append(f"compliance.status {compliance['status']!r}, expected {caption!r}")
    return errors


bad = 0
events = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, list):
        print(f"{path}: not a JSON array of events")
        bad += 1
        continue
    for i, event in enumerate(doc):
        events += 1
        validator = validators.get(event.get("class_uid") if isinstance(event, dict) else None)
        if validator is None:
            print(f"{path}: [{i}]: class_uid {event.get('class_uid')!r} is not a class orgscan uses")
            bad += 1
            continue
        for e in validator.iter_errors(event):
            bad += 1
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: [{i}]/{where}: {e.message[:300]}")
        for message in caption_errors(event):
            bad += 1
            print(f"{path}: [{i}]: {message}")
print(f"{len(files)} file(s), {events} event(s) checked, {bad} error(s)")
sys.exit(1 if bad else 0)
