/// R5b: the next progress meeting, from the PIP's cadence or the municipality's default.
public enum VoortgangRule: LegalRule {
    /// The window in which the next meeting is due: from the day after the last meeting (or the first
    /// PIP when there was none) for the cadence's number of months. Nil before there is a PIP.
    // R5b — Besluit inburgering 2021 art. 5.3 (aantal voortgangsgesprekken in het PIP)
    public static func volgendGesprek(for facts: TrajectFacts, cadans: VoortgangCadans) -> Period? {
        guard let firstPIP = facts.eerstePIPDagtekening else { return nil }
        let last = max(facts.voortgangsgesprekken.max() ?? firstPIP, firstPIP)
        let termStart = InburgeringstermijnRule.basis(eerstePIPDagtekening: firstPIP).start
        let firstYearEnd = Termijn.years(1).lastDay(startingOn: termStart)
        let months: Int
        if let fromPIP = facts.pips.last?.voortgangCadansMaanden, fromPIP > 0 {
            months = fromPIP
        } else {
            months = last <= firstYearEnd ? cadans.eersteJaarMaanden : cadans.daarnaMaanden
        }
        return Termijn.months(months).period(afterTrigger: last)
    }

    /// The date to propose when a progress meeting is planned: the last day of the window the cadence
    /// gives (`volgendGesprek`), or tomorrow when that day has passed. Nil before there is a PIP.
    // R5b — Besluit inburgering 2021 art. 5.3 (aantal voortgangsgesprekken in het PIP); issue 15
    public static func voorgesteldeDatum(for facts: TrajectFacts, cadans: VoortgangCadans, vandaag: CalendarDate) -> CalendarDate? {
        guard let window = volgendGesprek(for: facts, cadans: cadans) else { return nil }
        return max(window.end, vandaag.adding(days: 1))
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r5b, title: "Voortgangsgesprekken",
            text: "Het PIP legt vast hoe vaak voortgangsgesprekken plaatsvinden. Zegt het PIP niets, dan geldt de instelling van de gemeente: standaard elke 3 maanden in het eerste jaar van de termijn, daarna elke 6 maanden. Het volgende gesprek is uiterlijk zoveel maanden na het vorige (of na het eerste PIP).",
            textEnglish: "The PIP sets how often progress meetings take place. Where it is silent the municipality's setting applies: by default every 3 months in the first year of the term, then every 6 months. The next meeting is due that many months after the previous one (or after the first PIP).",
            source: "Besluit inburgering 2021 art. 5.3"),
    ]
}
