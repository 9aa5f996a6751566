import Foundation
import Testing
@testable import ReleasePolicy

struct LocalTimeTests {
    /// The quick writer gives DateFormatter's text, byte for byte, for each zone it takes,
    /// across DST changes, leap days, midnights and years from 1999 to 2040; other zones and
    /// patterns go to the formatter.
    @Test(arguments: LocalTime.quickZones.keys.sorted())
    func quickFormatIsTheFormattersText(zone identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        func formatter(_ pattern: String) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = pattern
            return formatter
        }
        let named = formatter("EEE yyyy-MM-dd HH:mm zzz"), plain = formatter("yyyy-MM-dd HH:mm")
        var generator = SystemRandomNumberGenerator()
        var instants: [Double] = [951_782_400, 1_710_054_000, 1_710_057_600, 1_730_613_600, 1_730_617_200, 0, 86_399, 86_400]
        for _ in 0..<3000 { instants.append(Double.random(in: 915_148_800...2_208_988_800, using: &generator).rounded()) }
        for seconds in instants where seconds >= 915_148_800 || seconds < 100_000 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(LocalTime.quickFormat(date, in: zone, "EEE yyyy-MM-dd HH:mm zzz") == named.string(from: date), "\(seconds)")
            #expect(LocalTime.quickFormat(date, in: zone, "yyyy-MM-dd HH:mm") == plain.string(from: date), "\(seconds)")
        }
        #expect(LocalTime.quickFormat(Date(), in: zone, "HH:mm") == nil)
        #expect(LocalTime.quickFormat(Date(), in: TimeZone(identifier: "Asia/Kolkata")!, "yyyy-MM-dd HH:mm") == nil)
    }

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
