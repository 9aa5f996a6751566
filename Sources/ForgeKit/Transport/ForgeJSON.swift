import Foundation

/// A forge's JSON, read without trusting its shape: a missing key or a value of
/// the wrong type reads as nil, never a crash.
public enum ForgeJSON: Sendable, Equatable {
    case object([String: ForgeJSON]), array([ForgeJSON]), string(String), number(Double), bool(Bool), null

    /// Parses with JSONSerialization (several times faster than a Decodable enum, whose
    /// failed attempts per value each throw); nil for bytes that are not JSON.
    public static func parse(_ data: Data) -> ForgeJSON? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return ForgeJSON(converting: object)
    }

    init(converting object: Any) {
        switch object {
        case let dictionary as [String: Any]: self = .object(dictionary.mapValues(ForgeJSON.init(converting:)))
        case let array as [Any]: self = .array(array.map(ForgeJSON.init(converting:)))
        case let string as String: self = .string(string)
        case let number as NSNumber:
            // JSONSerialization gives `true`/`false` as boolean NSNumbers (type code "c"), numbers as "i", "q" or "d".
            if number.objCType.pointee == CChar(UInt8(ascii: "c")) {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        default: self = .null
        }
    }

    public subscript(key: String) -> ForgeJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var array: [ForgeJSON] { if case .array(let items) = self { items } else { [] } }
    public var isNull: Bool { self == .null }
    /// A whole number within Int's range.
    public var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }
}
