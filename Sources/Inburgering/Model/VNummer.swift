/// Why a value is not a valid v-nummer.
public enum VNummerError: Error, Hashable, Sendable {
    case empty
    case nonDigit
    /// More than 10 digits (after leading zeros are removed).
    case tooLong
    /// Zero is not an issued number.
    case zero
}

/// Vreemdelingennummer: the number the government gives a foreign national on registration in the
/// aliens administration. DUO's Notificatie API carries it as an integer 0…9 999 999 999, so at
/// most 10 digits; it is shown zero-padded to 10 digits. DUO publishes no check digit, so none is
/// enforced here.
public struct VNummer: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let maximum: Int64 = 9_999_999_999

    /// The number as DUO sends it.
    public let integerValue: Int64

    // V-nummer — DUO Notificatie API: vNummer integer, minimum 0, maximum 9999999999
    public init(_ value: Int64) throws(VNummerError) {
        guard value != 0 else { throw .zero }
        guard value > 0, value <= VNummer.maximum else { throw .tooLong }
        integerValue = value
    }

    /// Accepts 1–10 digits, with or without leading zeros (`"0012345678"` and `"12345678"` are equal).
    public init(_ string: String) throws(VNummerError) {
        let trimmed = string.drop(while: { $0 == "0" })
        guard !string.isEmpty else { throw .empty }
        guard string.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { throw .nonDigit }
        guard !trimmed.isEmpty else { throw .zero }
        guard trimmed.count <= 10, let value = Int64(trimmed) else { throw .tooLong }
        try self.init(value)
    }

    public static func isValid(_ string: String) -> Bool {
        (try? VNummer(string)) != nil
    }

    /// Ten digits, zero-padded.
    public var digits: String {
        let raw = String(integerValue)
        return String(repeating: "0", count: 10 - raw.count) + raw
    }

    public var description: String { digits }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            if let number = try? container.decode(Int64.self) {
                self = try VNummer(number)
            } else {
                self = try VNummer(try container.decode(String.self))
            }
        } catch let error as VNummerError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Invalid v-nummer (\(error))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
