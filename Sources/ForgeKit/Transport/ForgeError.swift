import Foundation

/// A forge request that failed, in the user's terms: one line that says what to
/// do. It never holds the token: messages are built from fixed words, the
/// request's path and GitHub's own `message` field, which never echoes a credential.
public struct ForgeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case noToken, badToken, forbidden, notFound, rateLimited, unreachable, timedOut, graphQL,
             notCached, badResponse, unexpected, invalid
    }

    public let kind: Kind
    public let message: String
    /// The HTTP status of an answer that was not a success, when there was one.
    public var status: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
