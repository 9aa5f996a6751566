/*
 * git_libgit2_init() (as Debian builds libgit2, with mbedTLS and libssh2)
 * also prepares the network transports: it parses the whole system CA bundle
 * (about 3 ms) and has libssh2 initialise OpenSSL (about 0.7 ms). That is a
 * large share of a pre-push hook or a pick, and relkit never opens a network
 * connection through libgit2 (pushes and fetches go through the user's git).
 * So while GitKit's relkit_libgit2_init() runs (between the two hooks below,
 * which Clibgit2/shim.h declares weak), the functions below (defined in the
 * executable, so the dynamic linker binds libgit2's calls to them):
 *   - load no certificate: were libgit2 ever asked for HTTPS, it would find no
 *     trusted certificate and refuse the connection (it fails safe);
 *   - start libssh2 with its own LIBSSH2_INIT_NO_CRYPTO flag: OpenSSL then
 *     initialises itself on first use, as OpenSSL 1.1 and later do.
 * At any other time they pass every call through unchanged. A libgit2 built
 * without these libraries never calls them; nothing changes then.
 */
#include "Libgit2Startup.h"

/* Interposing a shared library's symbols from the executable is the ELF dynamic linker's
 * behaviour; on macOS (two-level namespaces) only the hooks below exist, doing nothing, and
 * libgit2 starts as it ships (Clibgit2/shim.h does not call them there either). */
#if defined(__ELF__)
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

struct mbedtls_x509_crt;

static int initialising = 0;
static int skipped = 0;
static int deferred_ssh_crypto = 0;

typedef int (*parse_function)(struct mbedtls_x509_crt *, const char *);

#if defined(RELKIT_WRAP_STARTUP)
/* The self-contained release build (make dist) links libgit2, mbedTLS and libssh2 statically:
 * there is no dynamic symbol to interpose, so the link wraps them instead (`-Wl,--wrap=NAME`
 * sends libgit2's calls to __wrap_NAME, and __real_NAME is the library's own). */
int __real_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *, const char *);
int __real_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *, const char *);
int __real_libssh2_init(int);

static int forward(parse_function real, struct mbedtls_x509_crt *chain, const char *location) {
    if (initialising) {
        skipped = 1;
        return 0;
    }
    return real(chain, location);
}

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    return forward(__real_mbedtls_x509_crt_parse_file, chain, path);
}

int __wrap_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path) {
    return forward(__real_mbedtls_x509_crt_parse_path, chain, path);
}

#define RELKIT_LIBSSH2_INIT_NO_CRYPTO 0x0001 /* LIBSSH2_INIT_NO_CRYPTO in libssh2.h */

int __wrap_libssh2_init(int flags) {
    if (initialising) {
        deferred_ssh_crypto = 1;
        flags |= RELKIT_LIBSSH2_INIT_NO_CRYPTO;
    }
    return __real_libssh2_init(flags);
}
#elif !defined(RELKIT_NO_INTERPOSE)
/* A static link without the wrap (only to measure it) has nothing here. */
static int forward(const char *name, struct mbedtls_x509_crt *chain, const char *location) {
    if (initialising) {
        skipped = 1;
        return 0;
    }
    parse_function real = (parse_function)dlsym(RTLD_NEXT, name);
    if (real == NULL)
        return -0x2880; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
    return real(chain, location);
}

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    return forward("mbedtls_x509_crt_parse_file", chain, path);
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path) {
    return forward("mbedtls_x509_crt_parse_path", chain, path);
}

#define RELKIT_LIBSSH2_INIT_NO_CRYPTO 0x0001 /* LIBSSH2_INIT_NO_CRYPTO in libssh2.h */

int libssh2_init(int flags) {
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "libssh2_init");
    if (real == NULL)
        return -1;
    if (initialising) {
        deferred_ssh_crypto = 1;
        flags |= RELKIT_LIBSSH2_INIT_NO_CRYPTO;
    }
    return real(flags);
}
#endif

#else
static int initialising = 0;
static int skipped = 0;
static int deferred_ssh_crypto = 0;
#endif

void relkit_startup_begin(void) {
    initialising = 1;
}

void relkit_startup_end(void) {
    initialising = 0;
}

int relkit_startup_skipped_certificates(void) {
    return skipped;
}

int relkit_startup_deferred_ssh_crypto(void) {
    return deferred_ssh_crypto;
}
