/// DUO's score bands used in its table of LBT results by route.
public enum LBTScoreBand: String, CaseIterable, Codable, Sendable, Comparable {
    case onder20 = "<20"
    case van20tot27 = "20-27"
    case van28tot30 = "28-30"
    case boven30 = ">30"

    // R4a — DUO tabel uitslagen LBT × leerroute, scoregroepen <20, 20–27, 28–30, >30
    public init(_ score: LBTScore) {
        switch score.hundredths {
        case ..<2000: self = .onder20
        case ..<2800: self = .van20tot27
        case ...3000: self = .van28tot30
        default: self = .boven30
        }
    }

    private var rank: Int { LBTScoreBand.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: LBTScoreBand, rhs: LBTScoreBand) -> Bool { lhs.rank < rhs.rank }
}

/// R3: the verdict of the leerbaarheidstoets, by the threshold in force on the test date.
public enum LeerbaarheidstoetsRule: LegalRule {
    /// Correct answers needed for "B1-route haalbaar", by test date (law by date).
    // R3 — cesuur 31/40 vanaf invoering Wi2021, 28/40 vanaf 12-4-2023 (DUO Leerbaarheidstoets API: behaaldeScore, benodigdeScore)
    public static let drempel = LawTimeline<Int>([
        .init(from: LawDates.wi2021, value: 31, source: "Leerbaarheidstoets bij invoering Wi2021: 31 van 40"),
        .init(from: LawDates.lbtThreshold28, value: 28, source: "Cesuur bijgesteld naar 28 van 40 met ingang van 12-4-2023"),
    ])

    /// The threshold in force on `afname`, or nil before the Wi2021 applied.
    public static func drempel(op afname: CalendarDate) -> LBTScore? {
        drempel.value(on: afname).flatMap { LBTScore($0) }
    }

    public static func uitslag(score: LBTScore, afname: CalendarDate) -> LBTUitslag {
        guard let threshold = drempel(op: afname) else { return .onbekend }
        return score >= threshold ? .b1RouteHaalbaar : .b1RouteNietHaalbaar
    }

    /// The verdict for a recorded test: unknown when the person was exempted (R3a) or the score or date is missing.
    public static func uitslag(_ toets: Leerbaarheidstoets) -> LBTUitslag {
        guard toets.vrijstelling == nil, let score = toets.score, let afname = toets.datumAfname else { return .onbekend }
        return uitslag(score: score, afname: afname)
    }

    /// True when DUO's reported verdict or threshold disagrees with the law on the test date: worth a look.
    public static func wijktAfVanDUO(_ toets: Leerbaarheidstoets) -> Bool {
        if let duo = toets.duoUitslag, duo != .onbekend, uitslag(toets) != .onbekend, duo != uitslag(toets) { return true }
        if let duoThreshold = toets.duoBenodigdeScore, let afname = toets.datumAfname,
           let ours = drempel(op: afname), duoThreshold != ours { return true }
        return false
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r3, title: "Uitslag leerbaarheidstoets",
            text: "De leerbaarheidstoets heeft 40 vragen. Bij een toets afgenomen vanaf 12 april 2023 is de B1-route haalbaar bij 28 of meer goede antwoorden; daarvoor was de grens 31. Toon altijd de score zelf, niet alleen de uitslag. DUO geeft scores als \"28,00\".",
            textEnglish: "The learnability test has 40 questions. For a test taken from 12 April 2023 the B1-route is feasible at 28 or more correct answers; before that date the bar was 31. Always show the score itself, not only the verdict. DUO reports scores as \"28,00\".",
            source: "Besluit inburgering 2021 (leerbaarheidstoets, brede intake); DUO Leerbaarheidstoets API"),
        RuleDescription(
            id: .r3a, title: "Geen leerbaarheidstoets bij visuele of auditieve beperking",
            text: "De gemeente kan iemand met een visuele of auditieve beperking vrijstellen van de leerbaarheidstoets. Er is dan geen uitslag, en een routekeuze hoeft dan niet als afwijking te worden gemotiveerd.",
            textEnglish: "The municipality may exempt a person with a visual or hearing impairment from the test. There is then no verdict, and the route choice is not a deviation that needs a reason.",
            source: "Besluit inburgering 2021 (afname leerbaarheidstoets)"),
    ]
}
