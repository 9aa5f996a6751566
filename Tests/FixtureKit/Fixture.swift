import Foundation

/// Builds the repositories tests run against with the real `git`, through the
/// scripts in `Fixtures/`. The Fleet fixture is built once per test process;
/// tests that change a repository work on their own copy.
public enum Fixture {
    /// The package's root directory (this file is Tests/FixtureKit/Fixture.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A directory that holds everything this test process builds.
    public static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("relkit-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Leave nothing behind in the temporary directory when the test process ends, without making the
        // run wait for it: a full run leaves gigabytes of small files (fixture copies), and deleting them
        // took over two minutes after the last test (Foundation's removeItem, and `rm -rf` alike). A
        // shell starts `rm -rf` in the background, its output closed, and returns at once.
        atexit {
            let words: [String] = ["/bin/sh", "-c", "rm -rf \"$0\" </dev/null >/dev/null 2>&1 &", Fixture.scratch.path]
            let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { arguments.forEach { free($0) } }
            var environment: [UnsafeMutablePointer<CChar>?] = [nil]
            var pid: pid_t = 0
            if posix_spawn(&pid, "/bin/sh", nil, nil, arguments, &environment) == 0 {
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
            } else {
                try? FileManager.default.removeItem(at: Fixture.scratch)
            }
        }
        return url
    }()

    /// The Fleet-like fixture: `fleet/work` (with `origin`) and `fleet/origin.git`.
    public static let fleet: URL = {
        let dest = scratch.appendingPathComponent("fleet")
        let result = Shell.run(packageRoot.appendingPathComponent("Fixtures/fleet-repo.sh").path, [dest.path])
        precondition(result.status == 0, "Fixtures/fleet-repo.sh failed: \(result.stderr)")
        return dest
    }()

    public static var fleetWork: URL { fleet.appendingPathComponent("work") }
    public static var fleetOrigin: URL { fleet.appendingPathComponent("origin.git") }

    /// A private copy of the Fleet fixture (work tree and origin) to change freely.
    public static func fleetCopy(_ name: String = #function) -> URL {
        let dest = temporaryDirectory(name)
        let result = Shell.run("/bin/cp", ["-a", fleet.path + "/.", dest.path])
        precondition(result.status == 0, "cp failed: \(result.stderr)")
        // The work tree's origin remote names the original bare repository; point it at the copy.
        _ = Shell.git(["remote", "set-url", "origin", dest.appendingPathComponent("origin.git").path],
                      in: dest.appendingPathComponent("work"))
        return dest
    }

    /// A fresh empty directory under the scratch directory.
    public static func temporaryDirectory(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = scratch.appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A repository shaped like a large real one (`Fixtures/real-shape-repo.py`:
    /// pull-request merges, release lines with backports, files that come and go), at a small size.
    public static func realShape(commits: Int, files: Int = 300, dirs: Int = 60, name: String = #function) -> URL {
        let dest = temporaryDirectory(name).appendingPathComponent("repo")
        let result = Shell.run("/usr/bin/env", ["python3", packageRoot.appendingPathComponent("Fixtures/real-shape-repo.py").path,
                                                "--commits", String(commits), "--files", String(files), "--dirs", String(dirs),
                                                dest.path])
        precondition(result.status == 0, "real-shape-repo.py failed: \(result.stderr)")
        return dest
    }

    /// A repository of `commits` commits from the benchmark generator (small sizes in tests).
    public static func generated(commits: Int, files: Int, name: String = #function) -> URL {
        let dest = temporaryDirectory(name).appendingPathComponent("repo")
        let result = Shell.run("/usr/bin/env", ["python3", packageRoot.appendingPathComponent("Fixtures/large-repo.py").path,
                                                "--commits", String(commits), "--files", String(files), dest.path])
        precondition(result.status == 0, "large-repo.py failed: \(result.stderr)")
        return dest
    }
}

/// Runs real programs and captures what a user would see.
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    }

    /// git's environment without the user's or system configuration, so tests see what CI sees.
    public static let gitEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("GIT_") { environment[key] = nil }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "Test Author"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.com"
        environment["GIT_COMMITTER_NAME"] = "Test Committer"
        environment["GIT_COMMITTER_EMAIL"] = "committer@example.com"
        environment["NO_COLOR"] = nil
        environment["RELKIT_NOW"] = nil
        // No forge but the one a test starts, and no token but the one it gives.
        for key in ["GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_GRAPHQL_URL", "GITHUB_STEP_SUMMARY",
                    "RELKIT_LIVE_GITHUB_TOKEN"] { environment[key] = nil }
        return environment
    }()

    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil, input: String? = nil) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = environment ?? gitEnvironment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        do {
            try process.run()
        } catch {
            return Result(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = Shell.readAll(err.fileHandleForReading)
            group.leave()
        }
        let outData = Shell.readAll(out.fileHandleForReading)
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A pipe read to its end; a read interrupted by a signal (EINTR) is retried, where
    /// Foundation's `readDataToEndOfFile` traps (seen under load).
    static func readAll(_ handle: FileHandle) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }

    @discardableResult
    public static func git(_ arguments: [String], in directory: URL) -> Result {
        run("/usr/bin/env", ["git"] + arguments, in: directory)
    }

    /// git's output, trimmed; fails the precondition when git fails (a broken test setup).
    @discardableResult
    public static func gitOutput(_ arguments: [String], in directory: URL) -> String {
        let result = git(arguments, in: directory)
        precondition(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The built `relkit` binary, run as a user runs it.
public enum RelkitBinary {
    public static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["RELKIT_BIN"] { return explicit }
        // The test bundle is built next to the products, in .build/<triple>/debug/.
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("relkit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return Fixture.packageRoot.appendingPathComponent(".build/debug/relkit").path
    }()

    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                           input: String? = nil) -> Shell.Result {
        var env = Shell.gitEnvironment
        env.merge(environment) { $1 }
        return Shell.run(path, arguments, in: directory, environment: env, input: input)
    }
}
