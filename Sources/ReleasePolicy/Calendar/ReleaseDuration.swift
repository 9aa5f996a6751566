import Foundation

/// Parses `24h`, `90m`, `1d`, `1h30m`, `2w` into seconds.
public func parseDuration(_ text: String) -> TimeInterval? {
    var total: TimeInterval = 0
    var number = ""
    var sawUnit = false
    for char in text {
        if char.isASCII, char.isNumber {
            number.append(char)
            continue
        }
        guard let value = Double(number) else { return nil }
        switch char {
        case "s": total += value
        case "m": total += value * 60
        case "h": total += value * 3600
        case "d": total += value * 86400
        case "w": total += value * 604800
        default: return nil
        }
        number = ""
        sawUnit = true
    }
    guard number.isEmpty, sawUnit else { return nil }
    return total
}

/// `24h`, `1h30m`: the shortest spelling `parseDuration` reads back.
public func formatDuration(_ seconds: TimeInterval) -> String {
    var rest = Int(seconds)
    var text = ""
    // Hours, not days: release windows are talked about as `24h`, `48h`.
    for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
        text += "\(rest / size)\(unit)"
        rest %= size
    }
    return text.isEmpty ? "0s" : text
}
