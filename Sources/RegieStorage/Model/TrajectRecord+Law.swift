import Inburgering

/// The stored dates of a traject as the law module's facts, so the statutory clock can compute its
/// terms. Values the law does not know (an unknown doelgroep or route) are left out, not guessed.
enum LawFacts {
    static func make(doelgroep: String, dateOfBirth: String, kennisgeving: String?, koppeling: String?, brp: String?,
                     pip: String?, leerroute: String?, routeStart: String?, closed: String?, closedReason: String?,
                     lastMeeting: String?, cadence: Int?, duoTenWeeksStart: String? = nil, duoTermStart: String? = nil,
                     duoTermEnd: String? = nil) -> TrajectFacts? {
        guard let doelgroep = Doelgroep(rawValue: doelgroep) else { return nil }
        let date = { (iso: String?) in iso.flatMap(CalendarDate.init(iso:)) }
        let pips: [PIPFeit] = date(pip).flatMap { day in
            leerroute.flatMap(Leerroute.init(rawValue:)).map { [PIPFeit(dagtekening: day, leerroute: $0, voortgangCadansMaanden: cadence)] }
        } ?? []
        let closing: TrajectAfsluiting? = date(closed).flatMap { day in
            closedReason.flatMap(TrajectEinde.init(rawValue:)).map { TrajectAfsluiting(datum: day, einde: $0) }
        }
        // The term as DUO registered it (SS102–SS104) is the term (R2, R10).
        let duoTermijn = date(duoTermStart).flatMap { start in
            date(duoTermEnd).map { DUOTermijnFeit(start: start, laatsteDag: $0, bekendSinds: start) }
        }
        return TrajectFacts(
            categorie: doelgroep.categorie, geboortedatum: date(dateOfBirth), kennisgeving: date(kennisgeving),
            brpInschrijving: date(brp), duoTienWekenStart: date(duoTenWeeksStart), koppeling: date(koppeling), pips: pips,
            leerrouteStart: date(routeStart), voortgangsgesprekken: date(lastMeeting).map { [$0] } ?? [], afgesloten: closing,
            duoTermijn: duoTermijn)
    }
}

extension TrajectRecord {
    /// The facts stored with the traject at its last change (`LawFactsLoader`); a row written in bulk
    /// (demo, import) before any change falls back to its own columns.
    public func lawFacts(person: PersonRecord) -> TrajectFacts? {
        LawFactsLoader.decode(factsJson) ?? LawFacts.make(doelgroep: person.doelgroep, dateOfBirth: person.dateOfBirth, kennisgeving: kennisgevingDate,
                      koppeling: koppelingDate, brp: brpDate, pip: pipDate, leerroute: leerroute, routeStart: routeStartDate,
                      closed: closedDate, closedReason: closedReason, lastMeeting: lastMeetingDate, cadence: pipCadenceMonths,
                      duoTenWeeksStart: duoTenWeeksStart, duoTermStart: duoTermStart, duoTermEnd: duoTermEnd)
    }
}

extension PersonSummary {
    /// Nil for a person without a traject.
    public var lawFacts: TrajectFacts? {
        guard phase != nil else { return nil }
        return LawFactsLoader.decode(factsJson) ?? LawFacts.make(doelgroep: doelgroep, dateOfBirth: dateOfBirth, kennisgeving: kennisgevingDate,
                             koppeling: koppelingDate, brp: brpDate, pip: pipDate, leerroute: leerroute, routeStart: routeStartDate,
                             closed: closedDate, closedReason: closedReason, lastMeeting: lastMeetingDate, cadence: pipCadenceMonths,
                             duoTenWeeksStart: duoTenWeeksStart, duoTermEnd: duoTermEnd)
    }
}

/// Which term of a case is "next": the running term due first (overdue ones first, as they fell
/// due earliest). One definition for the stored sort key and for what a row shows.
public enum NextTerm {
    public static func pick(_ terms: [Term]) -> Term? {
        running(terms).min { $0.due < $1.due }
    }

    /// Terms that still ask something of the municipality.
    public static func running(_ terms: [Term]) -> [Term] {
        terms.filter { $0.status == .open || $0.status == .dueSoon || $0.status == .overdue }
    }
}

extension TrajectRecord {
    /// The running term due first, per the statutory clock.
    public func nextTerm(person: PersonRecord, today: CalendarDate, settings: MunicipalityLawSettings = .standaard) -> Term? {
        lawFacts(person: person).flatMap { NextTerm.pick(StatutoryClock.terms(for: $0, settings: settings, on: today)) }
    }
}
