/// An age in whole years and months.
public struct LeeftijdJaarMaand: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let jaren: Int
    public let maanden: Int

    public init(jaren: Int, maanden: Int = 0) {
        self.jaren = jaren
        self.maanden = maanden
    }

    public var totaalMaanden: Int { jaren * 12 + maanden }
    public var description: String { maanden == 0 ? "\(jaren) jaar" : "\(jaren) jaar en \(maanden) maanden" }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.totaalMaanden < rhs.totaalMaanden }
}

/// R11a: the AOW (state pension) age, as data: the age that applies to people who reach it in a
/// calendar year (Algemene Ouderdomswet art. 7a).
public enum AOWLeeftijd: LegalRule {
    public struct Rij: Hashable, Sendable {
        /// First calendar year this age applies to.
        public let vanafJaar: Int
        public let leeftijd: LeeftijdJaarMaand
    }

    // R11a — Algemene Ouderdomswet art. 7a (pensioengerechtigde leeftijd per kalenderjaar; 2028: 67 jaar en 3 maanden)
    public static let tabel: [Rij] = [
        Rij(vanafJaar: 2013, leeftijd: .init(jaren: 65, maanden: 1)),
        Rij(vanafJaar: 2014, leeftijd: .init(jaren: 65, maanden: 2)),
        Rij(vanafJaar: 2015, leeftijd: .init(jaren: 65, maanden: 3)),
        Rij(vanafJaar: 2016, leeftijd: .init(jaren: 65, maanden: 6)),
        Rij(vanafJaar: 2017, leeftijd: .init(jaren: 65, maanden: 9)),
        Rij(vanafJaar: 2018, leeftijd: .init(jaren: 66)),
        Rij(vanafJaar: 2019, leeftijd: .init(jaren: 66, maanden: 4)),
        Rij(vanafJaar: 2022, leeftijd: .init(jaren: 66, maanden: 7)),
        Rij(vanafJaar: 2023, leeftijd: .init(jaren: 66, maanden: 10)),
        Rij(vanafJaar: 2024, leeftijd: .init(jaren: 67)),
        Rij(vanafJaar: 2028, leeftijd: .init(jaren: 67, maanden: 3)),
    ]

    /// The last calendar year for which the age has been fixed; later years are assumed equal (provisional).
    public static let laatstVastgesteldJaar = 2028

    /// The AOW age for people reaching it in `jaar` (65 before 2013).
    public static func leeftijd(inJaar jaar: Int) -> LeeftijdJaarMaand {
        tabel.last { $0.vanafJaar <= jaar }?.leeftijd ?? LeeftijdJaarMaand(jaren: 65)
    }

    /// The day a person born on `geboortedatum` reaches AOW age: the first year whose age, added to the
    /// birth date, falls in that year. A 29 February birthday falls on 28 February in a common year.
    public static func datum(geboortedatum: CalendarDate) -> CalendarDate {
        var year = geboortedatum.year + 65
        while true {
            let candidate = geboortedatum.adding(months: leeftijd(inJaar: year).totaalMaanden)
            if candidate.year <= year { return candidate }
            year += 1
        }
    }

    /// True when the date depends on an AOW age not yet fixed by law.
    public static func isVoorlopig(geboortedatum: CalendarDate) -> Bool {
        datum(geboortedatum: geboortedatum).year > laatstVastgesteldJaar
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r11a, title: "AOW-leeftijd",
            text: "De AOW-leeftijd hangt af van het jaar waarin iemand die bereikt: 66 jaar en 7 maanden in 2022, 66 jaar en 10 maanden in 2023, 67 jaar in 2024 tot en met 2027 en 67 jaar en 3 maanden vanaf 2028. Latere jaren zijn nog niet vastgesteld en worden voorlopig gelijk gehouden.",
            textEnglish: "The state pension age depends on the year a person reaches it: 66y7m in 2022, 66y10m in 2023, 67 in 2024–2027 and 67y3m from 2028. Later years are not fixed yet and are provisionally kept equal.",
            source: "Algemene Ouderdomswet art. 7a"),
    ]
}
