/// Where a case stands in the chain.
public enum TrajectFase: String, CaseIterable, Codable, Sendable, Comparable {
    /// DUO signalled the obligation (kennisgeving, SS101/SS128/SS139).
    case signaal
    /// Asylum permit holder linked to the municipality by COA.
    case gekoppeld
    /// Housed and registered in the BRP.
    case gehuisvest
    case bredeIntake
    case pipVastgesteld
    case inLeerroute
    case afgerond
    case beeindigd

    /// 0 … 7 in the order of the chain; the two end phases share the last rank of the chain.
    public var order: Int {
        switch self {
        case .signaal: 0
        case .gekoppeld: 1
        case .gehuisvest: 2
        case .bredeIntake: 3
        case .pipVastgesteld: 4
        case .inLeerroute: 5
        case .afgerond: 6
        case .beeindigd: 7
        }
    }

    public var isAfgesloten: Bool { self == .afgerond || self == .beeindigd }

    public static func < (lhs: TrajectFase, rhs: TrajectFase) -> Bool { lhs.order < rhs.order }
}

/// How a case ends. The first four mean the obligation was met (fase `afgerond`); the rest end the
/// case otherwise (fase `beeindigd`). DUO events in brackets.
public enum TrajectEinde: String, CaseIterable, Codable, Sendable {
    /// Exam passed (SS106).
    case examenBehaald
    /// Z-route completed (SS106).
    case zRouteAfgerond
    /// Full exemption (SS107).
    case volledigeVrijstelling
    /// Full ontheffing (SS108).
    case volledigeOntheffing
    /// Moved to another municipality (SS120/SS121 at the new one).
    case verhuisd
    /// Obligation withdrawn (SS110).
    case plichtVervallen
    /// Residence purpose changed: no longer obliged.
    case verblijfsdoelGewijzigd
    /// Left the Netherlands for longer than a year.
    case vertrokken
    /// Deceased (SS111).
    case overleden
    /// Reached AOW age (R11).
    case aowLeeftijd

    public var fase: TrajectFase {
        switch self {
        case .examenBehaald, .zRouteAfgerond, .volledigeVrijstelling, .volledigeOntheffing: .afgerond
        default: .beeindigd
        }
    }

    /// The obligation was met.
    public var isVoldaan: Bool { fase == .afgerond }
}
