/// The two target groups the Wet inburgering 2021 distinguishes; rights differ (Wi2021 art. 13–16).
public enum DoelgroepCategorie: String, CaseIterable, Codable, Sendable {
    case asielstatushouder
    case gezinsmigrantEnOverig

    /// DUO's `Doelgroepindeling` value (Inburgeringsplicht API).
    public var duoIndeling: String {
        switch self {
        case .asielstatushouder: "Asielstatushouder"
        case .gezinsmigrantEnOverig: "Gezinsmigrant en overige migrant"
        }
    }

    public init?(duoIndeling: String) {
        guard let match = DoelgroepCategorie.allCases.first(where: { $0.duoIndeling == duoIndeling }) else { return nil }
        self = match
    }
}

/// DUO's detailed target group (`GedetailleerdeDoelgroep`, Inburgeringsplicht API). Raw values are
/// DUO's strings. The group can change during a case (DUO events SS124/SS125).
public enum Doelgroep: String, CaseIterable, Codable, Sendable {
    case asielstatushouder = "Asielstatushouder"
    case geestelijkBedienaar = "Geestelijk bedienaar"
    case gezinshereniger = "Gezinshereniger"
    case gezinsherenigerMetAsielstatushouder = "Gezinshereniger met Asielstatushouder"
    case gezinsvormer = "Gezinsvormer"
    case gezinsvormerMetAsielstatushouder = "Gezinsvormer met Asielstatushouder"
    case overig = "Overig"

    /// The statutory category this detailed group falls in.
    ///
    /// R0 — Wi2021 art. 1 (begrip asielstatushouder) and art. 13: family members who join an
    /// asylum permit holder ("met Asielstatushouder", nareizigers and the like) count as asielstatushouder;
    /// geestelijk bedienaren, other family migrants and "Overig" are gezinsmigrant en overige migrant.
    /// DUO's own `Doelgroepindeling`, when known, takes precedence (see `Inburgeraar.categorie`).
    // R0 — Wi2021 art. 1 (asielstatushouder incl. gezinsleden van asielstatushouders)
    public var categorie: DoelgroepCategorie {
        switch self {
        case .asielstatushouder, .gezinsherenigerMetAsielstatushouder, .gezinsvormerMetAsielstatushouder:
            .asielstatushouder
        case .geestelijkBedienaar, .gezinshereniger, .gezinsvormer, .overig:
            .gezinsmigrantEnOverig
        }
    }
}

/// Which rights apply after the residence purpose changed (DUO `AsielrechtenWijzigingVerblijfsdoel`).
public enum AsielrechtenBijWijziging: String, CaseIterable, Codable, Sendable {
    case asielrechtenToegekend = "Asielrechten toegekend"
    case behoudAsielrechten = "Behoud asielrechten"
    case opVerzoekBehoudRechtenGezinsmigrant = "Op verzoek behoud rechten van gezins- en overige migrant"
    case opVerzoekRechtenGezinsmigrantToegekend = "Op verzoek rechten van gezins- en overige migrant toegekend"

    /// The category whose rights apply.
    public var categorie: DoelgroepCategorie {
        switch self {
        case .asielrechtenToegekend, .behoudAsielrechten: .asielstatushouder
        case .opVerzoekBehoudRechtenGezinsmigrant, .opVerzoekRechtenGezinsmigrantToegekend: .gezinsmigrantEnOverig
        }
    }
}
