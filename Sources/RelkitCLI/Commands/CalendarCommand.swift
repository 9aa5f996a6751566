import ArgumentParser
import Foundation
import GitKit
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct CalendarCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Show the upcoming releases: candidate cut, deep freeze and release instants.",
            discussion: """
            From `release.schedule` (and `release.cadence`) in .relkit.yml: each release still to \
            come at the clock (--now), with its instants in the configured zone and in UTC. With \
            no schedule, the active candidate's release is inferred from where its branch left \
            the trunk (the nearest cut weekday and time, then the next release weekday), and \
            said so. \
            Daylight-saving changes are accounted for: local times stay local, the deep freeze \
            is elapsed hours before the release.

            Examples:
              relkit calendar
              relkit calendar --ics releases.ics     a file calendar applications import
              relkit calendar --now 2024-10-01T00:00:00-07:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Also write the releases as an iCalendar (RFC 5545) file.", valueName: "file"))
        var ics: String?

        /// Twenty years of weekly releases: more is a typo, and would take minutes and gigabytes.
        static let maximumCount = 1000

        @Option(help: ArgumentHelp("How many releases to show (1 to \(maximumCount)).", valueName: "n"))
        var count: Int = 4

        func validate() throws {
            if count < 1 || count > Self.maximumCount {
                throw ValidationError("--count must be from 1 to \(Self.maximumCount)")
            }
        }

        func run() throws {
            let now = global.clock
            let upcoming = try UpcomingReleases.find(path: global.path, configFile: global.configFile, now: now, count: count)
            let config = upcoming.configuration, windows = upcoming.windows
            if let ics {
                let text = ICalendar.document(windows, product: config.release.name, stamp: now)
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: ics))
                } catch {
                    throw RelkitError.usage("cannot write \(ics): \(error.localizedDescription)")
                }
            }
            let renderer = CalendarRenderer(windows: windows, zone: config.timezone, scheduled: upcoming.scheduled)
            if global.json {
                try Output.json(renderer.json)
            } else {
                Output.line(renderer.text)
                if let ics { Output.line("\nWrote \(windows.count * 3) events to \(ics).") }
            }
        }
    }
}
