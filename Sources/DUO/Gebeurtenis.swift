import Inburgering

/// The events DUO signals (DUO's events overview, revision 1.0 of 5-11-2024, plus
/// SS126, SS140 and SS199 from the chain's practice). Each names what Regie pulls to learn the
/// new state. Unknown ids are not an error: they are stored and shown (`Gebeurtenis(id:)` is nil).
public enum Gebeurtenis: String, CaseIterable, Codable, Sendable {
    case nieuwePlicht = "SS101"
    case plichtMetAOWBinnenZesMaanden = "SS128"
    case pipTermijnGestart = "SS139"
    case termijnGestart = "SS102"
    case termijnAmbtshalveVerlengd = "SS103"
    case termijnOpVerzoekVerlengd = "SS104"
    case diplomaBehaald = "SS106"
    case geheleVrijstelling = "SS107"
    case geheleOntheffing = "SS108"
    case tijdelijkeVrijstelling = "SS109"
    case plichtIngetrokken = "SS110"
    case overleden = "SS111"
    case verlengingAfgewezen = "SS113"
    case geheleVrijstellingAfgewezen = "SS114"
    case tijdelijkeVrijstellingAfgewezen = "SS115"
    case gedeeltelijkeVrijstellingAfgewezen = "SS116"
    case gedeeltelijkeVrijstellingToegekend = "SS117"
    case ontheffingAfgewezen = "SS118"
    case gedeeltelijkeOntheffingToegekend = "SS119"
    case gevestigdZonderPIP = "SS120"
    case gevestigdMetPIPVorigeGemeente = "SS121"
    case doelgroepNaarGezinsmigrant = "SS124"
    case doelgroepNaarAsielstatushouder = "SS125"
    case tienWekenZonderLeerroute = "SS126"
    case vrijstellingIngetrokkenZonderPIP = "SS129"
    case vrijstellingIngetrokkenMetPIP = "SS130"
    case lbtResultaat = "SS131"
    case aangemeldVoorLBT = "SS137"
    case adviesBIOGevraagd = "SS140"
    case examenresultaat = "SS199"

    public init?(id: String) { self.init(rawValue: id) }

    public var id: String { rawValue }

    /// What Regie pulls from DUO to process this event (the signal pattern: the notification says
    /// that something changed, the pull says what). Per event exactly the APIs DUO's events overview
    /// (revision 1.0 of 5-11-2024, sheet "Overzicht") lists. Two of its columns name APIs DUO has not
    /// published a description of; Regie reads what they decide where DUO's published APIs show it:
    /// "Beschikking voldaan inburgeringsplicht" (SS106–SS108) in the Inburgeringsplicht API (the
    /// indicator, reden and einddatum), "Beoordeling aanvraag verlenging" (SS104, SS113) in the
    /// Inburgeringstermijn API. The overview has no column for the PIP API: after a move or a
    /// withdrawn exemption with a PIP (SS121, SS130) Regie also pulls the PIP DUO holds, which DUO's
    /// PIP rules (PIP API 1.2.0) check a new PIP against. SS126, SS140 and SS199 are not in the overview.
    public var pulls: [DUOPull] {
        switch self {
        case .nieuwePlicht, .plichtMetAOWBinnenZesMaanden, .pipTermijnGestart, .gevestigdZonderPIP:
            [.inburgeringsplicht, .doelgroep, .examens]
        case .gevestigdMetPIPVorigeGemeente:
            [.inburgeringsplicht, .doelgroep, .termijn, .examens, .pip]
        case .doelgroepNaarGezinsmigrant, .doelgroepNaarAsielstatushouder, .plichtIngetrokken, .overleden:
            [.inburgeringsplicht, .doelgroep]
        case .vrijstellingIngetrokkenZonderPIP:
            [.inburgeringsplicht, .doelgroep, .examens, .vrijstellingen]
        case .vrijstellingIngetrokkenMetPIP:
            [.inburgeringsplicht, .doelgroep, .termijn, .examens, .vrijstellingen, .pip]
        case .termijnGestart, .termijnAmbtshalveVerlengd, .termijnOpVerzoekVerlengd, .verlengingAfgewezen:
            [.termijn]
        case .diplomaBehaald: [.inburgeringsplicht]
        case .geheleVrijstelling, .tijdelijkeVrijstelling: [.inburgeringsplicht, .vrijstellingen]
        case .geheleOntheffing: [.inburgeringsplicht, .ontheffingen]
        case .geheleVrijstellingAfgewezen, .tijdelijkeVrijstellingAfgewezen, .gedeeltelijkeVrijstellingAfgewezen:
            [.vrijstellingen]
        case .gedeeltelijkeVrijstellingToegekend: [.examens, .vrijstellingen]
        case .ontheffingAfgewezen: [.ontheffingen]
        case .gedeeltelijkeOntheffingToegekend: [.examens, .ontheffingen]
        case .lbtResultaat: [.lbtResultaten]
        case .aangemeldVoorLBT: [.lbtExamennummer]
        case .examenresultaat: [.examens]
        case .tienWekenZonderLeerroute, .adviesBIOGevraagd: []
        }
    }

    /// Events that may create a case in the receiving municipality when none exists yet.
    public var startsCase: Bool {
        switch self {
        case .nieuwePlicht, .plichtMetAOWBinnenZesMaanden, .pipTermijnGestart, .gevestigdZonderPIP, .gevestigdMetPIPVorigeGemeente:
            true
        default:
            false
        }
    }
}

/// One pull of the DUO interface (a GET), with its path below `/v1` for a person.
public enum DUOPull: String, CaseIterable, Codable, Sendable {
    case inburgeringsplicht, plichtHistorie, doelgroep, doelgroepHistorie, termijn, termijnHistorie
    case lbtResultaten, lbtExamennummer, vrijstellingen, ontheffingen, examens, pip

    public func path(bsn: String) -> String {
        switch self {
        case .inburgeringsplicht: "/personen/\(bsn)/inburgeringsplicht"
        case .plichtHistorie: "/personen/\(bsn)/inburgeringsplicht/historie"
        case .doelgroep: "/personen/\(bsn)/doelgroep"
        case .doelgroepHistorie: "/personen/\(bsn)/doelgroep/historie"
        case .termijn: "/personen/\(bsn)/inburgeringstermijn"
        case .termijnHistorie: "/personen/\(bsn)/inburgeringstermijn/historie"
        case .lbtResultaten: "/personen/\(bsn)/lbt/resultaten"
        case .lbtExamennummer: "/personen/\(bsn)/lbt/examennummer"
        case .vrijstellingen: "/personen/\(bsn)/vrijstellingen"
        case .ontheffingen: "/personen/\(bsn)/ontheffingen"
        case .examens: "/personen/\(bsn)/examens/resultaten"
        case .pip: "/personen/\(bsn)/PIP"
        }
    }
}

/// What Regie learned from DUO for one person in one round of pulls. A nil field was not pulled
/// (or DUO knows nothing: a 404 on a pull is "nothing registered", not an error).
public struct DUOPulled: Codable, Hashable, Sendable {
    public var plicht: Inburgeringsplicht?
    public var plichtHistorie: [PlichtHistorie]?
    public var doelgroep: DoelgroepInfo?
    public var doelgroepHistorie: [DoelgroepHistorie]?
    public var termijn: DUOTermijn?
    public var termijnHistorie: [DUOTermijnHistorie]?
    public var lbtResultaten: [LBTResultaat]?
    public var lbtExamennummer: LBTExamennummer?
    public var vrijstellingen: [DUOVrijstelling]?
    public var ontheffingen: [DUOOntheffing]?
    public var examens: [DUOExamenresultaat]?
    public var pip: DUOGemeentePIP?
    /// What was asked, including pulls DUO answered with "nothing registered" (404).
    public var fetched: [DUOPull] = []

    public init() {}
}
