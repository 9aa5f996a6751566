import Foundation

/// Forge responses kept on disk (under the git directory), keyed by URL and
/// revalidated with their ETag: a `304 Not Modified` costs no rate limit.
/// A write that fails (a full disk) is skipped: the cache only ever saves time.
public struct ResponseCache: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The URL, and for a POST (GraphQL) the request body too.
        public let key: String
        public let etag: String?
        public let link: String?
        public let body: Data
        /// 404 when the forge said it has no such thing (replayed as such offline); nil for 200.
        public var status: Int? = nil
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func entry(for key: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: file(for: key)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.key == key else { return nil }
        return entry
    }

    public func store(_ entry: Entry) {
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let path = file(for: entry.key)
        let temporary = path + ".\(getpid()).tmp"
        do {
            // Private to its owner: answers read with a token are the token's business.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
                return
            }
            // rename(2) is atomic: a concurrent run reads the old entry or the new one, never half of one.
            if rename(temporary, path) != 0 { unlink(temporary) }
        } catch {
            unlink(temporary)
        }
    }

    /// FNV-1a of the key (the entry repeats its key, so a collision is a miss, never a wrong answer).
    func file(for key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return directory + "/" + String(hash, radix: 16)
    }
}
