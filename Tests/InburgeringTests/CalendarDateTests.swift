import Foundation
import Testing
@testable import Inburgering

@Suite("Calendar dates — civil dates in Europe/Amsterdam")
struct CalendarDateTests {
    @Test("Dates — init rejects days that do not exist (leap years, month ends)", arguments: [
        (2024, 2, 29, true), (2023, 2, 29, false), (1900, 2, 29, false), (2000, 2, 29, true),
        (2024, 4, 31, false), (2024, 4, 30, true), (2024, 13, 1, false), (2024, 0, 1, false),
        (2024, 1, 0, false), (2024, 12, 31, true), (0, 1, 1, false), (10000, 1, 1, false),
    ])
    func validity(year: Int, month: Int, day: Int, valid: Bool) {
        #expect((CalendarDate(year: year, month: month, day: day) != nil) == valid)
    }

    @Test("Dates — ISO parsing accepts exactly YYYY-MM-DD", arguments: [
        ("2024-05-01", true), ("2024-5-1", false), ("2024-02-30", false), ("20240501", false),
        ("2024-05-01T00:00", false), (" 2024-05-01", false), ("abcd-ef-gh", false), ("2024-02-29", true),
        ("2023-02-29", false), ("", false), ("2024/05/01", false),
    ])
    func isoParsing(text: String, valid: Bool) {
        let date = CalendarDate(iso: text)
        #expect((date != nil) == valid)
        if let date { #expect(date.iso == text) }
    }

    @Test("Dates — adding months clamps to the month's last day", arguments: [
        ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-03-31", -1, "2024-02-29"),
        ("2024-12-15", 1, "2025-01-15"), ("2024-01-15", -1, "2023-12-15"), ("2024-08-31", 6, "2025-02-28"),
        ("2024-05-31", 1, "2024-06-30"), ("2024-01-31", 13, "2025-02-28"), ("2024-02-29", -12, "2023-02-28"),
    ])
    func addingMonths(start: String, months: Int, expected: String) {
        #expect(d(start).adding(months: months) == d(expected))
    }

    @Test("Dates — adding years turns 29 February into 28 February in a common year", arguments: [
        ("2024-02-29", 1, "2025-02-28"), ("2024-02-29", 4, "2028-02-29"), ("2024-02-29", 3, "2027-02-28"),
        ("2023-03-01", 1, "2024-03-01"),
    ])
    func addingYears(start: String, years: Int, expected: String) {
        #expect(d(start).adding(years: years) == d(expected))
    }

    @Test("Dates — adding days crosses leap days and year ends", arguments: [
        ("2024-02-28", 1, "2024-02-29"), ("2024-02-28", 2, "2024-03-01"), ("2023-02-28", 1, "2023-03-01"),
        ("2023-12-31", 1, "2024-01-01"), ("2024-03-01", -1, "2024-02-29"), ("2024-01-01", 70, "2024-03-11"),
        ("2024-01-01", -365, "2023-01-01"),
    ])
    func addingDays(start: String, days: Int, expected: String) {
        #expect(d(start).adding(days: days) == d(expected))
        #expect(d(start).days(until: d(expected)) == days)
    }

    @Test("Dates — days(until:) counts leap years and is signed")
    func daysUntil() {
        #expect(d("2024-01-01").days(until: d("2025-01-01")) == 366)
        #expect(d("2023-01-01").days(until: d("2024-01-01")) == 365)
        #expect(d("2024-05-01").days(until: d("2024-04-30")) == -1)
        #expect(d("2024-05-01").days(until: d("2024-05-01")) == 0)
    }

    @Test("Dates — ISO weekday", arguments: [("1970-01-01", 4), ("2024-05-01", 3), ("2024-02-29", 4), ("2024-09-15", 7), ("2025-01-06", 1)])
    func weekday(date: String, expected: Int) {
        #expect(d(date).isoWeekday == expected)
    }

    @Test("Dates — today(now:) is the civil date in Europe/Amsterdam, across DST changes", arguments: [
        ("2024-03-30T23:30:00Z", "2024-03-31"), // CET: 00:30 on the 31st
        ("2024-03-30T22:59:59Z", "2024-03-30"),
        ("2024-06-30T21:59:59Z", "2024-06-30"), // CEST: 23:59:59
        ("2024-06-30T22:00:00Z", "2024-07-01"),
        ("2024-12-31T23:00:00Z", "2025-01-01"),
        ("2024-10-26T22:30:00Z", "2024-10-27"), // night of the switch back to CET
    ])
    func today(now: String, expected: String) {
        #expect(CalendarDate.today(now: instant(now)) == d(expected))
    }

    @Test("Dates — Codable as the ISO string; invalid strings fail to decode")
    func codable() throws {
        let data = try JSONEncoder().encode([d("2024-05-01")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2024-05-01"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [d("2024-05-01")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2023-02-29"]"#.utf8)) }
    }

    @Test("Dates — ordering and description")
    func ordering() {
        #expect([d("2024-05-01"), d("2023-12-31"), d("2024-04-30")].sorted() == [d("2023-12-31"), d("2024-04-30"), d("2024-05-01")])
        #expect("\(d("2024-05-01"))" == "2024-05-01")
        #expect(d("2024-02-10").lastDayOfMonth == d("2024-02-29"))
    }
}
