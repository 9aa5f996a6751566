#!/bin/sh
# make demo: builds the Fleet-like demo repository with Fixtures/ and runs
# relkit's main job on it, showing each command as a user would type it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(swift build --package-path "$root" --show-bin-path)
demo="$root/.build-demo"
rm -rf "$demo"
echo "Building the demo repository (Fixtures/fleet-repo.sh) in $demo ..."
"$root/Fixtures/fleet-repo.sh" "$demo" >/dev/null
cd "$demo/work"
export PATH="$bin:$PATH"
run() {
  printf '\n$ %s\n' "$*"
  "$@" || true
}
run relkit status --now 2024-10-10T12:00:00-07:00
run relkit changes
run relkit changes --markdown
run relkit changes orbit --since orbit-v1.32.0 --limit 5

# Picking fixes into the release candidate, as the release engineer does.
export GIT_COMMITTER_NAME="Demo Release Engineer" GIT_COMMITTER_EMAIL="releng@fleet.example"
export GIT_AUTHOR_NAME="Demo Engineer" GIT_AUTHOR_EMAIL="engineer@fleet.example"
fix=$(cut -c1-7 "$demo/ui-fix-id")
conflicting=$(git rev-parse --short=7 "origin/main^{/Orbit: change 196}")
run relkit pending --limit 8
run relkit pick "$fix"
run git log --oneline -2 "cherry-pick-$fix-to-minor-fleet-v4.58.0"
run relkit pick --dry-run "$conflicting"
run relkit pick --markdown "$conflicting"
run git status --short --branch

# The push rules: the hook judges every ref of every push, at the clock RELKIT_NOW gives.
export RELKIT_NOW=2024-10-10T12:00:00-07:00   # 4.58.0's candidate phase
run relkit calendar --now 2024-10-01T00:00:00-07:00 --count 1
run relkit hooks install
git switch -q -c demo-feature origin/minor-fleet-v4.58.0
echo "// a feature" >> server/fleet/app.go
git commit -q -a -m "Add a feature to the release candidate (#40000)"
git switch -q main
run git push origin demo-feature:minor-fleet-v4.58.0
run git push origin "cherry-pick-$fix-to-minor-fleet-v4.58.0:minor-fleet-v4.58.0"

# What a gate trusts: labels count only when signed by someone the trunk allows.
# The trunk lists QA's ssh key in .github/allowed_signers and QA as the label giver.
mkdir -p "$demo/keys" .github
for who in qa mallory; do ssh-keygen -q -t ed25519 -N '' -C "$who@fleet.example" -f "$demo/keys/$who"; done
echo "qa@fleet.example namespaces=\"git\" $(cut -d' ' -f1,2 "$demo/keys/qa.pub")" > .github/allowed_signers
printf 'labels:\n  givers: [qa@fleet.example]\ntrust:\n  allowed_signers: .github/allowed_signers\n' >> .relkit.yml
git add .github/allowed_signers .relkit.yml && git commit -q -m "Trust QA's signed labels (#40001)"
run git push -q origin main
git config gpg.format ssh
export RELKIT_NOW=2024-10-13T20:00:00-07:00   # 4.58.0's deep freeze: only ~release-blocker / ~unreleased-bug fixes
blocker=$(cut -c1-7 "$demo/config-fix-id")
run relkit pick "$blocker"
echo "
# Its trunk commit is labelled ~released-bug (a trailer the trunk's review passed): not enough in the deep freeze."
run git push origin "cherry-pick-$blocker-to-minor-fleet-v4.58.0:minor-fleet-v4.58.0"
echo "
# Mallory, whose key the trunk does not list, labels the fix herself; the push is still refused:"
git config user.signingKey "$demo/keys/mallory"
GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mallory@fleet.example run relkit label "$blocker" "~release-blocker"
run git push origin "cherry-pick-$blocker-to-minor-fleet-v4.58.0:minor-fleet-v4.58.0" refs/notes/relkit
echo "
# QA, the label giver, signs the same label; now it counts:"
git config user.signingKey "$demo/keys/qa"
GIT_COMMITTER_NAME=QA GIT_COMMITTER_EMAIL=qa@fleet.example run relkit label "$blocker" "~release-blocker"
run git push origin "cherry-pick-$blocker-to-minor-fleet-v4.58.0:minor-fleet-v4.58.0" refs/notes/relkit
run git -c gpg.ssh.allowedSignersFile=.github/allowed_signers log -2 --format='%h %G? %GS %s' refs/notes/relkit --

# The release DRI's other checks.
run relkit deps --latest go=1.23.6 --latest go=1.24.1 --latest macadmins-extension=v1.2.3 --latest osquery=5.14.1
run relkit deploy-check fleetdm/fleet:main
run relkit milestone
echo "
# rc cut waits for 4.58.0 to ship (its tag fleet-v4.58.0); --force cuts beside it (a dry run here)."
run relkit rc cut --dry-run --now 2024-10-29T12:00:00-07:00
run relkit rc cut --dry-run --force --now 2024-10-29T12:00:00-07:00

# On GitHub: `relkit check --pr` is the required check on pull requests into release branches.
# Here a local server answers with GitHub's recorded response shapes (Tests/ForgeServer; not GitHub).
printf 'forge: { kind: github, repository: fleetdm/fleet }\n' >> .relkit.yml
git commit -q -am "Read labels and reviews from GitHub (#40002)" && git push -q origin main
echo 'package service' > server/service/host_count.go && git add server/service && git commit -q -m "Fix the host count (#7000)"
git push -q origin main
hostfix=$(git rev-parse HEAD)
relkit pick "$hostfix" --branch demo-host-fix >/dev/null
git push -q origin demo-host-fix demo-feature 2>/dev/null
# Feature work merged after the cut, then a fix of it: the fix cannot be picked without the feature.
echo 'const hostPage = "new host page"' >> server/fleet/app.go && git commit -q -am "Add the new host page (#40003)"
sed -i 's/"new host page"/"new host page, fixed"/' server/fleet/app.go && git commit -q -am "Fix the new host page (#7004)"
git push -q origin main
pagefix=$(git rev-parse HEAD)
python3 "$root/scripts/demo-forge-routes.py" "$demo/forge-routes.json" "$(git rev-parse origin/minor-fleet-v4.58.0)" \
  "$(git rev-parse demo-feature)" "$(git rev-parse demo-host-fix)" "$hostfix" "$pagefix"
: > "$demo/forge-requests.jsonl"
python3 "$root/Tests/ForgeServer/forge_server.py" "$demo/forge-routes.json" "$demo/forge-requests.jsonl" > "$demo/forge-port" &
forge_pid=$!
trap 'kill $forge_pid 2>/dev/null || true' EXIT
while [ ! -s "$demo/forge-port" ]; do sleep 0.1; done
export GITHUB_API_URL="http://127.0.0.1:$(cat "$demo/forge-port")" GH_TOKEN=demo-token-not-a-secret
echo "
# A feature pull request into the candidate during the deep freeze: rejected."
run relkit check --pr 7001
echo "
# The host-count fix: its issue #123 on GitHub carries ~release blocker (given by QA there), so its pick passes;
# --status sets the commit status relkit/release-gate on the pull request's head."
run relkit check --pr 7002 --status
echo "
# relkit pick --pr: the same fix picked again onto a branch of its own, pushed with your git, and its pull
# request opened into the candidate, carrying the source's release label."
git switch -q main
run relkit pick "$hostfix" --pr
echo "
# The same command again (a re-run, a retry): its branch holds this pick and its pull request is open, so both are
# reported and nothing is made twice; exit 0."
run relkit pick "$hostfix" --pr
echo "
# relkit autopick, the job CI runs on every push to main: every fix the candidate lacks gets a pull request, or
# its conflict report on its own pull request. The host-count fix already has #7003 (relkit's own); the host-page fix builds
# on feature work no release has, so it conflicts, and the report (once) goes to #7004 for its author."
run relkit autopick
echo "
# 4.57.3 ships (its tag on its patch branch). Then a ~released bug fix merges: it goes to the candidate and to the next
# patch release in one command. No patch branch exists for 4.57.4, so relkit cuts rc-patch-fleet-v4.57.4 from the tag
# (pushed with your git, through your hooks), then opens a pull request into each. The source's author is assigned, and
# its labels are written as the repository spells them (~released-bug on GitHub's issue becomes Fleet's ~released bug)."
git tag fleet-v4.57.3 origin/patch-fleet-v4.57.3 && git push -q origin fleet-v4.57.3 2>/dev/null
echo 'package export' > server/service/csv_export.go && git add server/service && git commit -q -m "Fix the CSV export (#7005)"
git push -q origin main 2>/dev/null
released=$(git rev-parse HEAD)
python3 "$root/scripts/demo-forge-routes.py" "$demo/forge-routes.json" "$(git rev-parse origin/minor-fleet-v4.58.0)" \
  "$(git rev-parse demo-feature)" "$(git rev-parse demo-host-fix)" "$hostfix" "$pagefix" "$released" "$(git rev-parse 'fleet-v4.57.3^{commit}')"
run relkit pick "$released" --patch --candidate --pr
run git ls-remote origin 'refs/heads/rc-patch-fleet-*' "refs/heads/cherry-pick-$(echo "$released" | cut -c1-7)-*"
echo "
# 4.58.0 ships. The milestone ritual: 4.58.0-tentative renamed 4.58.0, 4.59.0-tentative created, the unfinished
# story moved there (labelled ~pushed), 4.58.0 closed, QAWOLF_DEPLOY_TAG back to main, and the announcement."
git tag fleet-v4.58.0 origin/minor-fleet-v4.58.0 && git push -q origin fleet-v4.58.0 2>/dev/null
run relkit milestone --apply
echo "
# What relkit asked the forge (the server's log):"
python3 - "$demo/forge-requests.jsonl" <<'PY'
import collections, json, re, sys
requests = [json.loads(line) for line in open(sys.argv[1])]
counts = collections.Counter()
for r in requests:
    shape = re.sub(r"/[0-9a-f]{40}", "/{sha}", r["path"].split("?")[0])
    counts[(r["method"], shape)] += 1
for (method, shape), n in counts.items():
    print("  ", method, shape, "(%d times)" % n if n > 1 else "")
comment = next(r for r in requests if r["path"].endswith("/issues/7004/comments") and r["method"] == "POST")
print("\n# The comment autopick left on #7004:")
print("\n".join("   " + line for line in json.loads(comment["body"])["body"].splitlines()))
PY
kill $forge_pid 2>/dev/null || true
unset GITHUB_API_URL GH_TOKEN RELKIT_NOW

echo
echo "Try it yourself: cd $demo/work && PATH=$bin:\$PATH relkit --help"
