import DUO
import Foundation
import Inburgering
import Testing

/// DUO's timestamps (Notificatie API 1.8.0: `registratieDatumTijd` is an RFC 3339 `date-time`) give
/// the day in Europe/Amsterdam, in winter (CET, +01:00) and in summer (CEST, +02:00).
@Suite("DUO timestamps: the Amsterdam calendar day")
struct DUODateTimeTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let text: String
        let day: String?
        var testDescription: String { "\(text) → \(day ?? "nil")" }
    }

    static let rows: [Row] = [
        // Winter (CET): UTC + 1.
        Row(text: "2026-11-25T23:30:00Z", day: "2026-11-26"),
        Row(text: "2026-11-25T22:59:59Z", day: "2026-11-25"),
        Row(text: "2026-11-25T23:00:00Z", day: "2026-11-26"),
        Row(text: "2026-11-25T23:30:00.123Z", day: "2026-11-26"),
        Row(text: "2026-11-25T23:30:00z", day: "2026-11-26"),
        Row(text: "2026-11-25T23:30:00+01:00", day: "2026-11-25"),
        Row(text: "2026-11-26T00:30:00+02:00", day: "2026-11-25"),
        Row(text: "2026-11-25T19:30:00-05:00", day: "2026-11-26"),
        Row(text: "2026-11-25T23:30:00+0100", day: "2026-11-25"),
        // Summer (CEST): UTC + 2.
        Row(text: "2026-07-15T21:59:59Z", day: "2026-07-15"),
        Row(text: "2026-07-15T22:00:00Z", day: "2026-07-16"),
        Row(text: "2026-07-15T23:30:00+01:00", day: "2026-07-16"),
        Row(text: "2026-07-15T23:30:00+02:00", day: "2026-07-15"),
        // The nights summer time starts (29 March 2026, 01:00 UTC) and ends (25 October 2026, 01:00 UTC).
        Row(text: "2026-03-28T23:30:00Z", day: "2026-03-29"),
        Row(text: "2026-03-29T22:30:00Z", day: "2026-03-30"),
        Row(text: "2026-10-24T22:30:00Z", day: "2026-10-25"),
        Row(text: "2026-10-25T22:30:00Z", day: "2026-10-25"),
        Row(text: "2026-12-31T23:30:00Z", day: "2027-01-01"),
        // No zone: Amsterdam's own clock.
        Row(text: "2026-11-25T23:30:00", day: "2026-11-25"),
        Row(text: "2026-07-15T23:59:59.5", day: "2026-07-15"),
        // A date alone is that day.
        Row(text: "2026-11-25", day: "2026-11-25"),
        // Not a date.
        Row(text: "2026-13-01T00:00:00Z", day: nil),
        Row(text: "2026-11-25T24:00:00Z", day: nil),
        Row(text: "2026-11-25T23:30:00+1", day: nil),
        Row(text: "gisteren", day: nil),
    ]

    @Test("A DUO timestamp falls on its Amsterdam calendar day", arguments: rows)
    func day(_ row: Row) {
        #expect(DUODateTime.amsterdamDay(row.text)?.iso == row.day)
    }

    @Test("Timestamps with and without an offset give the same instant when they name the same moment")
    func instants() throws {
        let utc = try #require(DUODateTime.parse("2026-11-25T23:30:00Z"))
        let offset = try #require(DUODateTime.parse("2026-11-26T00:30:00+01:00"))
        let local = try #require(DUODateTime.parse("2026-11-26T00:30:00"))
        #expect(utc.instant == offset.instant)
        #expect(utc.instant == local.instant)
        let summer = try #require(DUODateTime.parse("2026-07-16T00:30:00"))
        #expect(summer.instant == (try #require(DUODateTime.parse("2026-07-15T22:30:00Z"))).instant)
        #expect(try #require(DUODateTime.parse("2026-11-25")).instant == (try #require(DUODateTime.parse("2026-11-24T23:00:00Z"))).instant)
    }
}
