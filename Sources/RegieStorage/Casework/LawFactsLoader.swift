import Foundation
import Inburgering
import SQLKit
import Synchronization

/// Builds a case's `TrajectFacts` from every table that holds one: the traject's dates, the fixed PIP
/// versions, held progress meetings, requests to third parties (R1a), DUO's term and exemptions
/// (R10, R1b) and the ontzorgen arrangement (R8). The one place the facts are put together: the
/// result is stored with the traject (`facts_json`) in the transaction of every change.
///
/// The same read brings the work recorded on the case that the next step needs (`NextStepRule`):
/// the warme overdracht, intake conversations and topics, the LBT and the route decision.
enum LawFactsLoader {
    static func load(person: PersonRecord, traject: TrajectRecord, on db: any SQLDatabase, today: CalendarDate) async throws
        -> (facts: TrajectFacts, progress: NextStepRule.Progress) {
        var facts = LawFacts.make(doelgroep: person.doelgroep, dateOfBirth: person.dateOfBirth, kennisgeving: traject.kennisgevingDate,
                                        koppeling: traject.koppelingDate, brp: traject.brpDate, pip: nil, leerroute: nil,
                                        routeStart: traject.routeStartDate, closed: traject.closedDate, closedReason: traject.closedReason,
                                        lastMeeting: nil, cadence: nil, duoTenWeeksStart: traject.duoTenWeeksStart)
        let date = { (iso: String?) in iso.flatMap(CalendarDate.init(iso:)) }
        let id = person.id
        // The facts kept in other tables, in one read: every fixed PIP version (the first one's route
        // sets R12, the last one's cadence R5b), held progress meetings, requests to third parties
        // (R1a), the ontzorgen arrangement and its evaluations (R8). Columns are shared by position.
        let rows = try await db.raw("""
            SELECT 'pip' AS kind, dagtekening AS a, leerroute AS b, NULL AS c, NULL AS d, cadans_maanden AS n, version AS o
                FROM pips WHERE person_id = \(bind: id) AND status = 'vastgesteld'
            UNION ALL SELECT 'gesprek', held_date, NULL, NULL, NULL, NULL, 0 FROM voortgangsgesprekken WHERE person_id = \(bind: id) AND no_show = 0 AND withdrawn_at IS NULL
            UNION ALL SELECT 'derde', requested_on, received_on, NULL, NULL, NULL, 0 FROM derden_verzoeken
                WHERE person_id = \(bind: id) AND withdrawn_reason IS NULL
            UNION ALL SELECT 'ontzorging', bijstand_start, extended_until, closed_on, municipality_code, ontzorgd, 0 FROM ontzorgingen WHERE person_id = \(bind: id)
            UNION ALL SELECT 'evaluatie', held_on, NULL, NULL, NULL, NULL, 0 FROM ontzorgen_evaluaties WHERE person_id = \(bind: id)
            UNION ALL SELECT 'overdracht', meeting_held, NULL, NULL, NULL, NULL, 0 FROM warme_overdrachten WHERE person_id = \(bind: id)
            UNION ALL SELECT 'intake', conversation_date, topics, NULL, NULL, NULL, 0 FROM intake_gesprekken WHERE person_id = \(bind: id) AND no_show = 0 AND withdrawn_at IS NULL
            UNION ALL SELECT 'onderwerp', NULL, topic, NULL, NULL, NULL, 0 FROM intake_onderwerpen WHERE person_id = \(bind: id) AND recorded = 1
            UNION ALL SELECT 'lbt', test_date, NULL, NULL, NULL, NULL, 0 FROM leerbaarheidstoetsen
                WHERE person_id = \(bind: id) AND (score IS NOT NULL OR exemption IS NOT NULL) AND withdrawn_at IS NULL
            UNION ALL SELECT 'route', decided_date, NULL, NULL, NULL, NULL, 0 FROM route_besluiten WHERE person_id = \(bind: id)
            UNION ALL SELECT 'kind', date_of_birth, NULL, NULL, NULL, NULL, 0 FROM persons
                WHERE household_id = \(bind: person.householdId) AND id <> \(bind: id)
            ORDER BY kind, o, a
            """).all()
        var progress = NextStepRule.Progress(fase: traject.phase)
        var covered = Set<IntakeOnderwerp>()
        var householdBirths: [CalendarDate] = []
        var arrangement: (bijstandStart: CalendarDate, ontzorgd: Bool, extendedUntil: CalendarDate?, closedOn: CalendarDate?, municipalityCode: String)?
        var evaluaties: [CalendarDate] = []
        for row in rows {
            let a = date(try row.decode(column: "a", as: String?.self)), b = try row.decode(column: "b", as: String?.self)
            switch try row.decode(column: "kind", as: String.self) {
            case "pip":
                if let a, let route = b.flatMap(Leerroute.init(rawValue:)) {
                    facts.pips.append(PIPFeit(dagtekening: a, leerroute: route, voortgangCadansMaanden: try row.decode(column: "n", as: Int?.self)))
                }
            case "gesprek": if let a { facts.voortgangsgesprekken.append(a) }
            case "derde": if let a { facts.wachtenOpDerden.append(WachtenOpDerden(gevraagd: a, ontvangen: date(b))) }
            case "evaluatie": if let a { evaluaties.append(a) }
            case "overdracht": progress.warmeOverdracht = progress.warmeOverdracht || a != nil
            case "intake":
                progress.intakeGesprekken += 1
                covered.formUnion((b ?? "").split(separator: ",").compactMap { IntakeOnderwerp(rawValue: String($0)) })
            case "onderwerp": if let topic = b.flatMap(IntakeOnderwerp.init(rawValue:)) { covered.insert(topic) }
            case "lbt": progress.lbtAfgerond = true
            case "route": progress.leerrouteBesloten = true
            case "kind": if let a { householdBirths.append(a) }
            default:
                if let a {
                    arrangement = (a, try row.decode(column: "n", as: Int?.self) == 1, date(b), date(try row.decode(column: "c", as: String?.self)),
                                   try row.decode(column: "d", as: String.self))
                }
            }
        }
        if facts.pips.isEmpty, let day = traject.pipDate, let route = traject.leerroute {
            // A case imported with its PIP date but without its versions.
            facts.pips = [PIPFeit(dagtekening: day, leerroute: route, voortgangCadansMaanden: traject.pipCadenceMonths)]
        }
        if facts.voortgangsgesprekken.isEmpty, let last = traject.lastMeetingDate { facts.voortgangsgesprekken = [last] }
        // DUO's registered term counts from the day Regie learned it (rows from before M0007: from its start).
        if let start = traject.duoTermStart, let last = traject.duoTermEnd {
            facts.duoTermijn = DUOTermijnFeit(start: start, laatsteDag: last, bekendSinds: traject.duoTermKnown ?? start,
                                              verlengingsgrond: traject.duoTermGround)
        }
        if traject.duoExempt || traject.duoExemptFrom != nil {
            let from = traject.duoExemptFrom ?? facts.kennisgeving ?? LawDates.wi2021
            facts.tijdelijkeVrijstellingen = [TijdelijkeVrijstellingFeit(vanaf: from, tot: traject.duoExemptUntil)]
        }
        if let arrangement {
            facts.bijstandStart = arrangement.bijstandStart
            facts.ontzorgenBesloten = arrangement.ontzorgd
            facts.ontzorgenVerlengdTot = arrangement.extendedUntil
            facts.ontzorgenBeeindigd = arrangement.closedOn
            facts.ontzorgenEvaluaties = evaluaties
            if let policy = try await OntzorgenStore.policy(municipalityCode: arrangement.municipalityCode, on: arrangement.bijstandStart.iso, db: db) {
                facts.ontzorgenBeleid = policy.lawSettings
            }
        }
        // R5a: pre-school education is a topic only with a young child in the household.
        let youngChildren = BredeIntakeRule.heeftJongeKinderen(geboortedata: householdBirths, op: today)
        progress.openOnderwerpen = BredeIntakeRule.ontbrekendeOnderwerpen(besproken: covered, heeftJongeKinderen: youngChildren).count
        return (facts, progress)
    }

    static func encode(_ facts: TrajectFacts?) throws -> String? {
        guard let facts else { return nil }
        return String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
    }

    /// The facts of a stored snapshot. Decoding JSON was a tenth of a caseload page's CPU (50 rows,
    /// each read again on every visit), so decoded snapshots are kept by their text: the same text is
    /// always the same facts, so a hit can never be stale, and a changed case stores a new text.
    static func decode(_ json: String?) -> TrajectFacts? {
        guard let json, !json.isEmpty else { return nil }
        if let known = decoded.withLock({ $0[json] }) { return known }
        guard let facts = try? JSONDecoder().decode(TrajectFacts.self, from: Data(json.utf8)) else { return nil }
        decoded.withLock { cache in
            // Bounded: a few thousand snapshots (a few MiB) cover the caseloads being worked; when
            // full it starts over rather than keeping an order of use.
            if cache.count >= decodedLimit { cache.removeAll(keepingCapacity: true) }
            cache[json] = facts
        }
        return facts
    }

    static let decodedLimit = 4_096
    private static let decoded = Mutex<[String: TrajectFacts]>([:])
}
