#!/bin/sh
# make dist: the self-contained Linux release, dist/relkit-<version>-linux-<arch>.tar.gz and its .sha256
# (on macOS: dist/relkit-<version>-macos-<arch>.tar.gz, linked with Homebrew's libgit2).
# libgit2 and what it needs are linked statically from Debian's own -dev archives
# (scripts/static-libgit2.sh), the Swift runtime and Foundation with --static-swift-stdlib; only the
# C library (with libm, libstdc++, libgcc_s) and GSSAPI with its Kerberos libraries stay shared.
# The archive holds the stripped binary, relkit.1, the bash, zsh and fish completions, LICENSE
# (when the repository has one) and a short README.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch="$root/.build-dist"
binary=$(sh scripts/release-build.sh)
if [ "$(uname)" = Darwin ]; then platform=macos; else platform=linux; fi
[ "$platform" = macos ] || sh scripts/check-self-contained.sh "$binary"
version=$("$binary" --version)
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
name="relkit-$version-$platform-$arch"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/completions"
cp "$binary" "$stage/$name/relkit"
strip "$stage/$name/relkit"
swift build --product generate-manual >/dev/null
"$(swift build --show-bin-path)/generate-manual" "$binary" --output-directory "$stage/$name" >/dev/null
"$binary" --generate-completion-script bash > "$stage/$name/completions/relkit.bash"
"$binary" --generate-completion-script zsh > "$stage/$name/completions/_relkit"
"$binary" --generate-completion-script fish > "$stage/$name/completions/relkit.fish"
if [ "$platform" = macos ]; then
  needs="It needs Homebrew's libgit2 (brew install libgit2) and git."
else
  needs="It needs only the C library and libgssapi-krb5-2 (present on GitHub's runners and most desktops;
a minimal Debian needs: apt-get install libgssapi-krb5-2), plus git itself. libgit2, libssh2,
mbedTLS, PCRE2, zlib and the Swift runtime are inside the binary."
fi
if [ -f LICENSE ]; then
  cp LICENSE "$stage/$name/LICENSE"
else
  echo "warning: the repository has no LICENSE file yet; the archive has none" >&2
fi
cat > "$stage/$name/README" <<EOF
relkit $version for $platform ($arch): a release-branch tool for git repositories (https://github.com/fleetdm/relkit).

Install: copy relkit onto your PATH (e.g. /usr/local/bin), relkit.1 into a man1 directory, and the
completions where your shell reads them (bash: /usr/share/bash-completion/completions/relkit,
zsh: a directory on \$fpath as _relkit, fish: ~/.config/fish/completions/relkit.fish).

$needs

Start with: relkit --help, and relkit status in a clone.
EOF
mkdir -p dist
tar -C "$stage" -czf "dist/$name.tar.gz" "$name"
(cd dist && { command -v sha256sum >/dev/null && sha256sum "$name.tar.gz" || shasum -a 256 "$name.tar.gz"; } > "$name.tar.gz.sha256")
size=$(wc -c < "$stage/$name/relkit")
echo "dist/$name.tar.gz ($(wc -c < "dist/$name.tar.gz") bytes; the binary $size bytes, stripped)"
echo "dist/$name.tar.gz.sha256: $(cut -d' ' -f1 "dist/$name.tar.gz.sha256")"
