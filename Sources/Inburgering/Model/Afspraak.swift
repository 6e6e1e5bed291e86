import Foundation

/// An appointment with a newcomer, planned ahead (issue 15): the conversations the chain holds
/// before they are recorded as facts (warm handover, brede intake, LBT, PIP, progress).
public enum AfspraakSoort: String, CaseIterable, Codable, Sendable {
    case warmeOverdracht, intakegesprek, lbt, pipGesprek, voortgangsgesprek

    /// The Dutch noun, as a task's title names the appointment (titles are stored text).
    public var naam: String {
        switch self {
        case .warmeOverdracht: "warme overdracht"
        case .intakegesprek: "intakegesprek"
        case .lbt: "leerbaarheidstoets"
        case .pipGesprek: "PIP-gesprek"
        case .voortgangsgesprek: "voortgangsgesprek"
        }
    }
}

/// Where an appointment stands: planned, and after its time held, missed (no-show), cancelled, or
/// moved to another (which keeps the old one as history).
public enum AfspraakStatus: String, CaseIterable, Codable, Sendable {
    case gepland, gehouden, nietVerschenen, geannuleerd, verplaatst
}

/// A civil date and a time of day in Europe/Amsterdam ("2026-12-10T09:30"), as a meeting is agreed.
/// Stored as that text, which sorts as the moments do.
public struct LocalDateTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let date: CalendarDate
    /// Minutes after midnight, 0..<1440.
    public let minutes: Int

    public init?(date: CalendarDate, minutes: Int) {
        guard (0..<1440).contains(minutes) else { return nil }
        self.date = date
        self.minutes = minutes
    }

    /// From a date and "HH:MM" (as a native time input sends it).
    public init?(date: CalendarDate, time: String) {
        let parts = time.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        self.init(date: date, minutes: h * 60 + m)
    }

    /// From the stored "YYYY-MM-DDTHH:MM".
    public init?(iso: String) {
        let parts = iso.split(separator: "T")
        guard parts.count == 2, let date = CalendarDate(iso: String(parts[0])) else { return nil }
        self.init(date: date, time: String(parts[1]))
    }

    /// The local date and time in the Netherlands at an instant.
    public static func at(_ instant: Date) -> LocalDateTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.amsterdam
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return LocalDateTime(date: CalendarDate.today(now: instant), minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
            ?? LocalDateTime(date: CalendarDate.today(now: instant), minutes: 0)!
    }

    /// "HH:MM".
    public var time: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public var iso: String { "\(date.iso)T\(time)" }

    public var description: String { iso }

    public func adding(minutes extra: Int) -> LocalDateTime {
        let total = minutes + extra
        let days = Int((Double(total) / 1440).rounded(.down))
        return LocalDateTime(date: date.adding(days: days), minutes: total - days * 1440)!
    }

    /// The instant this local time stands for (Europe/Amsterdam, summer time included).
    public var instant: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.amsterdam
        let parts = DateComponents(year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: parts) ?? Date(timeIntervalSince1970: 0)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.minutes) < (rhs.date, rhs.minutes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = LocalDateTime(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a YYYY-MM-DDTHH:MM time: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// The ISO week a date falls in ("2026-W50") and its Monday, for the agenda's week view.
public struct ISOWeek: Hashable, Sendable {
    public let year: Int
    public let week: Int

    public init?(year: Int, week: Int) {
        guard week >= 1, week <= ISOWeek.weeks(in: year) else { return nil }
        self.year = year
        self.week = week
    }

    /// "2026-W50".
    public init?(text: String) {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, parts[1].hasPrefix("W"), let y = Int(parts[0]), let w = Int(parts[1].dropFirst()) else { return nil }
        self.init(year: y, week: w)
    }

    /// The week `date` falls in (ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday).
    public init(containing date: CalendarDate) {
        let thursday = date.adding(days: 4 - date.isoWeekday)
        let jan1 = CalendarDate(year: thursday.year, month: 1, day: 1)!
        year = thursday.year
        week = jan1.days(until: thursday) / 7 + 1
    }

    public var monday: CalendarDate {
        let jan4 = CalendarDate(year: year, month: 1, day: 4)!
        return jan4.adding(days: 1 - jan4.isoWeekday).adding(days: (week - 1) * 7)
    }

    public var text: String { String(format: "%04d-W%02d", year, week) }

    public var next: ISOWeek { ISOWeek(containing: monday.adding(days: 7)) }
    public var previous: ISOWeek { ISOWeek(containing: monday.adding(days: -7)) }

    static func weeks(in year: Int) -> Int {
        ISOWeek(containing: CalendarDate(year: year, month: 12, day: 28)!).week
    }
}
