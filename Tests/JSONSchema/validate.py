#!/usr/bin/env python3
"""validate.py SCHEMA DOCUMENT: validates a command's --json output against its
schema with PyPI's jsonschema (Draft 2020-12). Exit 0 when valid; 1 with each
error's path and message; 2 when the document is not JSON."""
import json, sys

import jsonschema

schema = json.load(open(sys.argv[1]))
try:
    document = json.load(open(sys.argv[2]))
except ValueError as error:
    print("not JSON: %s" % error)
    sys.exit(2)
validator = jsonschema.Draft202012Validator(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
for error in errors:
    print("/".join(str(p) for p in error.absolute_path) or "(root)", ":", error.message)
sys.exit(1 if errors else 0)
