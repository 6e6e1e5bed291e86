/// Sex as registered in the BRP; figures are broken down by it.
public enum Geslacht: String, CaseIterable, Codable, Sendable {
    case man, vrouw, onbekend
}

/// A newcomer with the integration obligation. Each family member is a separate Inburgeraar with a
/// separate Traject (each partner has their own file from day one); the household links them.
public struct Inburgeraar: Hashable, Codable, Sendable {
    public var bsn: BSN
    public var vNummer: VNummer?
    public var geboortedatum: CalendarDate
    public var geslacht: Geslacht
    /// DUO's detailed group.
    public var doelgroep: Doelgroep
    /// DUO's `Doelgroepindeling`, when DUO supplied it; it overrides the mapping from the detailed group.
    public var duoIndeling: DoelgroepCategorie?
    /// DUO's statement of which rights apply after a change of residence purpose, when supplied.
    public var asielrechtenBijWijziging: AsielrechtenBijWijziging?
    public var huishoudenID: String?

    public init(bsn: BSN, vNummer: VNummer? = nil, geboortedatum: CalendarDate, geslacht: Geslacht = .onbekend,
                doelgroep: Doelgroep, duoIndeling: DoelgroepCategorie? = nil,
                asielrechtenBijWijziging: AsielrechtenBijWijziging? = nil, huishoudenID: String? = nil) {
        self.bsn = bsn
        self.vNummer = vNummer
        self.geboortedatum = geboortedatum
        self.geslacht = geslacht
        self.doelgroep = doelgroep
        self.duoIndeling = duoIndeling
        self.asielrechtenBijWijziging = asielrechtenBijWijziging
        self.huishoudenID = huishoudenID
    }

    /// The category whose rights apply: DUO's statement on retained rights first, then DUO's
    /// indeling, then the mapping of the detailed group (R0).
    public var categorie: DoelgroepCategorie {
        asielrechtenBijWijziging?.categorie ?? duoIndeling ?? doelgroep.categorie
    }

    /// Age in whole years on `day`.
    public func leeftijd(op day: CalendarDate) -> Int {
        Inburgeraar.age(born: geboortedatum, on: day)
    }

    /// Age in whole years on `day` of someone born on `born`.
    public static func age(born: CalendarDate, on day: CalendarDate) -> Int {
        var years = day.year - born.year
        if (day.month, day.day) < (born.month, born.day) { years -= 1 }
        return max(0, years)
    }
}

/// A household: shown together because it matters for bijstand, ontzorgen, childcare and VVE.
public struct Huishouden: Hashable, Codable, Sendable {
    public enum Rol: String, CaseIterable, Codable, Sendable {
        case referent, partner, kind, overig
    }

    public struct Lid: Hashable, Codable, Sendable {
        public var bsn: BSN
        public var rol: Rol
        public var geboortedatum: CalendarDate
        /// Whether this member has an integration obligation (and so a Traject of their own).
        public var inburgeringsplichtig: Bool

        public init(bsn: BSN, rol: Rol, geboortedatum: CalendarDate, inburgeringsplichtig: Bool) {
            self.bsn = bsn
            self.rol = rol
            self.geboortedatum = geboortedatum
            self.inburgeringsplichtig = inburgeringsplichtig
        }
    }

    public var id: String
    public var leden: [Lid]

    public init(id: String, leden: [Lid]) {
        self.id = id
        self.leden = leden
    }

    /// Children younger than 4 on `day`: the brede intake must then explore VVE (Wi2021 art. 14 lid 3).
    public func kinderenVoorVVE(op day: CalendarDate) -> [Lid] {
        leden.filter { $0.rol == .kind && Inburgeraar.age(born: $0.geboortedatum, on: day) < 4 }
    }
}
