/// The three learning routes (Wi2021 art. 7–9). Raw values are our own; `duoCode` is DUO's.
public enum Leerroute: String, CaseIterable, Codable, Sendable {
    case b1
    case onderwijs
    case z

    /// DUO's code in the PIP API (`B`, `O`, `Z`).
    public var duoCode: String {
        switch self {
        case .b1: "B"
        case .onderwijs: "O"
        case .z: "Z"
        }
    }

    public init?(duoCode: String) {
        guard let match = Leerroute.allCases.first(where: { $0.duoCode == duoCode }) else { return nil }
        self = match
    }

    public var naam: String {
        switch self {
        case .b1: "B1-route"
        case .onderwijs: "Onderwijsroute"
        case .z: "Zelfredzaamheidsroute (Z-route)"
        }
    }
}

/// Language level (CEFR). The PIP carries A2 or B1; the Z-route aims at A1.
public enum Taalniveau: String, CaseIterable, Codable, Sendable, Comparable {
    case a1 = "A1"
    case a2 = "A2"
    case b1 = "B1"
    case b2 = "B2"

    private var rank: Int { Taalniveau.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Taalniveau, rhs: Taalniveau) -> Bool { lhs.rank < rhs.rank }
}

/// DUO's `Alfabetiseringsonderwijs` indicator on the PIP.
public enum Alfabetiseringsonderwijs: String, CaseIterable, Codable, Sendable {
    /// Onderwijs voor analfabeet.
    case analfabeet = "A"
    /// Onderwijs voor anders-gealfabetiseerde.
    case andersGealfabetiseerd = "AA"
    case nietVanToepassing = "NVT"
}
