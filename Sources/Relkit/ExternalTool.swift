import Foundation

/// A program git itself would run (`ssh-keygen`, `gpg`), started without a
/// shell: arguments are passed as they are, never interpreted.
struct ExternalTool {
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: Data

        /// The first line of stderr, for an error message.
        var complaint: String {
            let text = String(decoding: stderr, as: UTF8.self)
            return text.split(whereSeparator: \.isNewline).first.map { TerminalText.escaped(String($0)) } ?? "exit status \(status)"
        }
    }

    /// A started run; `wait` collects it. Several can run at once.
    final class Running {
        let process: Process
        let stdout: FileHandle
        let stderr: FileHandle
        let cleanup: [URL]

        init(process: Process, stdout: FileHandle, stderr: FileHandle, cleanup: [URL]) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
            self.cleanup = cleanup
        }

        func wait() -> Output {
            defer { for url in cleanup { try? FileManager.default.removeItem(at: url) } }
            // Read both before waiting: a full pipe would otherwise block the program.
            let group = DispatchGroup()
            group.enter()
            let stderr = self.stderr
            let box = DataBox()
            DispatchQueue.global().async {
                box.data = stderr.readDataToEndOfFile()
                group.leave()
            }
            let out = stdout.readDataToEndOfFile()
            group.wait()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: out, stderr: box.data)
        }
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
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
    func start(_ arguments: [String], input: Data = Data(), cleanup: [URL] = []) throws(RelkitError) -> Running {
        guard let path else { throw .usage("\(name) is not installed (or not on PATH)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw .usage("cannot run \(name): \(error.localizedDescription)")
        }
        // Inputs are small (a commit object); a pipe's buffer holds them, so writing first cannot block for long.
        let writer = stdin.fileHandleForWriting
        DispatchQueue.global().async {
            try? writer.write(contentsOf: input)
            try? writer.close()
        }
        return Running(process: process, stdout: stdout.fileHandleForReading, stderr: stderr.fileHandleForReading,
                       cleanup: cleanup)
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
