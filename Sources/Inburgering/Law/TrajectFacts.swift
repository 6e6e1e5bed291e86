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

/// The inburgeringstermijn as DUO registered it (Inburgeringstermijn API, events SS102–SS104). DUO
/// decides the term and its extensions (Wi2021 art. 11; DUO Inburgeringstermijn API): once Regie
/// knows DUO's term, that is the term.
public struct DUOTermijnFeit: Hashable, Codable, Sendable {
    public var start: CalendarDate
    /// The last day (inclusive; DUO's `einddatum` is the first day after the term).
    public var laatsteDag: CalendarDate
    /// The day Regie learned this term (the notification that brought it): from then on it counts.
    public var bekendSinds: CalendarDate
    /// DUO's ground for the latest extension (`verlengingsgrondomschrijving`), when extended.
    public var verlengingsgrond: String?

    public init(start: CalendarDate, laatsteDag: CalendarDate, bekendSinds: CalendarDate, verlengingsgrond: String? = nil) {
        self.start = start
        self.laatsteDag = laatsteDag
        self.bekendSinds = bekendSinds
        self.verlengingsgrond = verlengingsgrond
    }
}

/// A temporary exemption DUO granted (DUO Vrijstelling API, `TijdelijkeVrijstelling`; event SS109): while
/// it runs DUO reports no obligation, so no duty-based term runs. `tot` is its last day, nil while open-ended.
public struct TijdelijkeVrijstellingFeit: Hashable, Codable, Sendable {
    public var vanaf: CalendarDate
    public var tot: CalendarDate?

    public init(vanaf: CalendarDate, tot: CalendarDate? = nil) {
        self.vanaf = vanaf
        self.tot = tot
    }

    public func geldt(op day: CalendarDate) -> Bool { vanaf <= day && (tot.map { day <= $0 } ?? true) }
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
    /// The term as DUO registered it; wins over Regie's own computation from the day it is known.
    public var duoTermijn: DUOTermijnFeit?
    public var tijdelijkeVrijstellingen: [TijdelijkeVrijstellingFeit]
    /// The municipality's ontzorgen policy in force on the first day of bijstand (R8), when it has one;
    /// nil uses the settings passed to the clock.
    public var ontzorgenBeleid: OntzorgenSettings?
    /// Ontzorgen closed before its planned end (Participatiewet art. 56a: ends earlier when bijstand ends).
    public var ontzorgenBeeindigd: CalendarDate?

    public init(categorie: DoelgroepCategorie, geboortedatum: CalendarDate? = nil, kennisgeving: CalendarDate? = nil,
                brpInschrijving: CalendarDate? = nil, duoTienWekenStart: CalendarDate? = nil, koppeling: CalendarDate? = nil,
                wachtenOpDerden: [WachtenOpDerden] = [], pips: [PIPFeit] = [], leerrouteStart: CalendarDate? = nil,
                verlengingen: [TermijnVerlenging] = [], bijstandStart: CalendarDate? = nil, ontzorgenBesloten: Bool? = nil,
                ontzorgenEvaluaties: [CalendarDate] = [], ontzorgenVerlengdTot: CalendarDate? = nil,
                voortgangsgesprekken: [CalendarDate] = [], afgesloten: TrajectAfsluiting? = nil, duoTermijn: DUOTermijnFeit? = nil,
                tijdelijkeVrijstellingen: [TijdelijkeVrijstellingFeit] = [], ontzorgenBeleid: OntzorgenSettings? = nil,
                ontzorgenBeeindigd: CalendarDate? = nil) {
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
        self.duoTermijn = duoTermijn
        self.tijdelijkeVrijstellingen = tijdelijkeVrijstellingen
        self.ontzorgenBeleid = ontzorgenBeleid
        self.ontzorgenBeeindigd = ontzorgenBeeindigd
    }

    /// The first PIP's dagtekening (R2: the only one that starts the term).
    public var eerstePIPDagtekening: CalendarDate? { pips.map(\.dagtekening).min() }

    /// The first PIP (R2: it starts the term; R12: its route sets the late-offer window).
    public var eerstePIP: PIPFeit? { pips.min { $0.dagtekening < $1.dagtekening } }

    /// A temporary exemption runs on `day`: DUO says there is no obligation then.
    public func vrijgesteld(op day: CalendarDate) -> Bool { tijdelijkeVrijstellingen.contains { $0.geldt(op: day) } }
}
