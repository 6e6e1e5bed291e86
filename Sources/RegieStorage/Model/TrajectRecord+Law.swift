import Inburgering

/// The stored dates of a traject as the law module's facts, so the statutory clock can compute its
/// terms. Values the law does not know (an unknown doelgroep or route) are left out, not guessed.
enum LawFacts {
    static func make(doelgroep: String, dateOfBirth: String, kennisgeving: String?, koppeling: String?, brp: String?,
                     pip: String?, leerroute: String?, routeStart: String?, closed: String?, closedReason: String?) -> TrajectFacts? {
        guard let doelgroep = Doelgroep(rawValue: doelgroep) else { return nil }
        let date = { (iso: String?) in iso.flatMap(CalendarDate.init(iso:)) }
        let pips: [PIPFeit] = date(pip).flatMap { day in
            leerroute.flatMap(Leerroute.init(rawValue:)).map { [PIPFeit(dagtekening: day, leerroute: $0)] }
        } ?? []
        let closing: TrajectAfsluiting? = date(closed).flatMap { day in
            closedReason.flatMap(TrajectEinde.init(rawValue:)).map { TrajectAfsluiting(datum: day, einde: $0) }
        }
        return TrajectFacts(
            categorie: doelgroep.categorie, geboortedatum: date(dateOfBirth), kennisgeving: date(kennisgeving),
            brpInschrijving: date(brp), koppeling: date(koppeling), pips: pips, leerrouteStart: date(routeStart), afgesloten: closing)
    }
}

extension TrajectRecord {
    public func lawFacts(person: PersonRecord) -> TrajectFacts? {
        LawFacts.make(doelgroep: person.doelgroep, dateOfBirth: person.dateOfBirth, kennisgeving: kennisgevingDate,
                      koppeling: koppelingDate, brp: brpDate, pip: pipDate, leerroute: leerroute, routeStart: routeStartDate,
                      closed: closedDate, closedReason: closedReason)
    }
}

extension PersonSummary {
    /// Nil for a person without a traject.
    public var lawFacts: TrajectFacts? {
        guard phase != nil else { return nil }
        return LawFacts.make(doelgroep: doelgroep, dateOfBirth: dateOfBirth, kennisgeving: kennisgevingDate,
                             koppeling: koppelingDate, brp: brpDate, pip: pipDate, leerroute: leerroute, routeStart: routeStartDate,
                             closed: closedDate, closedReason: closedReason)
    }
}
