import Foundation
import SQLKit

/// What Regie keeps of the BRP (M0027): the latest answer per person (sealed by the caller), the
/// queue of lookups, and the flags on the person that change what Regie shows and sends.
public struct BRPStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Record: Sendable, Hashable {
        public let found: Bool
        public let sealedContent: String?
        public let purpose: String
        public let fetchedAt: Date
        public let appliedAt: Date?
    }

    /// The latest answer for a person in scope.
    public func record(personId: String, scope: AccessScope) async throws -> Record? {
        guard let row = try await database.sql.raw("""
            SELECT r.found, r.content_sealed, r.purpose, r.fetched_at, r.applied_at FROM brp_records r JOIN persons p ON p.id = r.person_id
            WHERE r.person_id = \(bind: personId) AND \(scope.persons())
            """).first() else { return nil }
        return Record(found: try row.decode(column: "found", as: Int.self) == 1, sealedContent: try row.decode(column: "content_sealed", as: String?.self),
                      purpose: try row.decode(column: "purpose", as: String.self),
                      fetchedAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "fetched_at", as: Int64.self))),
                      appliedAt: try row.decode(column: "applied_at", as: Int64?.self).map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }

    /// Keeps the BRP's answer, replacing the previous one; the audit entry of the lookup is written in
    /// the same transaction, so no lookup goes unrecorded.
    public func saveRecord(personId: String, found: Bool, sealedContent: String?, purpose: String, by actor: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM brp_records WHERE person_id = \(bind: personId)").run()
            try await db.raw("""
                INSERT INTO brp_records (person_id, found, content_sealed, purpose, fetched_at, fetched_by)
                VALUES (\(bind: personId), \(bind: found ? 1 : 0), \(bind: sealedContent), \(bind: purpose), \(bind: now.epochSeconds), \(bind: actor))
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    public func markApplied(personId: String, by actor: String, now: Date) async throws {
        try await database.sql.raw("""
            UPDATE brp_records SET applied_at = \(bind: now.epochSeconds), applied_by = \(bind: actor) WHERE person_id = \(bind: personId)
            """).run()
        try await database.sql.raw("UPDATE persons SET details_source = 'brp' WHERE id = \(bind: personId)").run()
    }

    /// What the BRP says that changes what Regie shows and sends.
    public struct Flags: Sendable, Hashable {
        public var secret: Bool
        public var deceasedOn: String?
        public var movedTo: String?
        public var detailsFromBRP: Bool

        public init(secret: Bool, deceasedOn: String?, movedTo: String?, detailsFromBRP: Bool = false) {
            self.secret = secret
            self.deceasedOn = deceasedOn
            self.movedTo = movedTo
            self.detailsFromBRP = detailsFromBRP
        }
    }

    public func flags(personId: String) async throws -> Flags {
        guard let row = try await database.sql.raw("""
            SELECT brp_secret, brp_deceased_on, brp_moved_to, details_source FROM persons WHERE id = \(bind: personId)
            """).first() else { return Flags(secret: false, deceasedOn: nil, movedTo: nil) }
        return Flags(secret: try row.decode(column: "brp_secret", as: Int.self) == 1, deceasedOn: try row.decode(column: "brp_deceased_on", as: String?.self),
                     movedTo: try row.decode(column: "brp_moved_to", as: String?.self),
                     detailsFromBRP: try row.decode(column: "details_source", as: String.self) == "brp")
    }

    public func setFlags(personId: String, _ flags: Flags) async throws {
        try await database.sql.raw("""
            UPDATE persons SET brp_secret = \(bind: flags.secret ? 1 : 0), brp_deceased_on = \(bind: flags.deceasedOn), brp_moved_to = \(bind: flags.movedTo)
            WHERE id = \(bind: personId)
            """).run()
    }

    /// The person's municipality and the organisation serving it: the scope and the audit entry of a
    /// lookup made by the background worker, which acts for no one user.
    public func owner(personId: String) async throws -> (municipalityCode: String, organisationId: String?)? {
        guard let row = try await database.sql.raw("""
            SELECT p.municipality_code, (SELECT om.organisation_id FROM organisation_municipalities om
                                         WHERE om.municipality_code = p.municipality_code ORDER BY om.organisation_id LIMIT 1) AS organisation_id
            FROM persons p WHERE p.id = \(bind: personId)
            """).first() else { return nil }
        return (try row.decode(column: "municipality_code", as: String.self), try row.decode(column: "organisation_id", as: String?.self))
    }

    // MARK: The queue

    /// Asks for a lookup (again); a person already waiting keeps the earlier time and gets the new purpose.
    public func enqueue(personId: String, purpose: String, dueAt: Date, now: Date) async throws {
        try await database.sql.raw("""
            INSERT INTO brp_queue (person_id, purpose, due_at, created_at) VALUES (\(bind: personId), \(bind: purpose), \(bind: dueAt.epochSeconds), \(bind: now.epochSeconds))
            ON CONFLICT (person_id) DO UPDATE SET purpose = excluded.purpose,
                due_at = CASE WHEN excluded.due_at < brp_queue.due_at THEN excluded.due_at ELSE brp_queue.due_at END
            """).run()
    }

    public struct Due: Sendable, Hashable {
        public let personId: String
        public let purpose: String
        public let attempts: Int
    }

    /// Takes up to `limit` due lookups — a new case waiting for its details first, then what a
    /// consulent asked for, then the periodic checks — moving each one's next try `leaseSeconds` ahead so another
    /// instance does not take it meanwhile (it is removed when done, or put back with its error).
    public func claim(now: Date, limit: Int, leaseSeconds: Int64 = 120) async throws -> [Due] {
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.sql.raw("""
            UPDATE brp_queue SET due_at = \(bind: now.epochSeconds + leaseSeconds)
            WHERE person_id IN (SELECT person_id FROM brp_queue WHERE due_at <= \(bind: now.epochSeconds)
                                ORDER BY (CASE purpose WHEN 'aanvullen' THEN 0 WHEN 'opvragen' THEN 1 ELSE 2 END), due_at
                                LIMIT \(literal: limit)\(lock))
            RETURNING person_id, purpose, attempts
            """).all().map { row in
            Due(personId: try row.decode(column: "person_id", as: String.self), purpose: try row.decode(column: "purpose", as: String.self),
                attempts: try row.decode(column: "attempts", as: Int.self))
        }
    }

    public func done(personId: String) async throws {
        try await database.sql.raw("DELETE FROM brp_queue WHERE person_id = \(bind: personId)").run()
    }

    /// A failed lookup: tried again at `retryAt`, with what went wrong (never personal data).
    public func retry(personId: String, error: String, retryAt: Date) async throws {
        try await database.sql.raw("""
            UPDATE brp_queue SET attempts = attempts + 1, last_error = \(bind: error), due_at = \(bind: retryAt.epochSeconds)
            WHERE person_id = \(bind: personId)
            """).run()
    }

    public struct Waiting: Sendable, Hashable {
        public let purpose: String
        public let attempts: Int
        public let lastError: String?
        public let dueAt: Date
    }

    public func waiting(personId: String) async throws -> Waiting? {
        guard let row = try await database.sql.raw("SELECT purpose, attempts, last_error, due_at FROM brp_queue WHERE person_id = \(bind: personId)").first() else {
            return nil
        }
        return Waiting(purpose: try row.decode(column: "purpose", as: String.self), attempts: try row.decode(column: "attempts", as: Int.self),
                       lastError: try row.decode(column: "last_error", as: String?.self),
                       dueAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "due_at", as: Int64.self))))
    }

    /// Queues what should be looked up and is not waiting yet: cases opened on a DUO signal without a
    /// BRP answer (`aanvullen`), and open cases whose answer is older than `staleBefore` (`verversen`),
    /// at most `limit` of the latter per call. Returns how many were queued.
    @discardableResult
    public func enqueueDue(staleBefore: Date, limit: Int, now: Date) async throws -> Int {
        let pending = try await database.sql.raw("""
            INSERT INTO brp_queue (person_id, purpose, due_at, created_at)
            SELECT p.id, 'aanvullen', \(bind: now.epochSeconds), \(bind: now.epochSeconds) FROM persons p
            WHERE p.details_pending = 1 AND p.bsn IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM brp_records r WHERE r.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM brp_queue q WHERE q.person_id = p.id)
            RETURNING person_id
            """).all().count
        let stale = try await database.sql.raw("""
            INSERT INTO brp_queue (person_id, purpose, due_at, created_at)
            SELECT t.person_id, 'verversen', \(bind: now.epochSeconds), \(bind: now.epochSeconds)
            FROM trajecten t JOIN persons p ON p.id = t.person_id LEFT JOIN brp_records r ON r.person_id = t.person_id
            WHERE t.closed_date IS NULL AND p.bsn IS NOT NULL AND p.brp_deceased_on IS NULL
              AND (r.fetched_at IS NULL OR r.fetched_at < \(bind: staleBefore.epochSeconds))
              AND NOT EXISTS (SELECT 1 FROM brp_queue q WHERE q.person_id = t.person_id)
            ORDER BY r.fetched_at IS NOT NULL, r.fetched_at
            LIMIT \(literal: limit)
            RETURNING person_id
            """).all().count
        return pending + stale
    }
}
