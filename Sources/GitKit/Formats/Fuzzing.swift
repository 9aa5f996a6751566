/// Entry points for `make fuzz` (Fuzz/): each hands bytes that a pusher or a
/// damaged repository controls to one of GitKit's own parsers, exactly as the
/// library does, and returns a number derived from the result so that nothing
/// is optimised away. Not for anything else: `@_spi(Fuzzing)`.
@_spi(Fuzzing)
public enum GitKitFuzzing {
    /// A raw commit object: its header as the walks read it.
    public static func commitObject(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            guard let parsed = try? ParsedCommitHeader(raw, wantEncoding: true) else { return 0 }
            let message = Array(bytes[min(parsed.messageStart, bytes.count)...])
            let (summary, pullRequest) = Commit.summary(ofRawMessage: message, encoding: parsed.encoding)
            return parsed.header.parents.count + summary.utf8.count + (pullRequest ?? 0) % 7
        }
    }

    /// A raw tree object: its entries, and git's tree order between neighbours.
    public static func treeObject(_ bytes: [UInt8]) -> Int {
        var total = 0
        var previous: (Range<Int>, Bool)?
        let problem = bytes.withUnsafeBytes { raw in
            ObjectReader.forEachEntry(in: raw) { names, entry in
                let isTree = entry.mode == 0o040000
                if let (before, wasTree) = previous {
                    total &+= treeOrder(bytes[before], wasTree, bytes[names], isTree)
                }
                previous = (names, isTree)
                total &+= names.count
                return false
            }
        }
        return total + (problem == nil ? 0 : 1)
    }

    /// A commit-graph file: every listed commit's header, as a walk asks for it, and its
    /// changed-path Bloom filter (BIDX/BDAT) asked about a file and a directory.
    public static func commitGraph(_ bytes: [UInt8]) -> Int {
        guard let graph = CommitGraph.parse(bytes: bytes) else { return 0 }
        var total = 0
        let keys = ChangedPathKeys(paths: ["orbit/cmd/desktop/main.go", "server/", "é/x"])
        for position in 0..<min(graph.commitCount, 4096) {
            guard let id = graph.listedID(at: position) else { continue }
            total &+= graph.header(of: id)?.parents.count ?? 1
            total &+= graph.certainlyUnchanged(id, at: keys) ? 1 : 0
        }
        return total
    }

    /// A `packed-refs` file: the names under refs/tags/ matching a release glob.
    public static func packedRefs(_ bytes: [UInt8]) -> Int {
        ReferenceNames.packedNames(bytes, under: "refs/").count
    }

    /// A commit message: text, summary and pull requests, trailers, git's UTF-8 repair.
    public static func commitMessage(_ bytes: [UInt8]) -> Int {
        let text = Commit.text(ofRawMessage: bytes, encoding: nil)
        let summary = Commit.summary(of: text)
        let trailers = Commit.parseTrailers(text)
        let repaired = CommitMessage.repairedAsGitDoes(bytes)
        return Commit.pullRequests(inSummary: summary).count + trailers.count + repaired.count
    }

    /// A commit object a pusher sends (a notes commit): its signature and signed
    /// data as relkit splits them for `ssh-keygen -Y verify`, and which kind it is.
    public static func signedCommit(_ bytes: [UInt8]) -> Int {
        guard let signature = bytes.withUnsafeBytes({ CommitSignature.parse(rawCommit: $0) }) else { return 0 }
        let blob = (try? ObjectID.blob(hashing: signature.signature))?.hex.utf8.first ?? 0
        return signature.signedData.count + signature.format.rawValue.utf8.count + Int(blob)
    }

    /// A revision argument, resolved as the commands resolve one.
    public static func revision(_ bytes: [UInt8], in repository: Repository) -> Int {
        (try? repository.resolveCommit(String(decoding: bytes, as: UTF8.self)))?.hex.utf8.first.map(Int.init) ?? 0
    }
}
