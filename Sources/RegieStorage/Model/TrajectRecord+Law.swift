import Inburgering

extension TrajectRecord {
    /// The stored dates of a traject as the law module's facts, so the statutory clock can compute
    /// its terms. Values the law does not know (an unknown doelgroep or route) are left out rather
    /// than guessed.
    public func lawFacts(person: PersonRecord) -> TrajectFacts? {
        guard let doelgroep = Doelgroep(rawValue: person.doelgroep) else { return nil }
        let pips: [PIPFeit] = pipDate.flatMap(CalendarDate.init(iso:)).flatMap { date in
            leerroute.flatMap(Leerroute.init(rawValue:)).map { [PIPFeit(dagtekening: date, leerroute: $0)] }
        } ?? []
        let closing: TrajectAfsluiting? = closedDate.flatMap(CalendarDate.init(iso:)).flatMap { date in
            closedReason.flatMap(TrajectEinde.init(rawValue:)).map { TrajectAfsluiting(datum: date, einde: $0) }
        }
        return TrajectFacts(
            categorie: doelgroep.categorie,
            geboortedatum: CalendarDate(iso: person.dateOfBirth),
            kennisgeving: kennisgevingDate.flatMap(CalendarDate.init(iso:)),
            brpInschrijving: brpDate.flatMap(CalendarDate.init(iso:)),
            koppeling: koppelingDate.flatMap(CalendarDate.init(iso:)),
            pips: pips,
            leerrouteStart: routeStartDate.flatMap(CalendarDate.init(iso:)),
            afgesloten: closing)
    }
}
