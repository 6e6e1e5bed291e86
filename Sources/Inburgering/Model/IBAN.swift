/// Why a string is not a valid IBAN.
public enum IBANError: Error, Hashable, Sendable {
    /// Not two letters, two check digits and letters/digits.
    case format
    /// The country's IBAN has a fixed length; carries the expected and the found length.
    case wrongLength(country: String, expected: Int, found: Int)
    /// The mod-97 check (ISO 7064) fails: a typing error.
    case checksum
}

/// International Bank Account Number (ISO 13616), as written on a payment: letters upper-case,
/// no spaces. Value type; creating one validates it.
public struct IBAN: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// IBAN lengths of the SEPA countries (ISO 13616 registry); others are checked by mod-97 only.
    static let lengths: [String: Int] = [
        "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
        "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21,
        "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24,
        "SI": 19, "SK": 24, "SM": 27, "VA": 22,
    ]

    // IBAN — ISO 13616 / ISO 7064 mod 97-10: move the first four characters to the end, letters to
    // 10…35, the number modulo 97 is 1
    public init(_ string: String) throws(IBANError) {
        let compact = IBAN.normalised(string)
        let chars = Array(compact.utf8)
        guard chars.count >= 15, chars.count <= 34,
              chars[0...1].allSatisfy({ $0 >= 65 && $0 <= 90 }), chars[2...3].allSatisfy({ $0 >= 48 && $0 <= 57 }),
              chars.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else { throw .format }
        let country = String(compact.prefix(2))
        if let expected = Self.lengths[country], expected != chars.count {
            throw .wrongLength(country: country, expected: expected, found: chars.count)
        }
        var remainder = 0
        for byte in chars[4...] + chars[0..<4] {
            if byte >= 65 {
                remainder = (remainder * 100 + Int(byte) - 55) % 97
            } else {
                remainder = (remainder * 10 + Int(byte) - 48) % 97
            }
        }
        guard remainder == 1 else { throw .checksum }
        value = compact
    }

    /// Upper case without spaces, as typed IBANs are often grouped by four.
    public static func normalised(_ string: String) -> String {
        String(string.uppercased().unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "\u{00A0}" })
    }

    public static func isValid(_ string: String) -> Bool { (try? IBAN(string)) != nil }

    /// Grouped by four for reading: NL91 ABNA 0417 1643 00.
    public var grouped: String {
        stride(from: 0, to: value.count, by: 4).map { offset in
            let start = value.index(value.startIndex, offsetBy: offset)
            return String(value[start..<(value.index(start, offsetBy: 4, limitedBy: value.endIndex) ?? value.endIndex)])
        }.joined(separator: " ")
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(raw) } catch { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid IBAN")) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
