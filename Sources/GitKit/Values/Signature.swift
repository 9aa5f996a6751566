import Clibgit2
import Foundation

/// An author or committer: name, email and the instant with its UTC offset.
public struct Signature: Sendable, Equatable {
    public let name: String
    public let email: String
    public let date: Date
    /// Offset from UTC in minutes, as recorded in the commit.
    public let offsetMinutes: Int

    public init(name: String, email: String, date: Date, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.date = date
        self.offsetMinutes = offsetMinutes
    }

    init(_ pointer: UnsafePointer<git_signature>) {
        let sig = pointer.pointee
        name = sig.name.map { String(decoding: Data(bytes: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        email = sig.email.map { String(decoding: Data(bytes: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        date = Date(timeIntervalSince1970: TimeInterval(sig.when.time))
        offsetMinutes = Int(sig.when.offset)
    }

    /// `2024-10-08T11:00:00-07:00`, the instant in the signature's own zone.
    public var iso8601: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
