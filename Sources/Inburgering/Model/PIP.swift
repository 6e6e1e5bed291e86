/// How the municipality arranges the participatieverklaringstraject (PVT) in this PIP.
public struct PVTAfspraak: Hashable, Codable, Sendable {
    public var invulling: String
    /// Planned hours; the PVT lasts at least 12 hours (R7d).
    public var uren: Int

    public init(invulling: String, uren: Int) {
        self.invulling = invulling
        self.uren = uren
    }
}

/// How the module arbeidsmarkt en participatie (MAP) is arranged.
public struct MAPAfspraak: Hashable, Codable, Sendable {
    public var invulling: String
    /// Planned practice hours; at least 40 (R7d).
    public var praktijkuren: Int

    public init(invulling: String, praktijkuren: Int) {
        self.invulling = invulling
        self.praktijkuren = praktijkuren
    }
}

/// Agreements on pre-school education (VVE) for the children.
public enum VVEAfspraak: Hashable, Codable, Sendable {
    case nietVanToepassing
    case afspraken(String)
}

/// Why a new PIP version was made (Wi2021: schakelen, afschalen, verhuizing; seed via schulinck).
public enum PIPWijzigingsreden: String, CaseIterable, Codable, Sendable {
    case schakelen, afschalen, verhuizing, bezwaar, overig
}

/// One version of the persoonlijk plan inburgering en participatie (a beschikking, Wi2021 art. 15).
/// Every version is kept; the first one's dagtekening starts the inburgeringstermijn (R2).
public struct PIP: Hashable, Codable, Sendable {
    public var versie: Int
    /// The date of the decision (DUO: `dagtekeningPip`).
    public var dagtekening: CalendarDate
    public var leerroute: Leerroute
    /// Only A2 or B1 are valid here (DUO `NiveauPip`); nil means B1 for the B1- and onderwijsroute (R6).
    public var niveau: Taalniveau?
    public var begeleiding: String
    public var ondersteuning: String
    public var pvt: PVTAfspraak?
    public var map: MAPAfspraak?
    public var vve: VVEAfspraak?
    /// Number of progress meetings agreed (Besluit inburgering 2021 art. 5.3).
    public var aantalVoortgangsgesprekken: Int?
    /// Months between progress meetings, when the PIP sets a cadence (overrides the municipality default).
    public var voortgangCadansMaanden: Int?
    public var einddoel: Einddoel?
    public var bevatBezwaarclausule: Bool
    /// The written reason for choosing another route than the LBT suggests (R4).
    public var redenAfwijkingLBT: String?
    /// Estimated hours for the B1-route (asylum permit holders only; DUO 1…9999).
    public var geschatteIntensiteitB1Route: Int?
    public var magOpleidingAfmaken: Bool?
    public var alfabetisering: Alfabetiseringsonderwijs?
    public var wijzigingsreden: PIPWijzigingsreden?

    public init(versie: Int = 1, dagtekening: CalendarDate, leerroute: Leerroute, niveau: Taalniveau? = nil,
                begeleiding: String = "", ondersteuning: String = "", pvt: PVTAfspraak? = nil, map: MAPAfspraak? = nil,
                vve: VVEAfspraak? = nil, aantalVoortgangsgesprekken: Int? = nil, voortgangCadansMaanden: Int? = nil,
                einddoel: Einddoel? = nil, bevatBezwaarclausule: Bool = false, redenAfwijkingLBT: String? = nil,
                geschatteIntensiteitB1Route: Int? = nil, magOpleidingAfmaken: Bool? = nil,
                alfabetisering: Alfabetiseringsonderwijs? = nil, wijzigingsreden: PIPWijzigingsreden? = nil) {
        self.versie = versie
        self.dagtekening = dagtekening
        self.leerroute = leerroute
        self.niveau = niveau
        self.begeleiding = begeleiding
        self.ondersteuning = ondersteuning
        self.pvt = pvt
        self.map = map
        self.vve = vve
        self.aantalVoortgangsgesprekken = aantalVoortgangsgesprekken
        self.voortgangCadansMaanden = voortgangCadansMaanden
        self.einddoel = einddoel
        self.bevatBezwaarclausule = bevatBezwaarclausule
        self.redenAfwijkingLBT = redenAfwijkingLBT
        self.geschatteIntensiteitB1Route = geschatteIntensiteitB1Route
        self.magOpleidingAfmaken = magOpleidingAfmaken
        self.alfabetisering = alfabetisering
        self.wijzigingsreden = wijzigingsreden
    }

    /// The level DUO will assume: a missing level means B1 for the B1- and onderwijsroute (R6).
    public var effectiefNiveau: Taalniveau? { Self.effectiefNiveau(leerroute: leerroute, niveau: niveau) }

    /// The level of a PIP with this route and (possibly missing) level.
    // R6 — DUO PIP API 1.2.0 (NiveauPip: zonder niveau geldt B1 voor de B1-route en de onderwijsroute)
    public static func effectiefNiveau(leerroute: Leerroute, niveau: Taalniveau?) -> Taalniveau? {
        if let niveau { return niveau }
        switch leerroute {
        case .b1, .onderwijs: return .b1
        case .z: return nil
        }
    }
}

/// What is sent to DUO's PIP API (`POST /personen/{bsn}/PIP`), in our own types.
public struct PIPSubmission: Hashable, Codable, Sendable {
    public var dagtekening: CalendarDate
    public var leerroute: Leerroute
    public var niveau: Taalniveau?
    public var geschatteIntensiteitB1Route: Int?
    public var magOpleidingAfmaken: Bool?
    public var alfabetisering: Alfabetiseringsonderwijs?

    public init(dagtekening: CalendarDate, leerroute: Leerroute, niveau: Taalniveau? = nil,
                geschatteIntensiteitB1Route: Int? = nil, magOpleidingAfmaken: Bool? = nil,
                alfabetisering: Alfabetiseringsonderwijs? = nil) {
        self.dagtekening = dagtekening
        self.leerroute = leerroute
        self.niveau = niveau
        self.geschatteIntensiteitB1Route = geschatteIntensiteitB1Route
        self.magOpleidingAfmaken = magOpleidingAfmaken
        self.alfabetisering = alfabetisering
    }

    public init(_ pip: PIP) {
        self.init(dagtekening: pip.dagtekening, leerroute: pip.leerroute, niveau: pip.niveau,
                  geschatteIntensiteitB1Route: pip.geschatteIntensiteitB1Route,
                  magOpleidingAfmaken: pip.magOpleidingAfmaken, alfabetisering: pip.alfabetisering)
    }
}
