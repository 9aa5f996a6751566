import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GitKit
import ReleasePolicy

/// Installs relkit's hook shims where git runs them, chaining (never
/// overwriting) a hook that was there, and puts everything back on uninstall.
public struct HookInstaller {
    /// The mark that says a hook file is relkit's.
    static let marker = "# relkit-hook"

    /// The shim git runs: it execs relkit, after any hook it chained. relkit is `$RELKIT`, else the
    /// relkit that installed the hook (`installedBy`, an absolute path: GUI git clients often run hooks
    /// with a short PATH), else the one on PATH. Found nowhere: the server's hook refuses the push (it
    /// fails closed); a clone's hook warns and lets the push through (the server and the pull-request
    /// check still judge) unless `hooks.client_missing: block`.
    public static func shim(_ name: String, installedBy: String? = nil, clientMissing: HookSettings.ClientMissing = .warn) -> String {
        let blocks = name == "pre-receive" || clientMissing == .block
        let missing = blocks
            ? """
                echo "relkit: '$relkit' not found, so the release rules cannot be checked; install relkit or set RELKIT to its path" >&2
                exit 1
              """
            : """
                echo "relkit: warning: '$relkit' not found, so this clone did not check the release rules; the server and the pull request check still do (install relkit, or set RELKIT to its path)" >&2
                exit 0
              """
        return """
        #!/bin/sh
        \(marker): \(name). Installed by `relkit hooks install`; `relkit hooks install --uninstall` removes it.
        # Runs the hook that was here before (kept as \(name).relkit-chained), then relkit's release rules.
        input=$(cat)
        if [ -x "$0.relkit-chained" ]; then
          printf '%s\\n' "$input" | "$0.relkit-chained" "$@" || exit $?
        fi
        installed_by=\(quoted(installedBy ?? ""))
        relkit=${RELKIT:-}
        if [ -z "$relkit" ]; then
          if [ -n "$installed_by" ] && [ -x "$installed_by" ]; then relkit=$installed_by; else relkit=relkit; fi
        fi
        if ! command -v "$relkit" >/dev/null 2>&1; then
        \(missing)
        fi
        printf '%s\\n' "$input" | exec "$relkit" hook \(name) "$@"

        """
    }

    /// `text` as one single-quoted shell word.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    public struct Outcome: Sendable, Equatable {
        public let path: String
        public let action: String
    }

    let repository: Repository
    /// The relkit that installs (an absolute path), tried by the shim before PATH.
    let installedBy: String?
    let clientMissing: HookSettings.ClientMissing

    public init(repository: Repository, installedBy: String? = nil, clientMissing: HookSettings.ClientMissing = .warn) {
        self.repository = repository
        self.installedBy = installedBy
        self.clientMissing = clientMissing
    }

    func shim(_ name: String) -> String { HookInstaller.shim(name, installedBy: installedBy, clientMissing: clientMissing) }

    /// Where git runs hooks: `core.hooksPath` (relative to the work tree's top), else the common git directory.
    public func hooksDirectory() throws(RelkitError) -> String {
        let configured: String?
        do { configured = try repository.configString("core.hooksPath") } catch { throw .git(error) }
        if let configured, !configured.isEmpty {
            if configured.hasPrefix("/") { return configured }
            if configured.hasPrefix("~/") { return NSHomeDirectory() + String(configured.dropFirst(1)) }
            return (repository.workingDirectory ?? repository.commonDirectory) + configured
        }
        return repository.commonDirectory + "hooks"
    }

    /// Installs the shim. The new file is written beside the hook and renamed
    /// into place, so that a failed write (a full disk) leaves the hooks as
    /// they were: no half-written shim, no foreign hook moved aside for nothing.
    public func install(_ name: String) throws(RelkitError) -> Outcome {
        let directory = try hooksDirectory()
        let path = (directory as NSString).appendingPathComponent(name)
        let chained = path + ".relkit-chained"
        let manager = FileManager.default
        func failure(_ what: String) -> RelkitError {
            .repository("cannot install \(path): \(what): \(String(cString: strerror(errno)))")
        }
        if !manager.fileExists(atPath: directory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .repository("cannot install \(path): cannot create \(directory): \(error.localizedDescription)")
            }
        }
        var action = "installed"
        var moveAside = false
        // try?: absent or binary: not ours, kept aside below
        if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            if existing.contains(HookInstaller.marker) {
                if existing == shim(name) { return Outcome(path: path, action: "already installed") }
                action = "updated"
            } else {
                guard !manager.fileExists(atPath: chained) else {
                    throw RelkitError.repository("\(path) is not relkit's and \(chained) exists already; move one of them away")
                }
                moveAside = true
                action = "installed, running the existing hook first (kept as \(name).relkit-chained)"
            }
        }
        let temporary = path + ".relkit-new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        let bytes = Array(shim(name).utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let writeError = errno
        close(descriptor)
        guard written == bytes.count, chmod(temporary, 0o755) == 0 else {
            let kept = errno
            unlink(temporary)
            errno = written == bytes.count ? kept : writeError
            throw failure("cannot write the shim")
        }
        if moveAside {
            guard link(path, chained) == 0 else {
                let kept = errno
                unlink(temporary)
                errno = kept
                throw failure("cannot keep the existing hook as \(chained)")
            }
        }
        // One rename replaces the hook: git sees the old file or the new one, never half of one.
        guard rename(temporary, path) == 0 else {
            let kept = errno
            unlink(temporary)
            if moveAside { unlink(chained) }
            errno = kept
            throw failure("cannot move the shim into place")
        }
        return Outcome(path: path, action: action)
    }

    public func uninstall(_ name: String) throws(RelkitError) -> Outcome {
        let path = (try hooksDirectory() as NSString).appendingPathComponent(name)
        let chained = path + ".relkit-chained"
        let manager = FileManager.default
        // try?: absent or not ours: left alone
        guard let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.contains(HookInstaller.marker) else {
            return Outcome(path: path, action: "not installed")
        }
        do {
            try manager.removeItem(atPath: path)
            if manager.fileExists(atPath: chained) {
                try manager.moveItem(atPath: chained, toPath: path)
                return Outcome(path: path, action: "removed; the previous hook is back")
            }
            return Outcome(path: path, action: "removed")
        } catch {
            throw .repository("cannot uninstall \(path): \(error.localizedDescription)")
        }
    }
}
