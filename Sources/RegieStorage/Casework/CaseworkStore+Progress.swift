import DUO
import Foundation
import Inburgering
import SQLKit

/// After the PIP: the route start, progress meetings, hours and results.
extension CaseworkStore {
    /// Records the start of the learning route (the offer started: R12) and moves the case on.
    /// With `aanbod` (institution number and offer), the offer goes to DUO in the same transaction.
    public func startRoute(personId: String, date: CalendarDate, aanbod: (String, DUOInburgeringsaanbod)? = nil, scope: TenantScope, actor: CaseActor,
                           audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            try await unit.advance(to: .inLeerroute, also: "route_start_date = \(bind: date.iso)")
            if let (instelling, offer) = aanbod {
                try await DUOStore.enqueue([try DUOOutboxMessage(.inburgeringsaanbod, body: offer, reference: instelling)], personId: personId,
                                           municipalityCode: unit.person.municipalityCode, bsn: unit.person.bsn, createdBy: actor.id ?? "-", now: now, on: unit.db)
            }
            return (true, [CaseChange(kind: "route.start", date: date.iso)])
        }
    }

    /// Records a progress meeting; a held meeting (not a no-show) restarts the clock for the next (R5b).
    public func insertVoortgangsgesprek(_ meeting: VoortgangsgesprekRecord, replacing: Replacement? = nil, scope: TenantScope, actor: CaseActor,
                                        audit: AuditEvent, now: Date) async throws -> VoortgangsgesprekRecord? {
        let sealed = meeting.note.isEmpty ? nil : try seal.seal(meeting.note)
        return try await change(personId: meeting.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let corrected = try await unit.replace(.voortgangsgesprek, replacing, with: meeting.id, actor: actor)
            try await db.raw("""
                INSERT INTO voortgangsgesprekken (id, person_id, held_date, outcome, no_show, note_sealed, created_by, created_at)
                VALUES (\(bind: meeting.id), \(bind: meeting.personId), \(bind: meeting.heldDate), \(bind: meeting.outcome), \(bind: meeting.noShow ? 1 : 0),
                    \(bind: sealed), \(bind: meeting.createdBy), \(bind: meeting.createdAt))
                """).run()
            if !meeting.noShow {
                try await unit.updateTraject("\(CaseUnit.atLeast("last_meeting_date", meeting.heldDate)), \(CaseUnit.atLeast("last_contact_date", meeting.heldDate))")
            }
            return (meeting, corrected + [CaseChange(kind: meeting.noShow ? "voortgang.noShow" : "voortgang.gesprek", date: meeting.heldDate, detail: meeting.outcome)])
        }
    }

    public func listVoortgangsgesprekken(personId: String, scope: TenantScope) async throws -> [VoortgangsgesprekRecord] {
        let rows = try await database.sql.raw("""
            SELECT v.* FROM voortgangsgesprekken v JOIN persons p ON p.id = v.person_id
            WHERE v.person_id = \(bind: personId) AND v.withdrawn_at IS NULL AND \(scope.persons(needs: .casework))
            ORDER BY v.held_date, v.created_at
            """).all()
        return try rows.map { row in
            VoortgangsgesprekRecord(
                id: try row.decode(column: "id", as: String.self), personId: personId,
                heldDate: try row.decode(column: "held_date", as: String.self), outcome: try row.decode(column: "outcome", as: String.self),
                noShow: try row.decode(column: "no_show", as: Int.self) == 1,
                note: try row.decode(column: "note_sealed", as: String?.self).map { try seal.open($0) } ?? "",
                createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Int64.self))
        }
    }

    public func insertUren(_ uren: UrenRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> UrenRecord? {
        try await insertUrenBatch([uren], personId: uren.personId, scope: scope, actor: actor, audit: audit, now: now)?.first
    }

    /// Several kinds of hours for one period at once (the hours grid), in one transaction: all or none.
    public func insertUrenBatch(_ batch: [UrenRecord], personId: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> [UrenRecord]? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            for uren in batch {
                try await db.raw("""
                    INSERT INTO uren (id, person_id, soort, period_end, hours, provider, during_intake, created_by, created_at)
                    VALUES (\(bind: uren.id), \(bind: personId), \(bind: uren.soort), \(bind: uren.periodEnd), \(bind: uren.hours), \(bind: uren.provider),
                        \(bind: uren.duringIntake), \(bind: uren.createdBy), \(bind: uren.createdAt))
                    """).run()
            }
            for uren in batch {
                try await Self.sendHourTotals(soort: uren.soort, duringIntake: uren.duringIntake == 1, person: unit.person, sourceId: uren.id,
                                              createdBy: actor.id ?? "-", now: now, on: db)
            }
            return (batch, batch.map { CaseChange(kind: "uren", date: $0.periodEnd, detail: "\($0.hours) \($0.soort)") })
        }
    }

    /// DUO registers hours as running totals (GevolgdeUren API): after every change the total it
    /// feeds goes to DUO, always the whole total so a lost or repeated message converges.
    /// - course hours during the brede intake → `TaallesEnKnmBredeIntake`;
    /// - course hours in the route (after the intake, earlier routes included) → `ParticipatieAlsTaalles`;
    /// - participation hours of an asylum permit holder, brede intake included (Besluit art. 3.14)
    ///   → `ParticipatieactiviteitenBredeIntake` (the Z-route's participation component).
    static func sendHourTotals(soort: String, duringIntake: Bool, person: PersonRecord, sourceId: String, createdBy: String, now: Date, on db: any SQLDatabase) async throws {
        func total(_ kind: UrenSoort, duringIntake: Int?) async throws -> Int {
            var query = SQLQueryString("""
                SELECT COALESCE(SUM(hours), 0) AS total FROM uren WHERE person_id = \(bind: person.id) AND soort = \(bind: kind.rawValue) AND withdrawn_at IS NULL
                """)
            if let duringIntake { query = query + " AND during_intake = \(bind: duringIntake)" }
            return try await db.raw(query).first().map { try $0.decode(column: "total", as: Int.self) } ?? 0
        }
        var messages: [DUOOutboxMessage] = []
        // DUO's totals run from 0 to 9999.
        let send = { (push: DUOPush, hours: Int) in try DUOOutboxMessage(push, body: DUOUren(uren: min(max(hours, 0), 9999)), sourceId: sourceId) }
        switch UrenSoort(rawValue: soort) {
        case .cursus:
            let intake = duringIntake ? 1 : 0
            messages.append(try send(duringIntake ? .urenTaallesKNM : .urenParticipatieTaalles, try await total(.cursus, duringIntake: intake)))
        case .participatie where person.doelgroep.categorie == .asielstatushouder:
            messages.append(try send(.urenParticipatie, try await total(.participatie, duringIntake: nil)))
        default:
            return
        }
        try await DUOStore.enqueue(messages, personId: person.id, municipalityCode: person.municipalityCode, bsn: person.bsn,
                                   createdBy: createdBy, now: now, on: db)
    }

    /// Withdraws a row of hours that still counts, with the reason; with `hours`, a new row with the
    /// corrected number takes its place (same kind, period, provider). DUO gets the new running
    /// total. Nil when the person is not in scope; `HoursError.notCurrent` when the row is not one
    /// of theirs that still counts.
    public func correctUren(personId: String, id: String, hours: Int?, newId: String, reason: String, scope: TenantScope, actor: CaseActor,
                            audit: AuditEvent, now: Date) async throws -> UrenRecord? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let old = try await db.raw("""
                SELECT * FROM uren WHERE id = \(bind: id) AND person_id = \(bind: personId) AND withdrawn_at IS NULL
                """).first(decoding: UrenRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw HoursError.notCurrent }
            let replacement = hours.map { hours in
                UrenRecord(id: newId, personId: personId, soort: old.soort, periodEnd: old.periodEnd, hours: hours, provider: old.provider,
                           duringIntake: old.duringIntake == 1, createdBy: actor.id ?? "-", createdAt: now.epochSeconds)
            }
            try await db.raw("""
                UPDATE uren SET withdrawn_at = \(bind: now.epochSeconds), withdrawn_by = \(bind: actor.id ?? "-"), withdrawn_reason = \(bind: reason),
                    replaced_by = \(bind: replacement?.id) WHERE id = \(bind: id)
                """).run()
            if let replacement {
                try await db.raw("""
                    INSERT INTO uren (id, person_id, soort, period_end, hours, provider, during_intake, created_by, created_at)
                    VALUES (\(bind: replacement.id), \(bind: personId), \(bind: replacement.soort), \(bind: replacement.periodEnd), \(bind: replacement.hours),
                        \(bind: replacement.provider), \(bind: replacement.duringIntake), \(bind: replacement.createdBy), \(bind: replacement.createdAt))
                    """).run()
            }
            try await Self.sendHourTotals(soort: old.soort, duringIntake: old.duringIntake == 1, person: unit.person, sourceId: replacement?.id ?? id,
                                          createdBy: actor.id ?? "-", now: now, on: db)
            let detail = replacement.map { "\(old.hours) → \($0.hours) \(old.soort): \(reason)" } ?? "\(old.hours) \(old.soort): \(reason)"
            return (replacement ?? old, [CaseChange(kind: replacement == nil ? "urenIngetrokken" : "urenGecorrigeerd", date: old.periodEnd, detail: detail)])
        }
    }

    public enum HoursError: Error { case notCurrent }

    /// The latest period end of the person's hours of one kind before `day` that still count: where
    /// the period of new hours starts (for the plausibility check).
    public func previousPeriodEnd(personId: String, soort: String, before day: CalendarDate, excluding id: String? = nil) async throws -> CalendarDate? {
        try await database.sql.raw("""
            SELECT MAX(period_end) AS last FROM uren WHERE person_id = \(bind: personId) AND soort = \(bind: soort) AND withdrawn_at IS NULL
              AND period_end < \(bind: day.iso) AND id <> \(bind: id ?? "")
            """).first().flatMap { try $0.decode(column: "last", as: String?.self) }.flatMap(CalendarDate.init(iso:))
    }

    public func listUren(personId: String, scope: TenantScope) async throws -> [UrenRecord] {
        try await rows("uren", personId: personId, scope: scope, order: "x.period_end, x.created_at", as: UrenRecord.self)
    }

    /// Records a completed part of the route (MAP final interview, PVT signed, Z-route completed).
    public func saveResultaat(personId: String, kind: String, date: CalendarDate, by userId: String, scope: TenantScope, actor: CaseActor,
                              audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let person = unit.person
            let message: DUOOutboxMessage? = switch kind {
            case "mapEindgesprek": try DUOOutboxMessage(.map, body: DUOResultaatMAP(datumEindgesprekMap: date, verwijtbaar: "Nee"))
            case "pvtOndertekend": try DUOOutboxMessage(.pvt, body: DUOResultaatPVT(datumOndertekeningPvt: date, verwijtbaar: "Nee"))
            case "zRouteAfgerond": try DUOOutboxMessage(.zroute, body: DUOResultaatZroute(datumAfrondingZroute: date))
            default: nil
            }
            if let message {
                try await DUOStore.enqueue([message], personId: personId, municipalityCode: person.municipalityCode, bsn: person.bsn,
                                           createdBy: actor.id ?? "-", now: now, on: db)
            }
            try await db.raw("""
                INSERT INTO route_resultaten (person_id, kind, result_date, created_by, created_at)
                VALUES (\(bind: personId), \(bind: kind), \(bind: date.iso), \(bind: userId), \(bind: now.epochSeconds))
                ON CONFLICT (person_id, kind) DO UPDATE SET result_date = excluded.result_date, created_by = excluded.created_by, created_at = excluded.created_at
                """).run()
            return (true, [CaseChange(kind: "resultaat.\(kind)", date: date.iso)])
        }
    }

    public func listResultaten(personId: String, scope: TenantScope) async throws -> [RouteResultaatRecord] {
        return try await database.sql.raw("""
            SELECT r.person_id, r.kind, r.result_date FROM route_resultaten r JOIN persons p ON p.id = r.person_id
            WHERE r.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY r.result_date
            """).all(decoding: RouteResultaatRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
