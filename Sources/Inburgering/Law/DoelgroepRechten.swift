/// Which services, hours and obligations apply to a target group (R0).
public struct DoelgroepRechten: Hashable, Sendable, LegalRule {
    public let categorie: DoelgroepCategorie
    /// Brede intake, LBT, PIP and progress meetings: everyone.
    public let bredeIntakeEnPIP: Bool
    /// The municipality buys and pays the language route (inburgeringsaanbod).
    public let inburgeringsaanbodDoorGemeente: Bool
    /// Pays the course and may borrow from DUO.
    public let leningDUO: Bool
    public let maatschappelijkeBegeleiding: Bool
    /// Ontzorgen applies when the person is on bijstand (R8).
    public let financieelOntzorgenBijBijstand: Bool
    public let mapVerplicht: Bool
    public let pvtVerplicht: Bool
    public let zRouteCursusuren: Int
    /// Nil: no participation hours required.
    public let zRouteParticipatieuren: Int?
    /// DUO accepts `geschatteIntensiteitB1Route` only for this group (R6).
    public let geschatteIntensiteitInPIP: Bool
    /// A late offer earns a non-culpable extension (R12).
    public let signaalTeLaatAanbod: Bool

    // R0 — Wi2021 art. 13–16; Participatiewet art. 56a (ontzorgen for asylum permit holders on bijstand)
    public static func voor(_ categorie: DoelgroepCategorie, settings: MunicipalityLawSettings = .standaard) -> DoelgroepRechten {
        switch categorie {
        case .asielstatushouder:
            DoelgroepRechten(categorie: categorie, bredeIntakeEnPIP: true, inburgeringsaanbodDoorGemeente: true,
                             leningDUO: false, maatschappelijkeBegeleiding: true, financieelOntzorgenBijBijstand: true,
                             mapVerplicht: true, pvtVerplicht: true, zRouteCursusuren: UrenRules.zRouteCursusNorm,
                             zRouteParticipatieuren: UrenRules.zRouteParticipatieNorm, geschatteIntensiteitInPIP: true,
                             signaalTeLaatAanbod: true)
        case .gezinsmigrantEnOverig:
            DoelgroepRechten(categorie: categorie, bredeIntakeEnPIP: true, inburgeringsaanbodDoorGemeente: false,
                             leningDUO: true, maatschappelijkeBegeleiding: false, financieelOntzorgenBijBijstand: false,
                             mapVerplicht: true, pvtVerplicht: true, zRouteCursusuren: UrenRules.zRouteCursusNorm,
                             zRouteParticipatieuren: settings.zRouteParticipatieurenGezinsmigrant,
                             geschatteIntensiteitInPIP: false, signaalTeLaatAanbod: false)
        }
    }

    /// DUO's detailed target groups that hold a right, e.g. `doelgroepen(met: \.financieelOntzorgenBijBijstand)`
    /// for the people ontzorgen may apply to (for SQL filters and menus).
    public static func doelgroepen(met recht: KeyPath<DoelgroepRechten, Bool>, settings: MunicipalityLawSettings = .standaard) -> [Doelgroep] {
        Doelgroep.allCases.filter { voor($0.categorie, settings: settings)[keyPath: recht] }
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r0, title: "Rechten per doelgroep",
            text: "Iedereen krijgt een brede intake, leerbaarheidstoets, PIP en voortgangsgesprekken en moet MAP en PVT doen. Alleen asielstatushouders krijgen het taalaanbod van de gemeente, maatschappelijke begeleiding en (bij bijstand) financieel ontzorgen. Gezinsmigranten betalen hun cursus zelf en kunnen lenen bij DUO. Z-route: 800 cursusuren voor iedereen, 800 participatie-uren voor asielstatushouders (voor gezinsmigranten instelbaar, standaard niet).",
            textEnglish: "Everyone gets a broad intake, learnability test, PIP and progress meetings and must do MAP and PVT. Only asylum permit holders get the municipality's language offer, social guidance and (on welfare) financial unburdening. Family migrants pay their own course and may borrow from DUO. Z-route: 800 course hours for all, 800 participation hours for asylum permit holders (configurable for family migrants, default not required).",
            source: "Wi2021 art. 13–16; DUO Inburgeringsplicht API (GedetailleerdeDoelgroep)"),
    ]
}
