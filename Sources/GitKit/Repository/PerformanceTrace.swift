#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `RELKIT_TRACE_PERFORMANCE=1` (like git's GIT_TRACE_PERFORMANCE) prints on
/// stderr how long each phase of a run took, and the time since main started. Off, a mark costs one load of a cached flag.
public enum PerformanceTrace {
    public static let enabled: Bool = {
        guard let value = getenv("RELKIT_TRACE_PERFORMANCE") else { return false }
        let text = String(cString: value)
        return !text.isEmpty && text != "0" && text != "false"
    }()

    /// The first mark's time: the trace measures from `start()` in main.
    private static let origin: Double = monotonic()
    nonisolated(unsafe) private static var last: Double = origin

    /// Starts the clock (call first thing in main).
    public static func start() {
        guard enabled else { return }
        _ = origin
    }

    private static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Prints the time spent since the previous mark under `phase`.
    public static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        let now = monotonic()
        let line = "relkit performance: \(format(now - last)) \(phase()) (at \(format(now - origin)))\n"
        last = now
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    private static func format(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10_000).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
