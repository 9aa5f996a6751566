#!/usr/bin/env bash
# Builds a deterministic Fleet-like repository with the real git:
#   DEST/work       a clone with a work tree, `origin` pointing at DEST/origin.git
#   DEST/origin.git the bare repository acting as origin
# Same commit ids on every run: fixed authors, dates, contents; user and system
# git configuration are ignored. Usage: Fixtures/fleet-repo.sh DEST
set -euo pipefail
dest=${1:?usage: fleet-repo.sh DEST}
[ -e "$dest/work" ] && { echo "fleet-repo.sh: $dest/work exists" >&2; exit 1; }
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$dest" LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git_() { git -c init.defaultBranch=main -c commit.gpgsign=false -c tag.gpgsign=false -c core.autocrlf=false \
           -c advice.detachedHead=false -c user.useConfigOnly=false "$@"; }

clock=1717243200   # 2024-06-01T12:00:00Z; each commit one hour later
tick() {
  clock=$((clock + 3600))
  export GIT_AUTHOR_DATE="$clock -0700" GIT_COMMITTER_DATE="$clock -0700"
}
authors=("Ana Lopez:ana@fleet.example" "Ben Okafor:ben@fleet.example" "Chen Wei:chen@fleet.example" "Dara Singh:dara@fleet.example")
as_author() {
  local entry=${authors[$(($1 % ${#authors[@]}))]}
  export GIT_AUTHOR_NAME=${entry%%:*} GIT_AUTHOR_EMAIL=${entry#*:}
  export GIT_COMMITTER_NAME="Fleet Bot" GIT_COMMITTER_EMAIL="bot@fleet.example"
}

pr=21000
commit_all() {   # commit_all SUBJECT [BODY]: commits the staged and tracked changes
  tick; as_author "$pr"
  if [ $# -gt 1 ]; then git_ commit -q -a -m "$1" -m "$2"; else git_ commit -q -a -m "$1"; fi
}

# The areas ordinary work touches, in rotation.
update_runner=orbit/pkg/update/runner.go
area_file() {
  case $(($1 % 10)) in
    0) echo orbit/cmd/orbit/main.go ;;       1) echo server/service/hosts.go ;;
    2) echo frontend/pages/hosts.tsx ;;      3) echo ee/fleetd-chrome/src/background.ts ;;
    4) echo server/datastore/mysql.go ;;     5) echo orbit/cmd/desktop/desktop.go ;;
    6) echo "$update_runner" ;;              7) echo frontend/components/Button.tsx ;;
    8) echo server/fleet/app.go ;;           9) echo orbit/pkg/token/token.go ;;
  esac
}
area_name() {
  case $1 in
    orbit/cmd/desktop/*) echo "Desktop" ;; orbit/*) echo "Orbit" ;; ee/fleetd-chrome/*) echo "fleetd-chrome" ;;
    server/*) echo "Server" ;; frontend/*) echo "UI" ;; *) echo "Repo" ;;
  esac
}
step=0
work() {   # work N: N ordinary squash-merged commits, each with a changes/ fragment
  local n=$1 i file
  for ((i = 0; i < n; i++)); do
    step=$((step + 1)); pr=$((pr + 1))
    file=$(area_file "$step")
    mkdir -p "$(dirname "$file")"
    echo "// change $step" >> "$file"
    printf -- '- %s change %d\n' "$(area_name "$file")" "$step" > "changes/$pr-change-$step"
    git_ add -A
    commit_all "$(area_name "$file"): change $step (#$pr)"
  done
}
fix() {   # fix FILE WORDS LABEL: a bug fix on the current branch, labelled by a `Label:` trailer
  # (the trunk's review passed it); its id goes to $fixed
  # (not printed: a $(fix …) subshell would lose the PR counter, and PR numbers must be unique)
  pr=$((pr + 1)); step=$((step + 1))
  echo "// fix: $2" >> "$1"
  commit_all "Fix $2 (#$pr)" "Label: $3" >/dev/null
  fixed=$(git_ rev-parse HEAD)
}

work_dir=$dest/work
git_ init -q "$work_dir"
cd "$work_dir"

# --- the initial import -------------------------------------------------------
mkdir -p orbit/cmd/orbit orbit/cmd/desktop orbit/pkg/update orbit/pkg/token orbit/changes \
         ee/fleetd-chrome/src server/service server/datastore server/fleet frontend/pages frontend/components \
         changes .github/workflows
# Fixes go to files that ordinary work never touches, so their picks apply cleanly.
for f in orbit/cmd/orbit/main.go orbit/cmd/desktop/desktop.go orbit/pkg/update/runner.go orbit/pkg/token/token.go \
         server/service/hosts.go server/datastore/mysql.go server/fleet/app.go \
         server/service/pagination.go server/service/sso.go server/datastore/hosts_insert.go \
         orbit/pkg/token/refresh.go; do
  printf 'package %s\n' "$(basename "$(dirname "$f")")" > "$f"
done
printf 'export function main() {}\n' > ee/fleetd-chrome/src/background.ts
printf 'export function startup() {}\n' > ee/fleetd-chrome/src/startup.ts
printf 'export const EmptyState = () => null;\n' > frontend/pages/empty_state.tsx
printf '{ "name": "fleetd-chrome", "version": "1.2.0" }\n' > ee/fleetd-chrome/package.json
printf 'export const Hosts = () => null;\n' > frontend/pages/hosts.tsx
printf 'export const Button = () => null;\n' > frontend/components/Button.tsx
printf 'module github.com/fleetdm/fleet/v4\n\ngo 1.23.4\n\nrequire github.com/macadmins/osquery-extension v1.2.3\n' > go.mod
printf 'env:\n  OSQUERY_VERSION: 5.14.1\n' > .github/workflows/generate-osqueryd-targets.yml
printf '# Fleet\n' > README.md
touch changes/.keep orbit/changes/.keep
cat > .relkit.yml <<'YML'
# relkit configuration for this fixture: Fleet's defaults plus a schedule.
release:
  schedule:
    - { version: 4.58.0, date: 2024-10-14 }
    - { version: 4.59.0, date: 2024-11-04 }
YML
git_ add -A
commit_all "Initial import (#$pr)"
work 30

# --- 4.56: an annotated release tag, a lightweight orbit tag, a merged feature branch
tick; git_ tag -a fleet-v4.56.0 -m "Fleet 4.56.0"
git_ tag orbit-v1.32.0
git_ switch -q -c feature-sso
work 3
git_ switch -q main
work 2
tick; as_author 1
git_ merge -q --no-ff feature-sso -m "Merge pull request #$((pr + 1)) from fleetdm/feature-sso"
pr=$((pr + 1))
work 60

# a patch release of 4.56 on its patch branch, picked with -x
fix server/service/pagination.go "host list pagination" "~released-bug"; hosts_fix=$fixed
git_ switch -q -c patch-fleet-v4.56.1 fleet-v4.56.0
tick; git_ cherry-pick -x "$hosts_fix" >/dev/null
git_ tag fleet-v4.56.1
git_ switch -q main

# --- 4.57 and the fleetd tags --------------------------------------------------
work 20
tick; git_ tag -a fleetd-chrome-v1.2.0 -m "fleetd-chrome 1.2.0"
work 10
tick; git_ tag -a fleet-v4.57.0 -m "Fleet 4.57.0"
# a rename inside Orbit
tick; as_author 2; pr=$((pr + 1))
git_ mv orbit/pkg/update/runner.go orbit/pkg/update/update_runner.go
update_runner=orbit/pkg/update/update_runner.go
git_ commit -q -m "Orbit: rename the update runner (#$pr)"
work 20
tick; git_ tag -a orbit-v1.33.0 -m "Orbit 1.33.0"

# patch releases 4.57.1 (lightweight) and 4.57.2 (annotated) on one patch branch
fix server/service/sso.go "SSO cookie" "~released-bug"; sso_fix=$fixed
fix server/datastore/hosts_insert.go "deadlock on host insert" "~released-bug"; mysql_fix=$fixed
git_ switch -q -c patch-fleet-v4.57.1 fleet-v4.57.0
tick; git_ cherry-pick -x "$sso_fix" >/dev/null
git_ tag fleet-v4.57.1
tick; git_ cherry-pick -x "$mysql_fix" >/dev/null
tick; git_ tag -a fleet-v4.57.2 -m "Fleet 4.57.2"
git_ switch -q main

# commit messages that are not UTF-8: one declares ISO-8859-1, one does not
tick; as_author 3; pr=$((pr + 1))
echo "// caf\xe9" >> orbit/cmd/orbit/main.go
printf 'Orbit: r\xe9sum\xe9 des journaux (#%d)\n' "$pr" > "$dest/latin1-message"
git_ -c i18n.commitEncoding=ISO-8859-1 commit -q -a -F "$dest/latin1-message"
# git commit would re-encode invalid bytes as Latin-1, so write this commit object by hand.
tick; pr=$((pr + 1))
echo "// bytes" >> orbit/pkg/token/token.go
git_ add -A
raw=$(printf 'tree %s\nparent %s\nauthor %s <%s> %s\ncommitter Fleet Bot <bot@fleet.example> %s\n\nOrbit: token \xff\xfe cleanup (#%d)\n' \
        "$(git_ write-tree)" "$(git_ rev-parse HEAD)" "$GIT_AUTHOR_NAME" "$GIT_AUTHOR_EMAIL" "$GIT_AUTHOR_DATE" \
        "$GIT_COMMITTER_DATE" "$pr" | git_ hash-object -t commit -w --stdin)
git_ update-ref HEAD "$raw"
rm -f "$dest/latin1-message"

work 30
tick; git_ tag -a fleetd-chrome-v1.3.0-beta -m "fleetd-chrome 1.3.0 beta"
# a tag on a tree, which must be skipped with a warning
git_ tag orbit-v1.31.9 "main^{tree}"

# --- the 4.58.0 release candidate ------------------------------------------------
git_ branch minor-fleet-v4.58.0 main
work 25
fix orbit/pkg/token/refresh.go "token refresh race" "~unreleased-bug"; token_fix=$fixed
work 5
fix ee/fleetd-chrome/src/startup.ts "extension crash on startup" "~unreleased-bug"; chrome_fix=$fixed
work 5
fix frontend/pages/empty_state.tsx "hosts page empty state" "bug"; ui_fix=$fixed
work 10
# a second feature branch with Orbit work, merged without fast-forward
git_ switch -q -c feature-orbit-logs
work 4
git_ switch -q main
tick; as_author 2
git_ merge -q --no-ff feature-orbit-logs -m "Merge pull request #$((pr + 1)) from fleetdm/feature-orbit-logs"
pr=$((pr + 1))
work 20

# picks into the RC: one with -x, one without (same patch, new id)
git_ switch -q minor-fleet-v4.58.0
tick; git_ cherry-pick -x "$token_fix" >/dev/null
tick; git_ cherry-pick "$chrome_fix" >/dev/null
git_ switch -q main
work 5

# a patch release in flight on patch-fleet-v4.57.3: a fix from main picked with -x and a
# hotfix made on the branch itself; the RC has neither yet
fix server/service/pagination.go "page size limit" "~released-bug"; config_fix=$fixed
git_ switch -q -c patch-fleet-v4.57.3 fleet-v4.57.2
tick; git_ cherry-pick -x "$config_fix" >/dev/null
pr=$((pr + 1)); step=$((step + 1))
echo "// hotfix: SSO redirect" >> server/service/sso.go
commit_all "Hotfix SSO redirect loop (#$pr)"
git_ switch -q main
work 25

# --- origin: a bare clone with every branch and tag ------------------------------
git_ clone -q --bare "$work_dir" "$dest/origin.git"
git_ remote add origin "$dest/origin.git"
git_ fetch -q origin
git_ branch -q --set-upstream-to=origin/main main
git_ -C "$dest/origin.git" symbolic-ref HEAD refs/heads/main
git_ remote set-head origin main >/dev/null
echo "$ui_fix" > "$dest/ui-fix-id"
echo "$config_fix" > "$dest/config-fix-id"
