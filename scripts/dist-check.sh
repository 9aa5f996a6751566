#!/bin/sh
# make dist-check: proves the release archive (make dist) is self-contained.
# - its SHA-256 matches its .sha256;
# - `ldd` lists only the C library, the C++ runtime and GSSAPI with its Kerberos libraries;
# - in a minimal Debian root (debootstrap --variant=minbase --include=libgssapi-krb5-2: no Swift,
#   no libgit2, no compiler), the binary runs `relkit --version`, `relkit pending` and
#   `relkit hook pre-push` on a fixture repository;
# - its size and start-up time (`relkit --version`, median of 30) against the dynamic release build
#   (libgit2 shared; built here), measured in the same run.
# Needs root (debootstrap, chroot) and Debian's package mirror. The root is kept in .build-dist/minbase.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
archive=$(ls -t dist/relkit-*-linux-*.tar.gz | head -n 1)
(cd dist && sha256sum -c "$(basename "$archive").sha256" >/dev/null) || { echo "error: $archive does not match its .sha256" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
  umount "$base/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
tar -C "$work" -xzf "$archive"
binary=$(ls "$work"/relkit-*/relkit)
sh scripts/check-self-contained.sh "$binary"

base="$root/.build-dist/minbase"
if [ ! -f "$base/.relkit-minbase" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  rm -rf "$base"
  echo "making a minimal Debian root in $base (debootstrap --variant=minbase --include=libgssapi-krb5-2) ..."
  debootstrap --variant=minbase --include=libgssapi-krb5-2 bookworm "$base" http://deb.debian.org/debian >/dev/null
  touch "$base/.relkit-minbase"
fi
for absent in swift swiftc cc gcc clang git; do
  if chroot "$base" sh -c "command -v $absent" >/dev/null 2>&1; then echo "error: the minimal root has $absent" >&2; exit 1; fi
done
if ls "$base"/usr/lib/*/libgit2* "$base"/usr/lib/*/libssh2* "$base"/usr/lib/*/libmbed* >/dev/null 2>&1; then
  echo "error: the minimal root has libgit2, libssh2 or mbedTLS" >&2; exit 1
fi
cp "$binary" "$base/usr/local/bin/relkit"
rm -rf "$base/fixture"
Fixtures/fleet-repo.sh "$work/fixture" >/dev/null
# A pick of a labelled fix onto the candidate (made here, by the archive's binary): the push the hook judges.
fix=$(git -C "$work/fixture/work" rev-parse "origin/main^{/Fix hosts page empty state}")
(cd "$work/fixture/work" && GIT_COMMITTER_NAME=relkit GIT_COMMITTER_EMAIL=relkit@localhost "$binary" pick "$fix" >/dev/null)
picked=$(git -C "$work/fixture/work" rev-parse "cherry-pick-$(echo "$fix" | cut -c1-7)-to-minor-fleet-v4.58.0")
cp -a "$work/fixture" "$base/fixture"
mount -t proc proc "$base/proc"
run() {
  printf '$ %s\n' "$*"
  chroot "$base" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root sh -c "$*"
}
run relkit --version
run "cd /fixture/work && relkit pending --limit 3"
rc=$(git -C "$work/fixture/work" rev-parse origin/minor-fleet-v4.58.0)
set +e
run "cd /fixture/work && echo 'refs/heads/pick $picked refs/heads/minor-fleet-v4.58.0 $rc' | RELKIT_NOW=2024-10-10T12:00:00-07:00 relkit hook pre-push origin /fixture/origin.git"
status=$?
set -e
# The pick of a labelled fix in the candidate phase: allowed (exit 0).
[ "$status" -eq 0 ] || { echo "error: the pre-push hook exited $status in the minimal root" >&2; exit 1; }
echo "pre-push hook: exit 0 (allowed)"

# Size and start-up against the dynamic build (libgit2 and the rest shared), in the same run.
# (make release is now the self-contained build itself; the dynamic one is built here for the comparison.)
swift build -c release --static-swift-stdlib --product relkit >/dev/null
dynamic="$(swift build -c release --static-swift-stdlib --show-bin-path)/relkit"
python3 - "$binary" "$dynamic" <<'PY'
import os, statistics, subprocess, sys, time
for label, path in (("self-contained (make dist)", sys.argv[1]), ("dynamic libgit2", sys.argv[2])):
    times = []
    for _ in range(30):
        started = time.perf_counter()
        subprocess.run([path, "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    print("%-28s %6.1f MB  relkit --version: median %.1f ms" % (label, os.path.getsize(path) / 1e6, statistics.median(times) * 1000))
PY
