import Foundation
import Testing
@testable import Inburgering

@Suite("BSN and v-nummer (BRP 11-proef; DUO Notificatie API)")
struct IdentifierTests {
    @Test("BSN — 11-proef accepts valid numbers (weights 9..2 and −1)", arguments: ["111222333", "123456782", "999999990", "010000021"])
    func validBSN(value: String) throws {
        let number = try BSN(value)
        #expect(number.value == value)
        #expect(BSN.isValid(value))
    }

    @Test("BSN — distinct errors for length, non-digits and the 11-proef", arguments: [
        ("12345678", BSNError.wrongLength(8)), ("1234567890", .wrongLength(10)), ("", .wrongLength(0)),
        ("12345678a", .nonDigit), ("1234 5678", .nonDigit), ("12345678é", .nonDigit),
        ("123456789", .failsElevenCheck), ("111222334", .failsElevenCheck), ("000000000", .failsElevenCheck),
    ])
    func invalidBSN(value: String, expected: BSNError) {
        #expect(throws: expected) { try BSN(value) }
        #expect(!BSN.isValid(value))
    }

    @Test("BSN — masked shows only the last four digits, also in string interpolation")
    func masked() {
        let number = bsn("111222333")
        #expect(number.masked == "*****2333")
        #expect("\(number)" == "*****2333")
    }

    @Test("BSN — Codable as the 9-digit string; an invalid BSN fails to decode")
    func bsnCodable() throws {
        let data = try JSONEncoder().encode([bsn("123456782")])
        #expect(String(decoding: data, as: UTF8.self) == #"["123456782"]"#)
        #expect(try JSONDecoder().decode([BSN].self, from: data) == [bsn("123456782")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([BSN].self, from: Data(#"["123456789"]"#.utf8)) }
    }

    @Test("V-nummer — 1 to 10 digits, zero-padded to 10 (DUO Notificatie API: integer 0…9999999999)", arguments: [
        ("1234567890", "1234567890"), ("12345678", "0012345678"), ("0012345678", "0012345678"), ("9999999999", "9999999999"),
    ])
    func validVNummer(input: String, digits: String) throws {
        #expect(try VNummer(input).digits == digits)
    }

    @Test("V-nummer — rejects empty, non-digits, zero and more than 10 digits (DUO Notificatie API)", arguments: [
        ("", VNummerError.empty), ("12a", .nonDigit), ("-1", .nonDigit), ("0", .zero), ("0000000000", .zero),
        ("12345678901", .tooLong),
    ])
    func invalidVNummer(input: String, expected: VNummerError) {
        #expect(throws: expected) { try VNummer(input) }
    }

    @Test("V-nummer — integer form and decoding from DUO's integer (DUO Notificatie API)")
    func vNummerInteger() throws {
        #expect(throws: VNummerError.tooLong) { try VNummer(Int64(10_000_000_000)) }
        #expect(try VNummer(Int64(12_345_678)) == VNummer("0012345678"))
        let decoded = try JSONDecoder().decode([VNummer].self, from: Data("[12345678, \"0012345678\"]".utf8))
        #expect(decoded[0] == decoded[1])
        #expect(String(decoding: try JSONEncoder().encode(decoded[0]), as: UTF8.self) == #""0012345678""#)
    }
}
