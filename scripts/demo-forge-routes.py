#!/usr/bin/env python3
"""Writes the routes the demo's local forge server answers (Tests/ForgeServer):
GitHub's recorded response shapes (Tests/ForgeFixtures, PyGithub's recordings)
with the demo's numbers, refs and labels. It is a stand-in for GitHub, not GitHub.

    demo-forge-routes.py OUT.json CANDIDATE_TIP FEATURE_HEAD PICK_HEAD FIX_COMMIT CONFLICTING_FIX [RELEASED_FIX TAG_COMMIT]

With RELEASED_FIX (a ~released bug fix merged later) and TAG_COMMIT (the commit of the latest release tag),
the routes of the release day's end are added: its picks to the candidate and a new patch branch, and the
milestone ritual. The server reads the file again when it changes.
"""
import copy, json, os, sys

out, candidate, feature, pick, fix, conflicting = sys.argv[1:7]
released, tag_commit = (sys.argv[7:9] + [None, None])[:2]
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ForgeFixtures", "pygithub")
recorded = lambda name: json.load(open(os.path.join(fixtures, name)))["response"]
recorded_label = json.load(open(os.path.join(fixtures, "..", "octokit", "labels.json")))[0]["response"][0]


def pull(number, title, base, base_sha, head, body="", merged=None, labels=(), author=None):
    p = copy.deepcopy(recorded("pull.json"))
    if author:
        p["user"] = dict(p["user"], login=author)
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
# relkit pick --pr's pull request for the host-count fix: opened by the login relkit writes as, from the branch it names.
host_branch = "cherry-pick-%s-to-%s" % (fix[:7], rc)
host_pick = pull(7003, "Cherry-pick #7000: Fix the host count", rc, candidate, pick, author="fleet-release-bot",
                 body="- `%s` Fix the host count: from #7000\n  - pick line: `(cherry picked from commit %s)`" % (fix, fix))
host_pick["head"] = dict(host_pick["head"], ref=host_branch)
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
    route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:%s&base=%s&per_page=100" % (host_branch, rc), []),
    # The same pick --pr again finds the pull request it opened, open, and reports it.
    route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:%s&base=%s&per_page=100" % (host_branch, rc), [host_pick]),
    route("POST", "/repos/fleetdm/fleet/pulls", host_pick, status=201),
    route("POST", "/repos/fleetdm/fleet/issues/7003/assignees", host_pick, status=201),
    # The repository's labels, as Fleet spells them (octokit's recorded label shape): every label write uses these.
    route("GET", "/repos/fleetdm/fleet/labels", [dict(recorded_label, id=2000 + i, name=name) for i, name in enumerate(
        ["bug", "story", "~release blocker", "~unreleased bug", "~released bug", "~pushed", ":release"])]),
    route("POST", "/repos/fleetdm/fleet/issues/7003/labels", [{"name": "~release blocker"}]),
    route("PATCH", "/repos/fleetdm/fleet/issues/7003", pull(7003, "Cherry-pick #7000: Fix the host count", rc, candidate, pick)),
    # relkit autopick: the open pull requests into the candidate (#7003 names the host-count fix in its description),
    # the conflicting fix's pull request #7004 (labelled bug), no pick branch for it yet, and its comments.
    route("GET", "/repos/fleetdm/fleet/pulls?state=open&base=%s&per_page=100" % rc, [host_pick]),
    route("GET", "/repos/fleetdm/fleet/commits/%s/pulls" % conflicting,
          [pull(7004, "Fix the new host page", "main", conflicting, conflicting, merged=conflicting, labels=["bug"])]),
    route("GET", "/repos/fleetdm/fleet/pulls?state=all&head=fleetdm:cherry-pick-%s-to-%s&base=%s&per_page=100"
          % (conflicting[:7], rc, rc), []),
    route("GET", "/repos/fleetdm/fleet/issues/7004/comments", []),
    route("POST", "/repos/fleetdm/fleet/issues/7004/comments",
          dict(recorded("issue-comment.json"), html_url="https://github.com/fleetdm/fleet/pull/7004#issuecomment-1"), status=201),
]
if released:
    patch = "rc-patch-fleet-v4.57.4"
    source = pull(7005, "Fix the CSV export", "main", released, released, merged=released, author="csv-fixer",
                  labels=["bug", "~released-bug"])
    source["milestone"] = dict(source.get("milestone") or {}, number=9, title="4.58.0")
    to_rc = pull(7006, "Cherry-pick #7005: Fix the CSV export", rc, candidate, released)
    to_patch = pull(7007, "Cherry-pick #7005: Fix the CSV export", patch, tag_commit, released)
    routes += [
        route("GET", "/repos/fleetdm/fleet/commits/%s/pulls" % released, [source]),
        route("POST", "/graphql", {"data": {"repository": {"p7005": {
            "closingIssuesReferences": {"nodes": []}, "timelineItems": {"nodes": []}}}}}, match_body="p7005: pullRequest"),
        route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:cherry-pick-%s-to-%s&base=%s&per_page=100"
              % (released[:7], rc, rc), []),
        route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:cherry-pick-%s-to-%s&base=%s&per_page=100"
              % (released[:7], patch, patch), []),
    ]
    # Before the host-count pick's answer, which matches any body.
    routes[:0] = [route("POST", "/repos/fleetdm/fleet/pulls", to_patch, status=201, match_body=patch),
                  route("POST", "/repos/fleetdm/fleet/pulls", to_rc, status=201,
                        match_body="cherry-pick-%s-to-%s" % (released[:7], rc))]
    for number, made in ((7006, to_rc), (7007, to_patch)):
        routes += [route("POST", "/repos/fleetdm/fleet/issues/%d/labels" % number, [{"name": "bug"}, {"name": "~released bug"}]),
                   route("PATCH", "/repos/fleetdm/fleet/issues/%d" % number, made),
                   route("POST", "/repos/fleetdm/fleet/issues/%d/assignees" % number, made, status=201)]
    # The milestone ritual after 4.58.0 ships (PyGithub's recorded milestone; GitHub's documented variable answer).
    def milestone(number, title, state="open"):
        return dict(recorded("milestone.json"), number=number, title=title, state=state,
                    html_url="https://github.com/fleetdm/fleet/milestone/%d" % number)
    issue = dict(recorded("issue.json"), number=7100, title="Story: saved queries in the UI", labels=[],
                 html_url="https://github.com/fleetdm/fleet/issues/7100")
    issue.pop("pull_request", None)
    routes += [
        route("GET", "/repos/fleetdm/fleet/milestones", [milestone(9, "4.58.0-tentative")]),
        route("PATCH", "/repos/fleetdm/fleet/milestones/9", milestone(9, "4.58.0")),
        route("POST", "/repos/fleetdm/fleet/milestones", milestone(10, "4.59.0-tentative"), status=201),
        route("GET", "/repos/fleetdm/fleet/issues", [issue]),
        route("POST", "/repos/fleetdm/fleet/issues/7100/labels", [{"name": "~pushed"}]),
        route("PATCH", "/repos/fleetdm/fleet/issues/7100", issue),
        route("GET", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG",
              {"name": "QAWOLF_DEPLOY_TAG", "value": rc, "created_at": "2024-10-08T18:00:00Z", "updated_at": "2024-10-08T18:00:00Z"}),
        route("PATCH", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG", "", status=204),
    ]
json.dump(routes, open(out, "w"), indent=1)
