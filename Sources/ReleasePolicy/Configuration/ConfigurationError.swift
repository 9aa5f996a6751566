/// A `.relkit.yml` that cannot be used: names the file, the line and the key.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    /// The dotted key, e.g. `release.candidate_cut.weekday` or `components[1].tag`.
    public let key: String?
    public let problem: String

    public init(file: String, line: Int?, key: String?, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key, !key.isEmpty { text += ": \(key)" }
        return text + ": " + problem
    }
}
