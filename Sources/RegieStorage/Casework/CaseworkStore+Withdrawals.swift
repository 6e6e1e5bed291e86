import Foundation
import Inburgering
import SQLKit

/// Records that can be withdrawn with a reason (issue 15 item 3). A withdrawn row stays, with who,
/// when and why; every list, the law facts and the traject's dates read only the rows that count.
public enum WithdrawableRecord: String, CaseIterable, Sendable {
    case intakegesprek
    case voortgangsgesprek

    /// Constants of this file, never input.
    var table: String { self == .intakegesprek ? "intake_gesprekken" : "voortgangsgesprekken" }
    var dateColumn: String { self == .intakegesprek ? "conversation_date" : "held_date" }
}

/// A withdrawn record as its page lists it.
public struct WithdrawnRecord: Sendable, Hashable {
    public let id: String
    public let date: String
    public let withdrawnAt: Int64
    public let reason: String
}

extension CaseworkStore {
    public enum WithdrawError: Error { case notCurrent }

    /// Withdraws one of the person's records that still counts. A traject date that came from it
    /// follows: the intake date becomes the first conversation held that remains, the last meeting
    /// the latest that remains (R5b's clock runs from it again); a date from elsewhere (an import)
    /// stays. The phase stays where it
    /// is (`FaseVolgordeRule`: it never goes back).
    public func withdraw(_ kind: WithdrawableRecord, personId: String, id: String, reason: String, scope: TenantScope, actor: CaseActor,
                         audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            guard let row = try await unit.db.raw("""
                UPDATE \(unsafeRaw: kind.table) SET withdrawn_at = \(bind: now.epochSeconds), withdrawn_by = \(bind: actor.id ?? "-"),
                    withdrawn_reason = \(bind: reason)
                WHERE id = \(bind: id) AND person_id = \(bind: personId) AND withdrawn_at IS NULL
                RETURNING \(unsafeRaw: kind.dateColumn) AS day
                """).first() else { throw WithdrawError.notCurrent }
            let day = try row.decode(column: "day", as: String.self)
            switch kind {
            case .intakegesprek where unit.traject.intakeDate?.iso == day:
                try await unit.updateTraject("""
                    intake_date = (SELECT MIN(conversation_date) FROM intake_gesprekken
                                   WHERE person_id = \(bind: personId) AND no_show = 0 AND withdrawn_at IS NULL)
                    """)
            case .voortgangsgesprek where unit.traject.lastMeetingDate?.iso == day:
                try await unit.updateTraject("""
                    last_meeting_date = (SELECT MAX(held_date) FROM voortgangsgesprekken
                                         WHERE person_id = \(bind: personId) AND no_show = 0 AND withdrawn_at IS NULL)
                    """)
            default: break
            }
            return (true, [CaseChange(kind: "registratieIngetrokken", date: CalendarDate.today(now: now).iso, detail: "\(kind.rawValue) \(day): \(reason)")])
        }
    }

    /// The person's withdrawn records of one kind, latest first.
    public func listWithdrawn(_ kind: WithdrawableRecord, personId: String, scope: TenantScope) async throws -> [WithdrawnRecord] {
        try await database.sql.raw("""
            SELECT x.id, x.\(unsafeRaw: kind.dateColumn) AS day, x.withdrawn_at, x.withdrawn_reason
            FROM \(unsafeRaw: kind.table) x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId) AND x.withdrawn_at IS NOT NULL AND \(scope.persons(needs: .casework))
            ORDER BY x.withdrawn_at DESC, x.id
            """).all().map { row in
                WithdrawnRecord(id: try row.decode(column: "id", as: String.self), date: try row.decode(column: "day", as: String.self),
                                withdrawnAt: try row.decode(column: "withdrawn_at", as: Int64.self),
                                reason: try row.decode(column: "withdrawn_reason", as: String?.self) ?? "")
            }
    }
}
