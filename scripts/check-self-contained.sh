#!/bin/sh
# Checks that a relkit binary is self-contained: every shared library it needs is the C library's
# (libc, libm, libpthread, libdl, librt, the dynamic loader), the C++ runtime's (libstdc++,
# libgcc_s) or GSSAPI's with its Kerberos libraries. libgit2, libssh2, mbedTLS, http-parser,
# PCRE2, zlib, OpenSSL's libcrypto and the Swift runtime must be inside it.
#
#   scripts/check-self-contained.sh BINARY
set -eu
binary=${1:?usage: check-self-contained.sh BINARY}
[ -x "$binary" ] || { echo "error: no executable $binary" >&2; exit 1; }
listing=$(ldd "$binary") || { echo "error: ldd cannot read $binary" >&2; exit 1; }
needed=$(echo "$listing" | awk '{print $1}')
allowed='^(linux-vdso\.so\.1|linux-gate\.so\.1|/lib.*/ld-linux.*\.so\.[0-9]+|ld-linux.*\.so\.[0-9]+|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libgssapi_krb5\.so\.2|libkrb5\.so\.3|libk5crypto\.so\.3|libcom_err\.so\.2|libkrb5support\.so\.0|libkeyutils\.so\.1|libresolv\.so\.2)$'
bad=$(echo "$needed" | grep -v -E "$allowed" || true)
if [ -n "$bad" ]; then
  echo "error: $binary is not self-contained; it needs: $(echo $bad)" >&2
  exit 1
fi
echo "self-contained: $binary needs only $(echo $needed | tr ' ' '\n' | grep -v vdso | tr '\n' ' ')"
