/// Why a string is not a valid burgerservicenummer.
public enum BSNError: Error, Hashable, Sendable {
    /// A BSN has exactly 9 digits; carries the length found.
    case wrongLength(Int)
    /// Something other than the digits 0–9 was found.
    case nonDigit
    /// The weighted sum (weights 9…2 and −1) is not a positive multiple of 11.
    case failsElevenCheck
}

/// Burgerservicenummer: 9 digits passing the 11-proef (BRP; Wet algemene bepalingen
/// burgerservicenummer). Value type; decoding validates.
public struct BSN: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 9 digits.
    public let value: String

    // BSN — 11-proef: sum of digits × weights 9,8,…,2,−1 is divisible by 11
    public init(_ string: String) throws(BSNError) {
        let bytes = Array(string.utf8)
        guard bytes.count == 9 else {
            if bytes.contains(where: { $0 < UInt8(ascii: "0") || $0 > UInt8(ascii: "9") }) && string.count == 9 {
                throw .nonDigit
            }
            throw .wrongLength(string.count)
        }
        var digits: [Int] = []
        digits.reserveCapacity(9)
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .nonDigit }
            digits.append(Int(byte - UInt8(ascii: "0")))
        }
        let weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        // 000000000 sums to 0; it is not an issued number, so a positive multiple is required.
        guard sum > 0, sum % 11 == 0 else { throw .failsElevenCheck }
        self.value = string
    }

    /// True when `string` is a valid BSN.
    public static func isValid(_ string: String) -> Bool {
        (try? BSN(string)) != nil
    }

    /// For screens and logs: only the last four digits, e.g. `*****1234`.
    public var masked: String { String(repeating: "*", count: 5) + value.suffix(4) }

    /// Masked on purpose, so a BSN never leaks into logs through string interpolation.
    public var description: String { masked }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try BSN(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Invalid BSN (\(error))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
