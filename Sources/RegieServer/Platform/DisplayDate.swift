import Foundation
import Inburgering
import RegieStorage

/// Dates as case workers read them: "1 mei 2024" in Dutch, "1 May 2024" in English. Calendar
/// dates come from the law module's `CalendarDate`; only the wording lives here.
enum DisplayDate {
    static let dutchMonths = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    static func format(_ date: CalendarDate, _ locale: UILocale) -> String {
        let months = locale == .nl ? dutchMonths : englishMonths
        return "\(date.day) \(months[date.month - 1]) \(date.year)"
    }

    /// "26-09-2026": a date in a list row, where it must not wrap.
    static func compact(_ date: CalendarDate) -> String {
        padded(date.day, 2) + "-" + padded(date.month, 2) + "-" + padded(date.year, 4)
    }

    /// A non-negative number with leading zeros to `width` digits (`String(format:)` costs a
    /// Foundation formatter per call; a list row formats several dates).
    static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Formats an ISO calendar date (`YYYY-MM-DD`); anything else is shown as it is.
    static func format(_ iso: String, _ locale: UILocale) -> String {
        CalendarDate(iso: iso).map { format($0, locale) } ?? iso
    }

    /// A moment as local date and time in Europe/Amsterdam, e.g. "23-11-2026 14:05:09".
    static func formatMoment(_ date: Date) -> String {
        let c = amsterdamCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return padded(c.day!, 2) + "-" + padded(c.month!, 2) + "-" + padded(c.year!, 4) + " " + padded(c.hour!, 2) + ":" + padded(c.minute!, 2) + ":"
            + padded(c.second!, 2)
    }

    /// The time of a moment in Europe/Amsterdam, e.g. "09:04".
    static func time(_ date: Date) -> String {
        let c = amsterdamCalendar.dateComponents([.hour, .minute], from: date)
        return padded(c.hour!, 2) + ":" + padded(c.minute!, 2)
    }

    /// The start of an ISO calendar date in Europe/Amsterdam; nil when it is not a real date.
    static func startOfDay(_ iso: String) -> Date? {
        guard let date = CalendarDate(iso: iso) else { return nil }
        return amsterdamCalendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))
    }

    static let amsterdamCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.amsterdam
        return calendar
    }()
}

extension PersonRecord {
    /// The name as the interface shows it: "Naam volgt uit de BRP" for a person opened on a DUO
    /// signal whose details have not been completed yet.
    func displayName(_ t: Localizer) -> String {
        let name = fullName.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? t("person.namePending") : name
    }
}

/// Whole numbers as people read them: "1.000" in Dutch, "1,000" in English.
enum DisplayNumber {
    static func format(_ number: Int, _ locale: UILocale) -> String {
        var whole = String(abs(number))
        var grouped = ""
        while whole.count > 3 {
            grouped = (locale == .nl ? "." : ",") + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (number < 0 ? "-" : "") + whole + grouped
    }
}
