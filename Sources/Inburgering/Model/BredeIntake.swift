/// Topics of the brede intake. Statutory ones must be covered; VVE only when there are young children.
public enum IntakeOnderwerp: String, CaseIterable, Codable, Sendable {
    /// Education and work experience in the country of origin (Wi2021 art. 14 lid 3).
    case opleidingEnWerkervaring
    /// Personal circumstances including physical and mental health (Wi2021 art. 14 lid 3).
    case persoonlijkeOmstandighedenEnGezondheid
    /// Pre-school education for the children, where relevant (Wi2021 art. 14 lid 3).
    case voorschoolseEducatie
    /// Language level (Besluit inburgering 2021 art. 5.2).
    case taalniveau
    /// Possibilities for work (Besluit inburgering 2021 art. 5.2).
    case arbeidsparticipatie
    /// Self-reliance (Besluit inburgering 2021 art. 5.2).
    case zelfredzaamheid
    /// Family situation (recommended: Nota van toelichting Besluit, art. 2.3.2).
    case gezinssituatie
    /// Social network in the Netherlands (recommended: Nota van toelichting Besluit, art. 2.3.2).
    case sociaalNetwerk
    /// Motivation and own wishes, which case workers weigh in the route choice (recommended, from practice).
    case motivatie
    /// Digital skills, which the brede intake brings to light (recommended, from practice).
    case digitaleVaardigheden

    /// Required by law (as opposed to recommended).
    public var isWettelijk: Bool {
        switch self {
        case .gezinssituatie, .sociaalNetwerk, .motivatie, .digitaleVaardigheden: false
        default: true
        }
    }
}

/// One intake conversation.
public struct IntakeGesprek: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var onderwerpen: Set<IntakeOnderwerp>
    public var metTolk: Bool
    public var metCultuurmediator: Bool

    public init(datum: CalendarDate, onderwerpen: Set<IntakeOnderwerp>, metTolk: Bool = false, metCultuurmediator: Bool = false) {
        self.datum = datum
        self.onderwerpen = onderwerpen
        self.metTolk = metTolk
        self.metCultuurmediator = metCultuurmediator
    }
}

/// The goal the PIP works towards.
public enum Einddoel: String, CaseIterable, Codable, Sendable {
    case werk, onderwijs, zelfredzaamheid
}

/// The brede intake: one to several conversations (or a start class), the LBT, the school's advice
/// and the outcome that leads to the PIP (Wi2021 art. 14).
public struct BredeIntake: Hashable, Codable, Sendable {
    public var gesprekken: [IntakeGesprek]
    public var leerbaarheidstoets: Leerbaarheidstoets?
    public var taalschoolAdvies: TaalschoolAdvies?
    /// Outcome: the route the case worker proposes, the goal, referrals in the social domain.
    public var voorgesteldeRoute: Leerroute?
    public var einddoel: Einddoel?
    public var doorverwijzingen: [String]
    public var afgerondOp: CalendarDate?

    public init(gesprekken: [IntakeGesprek] = [], leerbaarheidstoets: Leerbaarheidstoets? = nil,
                taalschoolAdvies: TaalschoolAdvies? = nil, voorgesteldeRoute: Leerroute? = nil,
                einddoel: Einddoel? = nil, doorverwijzingen: [String] = [], afgerondOp: CalendarDate? = nil) {
        self.gesprekken = gesprekken
        self.leerbaarheidstoets = leerbaarheidstoets
        self.taalschoolAdvies = taalschoolAdvies
        self.voorgesteldeRoute = voorgesteldeRoute
        self.einddoel = einddoel
        self.doorverwijzingen = doorverwijzingen
        self.afgerondOp = afgerondOp
    }

    /// Every topic discussed in any conversation.
    public var besprokenOnderwerpen: Set<IntakeOnderwerp> {
        gesprekken.reduce(into: Set()) { $0.formUnion($1.onderwerpen) }
    }
}
