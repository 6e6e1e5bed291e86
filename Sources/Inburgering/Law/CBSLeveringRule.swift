/// A calendar quarter.
public struct Kwartaal: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let jaar: Int
    /// 1…4.
    public let nummer: Int

    public init?(jaar: Int, nummer: Int) {
        guard (1...4).contains(nummer), (1...9999).contains(jaar) else { return nil }
        self.jaar = jaar
        self.nummer = nummer
    }

    public init(containing day: CalendarDate) {
        jaar = day.year
        nummer = (day.month - 1) / 3 + 1
    }

    public var eersteDag: CalendarDate { CalendarDate(unchecked: jaar, (nummer - 1) * 3 + 1, 1) }
    public var laatsteDag: CalendarDate { CalendarDate(unchecked: jaar, nummer * 3, 1).lastDayOfMonth }
    public var vorige: Kwartaal { nummer == 1 ? Kwartaal(unchecked: jaar - 1, 4) : Kwartaal(unchecked: jaar, nummer - 1) }
    public var description: String { "\(jaar)-Q\(nummer)" }

    public static func < (lhs: Kwartaal, rhs: Kwartaal) -> Bool { (lhs.jaar, lhs.nummer) < (rhs.jaar, rhs.nummer) }

    init(unchecked jaar: Int, _ nummer: Int) {
        self.jaar = jaar
        self.nummer = nummer
    }
}

/// R13: the quarterly delivery of the Statistiek Wet inburgering to CBS.
public enum CBSLeveringRule: LegalRule {
    public static let leverTermijn = Termijn.weeks(4)

    /// Delivery window for a quarter: from the day after it ends, 4 weeks.
    // R13 — Wi2021 (gegevensverstrekking voor monitoring, Statistiek Wet inburgering)
    public static func leverVenster(_ kwartaal: Kwartaal) -> Period {
        leverTermijn.period(afterTrigger: kwartaal.laatsteDag)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r13, title: "Kwartaallevering aan CBS",
            text: "De gemeente levert elk kwartaal de Statistiek Wet inburgering aan CBS, binnen 4 weken na het einde van het kwartaal (voor het eerste kwartaal: uiterlijk 28 april).",
            textEnglish: "Every quarter the municipality delivers the Statistiek Wet inburgering to CBS, within 4 weeks after the quarter ends (first quarter: by 28 April).",
            source: "Wi2021 (gegevensverstrekking voor monitoring)"),
    ]
}
