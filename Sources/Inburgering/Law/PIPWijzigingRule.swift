/// What a new PIP version changes that the law limits (R7a, R7b).
public enum PIPWijziging: Hashable, Sendable {
    /// Another route than the version in force (schakelen).
    case schakelen(van: Leerroute, naar: Leerroute)
    /// The B1-route at level A2 where the version in force was not (afschalen).
    case afschalen
}

/// Why a new PIP version may not be fixed as it is.
public enum PIPWijzigingGebrek: Hashable, Sendable {
    /// R7b: the route changes after the 18-month window closed.
    case schakelVensterGesloten(venster: Period)
    /// R7a: the level goes to A2 before 600 course hours.
    case afschalenTeWeinigUren(gevolgd: Int, nodig: Int)

    public var rule: RuleID {
        switch self {
        case .schakelVensterGesloten: .r7b
        case .afschalenTeWeinigUren: .r7a
        }
    }
}

/// The limits on changing a PIP, checked on what the new version contains — never on the reason the
/// case worker chose: the reason explains a change, it does not select which rules apply.
public enum PIPWijzigingRule {
    /// The changes from the version in force to a new one.
    public static func wijzigingen(vorigeRoute: Leerroute, vorigNiveau: Taalniveau?, nieuweRoute: Leerroute,
                                   nieuwNiveau: Taalniveau?) -> [PIPWijziging] {
        var result: [PIPWijziging] = []
        if nieuweRoute != vorigeRoute { result.append(.schakelen(van: vorigeRoute, naar: nieuweRoute)) }
        // Without a level the B1- and onderwijsroute aim at B1 (DUO NiveauPip).
        let wasA2OnB1 = vorigeRoute == .b1 && vorigNiveau == .a2
        if nieuweRoute == .b1 && nieuwNiveau == .a2 && !wasA2OnB1 { result.append(.afschalen) }
        return result
    }

    /// What stops fixing the new version with dagtekening `ingangsdatum`: a switch takes effect on the
    /// dagtekening of the version that makes it, so the window is checked on that day.
    // R7a — Besluit inburgering 2021 art. 5.5 (afschalen na ≥ 600 uur); R7b — Wi2021 art. 15 (schakelen binnen 18 maanden)
    public static func gebreken(_ wijzigingen: [PIPWijziging], ingangsdatum: CalendarDate, termijnStart: CalendarDate,
                                routeCursusuren: Int) -> [PIPWijzigingGebrek] {
        var result: [PIPWijzigingGebrek] = []
        for wijziging in wijzigingen {
            switch wijziging {
            case .schakelen:
                // Only a switch after the window is refused: a version fixed before the term starts (on the
                // first PIP's own dagtekening) switches before the 18 months even began.
                let venster = LeerrouteRules.schakelVenster(termijnStart: termijnStart)
                if ingangsdatum > venster.end { result.append(.schakelVensterGesloten(venster: venster)) }
            case .afschalen:
                if case .teWeinigCursusuren(let gevolgd, let nodig) = LeerrouteRules.afschalen(route: .b1, gevolgdeCursusuren: routeCursusuren) {
                    result.append(.afschalenTeWeinigUren(gevolgd: gevolgd, nodig: nodig))
                }
            }
        }
        return result
    }
}
