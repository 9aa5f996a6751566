#!/bin/sh
# Installs a released relkit binary, as the GitHub Action does (action.yml), verified before it runs:
# downloads relkit-<version>-<os>-<arch>.tar.gz and its .sha256 from the releases, checks the SHA-256,
# unpacks it into DEST and prints the binary's path (and, inside GitHub Actions, sets RELKIT_BIN).
# A missing asset or a checksum that does not match fails with one line, and nothing is installed.
#
#   RELKIT_VERSION=0.1.0 scripts/install-relkit.sh DEST
#
# RELKIT_RELEASES_URL   where the assets are: <url>/v<version>/<asset>
#                       (default https://github.com/fleetdm/relkit/releases/download)
# RUNNER_OS, RUNNER_ARCH  GitHub's names of the platform (Linux, macOS; X64, ARM64); else uname's.
set -eu
dest=${1:?usage: RELKIT_VERSION=X.Y.Z install-relkit.sh DEST}
version=${RELKIT_VERSION:?RELKIT_VERSION is not set}
version=${version#v}
base=${RELKIT_RELEASES_URL:-https://github.com/fleetdm/relkit/releases/download}
case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS|Darwin) os=macos ;;
  *) echo "error: relkit has no release for ${RUNNER_OS:-$(uname -s)}; build it from source (build: source)" >&2; exit 1 ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64|x86_64|amd64) arch=x86_64 ;;
  ARM64|arm64|aarch64) arch=arm64 ;;
  *) echo "error: relkit has no release for ${RUNNER_ARCH:-$(uname -m)}; build it from source (build: source)" >&2; exit 1 ;;
esac
asset="relkit-$version-$os-$arch.tar.gz"
url="$base/v$version/$asset"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {
  # -f: an HTTP error is a failure; the status is said in the one line.
  code=$(curl -sSL -o "$2" -w '%{http_code}' "$1" 2>"$work/curl.err") || true
  if [ "$code" != 200 ]; then
    reason=$( [ "$code" = 000 ] && head -n 1 "$work/curl.err" || echo "HTTP $code")
    echo "error: relkit $version has no $3 for $os-$arch at $1 ($reason); check the version, or build from source (build: source)" >&2
    exit 1
  fi
}
fetch "$url" "$work/$asset" "release asset"
fetch "$url.sha256" "$work/$asset.sha256" "checksum"
expected=$(cut -d' ' -f1 "$work/$asset.sha256")
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$asset" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$work/$asset" | cut -d' ' -f1)
fi
if [ "$expected" != "$actual" ]; then
  echo "error: $asset does not match its published SHA-256 (expected $expected, got $actual); nothing was installed" >&2
  exit 1
fi
mkdir -p "$dest"
tar -C "$work" -xzf "$work/$asset"
cp "$work/relkit-$version-$os-$arch/relkit" "$dest/relkit"
chmod 755 "$dest/relkit"
if [ -n "${GITHUB_ENV:-}" ]; then echo "RELKIT_BIN=$dest/relkit" >> "$GITHUB_ENV"; fi
echo "$dest/relkit"
