import DUO
import Foundation
import Inburgering
import SQLKit

/// Enforcement steps and closing a case.
extension CaseworkStore {
    public func insertHandhaving(_ step: HandhavingRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> HandhavingRecord? {
        try await change(personId: step.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            try await db.raw("""
                INSERT INTO handhavingen (id, person_id, overtreding, step, amount_cents, decided_date, efforts, circumstances, culpable, created_by, created_at)
                VALUES (\(bind: step.id), \(bind: step.personId), \(bind: step.overtreding), \(bind: step.step), \(bind: step.amountCents), \(bind: step.decidedDate),
                    \(bind: step.efforts), \(bind: step.circumstances), \(bind: step.culpable), \(bind: step.createdBy), \(bind: step.createdAt))
                """).run()
            return (step, [CaseChange(kind: "handhaving.\(step.step)", date: step.decidedDate, detail: step.amountCents.map { String(format: "%.2f", Double($0) / 100) } ?? "")])
        }
    }

    public func listHandhavingen(personId: String, scope: TenantScope) async throws -> [HandhavingRecord] {
        try await rows("handhavingen", personId: personId, scope: scope, current: true, order: "x.decided_date, x.created_at", as: HandhavingRecord.self)
    }

    /// Closes the case with its reason; the phase becomes `afgerond` or `beeindigd` by the law's reading of it.
    public func close(personId: String, date: CalendarDate, einde: TrajectEinde, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            try await unit.updateTraject("closed_date = \(bind: date.iso), closed_reason = \(bind: einde.rawValue), phase = \(bind: einde.fase.rawValue)")
            return (true, [CaseChange(kind: "afgesloten", date: date.iso, detail: einde.rawValue)])
        }
    }

    /// Assigns cases to a case worker (or none), each in scope, with a timeline line per case.
    public func assign(personIds: [String], to consulentId: String?, consulentName: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Int {
        guard !personIds.isEmpty else { return 0 }
        return try await database.transaction { db in
            let rows = try await db.raw("""
                SELECT person_id FROM trajecten WHERE person_id IN (\(binds: personIds)) AND \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .casework))
                """).all().map { try $0.decode(column: "person_id", as: String.self) }
            guard !rows.isEmpty else { return 0 }
            try await db.raw("""
                UPDATE trajecten SET consulent_id = \(bind: consulentId), updated_at = \(bind: now.epochSeconds) WHERE person_id IN (\(binds: rows))
                """).run()
            for id in rows {
                try await Self.insertEvent(CaseChange(kind: "toegewezen", date: CalendarDate.today(now: now).iso, detail: consulentName), personId: id,
                                           actor: actor, at: now, on: db)
            }
            try await AuditStore.append([audit], at: now, on: db)
            return rows.count
        }
    }
}
