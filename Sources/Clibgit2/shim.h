#ifndef RELKIT_CLIBGIT2_SHIM_H
#define RELKIT_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/index.h>
#include <git2/sys/hashsig.h>

/* git_libgit2_opts is variadic, which Swift cannot call; these wrap the options relkit sets. */
static inline int relkit_git_set_mwindow_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}
static inline int relkit_git_enable_caching(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}
static inline int relkit_git_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* libgit2's start, bracketed by the executable's start-up hooks (Sources/Libgit2Startup,
 * linked only into the relkit binary and the tests). Without them, as in a library user's
 * program, git_libgit2_init() runs as libgit2 ships it. The hooks are weak references, an
 * ELF feature; elsewhere (macOS) libgit2 starts as it ships, a documented no-op: the hooks
 * only save start-up time, and Homebrew's libgit2 uses neither mbedTLS nor libssh2's crypto. */
#if defined(__ELF__)
extern void relkit_startup_begin(void) __attribute__((weak));
extern void relkit_startup_end(void) __attribute__((weak));
extern int relkit_startup_skipped_certificates(void) __attribute__((weak));
extern int relkit_startup_deferred_ssh_crypto(void) __attribute__((weak));

static inline int relkit_libgit2_init(void) {
    if (relkit_startup_begin) relkit_startup_begin();
    int result = git_libgit2_init();
    if (relkit_startup_end) relkit_startup_end();
    return result;
}
static inline int relkit_libgit2_skipped_certificates(void) {
    return relkit_startup_skipped_certificates ? relkit_startup_skipped_certificates() : 0;
}
static inline int relkit_libgit2_deferred_ssh_crypto(void) {
    return relkit_startup_deferred_ssh_crypto ? relkit_startup_deferred_ssh_crypto() : 0;
}
#else
static inline int relkit_libgit2_init(void) { return git_libgit2_init(); }
static inline int relkit_libgit2_skipped_certificates(void) { return 0; }
static inline int relkit_libgit2_deferred_ssh_crypto(void) { return 0; }
#endif
#endif
