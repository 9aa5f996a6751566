import Foundation

/// A progress line on stderr for a forge command that takes a while ("milestone: 40/100 issues"):
/// only when stderr is a terminal, and only once the work has run past two seconds; it rewrites
/// itself in place and is cleared at the end. Nothing in stdout or `--json` changes.
final class ProgressLine: @unchecked Sendable {
    private let started = Date()
    private let enabled: Bool
    private var shown = false
    private let lock = NSLock()

    init(enabled: Bool = isatty(2) == 1) {
        self.enabled = enabled
    }

    func show(_ text: String) {
        guard enabled, Date().timeIntervalSince(started) > 2 else { return }
        lock.withLock {
            shown = true
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        }
    }

    func finish() {
        lock.withLock {
            guard shown else { return }
            shown = false
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        }
    }
}
