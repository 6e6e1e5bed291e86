/// Exam components of the B1-route (DUO `ExamenonderdeelNederlands`) plus KNM.
public enum Examenonderdeel: String, CaseIterable, Codable, Sendable {
    case lezen = "LE"
    case luisteren = "LU"
    case schrijven = "SC"
    case spreken = "SP"
    case knm = "KNM"
}

/// What a route consists of (R7).
public struct RouteOnderdelen: Hashable, Sendable {
    public let route: Leerroute
    /// Exams to pass (empty for the Z-route, which ends with a final interview).
    public let examens: [Examenonderdeel]
    /// The level the route aims at.
    public let doelniveau: Taalniveau
    public let map: Bool
    public let pvt: Bool
}

/// Outcome of a request to lower a B1-route to A2 (afschalen).
public enum AfschalenOordeel: Hashable, Sendable {
    case toegestaan
    case nietB1Route(Leerroute)
    case teWeinigCursusuren(gevolgd: Int, nodig: Int)
}

/// R7: the routes, and the rules on changing them.
public enum LeerrouteRules: LegalRule {
    public static let afschalenMinimumCursusuren = 600
    public static let schakelVenster = Termijn.months(18)

    // R7 — Wi2021 art. 7–9 (B1-route, onderwijsroute, Z-route)
    public static func onderdelen(_ route: Leerroute) -> RouteOnderdelen {
        switch route {
        case .b1:
            RouteOnderdelen(route: route, examens: Examenonderdeel.allCases, doelniveau: .b1, map: true, pvt: true)
        case .onderwijs:
            RouteOnderdelen(route: route, examens: [], doelniveau: .b1, map: false, pvt: true)
        case .z:
            RouteOnderdelen(route: route, examens: [], doelniveau: .a1, map: true, pvt: true)
        }
    }

    /// Levels a PIP may carry for a route (the R6 combinations, as a positive list for forms).
    public static func toegestaneNiveaus(_ route: Leerroute, eerstePIP: Bool) -> [Taalniveau] {
        switch route {
        case .b1: eerstePIP ? [.b1] : [.a2, .b1]
        case .onderwijs: [.b1]
        case .z: [.a2]
        }
    }

    /// Afschalen: a B1-route may go to A2 after at least 600 course hours.
    // R7a — Besluit inburgering 2021 art. 5.5 (afschalen na ≥ 600 uur); DUO GevolgdeUren (ParticipatieAlsTaalles)
    public static func afschalen(route: Leerroute, gevolgdeCursusuren: Int) -> AfschalenOordeel {
        guard route == .b1 else { return .nietB1Route(route) }
        guard gevolgdeCursusuren >= afschalenMinimumCursusuren else {
            return .teWeinigCursusuren(gevolgd: gevolgdeCursusuren, nodig: afschalenMinimumCursusuren)
        }
        return .toegestaan
    }

    /// The window in which the route may be switched: 18 months from the start of the term.
    // R7b — Wi2021 art. 15 (schakelen binnen 18 maanden na aanvang inburgeringstermijn)
    public static func schakelVenster(termijnStart: CalendarDate) -> Period {
        schakelVenster.period(startingOn: termijnStart)
    }

    /// Advice only: the onderwijsroute is meant for young people (default: younger than 27).
    // R7e — the municipality's setting (common practice: onderwijsroute for those under 27); instelbaar
    public static func onderwijsrouteAanbevolen(geboortedatum: CalendarDate, op day: CalendarDate,
                                                settings: MunicipalityLawSettings = .standaard) -> Bool {
        Inburgeraar.age(born: geboortedatum, on: day) < settings.onderwijsrouteLeeftijdsgrens
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r7, title: "De drie leerroutes",
            text: "B1-route: examens lezen, luisteren, schrijven en spreken op B1 (B2 mag) en KNM, plus MAP en PVT. Onderwijsroute: voorbereiding op mbo, hbo of wo, taal op B1 of hoger, met PVT en zonder MAP. Z-route: taal en KNM met participatie, doel A1, afgesloten met een eindgesprek, plus MAP en PVT.",
            textEnglish: "B1-route: exams reading, listening, writing and speaking at B1 (B2 allowed) and KNM, plus MAP and PVT. Education route: preparation for mbo/hbo/wo, language at B1 or above, with PVT and without MAP. Z-route: language and KNM with participation, aiming at A1, closed with a final interview, plus MAP and PVT.",
            source: "Wi2021 art. 7–9"),
        RuleDescription(
            id: .r7a, title: "Afschalen naar A2",
            text: "Binnen de B1-route mag naar niveau A2 worden afgeschaald als iemand ten minste 600 cursusuren heeft gevolgd. Uren uit een eerdere leerroute tellen mee, uren tijdens de brede intake niet. Het PIP wordt dan aangepast.",
            textEnglish: "Within the B1-route the level may be lowered to A2 once the person has followed at least 600 course hours. Hours from an earlier route count, hours during the broad intake do not. The PIP is then amended.",
            source: "Besluit inburgering 2021 art. 5.5; DUO GevolgdeUren API"),
        RuleDescription(
            id: .r7b, title: "Schakelen binnen 18 maanden",
            text: "Naar een andere leerroute schakelen kan alleen binnen 18 maanden na het begin van de inburgeringstermijn. Het PIP wordt dan aangepast; de termijn verschuift niet.",
            textEnglish: "Switching to another route is possible only within 18 months of the start of the integration term. The PIP is then amended; the term does not move.",
            source: "Wi2021 art. 15; Besluit inburgering 2021 art. 5.5"),
        RuleDescription(
            id: .r7e, title: "Onderwijsroute vooral voor jongeren",
            text: "De onderwijsroute is vooral bedoeld voor jongeren. Regie wijst erop bij wie jonger is dan de leeftijdsgrens van de gemeente (standaard 27 jaar). Dit is een advies, geen verbod.",
            textEnglish: "The education route is mostly for young people. Regie points it out for anyone younger than the municipality's age limit (default 27). Advice, not a prohibition.",
            source: "Instelling van de gemeente (de onderwijsroute is bedoeld voor jongeren die doorstromen naar mbo, hbo of wo)"),
    ]
}
