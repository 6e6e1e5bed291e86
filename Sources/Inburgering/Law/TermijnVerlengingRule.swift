/// R10: extensions of the term are DUO's decisions; the municipality applies them and must see the new end.
public enum TermijnVerlengingRule: LegalRule {
    // R10 — Wi2021 art. 11 (verlenging door de minister, uitgevoerd door DUO); DUO Inburgeringstermijn API, SS103/SS104
    public static func verleng(_ termijn: Period, met verlengingen: [TermijnVerlenging]) -> Period {
        let ordered = verlengingen.enumerated().sorted {
            ($0.element.besluitdatum, $0.offset) < ($1.element.besluitdatum, $1.offset)
        }
        var end = termijn.end
        for (_, verlenging) in ordered {
            end = verlenging.toegepast(op: end)
        }
        return Period(start: termijn.start, end: end)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r10, title: "Verlenging van de inburgeringstermijn",
            text: "Alleen DUO verlengt de termijn, op verzoek of ambtshalve: bij ziekte langer dan 3 maanden, een alfabetiseringscursus (3 tot 6 maanden) of een aanbod dat niet op tijd startte. De gemeente levert verklaringen en rekent met de nieuwe einddatum van DUO (in de API is die einddatum exclusief).",
            textEnglish: "Only DUO extends the term, on request or ex officio: illness longer than 3 months, a literacy course (3–6 months) or an offer that did not start in time. The municipality supplies statements and works with DUO's new end date (exclusive in DUO's API).",
            source: "Wi2021 art. 11; DUO Inburgeringstermijn API; DUO gebeurtenissen SS103/SS104"),
    ]
}
