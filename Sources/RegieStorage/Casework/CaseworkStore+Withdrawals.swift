import Foundation
import Inburgering
import SQLKit

/// Records that can be withdrawn with a reason (issue 15 item 3). A withdrawn row stays, with who,
/// when and why; every list, the law facts, the figures and the traject's dates read only the rows
/// that count. Hours have their own correction (`correctUren`): DUO gets their new running total.
public enum WithdrawableRecord: String, CaseIterable, Sendable {
    case intakegesprek
    case voortgangsgesprek
    case lbt
    case advies
    case handhaving
    case taak
    case document
    /// An exam result a provider reported (issue 18 item 5).
    case examenuitslag

    /// Constants of this file, never input.
    var table: String {
        switch self {
        case .intakegesprek: "intake_gesprekken"
        case .voortgangsgesprek: "voortgangsgesprekken"
        case .lbt: "leerbaarheidstoetsen"
        case .advies: "taalschool_adviezen"
        case .handhaving: "handhavingen"
        case .taak: "taken"
        case .document: "documenten"
        case .examenuitslag: "exam_results"
        }
    }

    /// The row's day as text ('' when it has none), over the columns named with prefix `x` (`"x."` for an alias, `""` in RETURNING).
    func day(_ x: String) -> String {
        switch self {
        case .intakegesprek: "\(x)conversation_date"
        case .voortgangsgesprek: "\(x)held_date"
        case .lbt: "COALESCE(\(x)test_date, \(x)invited_date, '')"
        case .advies: "\(x)advice_date"
        case .handhaving: "\(x)decided_date"
        case .taak: "COALESCE(\(x)due_date, '')"
        case .document: "''"
        case .examenuitslag: "\(x)exam_date"
        }
    }

    /// What names the row besides its day, as text.
    func label(_ x: String) -> String {
        switch self {
        case .intakegesprek, .voortgangsgesprek: "''"
        case .lbt: "COALESCE(CAST(\(x)score AS TEXT), \(x)exemption, '')"
        case .advies: "\(x)leerroute"
        case .handhaving: "\(x)step"
        case .taak, .document: "\(x)title"
        case .examenuitslag: "\(x)onderdeel || ' ' || \(x)niveau"
        }
    }

    /// A corrected row of these kinds is replaced by a new one in the same change: its form opens
    /// filled with the old values. The others are withdrawn and, where needed, recorded again (an
    /// enforcement step is proposed by the ladder from the steps that remain; a document is uploaded
    /// again; a task is edited in place).
    public var isReplaceable: Bool {
        switch self {
        case .intakegesprek, .voortgangsgesprek, .lbt, .advies: true
        case .handhaving, .taak, .document, .examenuitslag: false
        }
    }
}

/// A row a new record replaces: the corrected one, and why it was wrong.
public struct Replacement: Sendable, Hashable {
    public let id: String
    public let reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// A withdrawn record as its page lists it.
public struct WithdrawnRecord: Sendable, Hashable {
    public let id: String
    public let date: String
    public let label: String
    public let withdrawnAt: Int64
    public let reason: String
    /// Corrected: the row that replaced it.
    public let replacedBy: String?
}

extension CaseUnit {
    /// Marks one of the person's rows of `kind` that still counts withdrawn (by a correction when
    /// `replacedBy` names its successor). A traject date that came from it follows: the intake date
    /// becomes the first conversation held that remains, the last meeting the latest that remains
    /// (R5b's clock runs from it again); a date from elsewhere (an import) stays. The phase stays
    /// where it is (`FaseVolgordeRule`: it never goes back). A withdrawn task is closed with it.
    mutating func withdraw(_ kind: WithdrawableRecord, id: String, reason: String, replacedBy: String?, actor: CaseActor) async throws -> CaseChange {
        let by = actor.id ?? "-"
        let replaced: SQLQueryString = kind.isReplaceable ? ", replaced_by = \(bind: replacedBy)" : ""
        let closes: SQLQueryString = kind == .taak ? ", done_at = \(bind: now.epochSeconds), done_by = \(bind: by)" : ""
        let open: SQLQueryString = kind == .taak ? " AND done_at IS NULL" : ""
        guard let row = try await db.raw("""
            UPDATE \(unsafeRaw: kind.table) SET withdrawn_at = \(bind: now.epochSeconds), withdrawn_by = \(bind: by),
                withdrawn_reason = \(bind: reason)\(replaced)\(closes)
            WHERE id = \(bind: id) AND person_id = \(bind: person.id) AND withdrawn_at IS NULL\(open)
            RETURNING \(unsafeRaw: kind.day("")) AS day, \(unsafeRaw: kind.label("")) AS label
            """).first() else { throw CaseworkStore.WithdrawError.notCurrent }
        let day = try row.decode(column: "day", as: String.self)
        let label = try row.decode(column: "label", as: String.self)
        switch kind {
        case .intakegesprek where traject.intakeDate?.iso == day:
            try await updateTraject("""
                intake_date = (SELECT MIN(conversation_date) FROM intake_gesprekken
                               WHERE person_id = \(bind: person.id) AND no_show = 0 AND withdrawn_at IS NULL)
                """)
        case .voortgangsgesprek where traject.lastMeetingDate?.iso == day:
            try await updateTraject("""
                last_meeting_date = (SELECT MAX(held_date) FROM voortgangsgesprekken
                                     WHERE person_id = \(bind: person.id) AND no_show = 0 AND withdrawn_at IS NULL)
                """)
        default: break
        }
        let what = [kind.rawValue, day, label].filter { !$0.isEmpty }.joined(separator: " ")
        return CaseChange(kind: replacedBy == nil ? "registratieIngetrokken" : "registratieGecorrigeerd",
                          date: CalendarDate.today(now: now).iso, detail: "\(what): \(reason)")
    }

    /// The change of a record that replaces `replacing`, if any: withdraws the old row first.
    mutating func replace(_ kind: WithdrawableRecord, _ replacing: Replacement?, with newId: String, actor: CaseActor) async throws -> [CaseChange] {
        guard let replacing else { return [] }
        return [try await withdraw(kind, id: replacing.id, reason: replacing.reason, replacedBy: newId, actor: actor)]
    }
}

extension CaseworkStore {
    public enum WithdrawError: Error { case notCurrent }

    /// Withdraws one of the person's records that still counts (`CaseUnit.withdraw`). Nil when the
    /// person is not in scope; `WithdrawError.notCurrent` when the record is not one of theirs that
    /// still counts (or, for a task, is already done).
    public func withdraw(_ kind: WithdrawableRecord, personId: String, id: String, reason: String, scope: TenantScope, actor: CaseActor,
                         audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            (true, [try await unit.withdraw(kind, id: id, reason: reason, replacedBy: nil, actor: actor)])
        }
    }

    /// The person's withdrawn records of one kind, latest first.
    public func listWithdrawn(_ kind: WithdrawableRecord, personId: String, scope: TenantScope) async throws -> [WithdrawnRecord] {
        let replaced = kind.isReplaceable ? "x.replaced_by" : "NULL"
        return try await database.sql.raw("""
            SELECT x.id, \(unsafeRaw: kind.day("x.")) AS day, \(unsafeRaw: kind.label("x.")) AS label,
                x.withdrawn_at, x.withdrawn_reason, \(unsafeRaw: replaced) AS replaced_by
            FROM \(unsafeRaw: kind.table) x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId) AND x.withdrawn_at IS NOT NULL AND \(scope.persons(needs: .casework))
            ORDER BY x.withdrawn_at DESC, x.id
            """).all().map { row in
                WithdrawnRecord(id: try row.decode(column: "id", as: String.self), date: try row.decode(column: "day", as: String.self),
                                label: try row.decode(column: "label", as: String.self),
                                withdrawnAt: try row.decode(column: "withdrawn_at", as: Int64.self),
                                reason: try row.decode(column: "withdrawn_reason", as: String?.self) ?? "",
                                replacedBy: try row.decode(column: "replaced_by", as: String?.self))
            }
    }
}
