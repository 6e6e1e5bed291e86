/// R2: the 3-year inburgeringstermijn, started by the first PIP only.
public enum InburgeringstermijnRule: LegalRule {
    public static let duur = Termijn.years(3)

    /// The term without extensions: from the day after the first PIP's dagtekening, 3 years.
    // R2 — Wi2021 art. 11 lid 1 (termijn 3 jaar vanaf dag na dagtekening eerste PIP)
    public static func basis(eerstePIPDagtekening: CalendarDate) -> Period {
        duur.period(afterTrigger: eerstePIPDagtekening)
    }

    /// The term for a case: only the first PIP counts (a changed PIP, bezwaar or beroep does not move the
    /// start), then DUO's extensions in the order decided (R10).
    public static func termijn(pipDagtekeningen: [CalendarDate], verlengingen: [TermijnVerlenging]) -> Period? {
        guard let first = pipDagtekeningen.min() else { return nil }
        return TermijnVerlengingRule.verleng(basis(eerstePIPDagtekening: first), met: verlengingen)
    }

    /// What fixing a PIP does to the term: the first fixed PIP's dagtekening starts the term (and is
    /// the case's PIP date); a later version keeps the date already recorded and starts nothing.
    // R2 — Wi2021 art. 11 lid 1: the term runs from the day after the dagtekening of the first PIP;
    // a changed PIP, bezwaar or beroep does not move its start.
    public static func bijVaststelling(eerstePIPDagtekening: CalendarDate?, dagtekening: CalendarDate) -> PIPVaststelling {
        if let eerste = eerstePIPDagtekening { return PIPVaststelling(eerstePIPDagtekening: eerste, startTermijn: false) }
        return PIPVaststelling(eerstePIPDagtekening: dagtekening, startTermijn: true)
    }

    /// The term for a case's facts: DUO's registered term once known (R10), else Regie's computation.
    public static func termijn(for facts: TrajectFacts) -> Period? {
        if let duo = facts.duoTermijn { return Period(start: duo.start, end: duo.laatsteDag) }
        return termijn(pipDagtekeningen: facts.pips.map(\.dagtekening), verlengingen: facts.verlengingen)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r2, title: "Inburgeringstermijn van 3 jaar",
            text: "De inburgeringstermijn is 3 jaar en begint de dag na de dagtekening van het eerste PIP. Een gewijzigd PIP, bezwaar of beroep verschuift het begin niet. Een PIP van 1 mei 2024 geeft een termijn van 2 mei 2024 tot en met 1 mei 2027.",
            textEnglish: "The integration term is 3 years and starts the day after the date of the first PIP. A changed PIP, objection or appeal does not move the start. A PIP dated 1 May 2024 gives a term from 2 May 2024 up to and including 1 May 2027.",
            source: "Wi2021 art. 11"),
    ]
}

/// The outcome of fixing a PIP for the inburgeringstermijn (R2).
public struct PIPVaststelling: Hashable, Sendable {
    /// The dagtekening that starts the term: the first fixed PIP's.
    public let eerstePIPDagtekening: CalendarDate
    /// This PIP is the first: it starts the term (and its reason for a late PIP is the one kept, R1).
    public let startTermijn: Bool

    public init(eerstePIPDagtekening: CalendarDate, startTermijn: Bool) {
        self.eerstePIPDagtekening = eerstePIPDagtekening
        self.startTermijn = startTermijn
    }
}
