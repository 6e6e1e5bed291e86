/// R12: the course offer must start within 3 months after the PIP (6 for the onderwijsroute).
public enum LateOfferRule: LegalRule {
    public static func termijn(voor route: Leerroute) -> Termijn {
        route == .onderwijs ? .months(6) : .months(3)
    }

    /// The window for the start of the offer: from the day after the first PIP's dagtekening.
    // R12 — Besluit inburgering 2021 (niet-verwijtbare verlenging bij te late start aanbod)
    public static func venster(eerstePIPDagtekening: CalendarDate, route: Leerroute) -> Period {
        termijn(voor: route).period(afterTrigger: eerstePIPDagtekening)
    }

    /// True when the municipality must issue a statement: the offer started after the window, or has not
    /// started and the window has passed on `day`. Only for asylum permit holders.
    public static func isTeLaat(eerstePIPDagtekening: CalendarDate, route: Leerroute, start: CalendarDate?,
                                categorie: DoelgroepCategorie, op day: CalendarDate) -> Bool {
        guard DoelgroepRechten.voor(categorie).signaalTeLaatAanbod else { return false }
        let window = venster(eerstePIPDagtekening: eerstePIPDagtekening, route: route)
        if let start { return start > window.end }
        return day > window.end
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r12, title: "Te laat gestart aanbod",
            text: "Is het inburgeringsaanbod niet binnen 3 maanden na het PIP gestart (6 maanden bij de onderwijsroute), dan krijgt de asielstatushouder een niet-verwijtbare verlenging en geeft de gemeente een verklaring af. Regie signaleert deze gevallen.",
            textEnglish: "If the course offer has not started within 3 months after the PIP (6 months for the education route), the asylum permit holder gets a non-culpable extension and the municipality issues a statement. Regie flags these cases.",
            source: "Besluit inburgering 2021 (verlenging bij te late start aanbod)"),
    ]
}
