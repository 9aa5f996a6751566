import Foundation

/// Where the forge token came from (never the token itself, which no output shows).
public enum TokenSource: Sendable, Equatable, CustomStringConvertible {
    case file(String), environment(String), ghCLI

    public var description: String {
        switch self {
        case .file(let path): "--token-file \(path)"
        case .environment(let name): name
        case .ghCLI: "`gh auth token`"
        }
    }
}

/// A forge token. `description` hides it, so that no interpolation can print it.
public struct ForgeToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public let source: TokenSource

    public init(_ value: String, source: TokenSource) {
        self.value = value
        self.source = source
    }

    public var description: String { "a token from \(source)" }
    public var debugDescription: String { description }

    /// The token, in this order: `--token-file`, `GH_TOKEN`, `GITHUB_TOKEN`,
    /// `gh auth token` when `gh` is installed; nil when there is none.
    public static func find(tokenFile: String?, environment: [String: String],
                            ghToken: () -> String? = ForgeToken.fromGhCLI) throws(ForgeError) -> ForgeToken? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ForgeError(.noToken, "cannot read the token file \(tokenFile); give a readable file holding the token")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isPlausible(value) else {
                throw ForgeError(.noToken, "the token file \(tokenFile) holds no token (one line, no spaces)")
            }
            return ForgeToken(value, source: .file(tokenFile))
        }
        for name in ["GH_TOKEN", "GITHUB_TOKEN"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                guard Self.isPlausible(value) else {
                    throw ForgeError(.noToken, "\(name) does not hold a token (one word, no spaces or control characters)")
                }
                return ForgeToken(value, source: .environment(name))
            }
        }
        if let value = ghToken(), Self.isPlausible(value) { return ForgeToken(value, source: .ghCLI) }
        return nil
    }

    /// One printable word: a token with a newline or a space would split the Authorization header.
    static func isPlausible(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count < 4096 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    /// `gh auth token`, when `gh` is on PATH and logged in.
    static let ghSeconds: Double = 10

    public static func fromGhCLI() -> String? { fromGhCLI(path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    static func fromGhCLI(path: String) -> String? {
        guard let gh = path.split(separator: ":").map({ "\($0)/gh" }).first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gh)
        process.arguments = ["auth", "token"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // `gh` may prompt, or hang on a keyring: it gets 10 s, then it is killed and no token comes from it.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + ghSeconds, execute: watchdog)
        let data = PipeReading.readAll(output.fileHandleForReading)
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Everything a pipe gives until its end. Foundation's `readDataToEndOfFile` traps when a
/// signal interrupts its read (EINTR, seen under load); this retries the read instead.
enum PipeReading {
    static func readAll(_ handle: FileHandle) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let descriptor = handle.fileDescriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }
}
