/// What a case worker does next on a case, and by when: the chain's order (warme overdracht, brede
/// intake, LBT, route, PIP, registration with the provider, progress meetings) read against the case's
/// records and its running terms. Pure: the same case on the same day gives the same step.
public enum NextStepRule {
    /// The work recorded on a case that the terms alone do not show.
    public struct Progress: Hashable, Sendable, Codable {
        public var fase: TrajectFase
        /// A warme overdracht (three-way meeting with COA) is recorded.
        public var warmeOverdracht: Bool
        /// Intake conversations held (a no-show does not count).
        public var intakeGesprekken: Int
        /// Statutory topics of the brede intake with nothing recorded yet (R5a).
        public var openOnderwerpen: Int
        /// A leerbaarheidstoets with a score, or an exemption from it, is recorded (R3).
        public var lbtAfgerond: Bool
        /// A route decision is recorded (R4).
        public var leerrouteBesloten: Bool

        public init(fase: TrajectFase, warmeOverdracht: Bool = false, intakeGesprekken: Int = 0, openOnderwerpen: Int = 0,
                    lbtAfgerond: Bool = false, leerrouteBesloten: Bool = false) {
            self.fase = fase
            self.warmeOverdracht = warmeOverdracht
            self.intakeGesprekken = intakeGesprekken
            self.openOnderwerpen = openOnderwerpen
            self.lbtAfgerond = lbtAfgerond
            self.leerrouteBesloten = leerrouteBesloten
        }
    }

    /// The next step of a case on `terms`' day, nil when the case is closed or nothing is due.
    ///
    /// Before the first PIP the chain's order decides (Wi2021 art. 14 lid 3 and 15: brede intake and
    /// LBT before the PIP, the route decided in it), every step due by the PIP term (R1). After it an
    /// asylum permit holder is registered with the provider within the offer window (R12); then the
    /// progress meetings (R5b) and, while ontzorgen runs, its reviews (R8a) follow each other. A review
    /// or a meeting that is due soon or overdue comes before a step that has no date of its own.
    public static func next(facts: TrajectFacts, progress p: Progress, terms: [Term],
                            settings: MunicipalityLawSettings = .standaard) -> NextStep? {
        guard !p.fase.isAfgesloten, facts.afgesloten == nil else { return nil }
        let open = terms.filter { $0.status != .met && $0.status != .notApplicable }
        let periodic = open.filter { $0.kind == .voortgangsgesprek || $0.kind == .ontzorgenEvaluatie }
            .min { $0.due < $1.due }
            .map { NextStep(kind: $0.kind == .voortgangsgesprek ? .voortgangsgesprek : .ontzorgenEvalueren, term: $0) }
        let urgent = periodic.flatMap { $0.status == .dueSoon || $0.status == .overdue ? $0 : nil }
        let phaseStep = phaseStep(facts: facts, progress: p, open: open, settings: settings)
        guard let step = phaseStep else { return periodic }
        if let urgent, let day = urgent.due, step.due.map({ $0 > day }) ?? true { return urgent }
        return step
    }

    private static func phaseStep(facts: TrajectFacts, progress p: Progress, open: [Term], settings: MunicipalityLawSettings) -> NextStep? {
        if facts.pips.isEmpty && p.fase < .pipVastgesteld {
            let pipTerm = open.first { $0.kind == .pipVaststelling }
            let kind: NextStepKind
            if pipTerm?.flags.contains(.vrijgesteld) == true {
                // R1b: while DUO's temporary exemption runs there is no obligation to plan for.
                kind = .vrijstellingAfwachten
            } else if p.fase == .gekoppeld && !p.warmeOverdracht {
                kind = .warmeOverdracht
            } else if p.intakeGesprekken == 0 {
                kind = .bredeIntakePlannen
            } else if p.openOnderwerpen > 0 {
                kind = .bredeIntakeAfronden
            } else if !p.lbtAfgerond {
                kind = .lbtAfnemen
            } else if !p.leerrouteBesloten {
                kind = .routeKiezen
            } else {
                kind = .pipVaststellen
            }
            return pipTerm.map { NextStep(kind: kind, term: $0) } ?? NextStep(kind: kind)
        }
        // R12: the municipality buys an asylum permit holder's route; until it starts, registering
        // with the provider is the work, due when the offer window closes.
        if facts.leerrouteStart == nil && p.fase < .inLeerroute,
           DoelgroepRechten.voor(facts.categorie, settings: settings).inburgeringsaanbodDoorGemeente {
            return open.first { $0.kind == .aanbodStart }.map { NextStep(kind: .aanmeldenAanbieder, term: $0) }
                ?? NextStep(kind: .aanmeldenAanbieder)
        }
        return nil
    }
}

/// The kinds of next step, in the order of the chain.
public enum NextStepKind: String, CaseIterable, Codable, Sendable {
    case vrijstellingAfwachten
    case warmeOverdracht
    case bredeIntakePlannen
    case bredeIntakeAfronden
    case lbtAfnemen
    case routeKiezen
    case pipVaststellen
    case aanmeldenAanbieder
    case voortgangsgesprek
    case ontzorgenEvalueren
}

/// One next step: what, by when (the due day of the term it serves, when there is one) and how
/// that term stands.
public struct NextStep: Hashable, Sendable, Codable {
    public var kind: NextStepKind
    public var due: CalendarDate?
    public var status: TermStatus
    public var rule: RuleID?

    public init(kind: NextStepKind, due: CalendarDate? = nil, status: TermStatus = .open, rule: RuleID? = nil) {
        self.kind = kind
        self.due = due
        self.status = status
        self.rule = rule
    }

    init(kind: NextStepKind, term: Term) {
        self.init(kind: kind, due: term.due, status: term.status, rule: term.kind.rule)
    }
}
