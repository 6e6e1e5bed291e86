/// One step on the municipality's enforcement ladder (R9).
public enum HandhavingsStap: Hashable, Codable, Sendable {
    case waarschuwing
    /// A fine, in euro cents.
    case boete(bedragCent: Int)
    /// A fine, and the PIP set without the person's input.
    case boeteEnPIPZonderInbreng(bedragCent: Int)

    public var bedragCent: Int? {
        switch self {
        case .waarschuwing: nil
        case .boete(let cents), .boeteEnPIPZonderInbreng(let cents): cents
        }
    }

    public var isBoete: Bool { bedragCent != nil }
}

/// What the person failed to do.
public enum Overtreding: String, CaseIterable, Codable, Sendable {
    case nietMeewerkenBredeIntake
    case nietNakomenPIP
}

/// The recorded assessment a fine requires: the municipality's own efforts, the circumstances and
/// whether the failure can be blamed on the person (verwijtbaar).
public struct OmstandighedenBeoordeling: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var beoordeeldDoor: String
    /// Evidence of the municipality's own efforts (invitations, interpreter, reminders…).
    public var inspanningenGemeente: String
    /// The circumstances that were investigated.
    public var omstandigheden: String
    public var verwijtbaar: Bool

    public init(datum: CalendarDate, beoordeeldDoor: String, inspanningenGemeente: String, omstandigheden: String, verwijtbaar: Bool) {
        self.datum = datum
        self.beoordeeldDoor = beoordeeldDoor
        self.inspanningenGemeente = inspanningenGemeente
        self.omstandigheden = omstandigheden
        self.verwijtbaar = verwijtbaar
    }

    /// Both the efforts and the circumstances are written down.
    public var isVolledig: Bool {
        !inspanningenGemeente.trimmingWhitespace.isEmpty && !omstandigheden.trimmingWhitespace.isEmpty
    }
}

/// A step actually taken.
public struct GezetteHandhavingsStap: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var stap: HandhavingsStap

    public init(datum: CalendarDate, stap: HandhavingsStap) {
        self.datum = datum
        self.stap = stap
    }
}

/// The enforcement file for one breach.
public struct HandhavingsDossier: Hashable, Codable, Sendable {
    public var overtreding: Overtreding
    public var gezetteStappen: [GezetteHandhavingsStap]
    public var beoordeling: OmstandighedenBeoordeling?

    public init(overtreding: Overtreding, gezetteStappen: [GezetteHandhavingsStap] = [], beoordeling: OmstandighedenBeoordeling? = nil) {
        self.overtreding = overtreding
        self.gezetteStappen = gezetteStappen
        self.beoordeling = beoordeling
    }
}
