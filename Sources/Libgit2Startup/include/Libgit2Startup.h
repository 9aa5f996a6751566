#ifndef RELKIT_LIBGIT2_STARTUP_H
#define RELKIT_LIBGIT2_STARTUP_H

/* git_libgit2_init() without loading the system's CA certificates.
 * Returns what git_libgit2_init() returns. */
int relkit_libgit2_init(void);

/* 1 when the executable's own mbedtls_x509_crt_parse_file took libgit2's
 * call during the last relkit_libgit2_init() (so the bundle was skipped). */
int relkit_libgit2_skipped_certificates(void);

/* 1 when libgit2's libssh2_init() call during the last relkit_libgit2_init()
 * went through the executable's libssh2_init (so OpenSSL was left to start itself). */
int relkit_libgit2_deferred_ssh_crypto(void);

#endif
