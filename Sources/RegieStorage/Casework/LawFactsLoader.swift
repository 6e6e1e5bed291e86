import Foundation
import Inburgering
import SQLKit

/// Builds a case's `TrajectFacts` from every table that holds one: the traject's dates, the fixed PIP
/// versions, held progress meetings, requests to third parties (R1a), DUO's term and exemptions
/// (R10, R1b) and the ontzorgen arrangement (R8). The one place the facts are put together: the
/// result is stored with the traject (`facts_json`) in the transaction of every change.
enum LawFactsLoader {
    static func load(person: PersonRecord, traject: TrajectRecord, on db: any SQLDatabase) async throws -> TrajectFacts {
        var facts = LawFacts.make(doelgroep: person.doelgroep, dateOfBirth: person.dateOfBirth, kennisgeving: traject.kennisgevingDate,
                                        koppeling: traject.koppelingDate, brp: traject.brpDate, pip: nil, leerroute: nil,
                                        routeStart: traject.routeStartDate, closed: traject.closedDate, closedReason: traject.closedReason,
                                        lastMeeting: nil, cadence: nil, duoTenWeeksStart: traject.duoTenWeeksStart)
        let date = { (iso: String?) in iso.flatMap(CalendarDate.init(iso:)) }
        let id = person.id
        // Every fixed version in the order fixed: the first one's route sets R12, the last one's cadence R5b.
        facts.pips = try await db.raw("""
            SELECT dagtekening, leerroute, cadans_maanden FROM pips WHERE person_id = \(bind: id) AND status = 'vastgesteld' ORDER BY version
            """).all().compactMap { row in
            guard let day = date(try row.decode(column: "dagtekening", as: String?.self)),
                  let route = Leerroute(rawValue: try row.decode(column: "leerroute", as: String.self)) else { return nil }
            return PIPFeit(dagtekening: day, leerroute: route, voortgangCadansMaanden: try row.decode(column: "cadans_maanden", as: Int?.self))
        }
        if facts.pips.isEmpty, let day = traject.pipDate, let route = traject.leerroute {
            // A case imported with its PIP date but without its versions.
            facts.pips = [PIPFeit(dagtekening: day, leerroute: route, voortgangCadansMaanden: traject.pipCadenceMonths)]
        }
        facts.voortgangsgesprekken = try await db.raw("""
            SELECT held_date FROM voortgangsgesprekken WHERE person_id = \(bind: id) AND no_show = 0 ORDER BY held_date
            """).all().compactMap { date(try $0.decode(column: "held_date", as: String.self)) }
        if facts.voortgangsgesprekken.isEmpty, let last = traject.lastMeetingDate { facts.voortgangsgesprekken = [last] }
        facts.wachtenOpDerden = try await db.raw("""
            SELECT requested_on, received_on FROM derden_verzoeken WHERE person_id = \(bind: id) AND withdrawn_reason IS NULL ORDER BY requested_on
            """).all().compactMap { row in
            date(try row.decode(column: "requested_on", as: String.self)).map {
                WachtenOpDerden(gevraagd: $0, ontvangen: date(try? row.decode(column: "received_on", as: String?.self)))
            }
        }
        // DUO's registered term counts from the day Regie learned it (rows from before M0007: from its start).
        if let start = traject.duoTermStart, let last = traject.duoTermEnd {
            facts.duoTermijn = DUOTermijnFeit(start: start, laatsteDag: last, bekendSinds: traject.duoTermKnown ?? start,
                                              verlengingsgrond: traject.duoTermGround)
        }
        if traject.duoExempt || traject.duoExemptFrom != nil {
            let from = traject.duoExemptFrom ?? facts.kennisgeving ?? LawDates.wi2021
            facts.tijdelijkeVrijstellingen = [TijdelijkeVrijstellingFeit(vanaf: from, tot: traject.duoExemptUntil)]
        }
        if let arrangement = try await db.raw("SELECT * FROM ontzorgingen WHERE person_id = \(bind: id)")
            .first(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase), let start = date(arrangement.bijstandStart) {
            facts.bijstandStart = start
            facts.ontzorgenBesloten = arrangement.ontzorgd == 1
            facts.ontzorgenVerlengdTot = date(arrangement.extendedUntil)
            facts.ontzorgenBeeindigd = date(arrangement.closedOn)
            facts.ontzorgenEvaluaties = try await db.raw("SELECT held_on FROM ontzorgen_evaluaties WHERE person_id = \(bind: id) ORDER BY held_on")
                .all().compactMap { date(try $0.decode(column: "held_on", as: String.self)) }
            if let policy = try await OntzorgenStore.policy(municipalityCode: arrangement.municipalityCode, on: arrangement.bijstandStart, db: db) {
                facts.ontzorgenBeleid = policy.lawSettings
            }
        }
        return facts
    }

    static func encode(_ facts: TrajectFacts?) throws -> String? {
        guard let facts else { return nil }
        return String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
    }

    static func decode(_ json: String?) -> TrajectFacts? {
        guard let json, !json.isEmpty else { return nil }
        return try? JSONDecoder().decode(TrajectFacts.self, from: Data(json.utf8))
    }
}
