/// What must hold before a step can be recorded in a case, checked against the case as it stands:
/// a closed case takes no new step, koppeling and ontzorgen are for asylum permit holders, a route
/// starts only after a PIP, a later PIP version is not dated before the one in force, and
/// information arrives only after it was asked for. The casework commands check a step here before
/// they store it; `Traject` replays its events through the same check.
public enum TrajectGebeurtenisRule {
    // Wi2021 art. 7 (the obligation ends when met or no longer applicable: a closed case takes no
    // new step); Wi2021 art. 13–16 (the municipality's offer and koppeling are for asylum permit
    // holders; the PIP is the decision the route follows, and a later version takes effect on its
    // own dagtekening, not before the version it replaces); Participatiewet art. 56a (ontzorgen for
    // asylum permit holders on bijstand); Besluit inburgering 2021 art. 5.3 (the PIP term waits on
    // information asked of a third party, from when it was asked).
    public static func controleer(_ event: TrajectEvent, in stand: TrajectStand) throws(TrajectError) {
        try controleerOpen(stand)
        switch event {
        case .gekoppeld:
            guard stand.categorie == .asielstatushouder else { throw .koppelingAlleenVoorAsielstatushouder }
        case .bijstandGestart, .ontzorgenBesluit, .ontzorgenEvaluatie, .ontzorgenVerlengd:
            guard stand.categorie == .asielstatushouder else { throw .ontzorgenAlleenVoorAsielstatushouder }
        case .leerrouteGestart:
            guard !stand.pipDagtekeningen.isEmpty else { throw .leerrouteZonderPIP }
        case .pipVastgesteld(let pip):
            if let last = stand.pipDagtekeningen.last, pip.dagtekening < last { throw .pipDagtekeningVoorVorige(vorige: last) }
        case .derdenInformatieOntvangen:
            guard stand.derdenInformatieGevraagd else { throw .derdenInformatieNietGevraagd }
        default:
            break
        }
    }
}

extension TrajectGebeurtenisRule {
    /// A closed case takes no new step, nor a new plan (a PIP concept, a route decision) or request.
    public static func controleerOpen(_ stand: TrajectStand) throws(TrajectError) {
        if stand.afgesloten { throw .trajectAfgesloten }
    }
}

/// A case as far as `TrajectGebeurtenisRule` needs it.
public struct TrajectStand: Hashable, Sendable {
    public var categorie: DoelgroepCategorie
    public var afgesloten: Bool
    /// The dagtekeningen of the fixed PIP versions, in the order fixed.
    public var pipDagtekeningen: [CalendarDate]
    public var derdenInformatieGevraagd: Bool

    public init(categorie: DoelgroepCategorie, afgesloten: Bool, pipDagtekeningen: [CalendarDate] = [], derdenInformatieGevraagd: Bool = false) {
        self.categorie = categorie
        self.afgesloten = afgesloten
        self.pipDagtekeningen = pipDagtekeningen
        self.derdenInformatieGevraagd = derdenInformatieGevraagd
    }
}
