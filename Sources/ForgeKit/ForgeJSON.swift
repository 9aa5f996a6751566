import Foundation

/// A forge's JSON, read without trusting its shape: a missing key or a value of
/// the wrong type reads as nil, never a crash.
public enum ForgeJSON: Decodable, Sendable, Equatable {
    case object([String: ForgeJSON]), array([ForgeJSON]), string(String), number(Double), bool(Bool), null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ForgeJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ForgeJSON].self)) }
    }

    public static func parse(_ data: Data) -> ForgeJSON? { try? JSONDecoder().decode(ForgeJSON.self, from: data) }

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
