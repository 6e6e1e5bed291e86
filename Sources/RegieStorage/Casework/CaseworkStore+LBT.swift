import DUO
import Foundation
import Inburgering
import SQLKit

/// The leerbaarheidstoets, the language school's advice and the route decision.
extension CaseworkStore {
    public func insertLBT(_ lbt: LBTRecord, replacing: Replacement? = nil, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> LBTRecord? {
        try await change(personId: lbt.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let corrected = try await unit.replace(.lbt, replacing, with: lbt.id, actor: actor)
            try await db.raw("""
                INSERT INTO leerbaarheidstoetsen (id, person_id, invited_date, test_date, administrator, conditions, score, exemption, created_by, created_at)
                VALUES (\(bind: lbt.id), \(bind: lbt.personId), \(bind: lbt.invitedDate?.iso), \(bind: lbt.testDate?.iso), \(bind: lbt.administrator),
                    \(bind: lbt.conditions), \(bind: lbt.score), \(bind: lbt.exemption), \(bind: lbt.createdBy), \(bind: lbt.createdAt))
                """).run()
            let date = (lbt.testDate ?? lbt.invitedDate ?? CalendarDate.today(now: now)).iso
            let kind = lbt.exemption != nil ? "lbt.vrijgesteld" : (lbt.score != nil ? "lbt.afgenomen" : "lbt.uitgenodigd")
            return (lbt, corrected + [CaseChange(kind: kind, date: date, detail: lbt.score.map { "\($0)/40" } ?? "")])
        }
    }

    public func listLBT(personId: String, scope: TenantScope) async throws -> [LBTRecord] {
        try await rows("leerbaarheidstoetsen", personId: personId, scope: scope, current: true, order: "x.created_at, x.id", as: LBTRecord.self)
    }

    public func insertAdvies(_ advies: TaalschoolAdviesRecord, replacing: Replacement? = nil, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                             now: Date) async throws -> TaalschoolAdviesRecord? {
        try await change(personId: advies.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let corrected = try await unit.replace(.advies, replacing, with: advies.id, actor: actor)
            try await db.raw("""
                INSERT INTO taalschool_adviezen (id, person_id, advice_date, school, leerroute, niveau, note, created_by, created_at)
                VALUES (\(bind: advies.id), \(bind: advies.personId), \(bind: advies.adviceDate), \(bind: advies.school), \(bind: advies.leerroute),
                    \(bind: advies.niveau), \(bind: advies.note), \(bind: advies.createdBy), \(bind: advies.createdAt))
                """).run()
            return (advies, corrected + [CaseChange(kind: "advies", date: advies.adviceDate, detail: advies.leerroute)])
        }
    }

    public func listAdviezen(personId: String, scope: TenantScope) async throws -> [TaalschoolAdviesRecord] {
        try await rows("taalschool_adviezen", personId: personId, scope: scope, current: true, order: "x.created_at, x.id", as: TaalschoolAdviesRecord.self)
    }

    // MARK: Route decision

    public func insertRouteBesluit(_ besluit: RouteBesluitRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> RouteBesluitRecord? {
        try await change(personId: besluit.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            try await db.raw("""
                INSERT INTO route_besluiten (id, person_id, decided_date, leerroute, niveau, considered, considerations, deviation,
                    deviation_reason, lbt_score, created_by, created_at)
                VALUES (\(bind: besluit.id), \(bind: besluit.personId), \(bind: besluit.decidedDate), \(bind: besluit.leerroute), \(bind: besluit.niveau),
                    \(bind: besluit.considered), \(bind: besluit.considerations), \(bind: besluit.deviation), \(bind: besluit.deviationReason),
                    \(bind: besluit.lbtScore), \(bind: besluit.createdBy), \(bind: besluit.createdAt))
                """).run()
            return (besluit, [CaseChange(kind: "route.besluit", date: besluit.decidedDate, detail: besluit.leerroute)])
        }
    }

    public func listRouteBesluiten(personId: String, scope: TenantScope) async throws -> [RouteBesluitRecord] {
        try await rows("route_besluiten", personId: personId, scope: scope, order: "x.created_at, x.id", as: RouteBesluitRecord.self)
    }
}
