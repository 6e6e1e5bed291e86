/// What DUO knows about the person when a PIP arrives, needed to check DUO's rules before sending.
public struct PIPValidationContext: Hashable, Codable, Sendable {
    /// Start of the obligation (DUO Inburgeringsplicht `begindatum`).
    public var startInburgeringsplicht: CalendarDate?
    /// The day the person settled in this municipality (BRP registration; SS120/SS121).
    public var vestigingInGemeente: CalendarDate?
    /// Dagtekening of the person's initial PIP at DUO (any municipality), if any.
    public var dagtekeningInitielePIP: CalendarDate?
    /// Dagtekening of the PIP currently registered at DUO, if any.
    public var dagtekeningHuidigePIP: CalendarDate?
    public var categorie: DoelgroepCategorie

    public init(startInburgeringsplicht: CalendarDate? = nil, vestigingInGemeente: CalendarDate? = nil,
                dagtekeningInitielePIP: CalendarDate? = nil, dagtekeningHuidigePIP: CalendarDate? = nil,
                categorie: DoelgroepCategorie) {
        self.startInburgeringsplicht = startInburgeringsplicht
        self.vestigingInGemeente = vestigingInGemeente
        self.dagtekeningInitielePIP = dagtekeningInitielePIP
        self.dagtekeningHuidigePIP = dagtekeningHuidigePIP
        self.categorie = categorie
    }

    /// No PIP is registered yet: this one will be the person's first.
    public var isEerstePIP: Bool { dagtekeningInitielePIP == nil && dagtekeningHuidigePIP == nil }

    /// The context for a case, assembled one way wherever a PIP is checked (the fix page, the fix
    /// itself and the DUO worker before sending): what DUO last said wins over Regie's own dates —
    /// its start of the obligation over the day of the notification, the PIP it holds when it is
    /// later than the last one Regie fixed.
    public static func voorZaak(categorie: DoelgroepCategorie, kennisgeving: CalendarDate?, brpInschrijving: CalendarDate?,
                                vastgesteldeDagtekeningen: [CalendarDate], duoStart: CalendarDate?, duoHuidigePIP: CalendarDate?) -> PIPValidationContext {
        PIPValidationContext(startInburgeringsplicht: duoStart ?? kennisgeving, vestigingInGemeente: brpInschrijving,
                             dagtekeningInitielePIP: vastgesteldeDagtekeningen.min(),
                             dagtekeningHuidigePIP: [vastgesteldeDagtekeningen.max(), duoHuidigePIP].compactMap { $0 }.max(),
                             categorie: categorie)
    }
}

/// A rule of DUO's PIP service a submission would break (R6). Each case has a stable code.
public enum PIPViolation: Hashable, Sendable {
    case dagtekeningVoorStartInburgeringsplicht(dagtekening: CalendarDate, start: CalendarDate)
    case dagtekeningVoorVestiging(dagtekening: CalendarDate, vestiging: CalendarDate)
    case dagtekeningVoorInitielePIP(dagtekening: CalendarDate, initieel: CalendarDate)
    case dagtekeningVoorHuidigePIP(dagtekening: CalendarDate, huidig: CalendarDate)
    /// DUO's PIP accepts only A2 and B1.
    case niveauNietToegestaan(Taalniveau)
    case a2BijOnderwijsroute
    case b1BijZRoute
    case a2BijB1RouteEerstePIP
    case intensiteitAlleenBijB1Route(Leerroute)
    case intensiteitAlleenVoorAsielstatushouder
    case intensiteitBuitenBereik(Int)
    case verwijderenNaStartTermijn

    /// Stable code for logs, tests and the UI.
    public var code: String {
        switch self {
        case .dagtekeningVoorStartInburgeringsplicht: "R6.1"
        case .dagtekeningVoorVestiging: "R6.2"
        case .dagtekeningVoorInitielePIP: "R6.3"
        case .dagtekeningVoorHuidigePIP: "R6.4"
        case .niveauNietToegestaan: "R6.5"
        case .a2BijOnderwijsroute: "R6.6"
        case .b1BijZRoute: "R6.7"
        case .a2BijB1RouteEerstePIP: "R6.8"
        case .intensiteitAlleenBijB1Route: "R6.9"
        case .intensiteitAlleenVoorAsielstatushouder: "R6.10"
        case .intensiteitBuitenBereik: "R6.11"
        case .verwijderenNaStartTermijn: "R6.12"
        }
    }

    public var rule: RuleID { .r6 }
    public var source: String { "DUO PIP API 1.2.0 (validatieregels)" }

    /// Dutch message for the case worker, naming the rule.
    public var melding: String {
        switch self {
        case let .dagtekeningVoorStartInburgeringsplicht(d, start):
            "De dagtekening (\(d.iso)) ligt vóór de start van de inburgeringsplicht (\(start.iso))."
        case let .dagtekeningVoorVestiging(d, vestiging):
            "De dagtekening (\(d.iso)) ligt vóór de vestiging in de gemeente (\(vestiging.iso))."
        case let .dagtekeningVoorInitielePIP(d, initieel):
            "De dagtekening (\(d.iso)) ligt vóór de dagtekening van het initiële PIP (\(initieel.iso))."
        case let .dagtekeningVoorHuidigePIP(d, huidig):
            "De dagtekening (\(d.iso)) ligt vóór de dagtekening van het huidige PIP (\(huidig.iso))."
        case .niveauNietToegestaan(let niveau):
            "Niveau \(niveau.rawValue) kan niet in een PIP; alleen A2 of B1."
        case .a2BijOnderwijsroute:
            "Niveau A2 is niet toegestaan bij de onderwijsroute."
        case .b1BijZRoute:
            "Niveau B1 is niet toegestaan bij de Z-route."
        case .a2BijB1RouteEerstePIP:
            "Niveau A2 is niet toegestaan bij de B1-route in het eerste PIP; afschalen kan pas later."
        case .intensiteitAlleenBijB1Route(let route):
            "De geschatte intensiteit hoort alleen bij de B1-route, niet bij de \(route.naam)."
        case .intensiteitAlleenVoorAsielstatushouder:
            "De geschatte intensiteit B1-route geldt alleen voor asielstatushouders."
        case .intensiteitBuitenBereik(let uren):
            "De geschatte intensiteit moet tussen 1 en 9999 uur liggen (nu \(uren))."
        case .verwijderenNaStartTermijn:
            "Een PIP kan alleen worden verwijderd zolang de inburgeringstermijn nog niet is vastgesteld."
        }
    }

    public var message: String {
        switch self {
        case .dagtekeningVoorStartInburgeringsplicht: "The PIP date is before the start of the obligation."
        case .dagtekeningVoorVestiging: "The PIP date is before settling in the municipality."
        case .dagtekeningVoorInitielePIP: "The PIP date is before the initial PIP's date."
        case .dagtekeningVoorHuidigePIP: "The PIP date is before the current PIP's date."
        case .niveauNietToegestaan: "A PIP level must be A2 or B1."
        case .a2BijOnderwijsroute: "A2 is not allowed with the education route."
        case .b1BijZRoute: "B1 is not allowed with the Z-route."
        case .a2BijB1RouteEerstePIP: "A2 is not allowed with the B1-route on a first PIP."
        case .intensiteitAlleenBijB1Route: "Estimated intensity is only for the B1-route."
        case .intensiteitAlleenVoorAsielstatushouder: "Estimated intensity is only for asylum permit holders."
        case .intensiteitBuitenBereik: "Estimated intensity must be 1…9999 hours."
        case .verwijderenNaStartTermijn: "A PIP can be deleted only before the integration term is set."
        }
    }
}

/// R6: DUO's validation rules for a PIP, enforced before anything is sent.
public enum PIPValidator: LegalRule {
    public static let intensiteitBereik = 1...9999

    // R6 — DUO PIP API 1.2.0 (PIP, NiveauPip, geschatteIntensiteitB1Route) en DUO-validatieregels
    public static func validate(_ pip: PIPSubmission, context: PIPValidationContext) -> [PIPViolation] {
        var violations: [PIPViolation] = []
        let day = pip.dagtekening
        // R6.1–R6.4 — dagtekening niet vóór start plicht, vestiging, initieel of huidig PIP
        if let start = context.startInburgeringsplicht, day < start {
            violations.append(.dagtekeningVoorStartInburgeringsplicht(dagtekening: day, start: start))
        }
        if let settled = context.vestigingInGemeente, day < settled {
            violations.append(.dagtekeningVoorVestiging(dagtekening: day, vestiging: settled))
        }
        if let initial = context.dagtekeningInitielePIP, day < initial {
            violations.append(.dagtekeningVoorInitielePIP(dagtekening: day, initieel: initial))
        }
        if let current = context.dagtekeningHuidigePIP, day < current {
            violations.append(.dagtekeningVoorHuidigePIP(dagtekening: day, huidig: current))
        }
        // R6.5–R6.8 — combinaties route/niveau; ontbrekend niveau betekent B1 bij B- en O-route
        if let niveau = pip.niveau {
            switch (niveau, pip.leerroute) {
            case (.a1, _), (.b2, _): violations.append(.niveauNietToegestaan(niveau))
            case (.a2, .onderwijs): violations.append(.a2BijOnderwijsroute)
            case (.b1, .z): violations.append(.b1BijZRoute)
            case (.a2, .b1) where context.isEerstePIP: violations.append(.a2BijB1RouteEerstePIP)
            default: break
            }
        }
        // R6.9–R6.11 — geschatteIntensiteitB1Route alleen B1-route en asielstatushouder, 1…9999
        if let hours = pip.geschatteIntensiteitB1Route {
            if pip.leerroute != .b1 { violations.append(.intensiteitAlleenBijB1Route(pip.leerroute)) }
            if context.categorie != .asielstatushouder { violations.append(.intensiteitAlleenVoorAsielstatushouder) }
            if !intensiteitBereik.contains(hours) { violations.append(.intensiteitBuitenBereik(hours)) }
        }
        return violations
    }

    /// R6.12 — a PIP can be deleted at DUO only before the inburgeringstermijn is set.
    public static func validateDeletion(termijnVastgesteld: Bool) -> [PIPViolation] {
        termijnVastgesteld ? [.verwijderenNaStartTermijn] : []
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r6, title: "Controles van DUO op het PIP",
            text: "DUO weigert een PIP als: de dagtekening vóór de start van de inburgeringsplicht, vóór de vestiging in de gemeente of vóór de dagtekening van het initiële of huidige PIP ligt; A2 bij de onderwijsroute staat; B1 bij de Z-route staat; A2 bij de B1-route staat in iemands eerste PIP; een geschatte intensiteit is opgegeven buiten de B1-route of voor iemand die geen asielstatushouder is. Zonder niveau rekent DUO B1 bij B1- en onderwijsroute. Verwijderen kan alleen zolang de termijn niet is vastgesteld. Regie controleert dit vóór verzending.",
            textEnglish: "DUO rejects a PIP when: its date is before the start of the obligation, before settling in the municipality, or before the initial or current PIP's date; A2 is combined with the education route; B1 with the Z-route; A2 with the B1-route on a first PIP; an estimated intensity is given outside the B1-route or for someone who is not an asylum permit holder. A missing level means B1 for the B1 and education routes. Deletion is possible only before the term is set. Regie checks this before sending.",
            source: "DUO PIP API 1.2.0 (validatieregels PIP); Wi2021 art. 15"),
    ]
}
