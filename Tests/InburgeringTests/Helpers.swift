import Foundation
@testable import Inburgering

/// A date from `YYYY-MM-DD`; traps on a typo so tables stay readable.
func d(_ iso: String) -> CalendarDate {
    guard let date = CalendarDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return date
}

func bsn(_ value: String) -> BSN {
    do { return try BSN(value) } catch { fatalError("bad test BSN \(value): \(error)") }
}

func instant(_ iso8601: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: iso8601) else { fatalError("bad instant \(iso8601)") }
    return date
}
