import Foundation
import GitKit

/// Installs relkit's hook shims where git runs them, chaining (never
/// overwriting) a hook that was there, and puts everything back on uninstall.
public struct HookInstaller {
    /// The mark that says a hook file is relkit's.
    static let marker = "# relkit-hook"

    /// The shim git runs: it execs relkit (from PATH or $RELKIT), after any hook it chained.
    public static func shim(_ name: String) -> String {
        """
        #!/bin/sh
        \(marker): \(name). Installed by `relkit hooks install`; `relkit hooks install --uninstall` removes it.
        # Runs the hook that was here before (kept as \(name).relkit-chained), then relkit's release rules.
        input=$(cat)
        if [ -x "$0.relkit-chained" ]; then
          printf '%s\\n' "$input" | "$0.relkit-chained" "$@" || exit $?
        fi
        relkit=${RELKIT:-relkit}
        if ! command -v "$relkit" >/dev/null 2>&1; then
          echo "relkit: '$relkit' not found, so the release rules cannot be checked; install relkit or set RELKIT to its path" >&2
          exit 1
        fi
        printf '%s\\n' "$input" | exec "$relkit" hook \(name) "$@"

        """
    }

    public struct Outcome: Sendable, Equatable {
        public let path: String
        public let action: String
    }

    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

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

    public func install(_ name: String) throws(RelkitError) -> Outcome {
        let directory = try hooksDirectory()
        let path = (directory as NSString).appendingPathComponent(name)
        let chained = path + ".relkit-chained"
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var action = "installed"
            if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
                if existing.contains(HookInstaller.marker) {
                    if existing == HookInstaller.shim(name) { return Outcome(path: path, action: "already installed") }
                    action = "updated"
                } else {
                    guard !manager.fileExists(atPath: chained) else {
                        throw RelkitError.repository("\(path) is not relkit's and \(chained) exists already; move one of them away")
                    }
                    try manager.moveItem(atPath: path, toPath: chained)
                    action = "installed, running the existing hook first (kept as \(name).relkit-chained)"
                }
            }
            try Data(HookInstaller.shim(name).utf8).write(to: URL(fileURLWithPath: path))
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return Outcome(path: path, action: action)
        } catch let error as RelkitError {
            throw error
        } catch {
            throw .repository("cannot install \(path): \(error.localizedDescription)")
        }
    }

    public func uninstall(_ name: String) throws(RelkitError) -> Outcome {
        let path = (try hooksDirectory() as NSString).appendingPathComponent(name)
        let chained = path + ".relkit-chained"
        let manager = FileManager.default
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
