#!/usr/bin/env python3
"""Writes docs/schemas/<command>.schema.json: the JSON Schema (2020-12) of each
command's --json output, written from the contract in the README (keys in
snake_case, full ids under `sha`, booleans as booleans, absent values null; more
keys may be added, so objects allow others). Run it after changing a contract;
the tests validate every command's real output against these files with PyPI's
jsonschema (Tests/JSONSchema/validate.py)."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "docs", "schemas")

S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}
SHA = {"type": "string", "pattern": "^[0-9a-f]{40}$"}
INSTANT = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"}
VERSION = {"type": "string", "pattern": r"^\d+\.\d+\.\d+"}


def null(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def arr(items):
    return {"type": "array", "items": items}


def obj(required, optional=None):
    """An object with these keys required (each with its schema) and these optional; others allowed."""
    properties = dict(required)
    properties.update(optional or {})
    return {"type": "object", "required": sorted(required), "properties": properties}


def enum(*values):
    return {"enum": list(values)}


COMMIT = obj({"sha": SHA, "summary": S}, {"pr": null(I), "author": S})
schemas = {
    "status": obj({
        "now": INSTANT, "latest_release": null(VERSION), "latest_release_tag": null(S),
        "candidate": null(obj({"branch": S, "version": VERSION, "phase": S, "next_phase": null(S), "next_phase_at": null(INSTANT)},
                              {"sha": SHA, "ref": S})),
        "next_release": null(obj({"version": VERSION, "release": INSTANT}, {"candidate_cut": INSTANT, "date": DATE})),
        "pending_fixes": null(I), "unlabelled": null(I), "label_sources": null(S),
        "components": null(arr(obj({"name": S, "tag": null(S), "changed": B}))),
        "problems": arr(S),
    }),
    "changes": obj({
        "components": arr(obj({"name": S, "tag": null(S), "version": null(VERSION), "changed": B, "next_version": null(VERSION),
                               "files": arr(S), "commits": arr(COMMIT)},
                              {"title": S, "paths": arr(S), "qa_line": S, "tag_sha": null(SHA),
                               "file_changes": arr(obj({"path": S, "status": S}, {"old_path": null(S)}))})),
    }, {"trunk": obj({"ref": S, "sha": SHA}), "warnings": arr(S)}),
    "pick": obj({
        "dry_run": B, "branch": null(S),
        # The branch already held exactly these picks (an earlier run's): nothing new was created.
        "existing_branch": B,
        "results": arr(obj({"commit": SHA, "target": S, "status": enum("picked", "already-picked", "conflict", "not-on-trunk"),
                            "branch": null(S), "new_commit": null(SHA), "conflicts": arr(S)},
                           {"summary": S, "pr": null(I), "pr_from": null(S), "pr_url": null(S), "verdict": null(S)})),
        # One entry per target, in the order picked: the candidate, the patch release, each --onto branch.
        "targets": arr(obj({"requested": S, "target": null(S), "branch": null(S), "existing_branch": B,
                            "outcome": enum("done", "conflict", "refused", "error"), "error": null(S)},
                           {"target_ref": null(S), "cut_patch_branch": null(S),
                            "pull_request": null(obj({"number": I, "url": S, "reused": B}))})),
    }, {"pull_request": null(obj({"number": I, "url": S, "reused": B}))}),
    "pending": obj({
        "target": S, "merge_base": SHA,
        "pending": arr(obj({"sha": SHA, "summary": S, "pr": null(I), "applies_cleanly": null(B)}, {"labels": arr(S)})),
        "picked": arr(obj({"sha": SHA, "as": null(SHA), "how": S})),
        "missing_from_candidate": arr(obj({"sha": SHA, "summary": S, "on": S})),
    }, {"unlabelled": arr(COMMIT), "label_sources": S,
        # Onto a patch branch: lacking fixes not labelled for a patch (the candidate's only).
        "candidate_only": arr(COMMIT),
        # The release tag and patch branches whose commits the candidate was checked to have.
        "patch_sources": arr(S)}),
    "check": obj({
        "allowed": B,
        "updates": arr(obj({"ref": S, "old": S, "new": S, "phase": null(S), "allowed": B,
                            "commits": arr(obj({"sha": SHA, "allowed": B, "rule": null(S), "reason": S}, {"fix": null(S)}))})),
    }),
    "calendar": obj({"releases": arr(obj({"version": VERSION, "candidate_cut": INSTANT, "deep_freeze": INSTANT,
                                          "release": INSTANT}, {"date": DATE, "inferred": null(B)}))}),
    "deps": obj({
        "ref": S, "sha": SHA,
        "dependencies": arr(obj({"name": enum("go", "go-toolchain", "macadmins-extension", "osquery"), "current": VERSION,
                                 "latest": null(VERSION),
                                 "verdict": enum("current", "bug", "release-blocker", "story", "unknown"), "blocker": B},
                                {"file": S, "line": I})),
    }, {"sources": arr(S), "filed": null(arr(obj({"title": S, "number": null(I), "url": null(S), "existing": B}))),
        "forge_calls": null(arr(S))}),
    "rc-cut": obj({
        "version": VERSION, "branch": S, "at": SHA, "created": B,
        "qa_issue": obj({"title": S, "body": S}, {"number": null(I), "url": null(S)}),
        "fleetd_qa_issue": null(obj({"title": S, "body": S}, {"number": null(I), "url": null(S)})),
        "announcement": S,
    }, {"pushed": B, "deploy_variable": null(S), "warnings": arr(S), "forge_calls": null(arr(S)),
        # With --publish: the milestone the QA issues went on, and whom they were assigned to.
        "milestone": null(S), "assignees": arr(S)}),
    "rc-cut-check-partial": obj({
        "version": VERSION, "milestone": null(S), "checked": I,
        "partial": arr(obj({"number": I, "title": S, "url": S, "merged": arr(I), "open": arr(I)})),
    }),
    "milestone": obj({"current": S, "final": S, "next": S}),
    "milestone-apply": obj({
        "released": VERSION, "dry_run": B, "renamed": null(S), "created": null(S),
        "moved": arr(obj({"number": I, "title": S})), "already": arr(S), "calls": arr(S),
        # Issue 26, item 15: the released milestone closed, the deploy variable set back to the trunk, the announcement.
        "closed": null(S), "deploy_variable": null(obj({"name": S, "was": null(S)})), "announcement": S,
    }),
    "config": obj({"source": S, "explicit_keys": arr(S), "yaml": S}),
    "label": obj({"sha": SHA, "labels": arr(S), "notes_ref": S}),
    "approve": obj({"sha": SHA, "role": enum("em", "qa_lead", "release_dri"), "line": S, "notes_ref": S}),
    "deploy-check": obj({"image": S, "deployable": B, "reason": S, "version": null(VERSION), "commit": null(S), "tag": null(S)}),
    "hooks-install": obj({"hook": enum("pre-push", "pre-receive"), "path": S, "action": S}),
    "autopick": obj({
        "candidate": null(S), "failures": I,
        "items": arr(obj({"sha": SHA, "summary": S, "reason": S, "branch": S,
                          "status": enum("opened", "draft", "existing", "conflict", "already-picked", "would-pick",
                                         "would-conflict", "failed"),
                          "pull_request": null(I), "url": null(S), "error": null(S)},
                         # The branch its pull request goes into: the candidate, or with autopick.patch the patch branch.
                         {"into": S})),
    }),
    "doctor": obj({"ok": B, "checks": arr(obj({"name": S, "outcome": enum("ok", "fail", "info"), "detail": S,
                                                "fix": null(S)}))}),
}
schemas["hook"] = schemas["check"]

os.makedirs(OUT, exist_ok=True)
for name, schema in sorted(schemas.items()):
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://github.com/fleetdm/relkit/docs/schemas/%s.schema.json" % name,
                "title": "relkit %s --json" % name.replace("-check-partial", " --check-partial").replace("-apply", " --apply")
                         .replace("rc-cut", "rc cut").replace("hooks-install", "hooks install"),
                **schema}
    with open(os.path.join(OUT, name + ".schema.json"), "w") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")
print("wrote %d schemas to docs/schemas" % len(schemas))
