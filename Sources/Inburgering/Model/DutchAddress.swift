/// Why a Dutch postcode is refused.
public enum PostcodeError: Error, Hashable, Sendable {
    /// Not four digits (the first not 0) followed by two letters.
    case format
    /// SA, SD and SS are never issued as postcode letters (PostNL, postcode system).
    case reservedLetters
}

/// A Dutch postcode (PostNL): four digits, the first not 0, and two capital letters other than SA,
/// SD or SS. Typed as "1234ab", "1234 AB" or "1234  ab"; written as "1234 AB".
public struct Postcode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let digits: String
    public let letters: String

    public init(_ string: String) throws(PostcodeError) {
        let compact = String(string.uppercased().unicodeScalars.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\t" })
        let chars = Array(compact.utf8)
        guard chars.count == 6, chars[0] >= 49, chars[0] <= 57, chars[1...3].allSatisfy({ $0 >= 48 && $0 <= 57 }),
              chars[4...5].allSatisfy({ $0 >= 65 && $0 <= 90 }) else { throw .format }
        let letters = String(compact.suffix(2))
        guard !["SA", "SD", "SS"].contains(letters) else { throw .reservedLetters }
        digits = String(compact.prefix(4))
        self.letters = letters
    }

    public var description: String { "\(digits) \(letters)" }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(value) } catch { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a Dutch postcode")) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a house number is refused.
public enum HouseNumberError: Error, Hashable, Sendable {
    /// Empty, or not starting with a number.
    case missing
    /// The number is outside 1…99999 (BAG: huisnummer).
    case outOfRange
    /// What follows the number is not a letter and/or an addition of at most four letters or digits.
    case addition
}

/// A house number as the BAG records it: huisnummer 1–99999, an optional huisletter (one letter) and
/// an optional huisnummertoevoeging (up to four letters or digits). Typed as "12", "12a", "12 A",
/// "12-2", "12A-3", "12 bis"; written as "12A-3", "12-2", "12 bis".
public struct HouseNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let number: Int
    public let letter: String?
    public let addition: String?

    public init(number: Int, letter: String? = nil, addition: String? = nil) {
        self.number = number
        self.letter = letter
        self.addition = addition
    }

    public init(_ string: String) throws(HouseNumberError) {
        let text = string.trimmingSpaces
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { throw .missing }
        guard digits.count <= 5, let number = Int(digits), (1...99_999).contains(number) else { throw .outOfRange }
        var rest = Substring(text.dropFirst(digits.count))
        var letter: String?
        // A single letter directly after the number is the huisletter ("12a"); "12 bis" is an addition.
        if let first = rest.first, first.isASCII, first.isLetter, rest.dropFirst().first.map({ !($0.isASCII && $0.isLetter) }) ?? true {
            letter = first.uppercased()
            rest = rest.dropFirst()
        } else if rest.first == " ", let second = rest.dropFirst().first, second.isASCII, second.isLetter, rest.count == 2 {
            letter = second.uppercased()
            rest = ""
        }
        let addition = rest.drop { $0 == " " || $0 == "-" }
        guard addition.count <= 4, addition.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              rest.isEmpty || !addition.isEmpty else { throw .addition }
        self.number = number
        self.letter = letter
        self.addition = addition.isEmpty ? nil : String(addition)
    }

    public var description: String {
        var text = String(number) + (letter ?? "")
        if let addition {
            text += (addition.allSatisfy(\.isNumber) || letter != nil ? "-" : " ") + addition
        }
        return text
    }
}

/// A Dutch address for a letter (PostNL's addressing rules): street and house number on one line,
/// the postcode, two spaces and the place in capitals on the next.
public struct DutchAddress: Hashable, Sendable, Codable {
    public var street: String
    public var houseNumber: HouseNumber
    public var postcode: Postcode
    public var city: String

    public init(street: String, houseNumber: HouseNumber, postcode: Postcode, city: String) {
        self.street = street
        self.houseNumber = houseNumber
        self.postcode = postcode
        self.city = city
    }

    public var lines: [String] {
        ["\(street) \(houseNumber)", "\(postcode)  \(city.uppercased())"]
    }

    /// On one line, for lists and the timeline.
    public var singleLine: String { "\(street) \(houseNumber), \(postcode) \(city)" }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}

/// The salutation of a Dutch letter (conventional usage): "Geachte heer Reddy", "Geachte mevrouw
/// De Vries"; when the gender is X or not known, the full name without a title: "Geachte Alex de
/// Vries". A family name starting with a prefix (tussenvoegsel) takes a capital after heer or
/// mevrouw ("heer De Vries") and keeps it small after the given names.
public enum DutchSalutation {
    public static func text(gender: String, givenNames: String, familyName: String) -> String {
        let family = familyName.trimmingSpaces
        switch gender {
        case "man": return "Geachte heer \(capitalisedFirst(family))"
        case "vrouw": return "Geachte mevrouw \(capitalisedFirst(family))"
        default:
            let full = [givenNames.trimmingSpaces, family].filter { !$0.isEmpty }.joined(separator: " ")
            return full.isEmpty ? "Geachte heer, mevrouw" : "Geachte \(full)"
        }
    }

    static func capitalisedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
