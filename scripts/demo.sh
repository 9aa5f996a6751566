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
run relkit changes
run relkit changes --markdown
run relkit changes orbit --since orbit-v1.32.0 --limit 5

# Picking fixes into the release candidate, as the release engineer does.
export GIT_COMMITTER_NAME="Demo Release Engineer" GIT_COMMITTER_EMAIL="releng@fleet.example"
fix=$(cut -c1-7 "$demo/ui-fix-id")
conflicting=$(git rev-parse --short=7 "origin/main^{/Orbit: change 196}")
run relkit pending --limit 8
run relkit pick "$fix"
run git log --oneline -2 "cherry-pick-$fix-to-minor-fleet-v4.58.0"
run relkit pick --dry-run "$conflicting"
run relkit pick --markdown "$conflicting"
run git status --short --branch
echo
echo "Try it yourself: cd $demo/work && PATH=$bin:\$PATH relkit --help"
