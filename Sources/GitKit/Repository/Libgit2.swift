import Clibgit2

/// libgit2 is initialised once per process and never shut down (shutdown while
/// another thread still holds a handle is undefined behaviour).
enum Libgit2 {
    private static let initialised: Bool = {
        // In the relkit binary, git_libgit2_init without parsing the system CA bundle or starting
        // OpenSSL (Libgit2Startup/startup.c); elsewhere libgit2's own start.
        relkit_libgit2_init()
        // relkit's walks read each object about once, and GitKit caches what it
        // reuses itself; libgit2's object cache (256 MiB by default) only added
        // time and memory: measured 0.04 s and 22 MiB on the 50,000-commit benchmark.
        _ = relkit_git_enable_caching(0)
        // Like git, do not re-hash every object read (libgit2 does by default,
        // with collision-detecting SHA-1); `git fsck` is the tool that verifies.
        _ = relkit_git_enable_strict_hash_verification(0)
        _ = relkit_git_set_mwindow_mapped_limit(256 * 1024 * 1024)
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }

    /// Whether libgit2's start skipped parsing the CA bundle (true with a libgit2 built on mbedTLS).
    static var skippedCertificateBundle: Bool { relkit_libgit2_skipped_certificates() != 0 }

    /// Whether libgit2's start left OpenSSL to initialise itself on first use (true with libssh2).
    static var deferredSSHCrypto: Bool { relkit_libgit2_deferred_ssh_crypto() != 0 }
}
