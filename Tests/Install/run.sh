#!/bin/sh
# scripts/install-relkit.sh (the Action's install step) against a local HTTP server (Python's
# http.server, not GitHub) serving a release laid out as GitHub serves assets (<base>/v<version>/<asset>):
# a good asset, a corrupted one (its .sha256 is another file's) and none. Each case's outcome and the
# requests the server logged are checked. Prints one line per case; exits non-zero on the first failure.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The releases: 0.1.0 good, 0.1.1 corrupted (its checksum is 0.1.0's), 0.1.2 missing.
release() {
  version=$1
  mkdir -p "$work/stage/relkit-$version-linux-x86_64" "$work/site/v$version"
  printf '#!/bin/sh\necho %s\n' "$version" > "$work/stage/relkit-$version-linux-x86_64/relkit"
  chmod 755 "$work/stage/relkit-$version-linux-x86_64/relkit"
  tar -C "$work/stage" -czf "$work/site/v$version/relkit-$version-linux-x86_64.tar.gz" "relkit-$version-linux-x86_64"
  (cd "$work/site/v$version" && sha256sum "relkit-$version-linux-x86_64.tar.gz" > "relkit-$version-linux-x86_64.tar.gz.sha256")
}
release 0.1.0
release 0.1.1
cut -d' ' -f1 "$work/site/v0.1.0/relkit-0.1.0-linux-x86_64.tar.gz.sha256" | sed 's/$/  relkit-0.1.1-linux-x86_64.tar.gz/' \
  > "$work/site/v0.1.1/relkit-0.1.1-linux-x86_64.tar.gz.sha256"

python3 -u - "$work/site" > "$work/port" 2> "$work/requests" <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
server=$!
while [ ! -s "$work/port" ]; do sleep 0.05; done
base="http://127.0.0.1:$(cat "$work/port")"
install() {
  RELKIT_VERSION=$1 RELKIT_RELEASES_URL=$base RUNNER_OS=Linux RUNNER_ARCH=X64 GITHUB_ENV="$work/github-env" \
    sh "$root/scripts/install-relkit.sh" "$work/bin-$1"
}

# A good asset: verified, installed, runs; RELKIT_BIN set for the next steps.
path=$(install v0.1.0) || fail "the good asset was refused"
[ "$path" = "$work/bin-v0.1.0/relkit" ] || fail "printed $path"
[ "$("$path")" = 0.1.0 ] || fail "the installed binary does not run"
grep -qx "RELKIT_BIN=$path" "$work/github-env" || fail "RELKIT_BIN was not set"
grep -q '"GET /v0.1.0/relkit-0.1.0-linux-x86_64.tar.gz HTTP/1.1" 200' "$work/requests" || fail "the asset was not requested"
grep -q '"GET /v0.1.0/relkit-0.1.0-linux-x86_64.tar.gz.sha256 HTTP/1.1" 200' "$work/requests" || fail "the checksum was not requested"
echo "good asset: installed and verified"

# A corrupted asset: one line, nothing installed.
if install 0.1.1 2> "$work/err"; then fail "a corrupted asset was installed"; fi
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "more than one line: $(cat "$work/err")"
grep -q "^error: relkit-0.1.1-linux-x86_64.tar.gz does not match its published SHA-256 (expected " "$work/err" || fail "$(cat "$work/err")"
[ ! -e "$work/bin-0.1.1/relkit" ] || fail "something was installed"
echo "corrupted asset: refused, one line"

# No asset (a 404): one line, nothing installed.
if install 0.1.2 2> "$work/err"; then fail "a missing asset did not fail"; fi
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "more than one line: $(cat "$work/err")"
grep -q "^error: relkit 0.1.2 has no release asset for linux-x86_64 at $base/v0.1.2/relkit-0.1.2-linux-x86_64.tar.gz (HTTP 404)" "$work/err" \
  || fail "$(cat "$work/err")"
[ ! -e "$work/bin-0.1.2/relkit" ] || fail "something was installed"
echo "missing asset: refused, one line"
