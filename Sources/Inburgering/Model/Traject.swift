/// One person's integration case: the events in the order they were recorded, and everything derived
/// from them (phase, PIP versions, the facts for the statutory clock).
public struct Traject: Hashable, Codable, Sendable {
    public private(set) var inburgeraar: Inburgeraar
    public private(set) var events: [TrajectEvent]

    /// Replays `events` through `record(_:)`, so a stored case is checked the same way as a live one.
    public init(inburgeraar: Inburgeraar, events: [TrajectEvent] = []) throws(TrajectError) {
        self.inburgeraar = inburgeraar
        self.events = []
        for event in events { try record(event) }
    }

    /// Records an event after checking it can happen now (`TrajectGebeurtenisRule`, the check the
    /// casework commands apply). Events may arrive out of date order (DUO notifications can come
    /// late); the phase is the furthest phase reached.
    public mutating func record(_ event: TrajectEvent) throws(TrajectError) {
        try TrajectGebeurtenisRule.controleer(event, in: stand)
        if case .doelgroepGewijzigd(_, let doelgroep) = event {
            inburgeraar.doelgroep = doelgroep
            inburgeraar.duoIndeling = nil
        }
        events.append(event)
    }

    /// The case as it stands, for the check of the next event.
    public var stand: TrajectStand {
        TrajectStand(categorie: categorie, afgesloten: fase.isAfgesloten, pipDagtekeningen: pipVersies.map(\.dagtekening),
                     derdenInformatieGevraagd: events.contains { if case .derdenInformatieGevraagd = $0 { true } else { false } })
    }

    public var categorie: DoelgroepCategorie { inburgeraar.categorie }

    /// The furthest phase reached; an end event decides the phase outright.
    public var fase: TrajectFase {
        if let einde { return einde.fase }
        return events.compactMap(\.fase).max() ?? .signaal
    }

    public var einde: TrajectEinde? {
        for event in events { if case .afgesloten(_, let einde) = event { return einde } }
        return nil
    }

    public var eindDatum: CalendarDate? {
        for event in events { if case .afgesloten(let day, _) = event { return day } }
        return nil
    }

    /// Every PIP version, in the order fixed. Versions are numbered from 1 regardless of input.
    public var pipVersies: [PIP] {
        var versions: [PIP] = []
        for event in events {
            if case .pipVastgesteld(var pip) = event {
                pip.versie = versions.count + 1
                versions.append(pip)
            }
        }
        return versions
    }

    /// The first PIP: its dagtekening starts the inburgeringstermijn (R2).
    public var eerstePIP: PIP? { pipVersies.first }
    /// The PIP in force.
    public var huidigePIP: PIP? { pipVersies.last }

    /// The dates and events the statutory clock needs.
    public var facts: TrajectFacts {
        var facts = TrajectFacts(categorie: categorie, geboortedatum: inburgeraar.geboortedatum)
        for event in events {
            switch event {
            case .kennisgeving(let d): facts.kennisgeving = min(facts.kennisgeving ?? d, d)
            case .tienWekenTermijnGestart(let d): facts.duoTienWekenStart = d
            case .gekoppeld(let d): facts.koppeling = d
            case .brpInschrijving(let d): facts.brpInschrijving = d
            case .derdenInformatieGevraagd(let d): facts.wachtenOpDerden.append(WachtenOpDerden(gevraagd: d))
            case .derdenInformatieOntvangen(let d):
                if let open = facts.wachtenOpDerden.lastIndex(where: { $0.ontvangen == nil }) {
                    facts.wachtenOpDerden[open].ontvangen = d
                }
            case .bredeIntakeGestart: break
            case .pipVastgesteld(let pip): facts.pips.append(PIPFeit(dagtekening: pip.dagtekening, leerroute: pip.leerroute, voortgangCadansMaanden: pip.voortgangCadansMaanden))
            case .leerrouteGestart(let d): facts.leerrouteStart = min(facts.leerrouteStart ?? d, d)
            case .termijnVerlengd(let v): facts.verlengingen.append(v)
            case .bijstandGestart(let d): facts.bijstandStart = d
            case .ontzorgenBesluit(_, let ontzorgen): facts.ontzorgenBesloten = ontzorgen
            case .ontzorgenEvaluatie(let d): facts.ontzorgenEvaluaties.append(d)
            case .ontzorgenVerlengd(_, let tot): facts.ontzorgenVerlengdTot = tot
            case .voortgangsgesprek(let d): facts.voortgangsgesprekken.append(d)
            case .doelgroepGewijzigd: break
            case .afgesloten(let d, let einde): facts.afgesloten = TrajectAfsluiting(datum: d, einde: einde)
            }
        }
        return facts
    }
}

extension Traject {
    /// What DUO's PIP rules (R6) need to know about this case before a new PIP is sent.
    /// `startInburgeringsplicht` comes from DUO's Inburgeringsplicht API (`begindatum`).
    public func pipValidationContext(startInburgeringsplicht: CalendarDate?) -> PIPValidationContext {
        let facts = facts
        return PIPValidationContext(startInburgeringsplicht: startInburgeringsplicht,
                                    vestigingInGemeente: facts.brpInschrijving,
                                    dagtekeningInitielePIP: eerstePIP?.dagtekening,
                                    dagtekeningHuidigePIP: huidigePIP?.dagtekening,
                                    categorie: categorie)
    }
}
