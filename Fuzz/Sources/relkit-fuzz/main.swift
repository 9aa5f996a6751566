import Foundation
@_spi(Fuzzing) import ForgeKit
@_spi(Fuzzing) import GitKit
@_spi(Fuzzing) import Relkit
@_spi(Fuzzing) import SSHSig

/// The parsers a pusher or a damaged repository feeds, one per target name.
nonisolated(unsafe) let targets: [String: ([UInt8]) -> Int] = [
    "commit-object": GitKitFuzzing.commitObject,
    "tree-object": GitKitFuzzing.treeObject,
    "commit-graph": GitKitFuzzing.commitGraph,
    "packed-refs": GitKitFuzzing.packedRefs,
    "commit-message": GitKitFuzzing.commitMessage,
    "message-lines": RelkitFuzzing.messageLines,
    "hook-input": RelkitFuzzing.hookInput,
    "relkit-yml": RelkitFuzzing.configuration,
    "revision": { bytes in revisionRepository.map { GitKitFuzzing.revision(bytes, in: $0) } ?? 0 },
    "signed-commit": GitKitFuzzing.signedCommit,
    "forge-response": ForgeKitFuzzing.response,
    "ssh-signature": SSHSigFuzzing.signature,
]

nonisolated(unsafe) var selected: ([UInt8]) -> Int = { _ in 0 }
nonisolated(unsafe) var revisionRepository: Repository?
nonisolated(unsafe) var sink = 0

/// A small repository for the revision target: branches, tags, merges, a name with @ in it.
func makeRevisionRepository() -> Repository? {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relkit-fuzz-revisions-\(getpid())")
    let script = """
        set -e
        git init -q -b main "\(directory.path)" && cd "\(directory.path)"
        export GIT_AUTHOR_NAME=f GIT_AUTHOR_EMAIL=f@x GIT_COMMITTER_NAME=f GIT_COMMITTER_EMAIL=f@x
        for i in 1 2 3 4 5; do echo $i > f$i; git add f$i; git commit -qm "Change $i (#$i)"; done
        git tag fleet-v4.57.0 HEAD~2 && git tag -a -m t fleet-v4.58.0 HEAD && git branch minor-fleet-v4.58.0 HEAD~1
        git branch 'a@b' HEAD~3 && git switch -q -c side HEAD~2 && echo s > s && git add s && git commit -qm side
        git switch -q main && git merge -q --no-edit side && git update-ref refs/remotes/origin/main HEAD
        """
    // system(3), not Foundation's Process, whose bookkeeping LeakSanitizer would report.
    let quoted = "'" + script.replacingOccurrences(of: "'", with: "'\\''") + "'"
    guard system("/bin/sh -c \(quoted) >/dev/null 2>&1") == 0 else { return nil }
    atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.path + "/relkit-fuzz-revisions-\(getpid())") }
    return try? Repository.discover(from: directory.path)
}

/// libFuzzer's driver, called from our own main (SwiftPM names the executable's entry point itself).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

let name = ProcessInfo.processInfo.environment["RELKIT_FUZZ_TARGET"] ?? ""
guard let target = targets[name] else {
    FileHandle.standardError.write(Data("RELKIT_FUZZ_TARGET must be one of: \(targets.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}
if name == "revision" {
    revisionRepository = makeRevisionRepository()
    if revisionRepository == nil {
        FileHandle.standardError.write(Data("cannot make the revision target's repository\n".utf8))
        exit(2)
    }
}
selected = target

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv) { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    sink &+= selected(bytes)
    return 0
})
