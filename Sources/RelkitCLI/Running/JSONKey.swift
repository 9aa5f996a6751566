/// A JSON key written exactly as given (the encoder's snake_case conversion
/// leaves already-snake_case keys alone).
struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Encodes every field, writing `null` for a missing value: the JSON contract
/// has fixed keys, and a consumer should not have to guess whether one is absent.
func encodeNullable(_ encoder: Encoder, _ fields: KeyValuePairs<String, (any Encodable)?>) throws {
    var container = encoder.container(keyedBy: JSONKey.self)
    for (key, value) in fields {
        if let value {
            try container.encode(value, forKey: JSONKey(stringValue: key))
        } else {
            try container.encodeNil(forKey: JSONKey(stringValue: key))
        }
    }
}
