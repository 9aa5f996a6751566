#!/usr/bin/env python3
"""Writes the routes the demo's local forge server answers (Tests/ForgeServer):
GitHub's recorded response shapes (Tests/ForgeFixtures, PyGithub's recordings)
with the demo's numbers, refs and labels. It is a stand-in for GitHub, not GitHub.

    demo-forge-routes.py OUT.json CANDIDATE_TIP FEATURE_HEAD PICK_HEAD FIX_COMMIT CONFLICTING_FIX
"""
import copy, json, os, sys

out, candidate, feature, pick, fix, conflicting = sys.argv[1:7]
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ForgeFixtures", "pygithub")
recorded = lambda name: json.load(open(os.path.join(fixtures, name)))["response"]


def pull(number, title, base, base_sha, head, body="", merged=None, labels=()):
    p = copy.deepcopy(recorded("pull.json"))
    label = (p.get("labels") or [{"name": "x"}])[0]
    p.update(number=number, title=title, body=body, state="closed" if merged else "open",
             html_url="https://github.com/fleetdm/fleet/pull/%d" % number,
             merged_at="2024-10-11T10:00:00Z" if merged else None, merge_commit_sha=merged,
             labels=[dict(label, name=n) for n in labels])
    p["base"] = dict(p["base"], ref=base, sha=base_sha)
    p["head"] = dict(p["head"], sha=head)
    return p


def route(method, path, response, status=200, **extra):
    return dict(method=method, path=path, status=status, response=response, headers={}, **extra)


rc = "minor-fleet-v4.58.0"
issue = {"number": 123, "title": "Host count is wrong after a restart", "url": "https://github.com/fleetdm/fleet/issues/123",
         "labels": {"nodes": [{"name": "bug"}, {"name": "~release blocker"}]}, "milestone": {"title": "4.58.0"},
         # Closed by #7000's merge (its ClosedEvent names the pull request): the only kind of named link that counts.
         "timelineItems": {"nodes": [{"closer": {"__typename": "PullRequest", "number": 7000}}]}}
routes = [
    route("GET", "/repos/fleetdm/fleet/pulls/7001", pull(7001, "Add a feature", rc, candidate, feature)),
    route("GET", "/repos/fleetdm/fleet/pulls/7002", pull(7002, "Cherry-pick #7000: Fix the host count", rc, candidate, pick)),
    route("GET", "/repos/fleetdm/fleet/pulls/7001/reviews", []),
    route("GET", "/repos/fleetdm/fleet/pulls/7002/reviews", []),
    route("GET", "/repos/fleetdm/fleet/commits/%s/pulls" % fix,
          [pull(7000, "Fix the host count", "main", fix, fix, body="Fixes #123", merged=fix)]),
    route("POST", "/graphql", {"data": {"repository": {"p7000": {
        "closingIssuesReferences": {"nodes": [issue]}, "timelineItems": {"nodes": []}}}}}, match_body="pullRequest(number"),
    # The login the token acts as (GraphQL viewer): only its own pull requests and comments count as relkit's.
    route("POST", "/graphql", {"data": {"viewer": {"login": "fleet-release-bot"}}}, match_body="viewer"),
    route("POST", "/repos/fleetdm/fleet/statuses/%s" % pick, {"state": "success", "context": "relkit/release-gate"}, status=201),
    route("POST", "/repos/fleetdm/fleet/statuses/%s" % feature, {"state": "failure", "context": "relkit/release-gate"}, status=201),
    # relkit pick --pr: no open pull request for the branch yet, then the one it opens, its labels and milestone
# (the recorded pull request carries a milestone, which the pick's pull request gets too).
    route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:demo-host-fix-pr&base=%s&per_page=100" % rc, []),
    route("POST", "/repos/fleetdm/fleet/pulls", pull(7003, "Cherry-pick #7000: Fix the host count", rc, candidate, pick), status=201),
    route("POST", "/repos/fleetdm/fleet/issues/7003/labels", [{"name": "~release blocker"}]),
    route("PATCH", "/repos/fleetdm/fleet/issues/7003", pull(7003, "Cherry-pick #7000: Fix the host count", rc, candidate, pick)),
    # relkit autopick: the open pull requests into the candidate (#7003 names the host-count fix in its description),
    # the conflicting fix's pull request #7004 (labelled bug), no pick branch for it yet, and its comments.
    route("GET", "/repos/fleetdm/fleet/pulls?state=open&base=%s&per_page=100" % rc,
          [pull(7003, "Cherry-pick #7000: Fix the host count", rc, candidate, pick,
                body="- `%s` Fix the host count: from #7000\n  - pick line: `(cherry picked from commit %s)`" % (fix, fix))]),
    route("GET", "/repos/fleetdm/fleet/commits/%s/pulls" % conflicting,
          [pull(7004, "Fix the new host page", "main", conflicting, conflicting, merged=conflicting, labels=["bug"])]),
    route("GET", "/repos/fleetdm/fleet/pulls?state=all&head=fleetdm:cherry-pick-%s-to-%s&base=%s&per_page=100"
          % (conflicting[:7], rc, rc), []),
    route("GET", "/repos/fleetdm/fleet/issues/7004/comments", []),
    route("POST", "/repos/fleetdm/fleet/issues/7004/comments",
          dict(recorded("issue-comment.json"), html_url="https://github.com/fleetdm/fleet/pull/7004#issuecomment-1"), status=201),
]
json.dump(routes, open(out, "w"), indent=1)
