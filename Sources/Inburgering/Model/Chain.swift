/// The chain around the newcomer: the providers who deliver the route and the guidance, and the
/// referral of a newcomer to a provider's offer (Wi2021 art. 13 and 16: the municipality offers the
/// route and the guidance, mostly through providers it contracts).

/// What kind of organisation a provider is.
public enum ProviderKind: String, CaseIterable, Codable, Sendable {
    /// A language school (taalschool) for the B1-route or the Z-route.
    case taalschool
    /// A regional training centre (ROC) for the onderwijsroute.
    case roc
    /// Maatschappelijke begeleiding (Wi2021 art. 16; e.g. VluchtelingenWerk).
    case begeleiding
    /// Ontzorgen or budget guidance (Participatiewet art. 56a).
    case ontzorgen
    /// An employer or volunteer organisation for participation (the PVT and MAP).
    case participatie
}

/// Where a referral stands. A referral holds a place at its start moment while it is referred,
/// accepted or started.
public enum ReferralStatus: String, CaseIterable, Codable, Sendable {
    case referred
    case accepted
    case refused
    case started
    case ended
    case withdrawn

    /// The steps that may follow this one: the provider answers a referral (accepts with a start
    /// date or refuses with a reason), an accepted referral starts, a started one ends; the
    /// municipality withdraws a referral until the route has started.
    public var next: Set<ReferralStatus> {
        switch self {
        case .referred: [.accepted, .refused, .withdrawn]
        case .accepted: [.started, .withdrawn]
        case .started: [.ended]
        case .refused, .ended, .withdrawn: []
        }
    }

    /// Whether the referral counts against the capacity of its start moment.
    public var holdsPlace: Bool { [.referred, .accepted, .started].contains(self) }

    /// Whether the provider still works with the person (and so may read what was consented).
    public var isOpen: Bool { [.referred, .accepted, .started].contains(self) }
}

/// A class of data a newcomer consents to share with the provider of a referral (AVG art. 6(1)(a)
/// and 7: consent, specific and revocable; art. 9(2)(a): explicit consent for health data).
public enum ConsentClass: String, CaseIterable, Codable, Sendable {
    /// Who the person is and how to reach them: name, birth date, contact details, language.
    case identity
    /// The leerroute and the language level of the PIP.
    case route
    /// The goals and agreements of the PIP.
    case pipGoals
    /// Hours and attendance.
    case hours
    /// Health (a special category, AVG art. 9): only with separate, explicit consent.
    case health
    /// The COA's profile from the warm handover: only with separate, explicit consent.
    case coaProfile

    /// Classes shared only when the newcomer consents to them separately and explicitly.
    public var needsSeparateConsent: Bool { self == .health || self == .coaProfile }

    /// What every referral shares: the provider cannot take someone on without knowing who they are.
    public static let required: Set<ConsentClass> = [.identity]
}

/// Rules of a referral.
public enum ReferralRule {
    /// Why a consent is not acceptable, or nil: the identity class is always part of it (a referral
    /// names the person), and health or the COA profile only with explicit separate consent.
    // AVG art. 7 (conditions for consent) and art. 9(2)(a) (explicit consent for special categories)
    public static func consentProblem(_ classes: Set<ConsentClass>, separatelyConfirmed: Bool) -> ConsentProblem? {
        if !ConsentClass.required.isSubset(of: classes) { return .identityMissing }
        if classes.contains(where: \.needsSeparateConsent) && !separatelyConfirmed { return .separateConsentMissing }
        return nil
    }

    public enum ConsentProblem: String, Sendable, Hashable {
        case identityMissing
        case separateConsentMissing
    }

    /// Days from the referral to the start of the route (or to `today` while it has not started):
    /// the waiting time the municipality measures.
    public static func waitingDays(referredOn: CalendarDate, startedOn: CalendarDate?, today: CalendarDate) -> Int {
        max(0, referredOn.days(until: startedOn ?? today))
    }
}

/// Rules about providers.
public enum ProviderRule {
    /// A KvK number: the 8 digits the Kamer van Koophandel gives every organisation in the trade
    /// register (Handelsregisterwet 2007).
    public static func isKvKNumber(_ value: String) -> Bool {
        value.count == 8 && value.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// The four skills a language provider reports a level for: the parts of the B1 exam that have a
/// level (reading, listening, speaking, writing; Besluit inburgering 2021, the exam of the B1-route).
public enum Taalvaardigheid: String, CaseIterable, Codable, Sendable {
    case lezen, luisteren, spreken, schrijven
}

/// The provider's advice in a progress report.
public enum ProviderAdvice: String, CaseIterable, Codable, Sendable {
    /// Go on as planned.
    case doorgaan
    /// The route does not fit: switch route (a route mismatch for the contract's figures).
    case overstappen
    /// The level is not reachable: lower it.
    case verlagen

    /// Whether the advice asks the municipality to look at the PIP again: a switch of route or a
    /// lower level is a change of the plan, made by a new PIP decision (Wi2021 art. 15), never by the
    /// provider's report itself.
    public var asksForPlanChange: Bool { self != .doorgaan }
}
