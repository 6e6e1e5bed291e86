import DUO
import Foundation
import Inburgering
import SQLKit

/// Tasks on a case.
extension CaseworkStore {
    public func insertTaak(_ taak: TaakRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> TaakRecord? {
        try await change(personId: taak.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let traject = unit.traject
            var stored = taak
            stored.assigneeId = taak.assigneeId ?? traject.consulentId
            try await db.raw("""
                INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                VALUES (\(bind: stored.id), \(bind: stored.personId), \(bind: stored.title), \(bind: stored.dueDate?.iso), \(bind: stored.assigneeId),
                    \(bind: stored.source), \(bind: stored.createdBy), \(bind: stored.createdAt))
                """).run()
            return (stored, [CaseChange(kind: "taak.nieuw", date: CalendarDate.today(now: now).iso, detail: stored.title)])
        }
    }

    /// Marks an open task of the person done; nil when there is no such open task in scope.
    public func completeTaak(personId: String, taakId: String, by userId: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let row = try await db.raw("SELECT title FROM taken WHERE id = \(bind: taakId) AND person_id = \(bind: personId) AND done_at IS NULL").first() else {
                throw TaakError.notOpen
            }
            try await db.raw("UPDATE taken SET done_at = \(bind: now.epochSeconds), done_by = \(bind: userId) WHERE id = \(bind: taakId)").run()
            return (true, [CaseChange(kind: "taak.afgerond", date: CalendarDate.today(now: now).iso, detail: try row.decode(column: "title", as: String.self))])
        }
    }

    public enum TaakError: Error { case notOpen }

    /// Corrects an open task in place — title, due date, assignee — with the old values in the
    /// timeline; nil when the person is not in scope, `TaakError.notOpen` when the task is not one
    /// of theirs that is open.
    public func updateTaak(personId: String, taakId: String, title: String, dueDate: CalendarDate?, assigneeId: String?, scope: TenantScope,
                           actor: CaseActor, audit: AuditEvent, now: Date) async throws -> TaakRecord? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let old = try await db.raw("""
                SELECT * FROM taken WHERE id = \(bind: taakId) AND person_id = \(bind: personId) AND done_at IS NULL
                """).first(decoding: TaakRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw TaakError.notOpen }
            var new = old
            new.title = title
            new.dueDate = dueDate
            new.assigneeId = assigneeId ?? unit.traject.consulentId
            try await db.raw("""
                UPDATE taken SET title = \(bind: new.title), due_date = \(bind: new.dueDate?.iso), assignee_id = \(bind: new.assigneeId)
                WHERE id = \(bind: taakId)
                """).run()
            var changed: [String] = []
            if old.title != new.title { changed.append("\(old.title) → \(new.title)") }
            if old.dueDate != new.dueDate { changed.append("\(old.dueDate?.iso ?? "–") → \(new.dueDate?.iso ?? "–")") }
            if old.assigneeId != new.assigneeId { changed.append("\(old.assigneeId ?? "–") → \(new.assigneeId ?? "–")") }
            return (new, changed.isEmpty ? [] : [CaseChange(kind: "taak.gewijzigd", date: CalendarDate.today(now: now).iso, detail: changed.joined(separator: "; "))])
        }
    }

    public func listTaken(personId: String, scope: TenantScope, includeDone: Bool = false) async throws -> [TaakRecord] {
        var query: SQLQueryString = """
            SELECT k.* FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            """
        if !includeDone { query += " AND k.done_at IS NULL" }
        query += " ORDER BY k.done_at IS NOT NULL, COALESCE(k.due_date, '9999-12-31'), k.created_at"
        return try await database.sql.raw(query).all(decoding: TaakRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A worker's open tasks across their cases, earliest due first.
    public func listOpenTaken(assigneeId: String, scope: TenantScope, limit: Int = 200) async throws -> [OpenTaak] {
        return try await database.sql.raw("""
            SELECT k.id AS "id", k.person_id AS "personId", k.title AS "title", k.due_date AS "dueDate",
                   p.given_names AS "givenNames", p.family_name AS "familyName"
            FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.assignee_id = \(bind: assigneeId) AND k.done_at IS NULL AND \(scope.persons(needs: .casework))
            ORDER BY COALESCE(k.due_date, '9999-12-31'), k.created_at LIMIT \(bind: limit)
            """).all(decoding: OpenTaak.self)
    }

    public func countOpenTaken(assigneeId: String, scope: TenantScope) async throws -> Int {
        return try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.assignee_id = \(bind: assigneeId) AND k.done_at IS NULL AND \(scope.persons(needs: .casework))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
