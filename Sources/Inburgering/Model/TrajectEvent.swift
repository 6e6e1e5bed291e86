/// Something that happened in a case. A Traject is the ordered list of its events; every date the
/// statutory clock needs is derived from them.
public enum TrajectEvent: Hashable, Codable, Sendable {
    /// DUO's kennisgeving of the obligation (SS101/SS128).
    case kennisgeving(CalendarDate)
    /// DUO says the 10-week PIP term started (SS139).
    case tienWekenTermijnGestart(CalendarDate)
    /// COA linked the asylum permit holder to the municipality.
    case gekoppeld(CalendarDate)
    /// Registered in the BRP of this municipality (housed).
    case brpInschrijving(CalendarDate)
    /// The municipality asked a third party for information the PIP needs (R1a).
    case derdenInformatieGevraagd(CalendarDate)
    /// That information arrived (R1a).
    case derdenInformatieOntvangen(CalendarDate)
    case bredeIntakeGestart(CalendarDate)
    case pipVastgesteld(PIP)
    /// The course or education of the route started (DUO `datumInburgeringsaanbod`/start).
    case leerrouteGestart(CalendarDate)
    case termijnVerlengd(TermijnVerlenging)
    case bijstandGestart(CalendarDate)
    /// The municipality decided whether this person is ontzorgd (policy "ja, tenzij" / "nee, tenzij", R8).
    case ontzorgenBesluit(CalendarDate, ontzorgen: Bool)
    case ontzorgenEvaluatie(CalendarDate)
    case ontzorgenVerlengd(besluit: CalendarDate, tot: CalendarDate)
    case voortgangsgesprek(CalendarDate)
    case doelgroepGewijzigd(CalendarDate, Doelgroep)
    case afgesloten(CalendarDate, TrajectEinde)

    public var datum: CalendarDate {
        switch self {
        case .kennisgeving(let d), .tienWekenTermijnGestart(let d), .gekoppeld(let d), .brpInschrijving(let d),
             .derdenInformatieGevraagd(let d), .derdenInformatieOntvangen(let d), .bredeIntakeGestart(let d),
             .leerrouteGestart(let d), .bijstandGestart(let d), .ontzorgenEvaluatie(let d), .voortgangsgesprek(let d):
            d
        case .pipVastgesteld(let pip): pip.dagtekening
        case .termijnVerlengd(let verlenging): verlenging.besluitdatum
        case .ontzorgenVerlengd(let besluit, _): besluit
        case .doelgroepGewijzigd(let d, _), .afgesloten(let d, _), .ontzorgenBesluit(let d, _): d
        }
    }

    /// The phase this event moves the case to (at least), if any.
    public var fase: TrajectFase? {
        switch self {
        case .kennisgeving, .tienWekenTermijnGestart: .signaal
        case .gekoppeld: .gekoppeld
        case .brpInschrijving: .gehuisvest
        case .bredeIntakeGestart: .bredeIntake
        case .pipVastgesteld: .pipVastgesteld
        case .leerrouteGestart: .inLeerroute
        case .afgesloten(_, let einde): einde.fase
        default: nil
        }
    }
}

/// Why an event cannot be recorded.
public enum TrajectError: Error, Hashable, Sendable {
    /// The case is closed (afgerond or beëindigd).
    case trajectAfgesloten
    /// Only asylum permit holders are linked by COA.
    case koppelingAlleenVoorAsielstatushouder
    /// Ontzorgen applies to asylum permit holders on bijstand only (R8).
    case ontzorgenAlleenVoorAsielstatushouder
    /// A route cannot start before a PIP is fixed.
    case leerrouteZonderPIP
    /// A PIP version may not be dated before the previous one (R6).
    case pipDagtekeningVoorVorige(vorige: CalendarDate)
    /// Information can only arrive after it was asked for.
    case derdenInformatieNietGevraagd
}
