import Foundation
import Inburgering
import SQLKit

/// One planned appointment as stored (`afspraken`, M0017).
public struct AfspraakRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var kind: AfspraakSoort
    public var startsAt: LocalDateTime
    public var endsAt: LocalDateTime
    public var durationMinutes: Int
    public var place: String?
    public var videoLink: String?
    public var interpreterLanguage: String?
    public var attendees: String
    /// The consulent whose agenda holds it.
    public var ownerId: String?
    public var status: AfspraakStatus
    public var outcomeReason: String?
    public var movedToId: String?
    public var outcomeTaskAt: Int64?
    public var createdBy: String
    public var createdAt: Int64
    public var changedBy: String?
    public var changedAt: Int64?

    public init(id: String, personId: String, kind: AfspraakSoort, startsAt: LocalDateTime, durationMinutes: Int, place: String?, videoLink: String?,
                interpreterLanguage: String?, attendees: String, ownerId: String?, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.kind = kind
        self.startsAt = startsAt
        self.endsAt = startsAt.adding(minutes: durationMinutes)
        self.durationMinutes = durationMinutes
        self.place = place
        self.videoLink = videoLink
        self.interpreterLanguage = interpreterLanguage
        self.attendees = attendees
        self.ownerId = ownerId
        self.status = .gepland
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// An appointment in an agenda, with the little of its person a week grid shows.
public struct AgendaEntry: Sendable, Hashable {
    public let afspraak: AfspraakRecord
    public let givenNames: String
    public let familyName: String
    public let municipalityCode: String
    public let trajectId: String
}

/// The agenda (issue 15): appointments on a case, a worker's or a team's week, the outcome tasks of
/// passed appointments, and the calendar-feed tokens.
extension CaseworkStore {
    public enum AfspraakError: Error { case notPlanned }

    public func insertAfspraak(_ afspraak: AfspraakRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> AfspraakRecord? {
        try await change(personId: afspraak.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            var stored = afspraak
            stored.ownerId = afspraak.ownerId ?? unit.traject.consulentId
            try await Self.insert(stored, on: unit.db)
            return (stored, [CaseChange(kind: "afspraak.gepland", date: CalendarDate.today(now: now).iso, detail: "\(stored.kind.rawValue) \(stored.startsAt.iso)")])
        }
    }

    static func insert(_ a: AfspraakRecord, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO afspraken (id, person_id, kind, starts_at, ends_at, duration_minutes, place, video_link, interpreter_language, attendees,
                owner_id, status, created_by, created_at)
            VALUES (\(bind: a.id), \(bind: a.personId), \(bind: a.kind.rawValue), \(bind: a.startsAt.iso), \(bind: a.endsAt.iso), \(bind: a.durationMinutes),
                \(bind: a.place), \(bind: a.videoLink), \(bind: a.interpreterLanguage), \(bind: a.attendees), \(bind: a.ownerId), 'gepland',
                \(bind: a.createdBy), \(bind: a.createdAt))
            """).run()
    }

    /// Moves a planned appointment: the new one is planned, the old one stays as `verplaatst`,
    /// linked to it. Throws `AfspraakError.notPlanned` when the old one is no longer planned.
    public func moveAfspraak(id: String, to new: AfspraakRecord, reason: String?, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                             now: Date) async throws -> AfspraakRecord? {
        try await change(personId: new.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            // The new row first: the old one names it (a foreign key). If the old one is no longer
            // planned the transaction is rolled back with the new row.
            try await Self.insert(new, on: unit.db)
            let updated = try await unit.db.raw("""
                UPDATE afspraken SET status = 'verplaatst', moved_to_id = \(bind: new.id), outcome_reason = \(bind: reason),
                    changed_by = \(bind: new.createdBy), changed_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: id) AND person_id = \(bind: new.personId) AND status = 'gepland' RETURNING id
                """).all()
            guard !updated.isEmpty else { throw AfspraakError.notPlanned }
            // A passed appointment moved instead of recorded: its "record the outcome" task is done.
            try await unit.db.raw("""
                UPDATE taken SET done_at = \(bind: now.epochSeconds), done_by = \(bind: new.createdBy)
                WHERE person_id = \(bind: new.personId) AND afspraak_id = \(bind: id) AND done_at IS NULL
                """).run()
            return (new, [CaseChange(kind: "afspraak.verplaatst", date: CalendarDate.today(now: now).iso, detail: "\(new.kind.rawValue) \(new.startsAt.iso)")])
        }
    }

    /// Ends a planned appointment as held, missed or cancelled, with `task` made in the same
    /// transaction (a no-show's "make a new appointment"). Throws `AfspraakError.notPlanned` when it
    /// is no longer planned.
    public func closeAfspraak(personId: String, id: String, status: AfspraakStatus, reason: String?, task: TaakRecord?, by userId: String,
                              scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> AfspraakRecord? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            guard let row = try await unit.db.raw("""
                UPDATE afspraken SET status = \(bind: status.rawValue), outcome_reason = \(bind: reason), changed_by = \(bind: userId),
                    changed_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: id) AND person_id = \(bind: personId) AND status = 'gepland' RETURNING *
                """).first(decoding: AfspraakRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw AfspraakError.notPlanned }
            if var task {
                task.assigneeId = task.assigneeId ?? row.ownerId ?? unit.traject.consulentId
                try await unit.db.raw("""
                    INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                    VALUES (\(bind: task.id), \(bind: personId), \(bind: task.title), \(bind: task.dueDate?.iso), \(bind: task.assigneeId), 'agenda',
                        \(bind: task.createdBy), \(bind: task.createdAt))
                    """).run()
            }
            // An open "record the outcome" task of this appointment is done now.
            try await unit.db.raw("""
                UPDATE taken SET done_at = \(bind: now.epochSeconds), done_by = \(bind: userId)
                WHERE person_id = \(bind: personId) AND afspraak_id = \(bind: id) AND done_at IS NULL
                """).run()
            return (row, [CaseChange(kind: "afspraak.\(status.rawValue)", date: row.startsAt.date.iso, detail: "\(row.kind.rawValue) \(row.startsAt.iso)")])
        }
    }

    public func fetchAfspraak(personId: String, id: String, scope: TenantScope) async throws -> AfspraakRecord? {
        try await database.sql.raw("""
            SELECT a.* FROM afspraken a JOIN persons p ON p.id = a.person_id
            WHERE a.id = \(bind: id) AND a.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            """).first(decoding: AfspraakRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A person's next planned appointment from `now` on, if any.
    public func nextAfspraak(personId: String, scope: TenantScope, now: Date) async throws -> AfspraakRecord? {
        try await database.sql.raw("""
            SELECT a.* FROM afspraken a JOIN persons p ON p.id = a.person_id
            WHERE a.person_id = \(bind: personId) AND a.status = 'gepland' AND a.starts_at >= \(bind: LocalDateTime.at(now).iso)
              AND \(scope.persons(needs: .casework))
            ORDER BY a.starts_at LIMIT 1
            """).first(decoding: AfspraakRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A person's appointments, latest first.
    public func listAfspraken(personId: String, scope: TenantScope) async throws -> [AfspraakRecord] {
        try await rows("afspraken", personId: personId, scope: scope, order: "x.starts_at DESC, x.created_at DESC", as: AfspraakRecord.self)
    }

    /// The appointments of these workers from `from` up to (not including) `until`, earliest first;
    /// moved ones are left out (their new appointment stands in the grid).
    public func listAgenda(ownerIds: [String], from: CalendarDate, until: CalendarDate, scope: TenantScope, limit: Int = 500) async throws -> [AgendaEntry] {
        guard !ownerIds.isEmpty else { return [] }
        let rows = try await database.sql.raw("""
            SELECT a.*, p.given_names AS "p_given_names", p.family_name AS "p_family_name", p.municipality_code AS "p_municipality_code",
                   t.id AS "p_traject_id"
            FROM afspraken a JOIN persons p ON p.id = a.person_id JOIN trajecten t ON t.person_id = a.person_id
            WHERE a.owner_id IN (\(binds: ownerIds)) AND a.starts_at >= \(bind: from.iso) AND a.starts_at < \(bind: until.iso)
              AND a.status <> 'verplaatst' AND \(scope.persons(needs: .casework))
            ORDER BY a.starts_at, a.id LIMIT \(bind: limit)
            """).all()
        return try rows.map { row in
            AgendaEntry(afspraak: try row.decode(model: AfspraakRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                        givenNames: try row.decode(column: "p_given_names", as: String.self), familyName: try row.decode(column: "p_family_name", as: String.self),
                        municipalityCode: try row.decode(column: "p_municipality_code", as: String.self),
                        trajectId: try row.decode(column: "p_traject_id", as: String.self))
        }
    }

    /// Makes the task "Uitkomst vastleggen" for every planned appointment whose end has passed and
    /// that has none yet, each with its timeline line, once: the appointment is marked in the same
    /// transaction. Returns how many were made.
    @discardableResult
    public func createOutcomeTasks(now: Date, limit: Int = 500) async throws -> Int {
        let nowLocal = LocalDateTime.at(now).iso
        return try await database.transaction { db in
            let due = try await db.raw("""
                SELECT a.* FROM afspraken a
                WHERE a.status = 'gepland' AND a.outcome_task_at IS NULL AND a.ends_at <= \(bind: nowLocal)
                ORDER BY a.ends_at LIMIT \(bind: limit)
                """).all(decoding: AfspraakRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            for a in due {
                // Marked first, and only if still unmarked: two sweeps at once make one task.
                let claimed = try await db.raw("""
                    UPDATE afspraken SET outcome_task_at = \(bind: now.epochSeconds) WHERE id = \(bind: a.id) AND outcome_task_at IS NULL RETURNING id
                    """).all()
                guard !claimed.isEmpty else { continue }
                let owner: String?
                if let id = a.ownerId { owner = id } else {
                    owner = try await db.raw("SELECT consulent_id FROM trajecten WHERE person_id = \(bind: a.personId)").first()
                        .flatMap { try $0.decode(column: "consulent_id", as: String?.self) }
                }
                let title = "Uitkomst vastleggen: \(a.kind.naam) van \(Self.dutch(a.startsAt))"
                try await db.raw("""
                    INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, afspraak_id, created_by, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: a.personId), \(bind: title), \(bind: CalendarDate.today(now: now).iso),
                        \(bind: owner), 'agenda', \(bind: a.id), 'regie', \(bind: now.epochSeconds))
                    """).run()
                try await Self.insertEvent(CaseChange(kind: "taak.nieuw", date: CalendarDate.today(now: now).iso, detail: title),
                                           personId: a.personId, actor: CaseActor(id: nil, name: "Regie"), at: now, on: db)
            }
            return due.count
        }
    }

    /// "10-12-2026 09:30", as a task's title shows the moment.
    static func dutch(_ moment: LocalDateTime) -> String {
        String(format: "%02d-%02d-%04d %@", moment.date.day, moment.date.month, moment.date.year, moment.time)
    }

    // MARK: The calendar feed's token

    /// Stores the digest of a user's new feed token, replacing (revoking) the one before.
    public func replaceFeedToken(userId: String, tokenHash: String, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM agenda_feeds WHERE user_id = \(bind: userId)").run()
            try await db.raw("INSERT INTO agenda_feeds (user_id, token_hash, created_at) VALUES (\(bind: userId), \(bind: tokenHash), \(bind: now.epochSeconds))").run()
        }
    }

    public func revokeFeedToken(userId: String) async throws {
        try await database.sql.raw("DELETE FROM agenda_feeds WHERE user_id = \(bind: userId)").run()
    }

    /// When the user's current feed URL was made, or nil when they have none.
    public func feedCreatedAt(userId: String) async throws -> Int64? {
        try await database.sql.raw("SELECT created_at FROM agenda_feeds WHERE user_id = \(bind: userId)").first()?.decode(column: "created_at", as: Int64.self)
    }

    /// The user a feed token's digest belongs to.
    public func feedOwner(tokenHash: String) async throws -> String? {
        try await database.sql.raw("SELECT user_id FROM agenda_feeds WHERE token_hash = \(bind: tokenHash)").first()?.decode(column: "user_id", as: String.self)
    }
}
