import Testing
@testable import Inburgering

@Suite("Dutch addresses (PostNL postcode, BAG house number) and the salutation of a letter")
struct AddressTests {
    @Test("Postcode — four digits not starting with 0 and two letters; written as '1234 AB'", arguments: [
        ("6001GS", "6001 GS"), ("6001 gs", "6001 GS"), ("1000 AA", "1000 AA"), ("9999ZZ", "9999 ZZ"), (" 3511  ab ", "3511 AB"),
        ("1234 SB", "1234 SB"), ("1234 AS", "1234 AS"),
    ])
    func validPostcode(typed: String, written: String) throws {
        #expect(try Postcode(typed).description == written)
    }

    @Test("Postcode — refused: a leading 0, wrong length, digits for letters, and the letters SA, SD, SS", arguments: [
        ("0123 AB", PostcodeError.format), ("123 AB", .format), ("12345 AB", .format), ("1234 A", .format), ("1234 ABC", .format),
        ("1234 A1", .format), ("ABCD 12", .format), ("", .format), ("1234-AB", .format), ("1234 ÄB", .format),
        ("1234 SA", .reservedLetters), ("1234 sd", .reservedLetters), ("1234SS", .reservedLetters),
    ])
    func invalidPostcode(typed: String, expected: PostcodeError) {
        #expect(throws: expected) { try Postcode(typed) }
    }

    @Test("House number — 1 to 99999 with an optional letter and addition", arguments: [
        ("1", "1"), ("12", "12"), ("12a", "12A"), ("12 A", "12A"), ("12-2", "12-2"), ("12A-3", "12A-3"), ("12 bis", "12 bis"),
        ("99999", "99999"), ("7 hs", "7 hs"), ("101-II", "101 II"),
    ])
    func validHouseNumber(typed: String, written: String) throws {
        #expect(try HouseNumber(typed).description == written)
    }

    @Test("House number — refused: 0, above 99999, missing, or an addition that is too long or not letters and digits", arguments: [
        ("0", HouseNumberError.outOfRange), ("100000", .outOfRange), ("000001", .outOfRange), ("", .missing), ("a12", .missing),
        ("twaalf", .missing), ("12-", .addition), ("12 extra", .addition), ("12/3", .addition), ("12-ABCDE", .addition),
    ])
    func invalidHouseNumber(typed: String, expected: HouseNumberError) {
        #expect(throws: expected) { try HouseNumber(typed) }
    }

    @Test("An address is written as PostNL asks: street and number, then postcode, two spaces and the place in capitals")
    func addressLines() throws {
        let address = DutchAddress(street: "Wilhelminasingel", houseNumber: try HouseNumber("101a"), postcode: try Postcode("6001gs"), city: "Weert")
        #expect(address.lines == ["Wilhelminasingel 101A", "6001 GS  WEERT"])
    }

    @Test("Salutation — heer or mevrouw with the family name (a prefix capitalised); X or unknown: the full name", arguments: [
        ("man", "Arjun", "Reddy", "Geachte heer Reddy"),
        ("vrouw", "Amal", "Haddad", "Geachte mevrouw Haddad"),
        ("vrouw", "Anna", "de Vries", "Geachte mevrouw De Vries"),
        ("man", "Jan", "van der Berg", "Geachte heer Van der Berg"),
        ("x", "Alex", "de Vries", "Geachte Alex de Vries"),
        ("onbekend", "Samir", "Khalil", "Geachte Samir Khalil"),
        ("", "Samir", "Khalil", "Geachte Samir Khalil"),
        ("onbekend", "", "", "Geachte heer, mevrouw"),
    ])
    func salutation(gender: String, given: String, family: String, expected: String) {
        #expect(DutchSalutation.text(gender: gender, givenNames: given, familyName: family) == expected)
    }
}
