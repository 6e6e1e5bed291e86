/// A rule value that changed over time: each version applies from its `from` date (inclusive) until
/// the next version. A case is judged by the version in force on the date that matters for it
/// (the test date, the start of bijstand, the day the hours were made).
public struct LawTimeline<Value: Sendable & Hashable>: Sendable, Hashable {
    public struct Version: Sendable, Hashable {
        public let from: CalendarDate
        public let value: Value
        /// Where this version comes from.
        public let source: String

        public init(from: CalendarDate, value: Value, source: String) {
            self.from = from
            self.value = value
            self.source = source
        }
    }

    /// Sorted by `from`.
    public let versions: [Version]

    public init(_ versions: [Version]) {
        self.versions = versions.sorted { $0.from < $1.from }
    }

    /// The version in force on `day`, or nil before the first version (the rule did not exist yet).
    public func version(on day: CalendarDate) -> Version? {
        versions.last { $0.from <= day }
    }

    public func value(on day: CalendarDate) -> Value? {
        version(on: day)?.value
    }
}

/// Dates on which the law changed, in one place.
public enum LawDates {
    /// Wet inburgering 2021 in force (Stb. 2021, 41; inwerkingtreding 1-1-2022).
    public static let wi2021 = CalendarDate(unchecked: 2022, 1, 1)
    /// LBT cut-off lowered from 31 to 28 correct answers.
    public static let lbtThreshold28 = CalendarDate(unchecked: 2023, 4, 12)
    /// Verzamelbrief inburgering 6-4-2023: municipalities may deviate from the standard form of ontzorgen (blz. 3).
    public static let ontzorgenRelaxation = CalendarDate(unchecked: 2023, 4, 6)
    /// School hours in praktijkonderwijs, vso and entree count towards the Z-route from 1-7-2025 (amendment of the Besluit inburgering 2021).
    public static let zRouteSchoolHours = CalendarDate(unchecked: 2025, 7, 1)
}
