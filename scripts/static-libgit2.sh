#!/bin/sh
# Writes, into DIR, what makes `swift build` link libgit2 and everything it needs statically, from
# Debian's own -dev archives (no vendored sources, no downloads):
#   DIR/pkgconfig/libgit2.pc  points SwiftPM's `-lgit2` at DIR (PKG_CONFIG_PATH=DIR/pkgconfig);
#   DIR/libgit2.so            a linker script (as glibc's own libc.so is) naming the archives.
# Only the C library and GSSAPI (no static archive exists for MIT Kerberos) stay shared.
#
#   scripts/static-libgit2.sh DIR
set -eu
dir=${1:?usage: static-libgit2.sh DIR}
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
lib=/usr/lib/$arch
archives=""
# libgit2 1.5 as Debian builds it: mbedTLS, http-parser, libssh2 (on OpenSSL's libcrypto), PCRE2, zlib.
for name in git2:libgit2-dev mbedtls:libmbedtls-dev mbedx509:libmbedtls-dev mbedcrypto:libmbedtls-dev \
            http_parser:libhttp-parser-dev ssh2:libssh2-1-dev crypto:libssl-dev pcre2-8:libpcre2-dev z:zlib1g-dev; do
  archive="$lib/lib${name%%:*}.a"
  if [ ! -f "$archive" ]; then
    echo "error: $archive is missing: install ${name#*:} (its static archive links relkit's release build)" >&2
    exit 1
  fi
  archives="$archives $archive"
done
gssapi=$(ls "$lib"/libgssapi_krb5.so.* 2>/dev/null | head -n 1 || true)
if [ -z "$gssapi" ]; then
  echo "error: no libgssapi_krb5.so.2 in $lib: install libgssapi-krb5-2 (libgit2's Negotiate authentication links it)" >&2
  exit 1
fi
mkdir -p "$dir/pkgconfig"
cat > "$dir/libgit2.so" <<EOF
/* relkit's self-contained release (scripts/static-libgit2.sh): libgit2 and what it needs, static;
   GSSAPI shared (no static archive of MIT Kerberos exists). */
GROUP ($archives $gssapi -lrt -ldl -lpthread )
EOF
cat > "$dir/pkgconfig/libgit2.pc" <<EOF
libdir=$dir
Name: libgit2
Description: libgit2 and its dependencies, linked statically (relkit's release build)
Version: $(pkg-config --modversion libgit2 2>/dev/null || echo 1.5)
Libs: -L\${libdir} -lgit2
Cflags: $(pkg-config --cflags libgit2 2>/dev/null)
EOF
echo "$dir"
