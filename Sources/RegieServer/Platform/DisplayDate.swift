import Foundation

/// Dates as case workers read them: "1 mei 2024" in Dutch, "1 May 2024" in English.
enum DisplayDate {
    static let dutchMonths = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// Formats an ISO calendar date (`YYYY-MM-DD`); anything else is shown as it is.
    static func format(_ iso: String, _ locale: UILocale) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return iso }
        let months = locale == .nl ? dutchMonths : englishMonths
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }

    static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    /// A moment as local date and time in Europe/Amsterdam, e.g. "23-11-2026 14:05".
    static func formatMoment(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%02d-%02d-%04d %02d:%02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!, c.second!)
    }

    /// Parses `YYYY-MM-DD` as the start of that day in Europe/Amsterdam.
    static func startOfDay(_ iso: String) -> Date? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard let date = calendar.date(from: components), calendar.dateComponents([.year, .month, .day], from: date) == components else { return nil }
        return date
    }
}
