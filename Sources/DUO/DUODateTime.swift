import Foundation
import Inburgering

/// DUO's timestamps read as the law counts: an instant, and the calendar day it falls on in
/// Europe/Amsterdam (the Netherlands' legal time, with summer time).
///
/// DUO's Notificatie API 1.8.0 types `registratieDatumTijd` as an OpenAPI `date-time` (RFC 3339,
/// with a zone: `Z` or an offset). A day must be taken in Amsterdam, never from the text's first
/// ten characters: `2026-11-25T23:30:00Z` is 00:30 on 26 November in Amsterdam. Text without a
/// zone (outside the spec, but seen in practice) is taken as Amsterdam's local time; a plain
/// `YYYY-MM-DD` is that day, from its first moment.
public enum DUODateTime {
    public struct Parsed: Hashable, Sendable {
        public var instant: Date
        /// The Europe/Amsterdam calendar day of `instant`.
        public var day: CalendarDate
    }

    /// The Amsterdam calendar day of a DUO timestamp; nil when the text is no date or date-time.
    public static func amsterdamDay(_ text: String) -> CalendarDate? {
        parse(text)?.day
    }

    /// The instant and Amsterdam day of `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]`.
    public static func parse(_ text: String) -> Parsed? {
        let chars = Array(text.utf8)
        guard chars.count >= 10, let date = CalendarDate(iso: String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        if chars.count == 10 {
            return Parsed(instant: localInstant(date, seconds: 0), day: date)
        }
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for c in chars[range] {
                guard (48...57).contains(c) else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(chars[10]),
              let hour = digits(11..<13), hour < 24, chars.count >= 16, chars[13] == UInt8(ascii: ":"),
              let minute = digits(14..<16), minute < 60 else { return nil }
        var index = 16
        var seconds = Double(hour * 3600 + minute * 60)
        if index < chars.count, chars[index] == UInt8(ascii: ":") {
            // A leap second (60) is read as the last second of the minute.
            guard let second = digits(17..<19), second <= 60 else { return nil }
            seconds += Double(min(second, 59))
            index = 19
            if index < chars.count, chars[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                var fraction = 0.0, scale = 0.1
                while index < chars.count, (48...57).contains(chars[index]) {
                    fraction += Double(chars[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
                seconds += fraction
            }
        }
        let zone = Array(chars[index...])
        if zone.isEmpty {
            let instant = localInstant(date, seconds: seconds)
            return Parsed(instant: instant, day: date)
        }
        let offset: Int
        if zone == [UInt8(ascii: "Z")] || zone == [UInt8(ascii: "z")] {
            offset = 0
        } else {
            guard zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-") else { return nil }
            let sign = zone.first == UInt8(ascii: "-") ? -1 : 1
            let body = Array(zone.dropFirst())
            let numbers: [UInt8]
            if body.count == 5, body[2] == UInt8(ascii: ":") { numbers = Array(body[0..<2] + body[3..<5]) }
            else if body.count == 4 { numbers = body }
            else { return nil }
            guard numbers.allSatisfy({ (48...57).contains($0) }) else { return nil }
            let zh = Int(numbers[0] - 48) * 10 + Int(numbers[1] - 48), zm = Int(numbers[2] - 48) * 10 + Int(numbers[3] - 48)
            guard zh < 24, zm < 60 else { return nil }
            offset = sign * (zh * 3600 + zm * 60)
        }
        let epochDays = Self.epoch.days(until: date)
        let instant = Date(timeIntervalSince1970: Double(epochDays) * 86_400 + seconds - Double(offset))
        return Parsed(instant: instant, day: CalendarDate.today(now: instant))
    }

    static let epoch = CalendarDate(year: 1970, month: 1, day: 1)!

    /// The instant of a wall-clock time on `date` in Amsterdam. In the autumn's repeated hour the
    /// earlier of the two instants; in the spring's skipped hour the instant an hour later.
    static func localInstant(_ date: CalendarDate, seconds: Double) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.amsterdam
        let whole = Int(seconds)
        let components = DateComponents(year: date.year, month: date.month, day: date.day,
                                        hour: whole / 3600, minute: whole / 60 % 60, second: whole % 60)
        let base = calendar.date(from: components)
            ?? Date(timeIntervalSince1970: Double(epoch.days(until: date)) * 86_400 + Double(whole) - 3600)
        return base.addingTimeInterval(seconds - Double(whole))
    }
}
