#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every built-in lesson validates against resources/scenario.schema.json, and the schema rejects what the
parser rejects for a kill without a target, a target on a caption and checks anywhere but on a caption (the schema and the parser agree)."""
import glob
import json
import sys

import jsonschema

root = sys.argv[1]
schema = json.load(open(f"{root}/resources/scenario.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failed = False
lessons = sorted(glob.glob(f"{root}/resources/lessons/*.json"))
if not lessons:
    print("no lessons found")
    sys.exit(1)
for path in lessons:
    for error in validator.iter_errors(json.load(open(path))):
        print(f"{path}: {error.json_path}: {error.message}")
        failed = True
for bad in (
    {"name": "x", "duration_s": 5, "timeline": [{"at_s": 1, "action": "kill_consumer"}]},
    {"name": "x", "duration_s": 5, "timeline": [{"at_s": 1, "caption": "a", "target": 2}]},
    {"name": "x", "duration_s": 5, "config": {"consumer": 2}},
    {"name": "x", "duration_s": 5, "expect": ["lost is zero"]},
    {"name": "x", "duration_s": 5, "timeline": [{"at_s": 1, "set": {"consumers": 2}, "check": ["lost == 0"]}]},
    {"name": "x", "duration_s": 5, "timeline": [{"at_s": 1, "caption": "a", "check": []}]},
    {"name": "x", "duration_s": 5, "timeline": [{"at_s": 1, "caption": "a", "check": ["lost is zero"]}]},
    {"name": "x", "duration_s": 5, "config": {"seed": 18446744073709551615}},
    {"name": "x", "duration_s": 5, "config": {"seed": " 42"}},
):
    if validator.is_valid(bad):
        print(f"the schema accepts what the parser rejects: {json.dumps(bad)}")
        failed = True
print(f"{len(lessons)} lessons checked")
sys.exit(1 if failed else 0)
