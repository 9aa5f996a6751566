import Foundation

/// GitHub's documented limits on how fast a client may go, and the waits they call for
/// ("Best practices for using the REST API", "Rate limits for the REST API"):
/// - content-creating requests (POST, PATCH, PUT, DELETE) at least one second apart, and at
///   most 80 a minute;
/// - a secondary rate limit (403 or 429) is waited out: `retry-after` when the answer has it,
///   else at least a minute, then longer (exponential backoff), within a bounded total.
///
/// `minute` is GitHub's minute in seconds: 60, or less in tests, where a local stand-in models
/// the limits on a shortened clock (`RELKIT_FORGE_MINUTE`); every wait scales with it.
public struct ForgePace: Sendable, Equatable {
    public var minute: Double
    /// Writes a minute at most.
    public var writesPerMinute: Int
    /// The longest the rate-limit waits of one run may take together, in minutes.
    public var totalWaitMinutes: Double

    public init(minute: Double = 60, writesPerMinute: Int = 80, totalWaitMinutes: Double = 15) {
        self.minute = minute
        self.writesPerMinute = writesPerMinute
        self.totalWaitMinutes = totalWaitMinutes
    }

    /// From the environment: `RELKIT_FORGE_MINUTE` (seconds, 0.01–60) shortens the minute for tests.
    public static func from(environment: [String: String]) -> ForgePace {
        var pace = ForgePace()
        if let text = environment["RELKIT_FORGE_MINUTE"], let seconds = Double(text), seconds >= 0.01, seconds <= 60 {
            pace.minute = seconds
        }
        return pace
    }

    /// At least a second between writes.
    public var writeGap: Double { minute / 60 }
    /// The first wait for a secondary limit that names none: a minute.
    public var secondaryWait: Double { minute }
    public var totalWait: Double { totalWaitMinutes * minute }
}

/// Spaces the writes of one client (one command) as `ForgePace` says, across its threads.
final class WriteScheduler: @unchecked Sendable {
    private let pace: ForgePace
    private let lock = NSLock()
    private var recent: [Date] = []
    private let sleep: @Sendable (Double) -> Void

    init(pace: ForgePace, sleep: @escaping @Sendable (Double) -> Void) {
        self.pace = pace
        self.sleep = sleep
    }

    /// Waits until the next write may go, and books it. Returns the seconds waited.
    @discardableResult
    func reserve(now: () -> Date = Date.init) -> Double {
        lock.lock()
        defer { lock.unlock() }
        let current = now()
        var slot = current
        if let last = recent.last { slot = max(slot, last.addingTimeInterval(pace.writeGap)) }
        // The writes of the minute before the slot: at most writesPerMinute, the slot included.
        recent.removeAll { slot.timeIntervalSince($0) >= pace.minute }
        if recent.count >= pace.writesPerMinute {
            slot = max(slot, recent[recent.count - pace.writesPerMinute].addingTimeInterval(pace.minute))
        }
        recent.append(slot)
        let wait = slot.timeIntervalSince(current)
        // Held under the lock: the other threads' writes queue behind this one, as they must.
        if wait > 0 { sleep(wait) }
        return max(0, wait)
    }
}
