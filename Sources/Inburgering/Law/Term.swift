/// The kinds of running terms the statutory clock computes.
public enum TermKind: String, CaseIterable, Codable, Sendable {
    /// R1: the PIP within 10 weeks.
    case pipVaststelling
    /// R2/R10: the 3-year inburgeringstermijn.
    case inburgeringstermijn
    /// R7b: the 18-month window to switch route.
    case schakelVenster
    /// R12: the start of the course offer within 3 (onderwijsroute: 6) months.
    case aanbodStart
    /// R8: the end of ontzorgen.
    case ontzorgenEinde
    /// R8a: a review of ontzorgen before it ends.
    case ontzorgenEvaluatie
    /// R5b: the next progress meeting.
    case voortgangsgesprek
    /// R11: the obligation ends at AOW age.
    case aowLeeftijd
    /// R13: the quarterly CBS delivery.
    case cbsLevering

    public var rule: RuleID {
        switch self {
        case .pipVaststelling: .r1
        case .inburgeringstermijn: .r2
        case .schakelVenster: .r7b
        case .aanbodStart: .r12
        case .ontzorgenEinde: .r8
        case .ontzorgenEvaluatie: .r8a
        case .voortgangsgesprek: .r5b
        case .aowLeeftijd: .r11
        case .cbsLevering: .r13
        }
    }

    /// Dutch label for lists.
    public var titel: String {
        switch self {
        case .pipVaststelling: "PIP vaststellen"
        case .inburgeringstermijn: "Inburgeringstermijn"
        case .schakelVenster: "Schakelen van leerroute mogelijk tot"
        case .aanbodStart: "Start inburgeringsaanbod"
        case .ontzorgenEinde: "Einde ontzorgen"
        case .ontzorgenEvaluatie: "Evaluatie ontzorgen"
        case .voortgangsgesprek: "Volgend voortgangsgesprek"
        case .aowLeeftijd: "AOW-leeftijd: einde inburgeringsplicht"
        case .cbsLevering: "Levering CBS"
        }
    }
}

/// Where a term stands on a given day.
public enum TermStatus: String, CaseIterable, Codable, Sendable {
    /// Running, not yet within the due-soon window.
    case open
    /// Within the municipality's due-soon window for this kind.
    case dueSoon
    /// The due date passed and the term was not met.
    case overdue
    /// Done (or, for a period that simply runs out, over).
    case met
    /// No longer applies (case closed, window closed, not applied).
    case notApplicable
}

/// Extra facts about a term, for the UI and reports.
public enum TermFlag: String, CaseIterable, Codable, Sendable {
    /// The due date was moved by an extension (DUO for the term, art. 57 Pw for ontzorgen).
    case verlengd
    /// R1a: the PIP deadline moved because third-party information arrived late.
    case verlengdWegensDerden
    /// R1a: information from third parties is awaited; the term is on hold.
    case wachtOpDerden
    /// Met, but after the due date.
    case teLaat
    /// Depends on a value the law has not fixed yet (AOW age after 2028).
    case voorlopig
    /// R1b: a temporary exemption from DUO holds the term (no obligation while it runs).
    case vrijgesteld
    /// R1b: the PIP deadline moved by the days a temporary exemption stopped the obligation.
    case verlengdWegensVrijstelling
    /// R2: the dates are DUO's registered term (Inburgeringstermijn API), not Regie's computation.
    case volgensDUO
}

/// One running term: where it comes from, when it is due and how it stands on the day asked.
public struct Term: Hashable, Codable, Sendable {
    public let kind: TermKind
    /// First day of the term.
    public let start: CalendarDate
    /// Last day of the term (inclusive).
    public let due: CalendarDate
    public let rule: RuleID
    public let source: String
    public let status: TermStatus
    /// Days from the day asked until `due` (negative when past).
    public let daysLeft: Int
    public let completedOn: CalendarDate?
    public let flags: Set<TermFlag>
    /// 1-based number for repeating kinds (ontzorgen reviews).
    public let sequence: Int?
    /// The quarter, for CBS deliveries.
    public let kwartaal: Kwartaal?

    public init(kind: TermKind, start: CalendarDate, due: CalendarDate, status: TermStatus, daysLeft: Int,
                completedOn: CalendarDate? = nil, flags: Set<TermFlag> = [], sequence: Int? = nil, kwartaal: Kwartaal? = nil) {
        self.kind = kind
        self.start = start
        self.due = due
        self.rule = kind.rule
        self.source = kind.rule.source
        self.status = status
        self.daysLeft = daysLeft
        self.completedOn = completedOn
        self.flags = flags
        self.sequence = sequence
        self.kwartaal = kwartaal
    }

    public var period: Period { Period(start: start, end: due) }
}
