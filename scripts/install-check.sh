#!/bin/sh
# make install-check: `make install` into a temporary prefix; the installed relkit runs,
# its man page renders (NAME and a command's section), the three completion scripts are
# installed, and `make uninstall` leaves nothing behind.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make -C "$root" --no-print-directory install PREFIX="$prefix" >/dev/null
fail() { echo "install-check: $*" >&2; exit 1; }
"$prefix/bin/relkit" --version >/dev/null || fail "the installed relkit does not run"
page=$(MANWIDTH=80 man -l "$prefix/share/man/man1/relkit.1" 2>/dev/null) || fail "man cannot render relkit.1"
printf '%s\n' "$page" | grep -q '^NAME' || fail "relkit.1 has no NAME section"
printf '%s\n' "$page" | grep -q 'autopick' || fail "relkit.1 does not describe autopick"
for file in share/bash-completion/completions/relkit share/zsh/site-functions/_relkit share/fish/vendor_completions.d/relkit.fish; do
  [ -s "$prefix/$file" ] || fail "$file is missing or empty"
done
grep -q 'doctor' "$prefix/share/bash-completion/completions/relkit" || fail "the bash completion lacks doctor"
make -C "$root" --no-print-directory uninstall PREFIX="$prefix" >/dev/null
left=$(find "$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || fail "make uninstall left $left files"
echo "install-check: relkit, relkit.1 ($(printf '%s\n' "$page" | wc -l) lines rendered), bash, zsh and fish completions installed and removed"
