/// A request to a third party whose answer the PIP needs (R1a).
public struct WachtenOpDerden: Hashable, Codable, Sendable {
    public var gevraagd: CalendarDate
    public var ontvangen: CalendarDate?

    public init(gevraagd: CalendarDate, ontvangen: CalendarDate? = nil) {
        self.gevraagd = gevraagd
        self.ontvangen = ontvangen
    }
}

/// The facts of one PIP version the clock needs.
public struct PIPFeit: Hashable, Codable, Sendable {
    public var dagtekening: CalendarDate
    public var leerroute: Leerroute
    public var voortgangCadansMaanden: Int?

    public init(dagtekening: CalendarDate, leerroute: Leerroute, voortgangCadansMaanden: Int? = nil) {
        self.dagtekening = dagtekening
        self.leerroute = leerroute
        self.voortgangCadansMaanden = voortgangCadansMaanden
    }
}

public struct TrajectAfsluiting: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var einde: TrajectEinde

    public init(datum: CalendarDate, einde: TrajectEinde) {
        self.datum = datum
        self.einde = einde
    }
}

/// Everything the statutory clock needs to know about a case: plain dates and small values.
/// Build it from a `Traject` (`traject.facts`) or directly (imports, tests).
public struct TrajectFacts: Hashable, Codable, Sendable {
    public var categorie: DoelgroepCategorie
    public var geboortedatum: CalendarDate?
    /// DUO's kennisgeving of the obligation.
    public var kennisgeving: CalendarDate?
    /// Registration in the BRP of this municipality.
    public var brpInschrijving: CalendarDate?
    /// The date of DUO event SS139 (10-week term started), used when kennisgeving/BRP are unknown.
    public var duoTienWekenStart: CalendarDate?
    public var koppeling: CalendarDate?
    public var wachtenOpDerden: [WachtenOpDerden]
    /// PIP versions in the order fixed.
    public var pips: [PIPFeit]
    /// Start of the course/education offered (inburgeringsaanbod).
    public var leerrouteStart: CalendarDate?
    public var verlengingen: [TermijnVerlenging]
    public var bijstandStart: CalendarDate?
    /// The individual decision on ontzorgen, when taken; nil follows the municipality's policy.
    public var ontzorgenBesloten: Bool?
    public var ontzorgenEvaluaties: [CalendarDate]
    public var ontzorgenVerlengdTot: CalendarDate?
    public var voortgangsgesprekken: [CalendarDate]
    public var afgesloten: TrajectAfsluiting?

    public init(categorie: DoelgroepCategorie, geboortedatum: CalendarDate? = nil, kennisgeving: CalendarDate? = nil,
                brpInschrijving: CalendarDate? = nil, duoTienWekenStart: CalendarDate? = nil, koppeling: CalendarDate? = nil,
                wachtenOpDerden: [WachtenOpDerden] = [], pips: [PIPFeit] = [], leerrouteStart: CalendarDate? = nil,
                verlengingen: [TermijnVerlenging] = [], bijstandStart: CalendarDate? = nil, ontzorgenBesloten: Bool? = nil,
                ontzorgenEvaluaties: [CalendarDate] = [], ontzorgenVerlengdTot: CalendarDate? = nil,
                voortgangsgesprekken: [CalendarDate] = [], afgesloten: TrajectAfsluiting? = nil) {
        self.categorie = categorie
        self.geboortedatum = geboortedatum
        self.kennisgeving = kennisgeving
        self.brpInschrijving = brpInschrijving
        self.duoTienWekenStart = duoTienWekenStart
        self.koppeling = koppeling
        self.wachtenOpDerden = wachtenOpDerden
        self.pips = pips
        self.leerrouteStart = leerrouteStart
        self.verlengingen = verlengingen
        self.bijstandStart = bijstandStart
        self.ontzorgenBesloten = ontzorgenBesloten
        self.ontzorgenEvaluaties = ontzorgenEvaluaties
        self.ontzorgenVerlengdTot = ontzorgenVerlengdTot
        self.voortgangsgesprekken = voortgangsgesprekken
        self.afgesloten = afgesloten
    }

    /// The first PIP's dagtekening (R2: the only one that starts the term).
    public var eerstePIPDagtekening: CalendarDate? { pips.map(\.dagtekening).min() }
}
