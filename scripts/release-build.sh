#!/bin/sh
# The release build, one for make release, make install, make bench and make dist (issue 28: release
# builds are linked statically). On Linux libgit2 and what it needs come statically from Debian's own
# -dev archives (scripts/static-libgit2.sh) and the Swift runtime with --static-swift-stdlib; on macOS
# Homebrew's libgit2 with the system's Swift runtime. Built in .build-dist; prints the binary's path.
#   scripts/release-build.sh          build, then print the path
#   scripts/release-build.sh --path   print the path only
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch="$root/.build-dist"
if [ "${1:-}" != "--path" ]; then
  if [ "$(uname)" = Darwin ]; then
    swift build -c release --scratch-path "$scratch" --product relkit >&2
  else
    sh scripts/static-libgit2.sh "$scratch/static-libgit2" >/dev/null
    RELKIT_STATIC_LIBGIT2=1 PKG_CONFIG_PATH="$scratch/static-libgit2/pkgconfig" \
      swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product relkit >&2
  fi
fi
echo "$(swift build -c release --scratch-path "$scratch" --show-bin-path)/relkit"
