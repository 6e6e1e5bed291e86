import Inburgering

/// The stored dates of a traject as the law module's facts, so the statutory clock can compute its
/// terms.
enum LawFacts {
    static func make(doelgroep: Doelgroep, dateOfBirth: CalendarDate?, kennisgeving: CalendarDate?, koppeling: CalendarDate?, brp: CalendarDate?,
                     pip: CalendarDate?, leerroute: Leerroute?, routeStart: CalendarDate?, closed: CalendarDate?, closedReason: TrajectEinde?,
                     lastMeeting: CalendarDate?, cadence: Int?, duoTenWeeksStart: CalendarDate? = nil, duoTermStart: CalendarDate? = nil,
                     duoTermEnd: CalendarDate? = nil) -> TrajectFacts {
        let pips: [PIPFeit] = pip.flatMap { day in
            leerroute.map { [PIPFeit(dagtekening: day, leerroute: $0, voortgangCadansMaanden: cadence)] }
        } ?? []
        let closing: TrajectAfsluiting? = closed.flatMap { day in closedReason.map { TrajectAfsluiting(datum: day, einde: $0) } }
        // The term as DUO registered it (SS102–SS104) is the term (R2, R10).
        let duoTermijn = duoTermStart.flatMap { start in
            duoTermEnd.map { DUOTermijnFeit(start: start, laatsteDag: $0, bekendSinds: start) }
        }
        return TrajectFacts(
            categorie: doelgroep.categorie, geboortedatum: dateOfBirth, kennisgeving: kennisgeving,
            brpInschrijving: brp, duoTienWekenStart: duoTenWeeksStart, koppeling: koppeling, pips: pips,
            leerrouteStart: routeStart, voortgangsgesprekken: lastMeeting.map { [$0] } ?? [], afgesloten: closing,
            duoTermijn: duoTermijn)
    }
}

extension TrajectRecord {
    /// The facts stored with the traject at its last change (`LawFactsLoader`); a row written in bulk
    /// (demo, import) before any change falls back to its own columns.
    public func lawFacts(person: PersonRecord) -> TrajectFacts {
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
        NextTerm.pick(StatutoryClock.terms(for: lawFacts(person: person), settings: settings, on: today))
    }
}
