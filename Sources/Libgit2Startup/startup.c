/*
 * libgit2 (as Debian builds it, with mbedTLS) parses the whole system CA
 * bundle in git_libgit2_init(): about 3 ms of every relkit run, which is a
 * large share of a pre-push hook or a pick. relkit never opens a network
 * connection through libgit2 (pushes and fetches go through the user's git),
 * so it skips that one load: while relkit_libgit2_init() runs, the certificate
 * parsers below (defined in the executable, so the dynamic linker binds
 * libgit2's calls to them) load nothing. At any other time they pass the call
 * to mbedTLS unchanged. Were libgit2 ever asked for HTTPS, it would find no
 * trusted certificate and refuse the connection: it fails safe.
 *
 * A libgit2 built without mbedTLS never calls these; nothing changes then.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <git2.h>

#include "Libgit2Startup.h"

struct mbedtls_x509_crt;

static int initialising = 0;
static int skipped = 0;

typedef int (*parse_function)(struct mbedtls_x509_crt *, const char *);

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

int relkit_libgit2_init(void) {
    initialising = 1;
    int result = git_libgit2_init();
    initialising = 0;
    return result;
}

int relkit_libgit2_skipped_certificates(void) {
    return skipped;
}
