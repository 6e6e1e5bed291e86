/// A statutory length of time: N days, weeks, months or years.
///
/// Counting rule (Awb art. 6:8 way of counting): a term triggered by an event starts on
/// the day after that event; a term of N periods that starts on day S ends on the day before the day
/// that corresponds to S, N periods later; where that corresponding day does not exist (31 February)
/// the term ends on the last day of that month.
public struct Termijn: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Unit: String, Codable, Sendable, CaseIterable {
        case days, weeks, months, years
    }

    public let count: Int
    public let unit: Unit

    public init(_ count: Int, _ unit: Unit) {
        self.count = count
        self.unit = unit
    }

    public static func days(_ n: Int) -> Termijn { Termijn(n, .days) }
    public static func weeks(_ n: Int) -> Termijn { Termijn(n, .weeks) }
    public static func months(_ n: Int) -> Termijn { Termijn(n, .months) }
    public static func years(_ n: Int) -> Termijn { Termijn(n, .years) }

    public var description: String { "\(count) \(unit.rawValue)" }

    /// The term triggered by an event on `trigger`: it starts the next day.
    public func period(afterTrigger trigger: CalendarDate) -> Period {
        period(startingOn: trigger.adding(days: 1))
    }

    /// The term when a rule says it starts on a given day (ontzorgen starts on the first day of bijstand).
    public func period(startingOn start: CalendarDate) -> Period {
        Period(start: start, end: lastDay(startingOn: start))
    }

    /// The last day of a term of this length starting on `start`.
    public func lastDay(startingOn start: CalendarDate) -> CalendarDate {
        switch unit {
        case .days: return start.adding(days: count - 1)
        case .weeks: return start.adding(days: count * 7 - 1)
        case .months: return Termijn.lastDay(start: start, months: count)
        case .years: return Termijn.lastDay(start: start, months: count * 12)
        }
    }

    private static func lastDay(start: CalendarDate, months: Int) -> CalendarDate {
        let shifted = start.adding(months: months) // clamps to the month's last day
        if shifted.day == start.day {
            // The corresponding day exists: the term ends on the day before it.
            return shifted.adding(days: -1)
        }
        // The corresponding day does not exist (e.g. 31 February): the term ends on the last day of that month.
        return shifted.lastDayOfMonth
    }
}

/// A closed span of civil dates: `start` and `end` are both inside the period.
public struct Period: Hashable, Codable, Sendable, CustomStringConvertible {
    public let start: CalendarDate
    /// The last day inside the period.
    public let end: CalendarDate

    public init(start: CalendarDate, end: CalendarDate) {
        self.start = start
        self.end = end
    }

    /// The day after the last day: the "exclusive" end DUO uses for `einddatum` in the Inburgeringstermijn API.
    public var exclusiveEnd: CalendarDate { end.adding(days: 1) }

    public func contains(_ day: CalendarDate) -> Bool { start <= day && day <= end }

    /// Length in days, both ends included.
    public var lengthInDays: Int { start.days(until: end) + 1 }

    public var description: String { "\(start.iso) – \(end.iso)" }
}
