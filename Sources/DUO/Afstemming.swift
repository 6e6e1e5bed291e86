import Inburgering

/// What Regie holds for a person, for comparison with DUO.
public struct RegieFacts: Hashable, Sendable {
    public var open: Bool
    public var doelgroep: Doelgroep?
    /// The latest fixed PIP: dagtekening and route.
    public var pipDagtekening: CalendarDate?
    public var pipLeerroute: Leerroute?
    /// The start of the inburgeringstermijn by Regie: the day after the first PIP's dagtekening (R2,
    /// Wi2021 art. 11); nil when Regie fixed no PIP of its own (the term then is DUO's alone).
    public var termijnStart: CalendarDate?

    public init(open: Bool, doelgroep: Doelgroep?, pipDagtekening: CalendarDate?, pipLeerroute: Leerroute?, termijnStart: CalendarDate?) {
        self.open = open
        self.doelgroep = doelgroep
        self.pipDagtekening = pipDagtekening
        self.pipLeerroute = pipLeerroute
        self.termijnStart = termijnStart
    }
}

/// Where Regie and DUO disagree about one person (the reconciliation page). Each names both sides
/// so a case worker can decide which one to fix.
public enum Verschil: Hashable, Sendable {
    /// Regie has an open case, DUO says there is no obligation (or the reverse).
    case plicht(regieOpen: Bool, duoPlicht: Bool)
    case doelgroep(regie: Doelgroep?, duo: Doelgroep?)
    /// Regie fixed a PIP DUO does not have, or they differ in date or route.
    case pip(regie: CalendarDate?, regieRoute: Leerroute?, duo: CalendarDate?, duoRoute: Leerroute?)
    /// The term's start: the day after Regie's first PIP dagtekening against DUO's registered start.
    case termijn(regie: CalendarDate?, duo: CalendarDate?)

    public var key: String {
        switch self {
        case .plicht: "plicht"
        case .doelgroep: "doelgroep"
        case .pip: "pip"
        case .termijn: "termijn"
        }
    }
}

public enum DUOAfstemming {
    /// Compares what Regie holds with what DUO last said. Only facts DUO reported are compared: a
    /// kind never pulled is not a difference.
    public static func compare(_ regie: RegieFacts, plicht: Inburgeringsplicht?, doelgroep: DoelgroepInfo?, pip: DUOGemeentePIP?,
                               pipPulled: Bool, termijn: DUOTermijn?) -> [Verschil] {
        var result: [Verschil] = []
        if let plicht, plicht.indicatorInburgeringsplicht != regie.open {
            result.append(.plicht(regieOpen: regie.open, duoPlicht: plicht.indicatorInburgeringsplicht))
        }
        if let doelgroep, let duoGroup = DUOVerwerking.detailedGroup(doelgroep), duoGroup != regie.doelgroep {
            result.append(.doelgroep(regie: regie.doelgroep, duo: duoGroup))
        }
        if pipPulled {
            let duoDay = pip?.pip.dagtekeningPip
            let duoRoute = pip.flatMap { Leerroute(duoCode: $0.pip.leerroute) }
            if duoDay != regie.pipDagtekening || duoRoute != regie.pipLeerroute {
                result.append(.pip(regie: regie.pipDagtekening, regieRoute: regie.pipLeerroute, duo: duoDay, duoRoute: duoRoute))
            }
        }
        // A case without a PIP of Regie's own (one fixed by the previous municipality) follows DUO's term: no difference.
        if let termijn, let start = regie.termijnStart, termijn.startdatum != start {
            result.append(.termijn(regie: regie.termijnStart, duo: termijn.startdatum))
        }
        return result
    }
}
