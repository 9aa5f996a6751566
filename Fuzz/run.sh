#!/bin/sh
# make fuzz: builds the libFuzzer binary (every Swift module instrumented,
# AddressSanitizer and LeakSanitizer on) and runs each target from its
# committed seeds (Fuzz/seeds/<target>) with a 1 s timeout per input.
#   Fuzz/run.sh            the full run: 10 million executions in all
#   Fuzz/run.sh --smoke N  N seconds per target (CI runs 30)
# Prints one line per target and a total; exits 1 on any crash, leak or hang,
# leaving the input that caused it in Fuzz/findings/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
smoke=""
if [ "${1:-}" = "--smoke" ]; then smoke=${2:-30}; fi
swift build -c release --package-path "$here" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >/dev/null
bin=$(swift build -c release --package-path "$here" --show-bin-path)/relkit-fuzz
# libgit2's `:/regex` revisions leak pcre2 match data inside libgit2 (not relkit's code);
# a command-line process exits right after, so the leak is suppressed here by library name.
export LSAN_OPTIONS="suppressions=$here/lsan-suppressions.txt:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
mkdir -p findings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Runs per target, in proportion to risk: what a pusher sends a server first.
targets="signed-commit:500000 ssh-signature:500000 hook-input:2000000 relkit-yml:1500000 commit-graph:1500000 commit-object:1000000 tree-object:1000000
packed-refs:1000000 message-lines:800000 commit-message:700000 revision:500000 forge-response:200000"
total=0
failed=0
printf '%-16s %12s %8s %s\n' target executions seconds outcome
for entry in $targets; do
  name=${entry%%:*}; runs=${entry#*:}
  max_len=4096
  [ "$name" = commit-graph ] && max_len=65536
  mkdir -p "$work/$name"
  if [ -n "$smoke" ]; then limit="-max_total_time=$smoke"; else limit="-runs=$runs"; fi
  start=$(date +%s)
  status=0
  # TMPDIR: the revision target's repository goes where this script cleans up (libFuzzer exits without atexit).
  TMPDIR="$work" RELKIT_FUZZ_TARGET=$name "$bin" "$work/$name" "seeds/$name" $limit -timeout=1 -rss_limit_mb=2048 \
    -max_len=$max_len -print_final_stats=1 -artifact_prefix="findings/$name-" >"$work/$name.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - start ))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
  executed=${executed:-0}
  total=$((total + executed))
  if [ "$status" -eq 0 ]; then
    outcome="no crash, leak or hang"
  else
    outcome="FAILED (exit $status): $(grep -m1 -E 'ERROR|SUMMARY|Timeout|deadly signal|out-of-memory' "$work/$name.log" || echo see log)"
    failed=1
    cp "$work/$name.log" "findings/$name.log"
  fi
  printf '%-16s %12s %8s %s\n' "$name" "$executed" "$seconds" "$outcome"
done
echo "fuzz: $total executions in all"
if [ "$failed" -ne 0 ]; then echo "fuzz: failures; inputs and logs are in $here/findings/"; exit 1; fi
echo "fuzz: $((total / 1000)) thousand executions, 0 failed"
