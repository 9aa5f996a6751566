import Foundation
import Testing
@testable import ReleasePolicy

struct LocalTimeTests {
    /// The hand-written parser agrees with Foundation's on what both accept.
    @Test(arguments: ["2024-10-08T11:00:00-07:00", "2024-10-08T18:00:00Z", "2025-03-09T02:30:00+05:30", "1970-01-01T00:00:00Z",
                      "2000-02-29T23:59:59-12:00", "2099-12-31T00:00:00+14:00", "1969-07-20T20:17:40Z"])
    func agreesWithFoundation(text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        #expect(LocalTime.parseInstant(text) == formatter.date(from: text))
    }

    @Test func fractionsAndRefusals() {
        #expect(LocalTime.parseInstant("2024-10-08T18:00:00.250Z")?.timeIntervalSince1970 == 1_728_410_400.25)
        for bad in ["", "2024-10-08", "2024-10-08 11:00:00-07:00", "2024-10-08T11:00:00", "2024-13-01T00:00:00Z",
                    "2023-02-29T00:00:00Z", "2024-10-08T25:00:00Z", "2024-10-08T11:00:00-0700", "2024-10-08T11:00:00Zx"] {
            #expect(LocalTime.parseInstant(bad) == nil, "\(bad)")
        }
    }
}
