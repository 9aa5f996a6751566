#ifndef RELKIT_LIBGIT2_STARTUP_H
#define RELKIT_LIBGIT2_STARTUP_H

/* Called by GitKit around git_libgit2_init() (weak references in Clibgit2/shim.h):
 * while between them, the interposers in startup.c load no CA bundle and start
 * libssh2 without its crypto. This target is linked only into the relkit
 * executable (and the tests that check it), never into the Relkit library. */
void relkit_startup_begin(void);
void relkit_startup_end(void);

/* 1 when the executable's own mbedtls_x509_crt_parse_file took libgit2's
 * call during the last start (so the bundle was skipped). */
int relkit_startup_skipped_certificates(void);

/* 1 when libgit2's libssh2_init() call during the last start went through the
 * executable's libssh2_init (so OpenSSL was left to start itself). */
int relkit_startup_deferred_ssh_crypto(void);

#endif
