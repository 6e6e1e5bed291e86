/// How a chosen route relates to the LBT verdict (R4).
public enum RouteAfwijking: String, CaseIterable, Codable, Sendable {
    /// The route follows the verdict.
    case conform
    /// B1- or onderwijsroute although the B1-route was "niet haalbaar".
    case omhoog
    /// Z-route although the B1-route was "haalbaar".
    case omlaag
    /// No verdict (no test, exemption, unknown): nothing to deviate from.
    case geenUitslag

    /// A deviation must be reasoned in the PIP.
    public var vereistMotivering: Bool { self == .omhoog || self == .omlaag }
}

/// R4: a route other than the LBT suggests needs a written reason in the PIP.
public enum RouteDeviationRule: LegalRule {
    // R4 — Besluit inburgering 2021, nota van toelichting art. 2.3.3 (afwijken van LBT motiveren in het PIP)
    public static func afwijking(route: Leerroute, uitslag: LBTUitslag) -> RouteAfwijking {
        switch (uitslag, route) {
        case (.onbekend, _): .geenUitslag
        case (.b1RouteHaalbaar, .b1), (.b1RouteHaalbaar, .onderwijs), (.b1RouteNietHaalbaar, .z): .conform
        case (.b1RouteNietHaalbaar, .b1), (.b1RouteNietHaalbaar, .onderwijs): .omhoog
        case (.b1RouteHaalbaar, .z): .omlaag
        }
    }

    public static func afwijking(route: Leerroute, toets: Leerbaarheidstoets?) -> RouteAfwijking {
        guard let toets else { return .geenUitslag }
        return afwijking(route: route, uitslag: LeerbaarheidstoetsRule.uitslag(toets))
    }

    /// True when the PIP deviates from the LBT and gives no (non-blank) reason.
    public static func mistMotivering(_ pip: PIP, toets: Leerbaarheidstoets?) -> Bool {
        afwijking(route: pip.leerroute, toets: toets).vereistMotivering
            && (pip.redenAfwijkingLBT?.trimmingWhitespace.isEmpty ?? true)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r4, title: "Afwijken van de leerbaarheidstoets motiveren",
            text: "Kiest de gemeente een andere route dan de toets aangeeft (B1- of onderwijsroute terwijl B1 niet haalbaar is, of de Z-route terwijl B1 haalbaar is), dan staat de reden daarvoor in het PIP.",
            textEnglish: "When the municipality chooses another route than the test suggests (B1 or education route when B1 is not feasible, or the Z-route when it is), the PIP states the reason.",
            source: "Besluit inburgering 2021, nota van toelichting art. 2.3.3"),
        RuleDescription(
            id: .r4a, title: "Scoregroepen van DUO",
            text: "DUO groepeert scores in: minder dan 20, 20 tot en met 27, 28 tot en met 30 en meer dan 30. Deze groepen worden gebruikt in de cijfers over toetsuitslag en gekozen route.",
            textEnglish: "DUO groups scores as: below 20, 20–27, 28–30 and above 30. The groups are used in the figures on test result versus chosen route.",
            source: "DUO-tabel uitslagen LBT en leerroutes"),
    ]
}
