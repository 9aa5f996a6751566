/// What a GraphQL query costs GitHub, counted GitHub's way ("Rate limits and node limits for
/// the GraphQL API"): each connection asks for `first` or `last` nodes for every node of the
/// connections around it, and a query's nodes are the sum over its connections. GitHub refuses a
/// query of more than 500,000 nodes whole (`MAX_NODE_LIMIT_EXCEEDED`).
public enum GraphQLCost {
    /// GitHub's limit on the nodes of one query.
    public static let nodeLimit = 500_000
    /// What relkit lets one query ask for: a fifth of the limit, so that GitHub's own rounding and
    /// a schema change never put a query near it.
    public static let nodeBudget = 100_000

    /// The possible nodes of `query`: connections read from literal `first:`/`last:` arguments.
    public static func nodes(_ query: String) -> Int {
        var total = 0
        var stack: [Int] = [1]
        var pending: Int?  // the size of the connection whose selection opens next
        var argumentDepth = 0
        var arguments = ""
        var inString = false
        for character in query {
            // A string's contents never count (an argument value such as "first: 99" is text).
            if inString {
                if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"":
                inString = true
                if argumentDepth > 0 { arguments.append(" ") }
            case "(":
                argumentDepth += 1
                if argumentDepth == 1 { arguments = "" }
            case ")":
                argumentDepth -= 1
                if argumentDepth == 0 { pending = size(in: arguments) }
            case "{" where argumentDepth == 0:
                let outer = stack.last ?? 1
                if let count = pending {
                    total += outer * count
                    stack.append(outer * count)
                } else {
                    stack.append(outer)
                }
                pending = nil
            case "}" where argumentDepth == 0:
                if stack.count > 1 { stack.removeLast() }
                pending = nil
            default:
                if argumentDepth > 0 { arguments.append(character) }
                else if character.isLetter { pending = nil }
            }
        }
        return total
    }

    /// `first: N` or `last: N` in a field's arguments.
    private static func size(in arguments: String) -> Int? {
        for name in ["first", "last"] {
            var rest = Substring(arguments)
            while let range = rest.range(of: name) {
                let before = rest[..<range.lowerBound].last
                rest = rest[range.upperBound...]
                guard before.map({ !$0.isLetter && !$0.isNumber }) ?? true else { continue }
                let afterName = rest.drop { $0 == " " }
                guard afterName.first == ":" else { continue }
                let digits = afterName.dropFirst().drop { $0 == " " }.prefix { $0.isNumber }
                if let value = Int(digits) { return value }
            }
        }
        return nil
    }
}
