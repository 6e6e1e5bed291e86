/// Which version of the ontzorgen law applies to a case (law by date, R8).
public enum OntzorgenRegime: String, Codable, Sendable {
    /// Before 6-4-2023: mandatory, standard bills, 6 months; the municipality may not deviate.
    case standaard
    /// From 6-4-2023: the municipality may deviate (policy, bills, duration).
    case ruimereUitleg
}

/// The ontzorgen a person is due (R8).
public struct OntzorgenPlan: Hashable, Sendable {
    public let regime: OntzorgenRegime
    /// Ontzorgen applies unless the municipality decides otherwise for the person.
    public let standaardOntzorgd: Bool
    public let periode: Period
    public let rekeningen: Set<OntzorgRekening>
    /// Last days by which each review (extension decision) is due, in order (R8a).
    public let evaluaties: [CalendarDate]
}

/// R8: financieel ontzorgen; R8a: the review before it ends.
public enum OntzorgenRule: LegalRule {
    public static let wettelijkeDuur = Termijn.months(6)

    // R8 — Participatiewet art. 56a (6 maanden vanaf eerste dag bijstand); Verzamelbrief inburgering 6-4-2023 (ruimere uitleg)
    public static let regime = LawTimeline<OntzorgenRegime>([
        .init(from: LawDates.wi2021, value: .standaard, source: "Participatiewet art. 56a, in werking 1-1-2022"),
        .init(from: LawDates.ontzorgenRelaxation, value: .ruimereUitleg, source: "Verzamelbrief inburgering 6-4-2023, blz. 3"),
    ])

    /// Nil when ontzorgen does not apply (not an asylum permit holder, or bijstand started before the Wi2021).
    /// The regime is that in force on the first day of bijstand.
    public static func plan(bijstandStart: CalendarDate, categorie: DoelgroepCategorie,
                            settings: MunicipalityLawSettings = .standaard) -> OntzorgenPlan? {
        guard DoelgroepRechten.voor(categorie, settings: settings).financieelOntzorgenBijBijstand,
              let regime = regime.value(on: bijstandStart) else { return nil }
        let policy = settings.ontzorgen
        let months: Int
        let bills: Set<OntzorgRekening>
        let byDefault: Bool
        switch regime {
        case .standaard:
            months = wettelijkeDuur.count
            bills = OntzorgRekening.wettelijkeStandaard
            byDefault = true
        case .ruimereUitleg:
            months = max(1, policy.duurMaanden)
            bills = policy.rekeningen
            byDefault = policy.beleid == .jaTenzij
        }
        let period = Termijn.months(months).period(startingOn: bijstandStart)
        return OntzorgenPlan(regime: regime, standaardOntzorgd: byDefault, periode: period, rekeningen: bills,
                             evaluaties: evaluaties(start: bijstandStart, periode: period, naMaanden: policy.evaluatieNaMaanden))
    }

    /// Whether a decision "not ontzorgd" is allowed: from 6-4-2023 the municipality may decide so;
    /// before it ontzorgen was the rule and only the newcomer's own request (opt-out) lifts it.
    // R8 — Participatiewet art. 56a (vóór 6-4-2023 geen afwijking); Verzamelbrief inburgering 6-4-2023, blz. 3
    public static func magNietOntzorgen(regime: OntzorgenRegime, opEigenVerzoek: Bool) -> Bool {
        regime == .ruimereUitleg || opEigenVerzoek
    }

    /// Regie's plausibility bound on an extension: the law sets no maximum (art. 57 Pw), so this
    /// only catches a mistyped year. Not a statutory term.
    public static let verlengingsgrens = Termijn.months(36)

    /// Whether ontzorgen may be extended to `tot`: after the current last day, within the bound.
    // R8a — verlenging op grond van Participatiewet art. 57: na het huidige einde
    public static func verlengingToegestaan(bijstandStart: CalendarDate, huidigEinde: CalendarDate, tot: CalendarDate) -> Bool {
        tot > huidigEinde && tot <= verlengingsgrens.lastDay(startingOn: bijstandStart)
    }

    /// After an extension the next review falls a month before the new last day, never before the decision.
    // R8a — evaluatie vóór einde ontzorgen, ook na verlenging (practice: contact about stopping before the end)
    public static func evaluatieNaVerlenging(besluit: CalendarDate, tot: CalendarDate) -> CalendarDate {
        max(besluit, tot.adding(months: -1))
    }

    /// Review dates: the last day of each configured number of months, always before the end; when
    /// none falls before the end, one review on the day before the end.
    // R8a — evaluatie vóór einde ontzorgen; verlenging op grond van Participatiewet art. 57 (practice: contact about stopping after 5 months)
    public static func evaluaties(start: CalendarDate, periode: Period, naMaanden: [Int]) -> [CalendarDate] {
        let dates = Set(naMaanden.filter { $0 > 0 }.map { Termijn.months($0).lastDay(startingOn: start) })
            .filter { $0 < periode.end }
            .sorted()
        return dates.isEmpty ? [max(start, periode.end.adding(days: -1))] : dates
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r8, title: "Financieel ontzorgen",
            text: "Een asielstatushouder met bijstand wordt 6 maanden ontzorgd vanaf de eerste dag van de bijstand: de gemeente betaalt huur, energie, water en zorgverzekering uit de uitkering en keert de rest uit als leefgeld. Bijstand vanaf 15 maart 2024 geeft ontzorgen tot en met 14 september 2024; vanaf 31 augustus 2024 tot en met 28 februari 2025. Bij bijstand die start op of na 6 april 2023 mag de gemeente afwijken (beleid 'ja, tenzij' of 'nee, tenzij', welke rekeningen, hoe lang); daarvoor geldt de standaardvorm.",
            textEnglish: "An asylum permit holder on welfare is unburdened for 6 months from the first day of welfare: the municipality pays rent, energy, water and health insurance from the benefit and pays out the rest as living money. Welfare from 15 March 2024 gives unburdening up to and including 14 September 2024; from 31 August 2024 up to 28 February 2025. For welfare starting on or after 6 April 2023 the municipality may deviate (policy 'yes unless' or 'no unless', which bills, how long); before that the standard form applies.",
            source: "Participatiewet art. 56a; Verzamelbrief inburgering 6-4-2023"),
        RuleDescription(
            id: .r8a, title: "Evaluatie en verlenging van ontzorgen",
            text: "Vóór het einde van het ontzorgen beoordeelt de gemeente of het langer moet (verlenging op grond van art. 57 Participatiewet). Standaard zijn er evaluaties na 2 en 5 maanden; die liggen altijd vóór de einddatum. De cursus financiële zelfredzaamheid hoort vóór het einde plaats te vinden.",
            textEnglish: "Before unburdening ends the municipality reviews whether it should continue (extension under art. 57 Participatiewet). By default reviews fall after 2 and 5 months, always before the end date. The financial self-reliance course should take place before the end.",
            source: "Participatiewet art. 57"),
    ]
}
