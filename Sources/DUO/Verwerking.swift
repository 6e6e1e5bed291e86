import Inburgering

/// What Regie already knows of the case a notification is about.
public struct DUOCaseState: Hashable, Sendable {
    public var exists: Bool
    public var closed: Bool
    public var doelgroep: Doelgroep?
    public var kennisgeving: CalendarDate?
    public var leerroute: Leerroute?
    /// Test dates of the learnability tests already recorded.
    public var lbtDates: Set<CalendarDate>

    public init(exists: Bool, closed: Bool = false, doelgroep: Doelgroep? = nil, kennisgeving: CalendarDate? = nil,
                leerroute: Leerroute? = nil, lbtDates: Set<CalendarDate> = []) {
        self.exists = exists
        self.closed = closed
        self.doelgroep = doelgroep
        self.kennisgeving = kennisgeving
        self.leerroute = leerroute
        self.lbtDates = lbtDates
    }

    public static let none = DUOCaseState(exists: false)
}

/// A task DUO's news asks of the case worker. The title comes from the catalogue (`duo.task.<key>`).
public enum DUOTaak: String, CaseIterable, Codable, Sendable {
    case planIntake, aowBinnenZesMaanden, overgenomenMetPIP, doelgroepGewijzigd, vrijstellingToegekend,
         trajectHervatten, dossierAfronden, verlengingAfgewezen, verzoekAfgewezen, pipAanpassen, leerrouteKiezen,
         examenBespreken, pipTeLaat, adviesBIO

    /// Days from the notification to the task's due date.
    public var dueInDays: Int {
        switch self {
        case .pipTeLaat: 0
        case .planIntake, .overgenomenMetPIP, .leerrouteKiezen: 7
        case .adviesBIO: 14
        default: 14
        }
    }
}

/// One change a DUO event makes to a case, in the law's terms. The store applies them in one
/// transaction, with a timeline line naming the event.
public enum DUOCaseUpdate: Hashable, Sendable {
    /// Create the person and case in the receiving municipality (details from the BRP follow).
    case openCase(Doelgroep)
    case setDoelgroep(Doelgroep)
    /// DUO's kennisgeving of the obligation (starts the PIP term, R1).
    case setKennisgeving(CalendarDate)
    /// SS139: DUO started the 10-week PIP term (R1, when kennisgeving/BRP are unknown).
    case setTienWekenStart(CalendarDate)
    /// The inburgeringstermijn as DUO registered it (start, last day), incl. extensions (R2, R10).
    /// `grond`: DUO's description of the extension ground, when extended.
    case setTermijn(start: CalendarDate, laatsteDag: CalendarDate, grond: String? = nil)
    /// A temporary exemption from `vanaf` (DUO's start date; nil: the notification's day) up to `tot`.
    case setTijdelijkeVrijstelling(vanaf: CalendarDate? = nil, tot: CalendarDate?)
    case clearTijdelijkeVrijstelling
    case recordLBT(datum: CalendarDate, score: Int)
    case close(TrajectEinde, datum: CalendarDate)
    case task(DUOTaak)
}

/// The outcome of planning: the updates, or why the event must wait.
public enum DUOPlan: Hashable, Sendable {
    case apply([DUOCaseUpdate])
    /// No case for this person yet and this event does not start one: retried later (an event can
    /// arrive before the one that creates the case).
    case waitForCase
    /// DUO says there is no obligation for a person Regie has no case for: nothing to do.
    case nothingToDo
}

/// Turns an event and the freshly pulled state into case updates. Pure: the same event and the same
/// DUO state give the same updates, so a duplicate or a late notification converges on one state.
public enum DUOVerwerking {
    public static func plan(_ event: Gebeurtenis, notified: CalendarDate, pulled: DUOPulled, current: DUOCaseState) -> DUOPlan {
        var updates: [DUOCaseUpdate] = []
        let pulledGroup = pulled.doelgroep.flatMap(detailedGroup)

        if !current.exists {
            guard event.startsCase else { return .waitForCase }
            if let plicht = pulled.plicht, !plicht.indicatorInburgeringsplicht { return .nothingToDo }
            updates.append(.openCase(pulledGroup ?? .overig))
        } else if let group = pulledGroup, group != current.doelgroep {
            updates.append(.setDoelgroep(group))
        }

        if let plicht = pulled.plicht {
            if let day = plicht.datumKennisgevingInburgeringsplicht, day != current.kennisgeving {
                updates.append(.setKennisgeving(day))
            }
            if !plicht.indicatorInburgeringsplicht, let reden = plicht.redenGeenInburgeringsplicht {
                if let einde = reden.einde {
                    if current.exists && !current.closed {
                        let day = plicht.einddatum ?? plicht.wijzigingsdatum ?? notified
                        let end: TrajectEinde = (einde == .examenBehaald && current.leerroute == .z) ? .zRouteAfgerond : einde
                        updates.append(.close(end, datum: day))
                    }
                }
            }
        }
        if event == .pipTermijnGestart { updates.append(.setTienWekenStart(notified)) }
        if let termijn = pulled.termijn {
            updates.append(.setTermijn(start: termijn.startdatum, laatsteDag: termijn.laatsteDag, grond: termijn.verlengingsgrondomschrijving))
        }
        switch event {
        case .tijdelijkeVrijstelling:
            let granted = pulled.vrijstellingen?.compactMap(\.TijdelijkeVrijstelling).last { $0.oordeel == .toekenning }
            updates.append(.setTijdelijkeVrijstelling(vanaf: granted?.startdatum, tot: granted?.einddatum))
        case .vrijstellingIngetrokkenZonderPIP, .vrijstellingIngetrokkenMetPIP:
            updates.append(.clearTijdelijkeVrijstelling)
        default:
            break
        }
        if let results = pulled.lbtResultaten {
            for result in results.sorted(by: { $0.datumAfname < $1.datumAfname }) where !current.lbtDates.contains(result.datumAfname) {
                if let score = result.score { updates.append(.recordLBT(datum: result.datumAfname, score: score)) }
            }
        }
        if let task = task(for: event, pulled: pulled) { updates.append(.task(task)) }
        return .apply(updates)
    }

    /// The task an event asks of the case worker, if a person must act.
    static func task(for event: Gebeurtenis, pulled: DUOPulled) -> DUOTaak? {
        switch event {
        case .nieuwePlicht, .pipTermijnGestart, .gevestigdZonderPIP: .planIntake
        case .plichtMetAOWBinnenZesMaanden: .aowBinnenZesMaanden
        case .gevestigdMetPIPVorigeGemeente: .overgenomenMetPIP
        case .doelgroepNaarGezinsmigrant, .doelgroepNaarAsielstatushouder: .doelgroepGewijzigd
        case .tijdelijkeVrijstelling: .vrijstellingToegekend
        case .vrijstellingIngetrokkenZonderPIP, .vrijstellingIngetrokkenMetPIP: .trajectHervatten
        case .diplomaBehaald, .geheleVrijstelling, .geheleOntheffing, .plichtIngetrokken, .overleden: .dossierAfronden
        case .verlengingAfgewezen: .verlengingAfgewezen
        case .geheleVrijstellingAfgewezen, .tijdelijkeVrijstellingAfgewezen, .gedeeltelijkeVrijstellingAfgewezen, .ontheffingAfgewezen:
            .verzoekAfgewezen
        case .gedeeltelijkeVrijstellingToegekend, .gedeeltelijkeOntheffingToegekend: .pipAanpassen
        case .lbtResultaat: .leerrouteKiezen
        case .examenresultaat:
            (pulled.examens ?? []).contains { $0.resultaat != "Geslaagd" } ? .examenBespreken : nil
        case .tienWekenZonderLeerroute: .pipTeLaat
        case .adviesBIOGevraagd: .adviesBIO
        case .termijnGestart, .termijnAmbtshalveVerlengd, .termijnOpVerzoekVerlengd, .aangemeldVoorLBT: nil
        }
    }

    /// DUO's detailed group, or the category's plain group when DUO gave only the indeling.
    static func detailedGroup(_ info: DoelgroepInfo) -> Doelgroep? {
        if let detailed = info.gedetailleerdeDoelgroep {
            // Changed rights after a change of residence purpose decide the category (R0).
            if let rights = info.asielrechtenWijzigingVerblijfsdoel, rights.categorie != detailed.categorie {
                return rights.categorie == .asielstatushouder ? .asielstatushouder : .overig
            }
            return detailed
        }
        switch info.categorie {
        case .asielstatushouder: return .asielstatushouder
        case .gezinsmigrantEnOverig: return .overig
        case nil: return nil
        }
    }
}
