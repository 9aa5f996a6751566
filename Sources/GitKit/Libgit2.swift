import Clibgit2

/// libgit2 is initialised once per process and never shut down (shutdown while
/// another thread still holds a handle is undefined behaviour).
enum Libgit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        // The object cache defaults to 256 MiB; relkit's walks touch each object
        // about once, so a small cache keeps peak memory low without costing time.
        _ = relkit_git_set_cache_max_size(32 * 1024 * 1024)
        _ = relkit_git_set_mwindow_mapped_limit(256 * 1024 * 1024)
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }
}
