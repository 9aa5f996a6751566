import Foundation

/// A program git itself would run (`ssh-keygen`, `gpg`), started without a
/// shell: arguments are passed as they are, never interpreted.
struct ExternalTool {
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: Data
        /// It was still running at its deadline, and was killed.
        var timedOut = false

        /// The first line of stderr, for an error message.
        var complaint: String {
            let text = String(decoding: stderr, as: UTF8.self)
            return text.split(whereSeparator: \.isNewline).first.map { TerminalText.escaped(String($0)) } ?? "exit status \(status)"
        }
    }

    /// A started run; `wait` collects it. Several can run at once. Its input and
    /// outputs are private temporary files, so no pipe can fill and block it.
    final class Running {
        let pid: pid_t
        let stdout: URL
        let stderr: URL
        let cleanup: [URL]

        init(pid: pid_t, stdout: URL, stderr: URL, cleanup: [URL]) {
            self.pid = pid
            self.stdout = stdout
            self.stderr = stderr
            self.cleanup = cleanup
        }

        /// Collects the run; past `deadline` it is killed (SIGKILL) and comes back `timedOut`.
        func wait(until deadline: Date? = nil) -> Output {
            // try?: temporary files: best effort
            defer { for url in cleanup + [stdout, stderr] { try? FileManager.default.removeItem(at: url) } }
            var status: Int32 = 0
            if let deadline {
                // Polled, from 0.2 ms up to 5 ms between looks: a run of a few milliseconds is not slowed.
                var pause: useconds_t = 200
                while true {
                    let done = waitpid(pid, &status, WNOHANG)
                    if done == pid || (done < 0 && errno != EINTR) { break }
                    if Date() >= deadline {
                        kill(pid, SIGKILL)
                        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                        return Output(status: 128 + SIGKILL, stdout: Data(), stderr: Data(), timedOut: true)
                    }
                    usleep(pause)
                    pause = min(pause * 2, 5_000)
                }
            } else {
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
            // WIFEXITED / WEXITSTATUS, spelled out (the macros are not imported).
            let exited = status & 0x7f == 0
            let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return Output(status: code, stdout: FileManager.default.contents(atPath: stdout.path) ?? Data(),
                          stderr: FileManager.default.contents(atPath: stderr.path) ?? Data())
        }
    }

    let name: String

    /// The program's path from `PATH`, or nil when it is not installed.
    var path: String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts the program with `input` on stdin; `cleanup` files are removed once it is collected.
    /// posix_spawn directly: Foundation's Process cost about 15 ms a run here, the program itself 6.
    func start(_ arguments: [String], input: Data = Data(), cleanup: [URL] = []) throws(RelkitError) -> Running {
        guard let path else { throw .usage("\(name) is not installed (or not on PATH); relkit needs it as git does") }
        let inputFile = try TemporaryFile.write(input)
        let stdout = try TemporaryFile.write(Data()), stderr = try TemporaryFile.write(Data())
        // A struct on Linux, an opaque pointer (made by _init) on Darwin.
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile.path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        var list = argv + [nil]
        let result = list.withUnsafeMutableBufferPointer { list -> Int32 in
            guard let base = list.baseAddress else { return EINVAL }
            return posix_spawn(&pid, path, &actions, nil, base, Self.environment)
        }
        guard result == 0 else {
            // try?: temporary files: best effort
            for url in [inputFile, stdout, stderr] + cleanup { try? FileManager.default.removeItem(at: url) }
            throw .usage("cannot run \(name): \(String(cString: strerror(result)))")
        }
        return Running(pid: pid, stdout: stdout, stderr: stderr, cleanup: cleanup + [inputFile])
    }

    /// This process's environment, as the C library keeps it (the program inherits it).
    private static var environment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        #if canImport(Darwin)
        _NSGetEnviron().pointee
        #else
        environ
        #endif
    }

    func run(_ arguments: [String], input: Data = Data()) throws(RelkitError) -> Output {
        try start(arguments, input: input).wait()
    }
}

/// A private temporary file, removed by whoever collects the run that uses it.
enum TemporaryFile {
    static func write(_ data: Data, suffix: String = "") throws(RelkitError) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relkit-\(UUID().uuidString)\(suffix)")
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw .repository("cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)")
        }
        return url
    }
}
