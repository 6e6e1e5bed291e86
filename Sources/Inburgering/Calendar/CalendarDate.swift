import Foundation

/// A civil date (no time, no zone) as the law counts it: a day in Europe/Amsterdam.
///
/// All arithmetic is pure proleptic-Gregorian day counting, so results never depend on the
/// machine's time zone or locale. The only place a clock instant is turned into a date is
/// `today(now:)`, which always uses Europe/Amsterdam.
public struct CalendarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil when the date does not exist (31 April, 29 February in a common year, month 13…).
    /// Years are limited to 1...9999 so that the ISO form is always four digits.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (the ISO 8601 calendar date DUO and the API use).
    public init?(iso: String) {
        let scalars = Array(iso.utf8)
        guard scalars.count == 10, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let c = scalars[index]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(c - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public var description: String { iso }

    // MARK: Calendar facts

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The last day of this date's month.
    public var lastDayOfMonth: CalendarDate {
        CalendarDate(unchecked: year, month, CalendarDate.daysInMonth(year: year, month: month))
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let n = dayNumber
        return ((n % 7 + 7) % 7 + 3) % 7 + 1
    }

    // MARK: Arithmetic

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + days)
    }

    /// Calendar months; a day that does not exist in the target month is clamped to its last day
    /// (31 January + 1 month = 29 February 2024).
    public func adding(months: Int) -> CalendarDate {
        let total = (year * 12 + (month - 1)) + months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(day, CalendarDate.daysInMonth(year: y, month: m))
        return CalendarDate(unchecked: y, m, d)
    }

    /// Calendar years, clamping 29 February to 28 February in a common year.
    public func adding(years: Int) -> CalendarDate {
        adding(months: years * 12)
    }

    /// Signed number of days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// Today's civil date in Europe/Amsterdam for the given instant. The caller passes the instant:
    /// rules never read the clock themselves.
    public static func today(now: Date) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(unchecked: parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// The Europe/Amsterdam zone (falls back to CET's fixed offset only if the zone database is missing).
    public static let amsterdam: TimeZone =
        TimeZone(identifier: "Europe/Amsterdam") ?? TimeZone(secondsFromGMT: 3600) ?? .gmt

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // MARK: Codable as the ISO string

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a valid YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    // MARK: Internals (days since 1970-01-01, Howard Hinnant's civil algorithms)

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.init(unchecked: y, m, d)
    }
}
