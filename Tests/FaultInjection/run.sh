#!/usr/bin/env bash
# Fault injection (`make faults`, and a test in `make test`): every command
# that writes is run once per file-system write it makes, with that one write
# failing (ENOSPC, then EACCES), on a fresh copy of the Fleet-like fixture.
# After each run, either the command completed exactly as it does without a
# fault, or it exited non-zero with one line of error and left refs, notes,
# the index, HEAD, the work tree and the hooks byte-identical to before, with
# no lock file behind. Prints one line per command; exits 1 on any violation.
#   Tests/FaultInjection/run.sh RELKIT_BINARY [FIXTURE_DIR]
#   FAULT_ONLY="label,hooks install" runs only the commands named (make test does).
set -uo pipefail
relkit=${1:?usage: run.sh RELKIT_BINARY [FIXTURE_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
library="$tmp/failwrite.so"
cc -shared -fPIC -O1 -o "$library" "$here/failwrite.c" -ldl || exit 2
fixture=${2:-}
if [ -z "$fixture" ]; then
  fixture="$tmp/fleet"
  "$here/../../Fixtures/fleet-repo.sh" "$fixture" >/dev/null || exit 2
fi
fix=$(cat "$fixture/ui-fix-id")
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Fault Author" GIT_AUTHOR_EMAIL=author@example.com
export GIT_COMMITTER_NAME="Rel Eng" GIT_COMMITTER_EMAIL=releng@example.com
export GIT_COMMITTER_DATE="1728500000 -0700" RELKIT_NOW=2024-10-10T12:00:00-07:00
printf 'exceptions:\n  em: [releng@example.com]\n' > "$tmp/approvers.yml"
conflicting=$(git -C "$fixture/work" rev-parse "origin/main^{/Orbit: change 196}")
# label and approve sign their notes commits with the user's key, as git would.
ssh-keygen -q -t ed25519 -N '' -C releng@example.com -f "$tmp/signing-key" || exit 2
copy() {   # copy DEST: a fresh copy of the fixture's work tree, with the signing setup
  rm -rf "$1" && cp -a "$fixture/work" "$1" && git -C "$1" config gpg.format ssh && git -C "$1" config user.signingKey "$tmp/signing-key"
}

# name | arguments (word-split)
scenarios=(
  "pick|pick $fix --branch faulted"
  "pick --checkout|pick $fix --branch faulted --checkout"
  "pick --checkout (conflict)|pick $conflicting --branch faulted --checkout"
  "rc cut|rc cut --now 2024-10-29T12:00:00-07:00"
  "label|label origin/main ~release-blocker"
  "approve|--config $tmp/approvers.yml approve origin/main --role em"
  "hooks install|hooks install"
)

# The state a command may change. `raw` compares the index byte for byte (a
# failed run must leave it so); `content` compares what it stages (a completed
# run's index also holds file times, which differ from run to run).
snapshot() {
  local work=$1 mode=$2
  ( cd "$work" || exit
    git for-each-ref --format='%(refname) %(objectname)'
    echo "HEAD: $(cat .git/HEAD)"
    if [ "$mode" = raw ]; then [ -f .git/index ] && sha1sum .git/index; else git ls-files -s; fi
    find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 -r sha1sum
    find .git/hooks -type f -print0 | sort -z | xargs -0 -r sha1sum
    for f in CHERRY_PICK_HEAD MERGE_MSG; do [ -f ".git/$f" ] && echo "$f: $(sha1sum < ".git/$f")"; done
    find .git -name '*.lock' | sed 's/^/lock left: /'
  )
}

violations=0
total_points=0
printf '%-28s %7s %6s %s\n' command points runs outcome
for scenario in "${scenarios[@]}"; do
  name=${scenario%%|*}; args=${scenario#*|}
  if [ -n "${FAULT_ONLY:-}" ] && [[ ",$FAULT_ONLY," != *",$name,"* ]]; then continue; fi
  # The fault-free run: how many writes it makes, and the state it ends in.
  copy "$tmp/clean"
  rm -f "$tmp/count"
  (cd "$tmp/clean" && FAILWRITE_COUNT="$tmp/count" LD_PRELOAD="$library" "$relkit" $args >/dev/null 2>"$tmp/clean.err")
  clean_status=$?
  points=$(tail -1 "$tmp/count")
  expected=$(snapshot "$tmp/clean" content)
  before=$(snapshot "$fixture/work" raw)
  runs=0; held=0; completed=0; failed_cleanly=0
  for ((point = 1; point <= points; point++)); do
    for error in ENOSPC EACCES; do
      runs=$((runs + 1))
      copy "$tmp/run"
      (cd "$tmp/run" && FAILWRITE_AT=$point FAILWRITE_ERRNO=$error LD_PRELOAD="$library" "$relkit" $args >/dev/null 2>"$tmp/err")
      status=$?
      after=$(snapshot "$tmp/run" raw)
      after_content=$(snapshot "$tmp/run" content)
      errors=$(grep -c '^error: ' "$tmp/err")
      if [ "$status" -eq "$clean_status" ] && [ "$after_content" = "$expected" ]; then
        completed=$((completed + 1)); held=$((held + 1))
      elif [ "$status" -ne 0 ] && [ "$status" -ne "$clean_status" ] && [ "$after" = "$before" ] && [ "$errors" -eq 1 ]; then
        failed_cleanly=$((failed_cleanly + 1)); held=$((held + 1))
      else
        violations=$((violations + 1))
        echo "  VIOLATION: $name, write $point failing with $error: exit $status (clean: $clean_status)" >&2
        sed 's/^/    stderr: /' "$tmp/err" | head -5 >&2
        diff <(echo "$before") <(echo "$after") | head -8 | sed 's/^/    vs before: /' >&2
      fi
    done
  done
  total_points=$((total_points + points))
  printf '%-28s %7s %6s %s\n' "$name" "$points" "$runs" \
    "$held held ($completed completed, $failed_cleanly failed with one line and nothing changed)"
done
echo "faults: $total_points injection points, $violations violations"
[ "$violations" -eq 0 ]
