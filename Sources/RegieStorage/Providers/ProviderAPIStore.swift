import Foundation
import Inburgering
import NIOConcurrencyHelpers
import SQLKit

/// A provider's own key for its administration system (issue 18 item 5). The secret is shown once
/// and stored as its HMAC only.
public struct ProviderAPIKeyRecord: Sendable, Hashable {
    public let id: String
    public let providerId: String
    public let name: String
    public let prefix: String
    public let createdBy: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
    public let revokedReason: String?

    public init(id: String, providerId: String, name: String, prefix: String, createdBy: String, createdAt: Date, lastUsedAt: Date? = nil,
                revokedAt: Date? = nil, revokedReason: String? = nil) {
        self.id = id
        self.providerId = providerId
        self.name = name
        self.prefix = prefix
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
    }

    init(row: any SQLRow) throws {
        self.init(id: try row.decode(column: "id", as: String.self), providerId: try row.decode(column: "provider_id", as: String.self),
                  name: try row.decode(column: "name", as: String.self), prefix: try row.decode(column: "prefix", as: String.self),
                  createdBy: try row.decode(column: "created_by", as: String.self),
                  createdAt: Date(epochSeconds: try row.decode(column: "created_at", as: Int64.self)),
                  lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(epochSeconds:)),
                  revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(epochSeconds:)),
                  revokedReason: try row.decode(column: "revoked_reason", as: String?.self))
    }
}

/// A provider key as its system presents it: `regie-aanbieder_<prefix>_<secret>`. A staff API key
/// (`regie_…`) is not one, nor the other way round.
public enum ProviderAPIKeyToken {
    public static let scheme = "regie-aanbieder"

    public static func parse(_ key: String) -> (prefix: String, secret: String)? {
        let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == scheme, parts[1].count == 12, !parts[2].isEmpty else { return nil }
        return (parts[1], parts[2])
    }

    public static func token(prefix: String, secret: String) -> String { "\(scheme)_\(prefix)_\(secret)" }
}

/// A change a provider's system delivered, by the provider's own message id: what it asked
/// (`operation`, and the hash of its request), what it made or changed (`resourceId`), and the
/// status it was answered with.
public struct ProviderMessage: Sendable, Hashable {
    public let providerId: String
    public let messageId: String
    public let operation: String
    public let requestHash: String
    public let resourceId: String
    public let status: Int
    public let keyId: String

    public init(providerId: String, messageId: String, operation: String, requestHash: String, resourceId: String, status: Int, keyId: String) {
        self.providerId = providerId
        self.messageId = messageId
        self.operation = operation
        self.requestHash = requestHash
        self.resourceId = resourceId
        self.status = status
        self.keyId = keyId
    }
}

/// A write that must commit with the change it belongs to: set as `CommitClaim.current` around a
/// command, it runs in the first transaction that reaches its commit, just before it, so the change
/// and this row are stored together or not at all. Whether it ran says whether the change committed.
public final class CommitClaim: Sendable {
    @TaskLocal public static var current: CommitClaim?

    let write: @Sendable (any SQLDatabase) async throws -> Void
    private let taken = NIOLockedValueBox(false)

    public init(_ write: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.write = write
    }

    /// True the first time only.
    func take() -> Bool {
        taken.withLockedValue { taken in
            defer { taken = true }
            return !taken
        }
    }

    public var wasTaken: Bool { taken.withLockedValue { $0 } }

    /// Writes it on its own, for a change that committed without a transaction of its own.
    public func writeAlone(on database: Database) async throws {
        guard take() else { return }
        try await database.transaction { db in try await self.write(db) }
    }
}

/// An exam result a provider reported (DUO's own result stays decisive). The consulent can
/// withdraw one with a reason (`WithdrawableRecord.examenuitslag`).
public struct ExamResultRecord: Sendable, Hashable {
    public let id: String
    public let personId: String
    public let referralId: String
    public let providerId: String
    public let onderdeel: Examenonderdeel
    public let niveau: Taalniveau
    public let examDate: CalendarDate
    public let passed: Bool
    public let providerName: String
    public let withdrawnReason: String?

    public init(id: String, personId: String, referralId: String, providerId: String, onderdeel: Examenonderdeel, niveau: Taalniveau,
                examDate: CalendarDate, passed: Bool, providerName: String = "", withdrawnReason: String? = nil) {
        self.id = id
        self.personId = personId
        self.referralId = referralId
        self.providerId = providerId
        self.onderdeel = onderdeel
        self.niveau = niveau
        self.examDate = examDate
        self.passed = passed
        self.providerName = providerName
        self.withdrawnReason = withdrawnReason
    }
}

public enum ExamResultError: Error, Equatable, Sendable {
    /// Not a started (or ended) referral of this provider and person.
    case noRoute
}

extension ProviderStore {
    // MARK: Keys

    /// Stores a new key of the provider, with its audit entry.
    public func insertAPIKey(_ key: ProviderAPIKeyRecord, secretHash: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO provider_api_keys (id, provider_id, name, prefix, secret_hash, created_by, created_at)
                VALUES (\(bind: key.id), \(bind: key.providerId), \(bind: key.name), \(bind: key.prefix), \(bind: secretHash), \(bind: key.createdBy),
                    \(bind: key.createdAt.epochSeconds))
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// The provider's keys, newest first.
    public func apiKeys(providerId: String) async throws -> [ProviderAPIKeyRecord] {
        try await database.sql.raw("""
            SELECT * FROM provider_api_keys WHERE provider_id = \(bind: providerId) ORDER BY created_at DESC, id
            """).all().map(ProviderAPIKeyRecord.init(row:))
    }

    /// The key with this prefix, its stored secret hash, whether its provider is active, and the
    /// provider's own organisation (empty before its first account).
    public func apiKey(prefix: String) async throws -> (record: ProviderAPIKeyRecord, secretHash: String, providerActive: Bool, organisationId: String)? {
        guard let row = try await database.sql.raw("""
            SELECT k.*, v.active AS provider_active, (SELECT o.id FROM organisations o WHERE o.provider_id = k.provider_id) AS organisation_id
            FROM provider_api_keys k JOIN providers v ON v.id = k.provider_id WHERE k.prefix = \(bind: prefix)
            """).first() else { return nil }
        return (try ProviderAPIKeyRecord(row: row), try row.decode(column: "secret_hash", as: String.self),
                try row.decode(column: "provider_active", as: Int.self) == 1, try row.decode(column: "organisation_id", as: String?.self) ?? "")
    }

    /// Revokes a key of the provider with a reason; false when there is no such unrevoked key.
    public func revokeAPIKey(id: String, providerId: String, reason: String, by actor: String, audit: AuditEvent, now: Date) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE provider_api_keys SET revoked_at = \(bind: now.epochSeconds), revoked_by = \(bind: actor), revoked_reason = \(bind: reason)
                WHERE id = \(bind: id) AND provider_id = \(bind: providerId) AND revoked_at IS NULL RETURNING id
                """).first() != nil else { return false }
            try await AuditStore.append([audit], at: now, on: db)
            return true
        }
    }

    public func touchAPIKey(id: String, now: Date) async throws {
        try await database.sql.raw("UPDATE provider_api_keys SET last_used_at = \(bind: now.epochSeconds) WHERE id = \(bind: id)").run()
    }

    // MARK: Messages

    /// The change the provider delivered under this message id, if any.
    public func message(providerId: String, messageId: String) async throws -> ProviderMessage? {
        guard let row = try await database.sql.raw("""
            SELECT * FROM provider_messages WHERE provider_id = \(bind: providerId) AND message_id = \(bind: messageId)
            """).first() else { return nil }
        return ProviderMessage(providerId: providerId, messageId: messageId, operation: try row.decode(column: "operation", as: String.self),
                               requestHash: try row.decode(column: "request_hash", as: String.self),
                               resourceId: try row.decode(column: "resource_id", as: String.self), status: try row.decode(column: "status", as: Int.self),
                               keyId: try row.decode(column: "key_id", as: String.self))
    }

    /// The claim that stores `message` in the transaction of the change it delivers. A second
    /// delivery of the same id racing this one fails on the primary key, so its change rolls back.
    public static func claim(_ message: ProviderMessage, now: Date) -> CommitClaim {
        CommitClaim { db in
            try await db.raw("""
                INSERT INTO provider_messages (provider_id, message_id, operation, request_hash, resource_id, status, key_id, received_at)
                VALUES (\(bind: message.providerId), \(bind: message.messageId), \(bind: message.operation), \(bind: message.requestHash),
                    \(bind: message.resourceId), \(bind: message.status), \(bind: message.keyId), \(bind: now.epochSeconds))
                """).run()
        }
    }

    // MARK: Reads for the provider's system

    /// One page of the open referrals to the provider's offers of the people in scope, by id
    /// (keyset: the ids after `after`), and whether more follow.
    public func partnerReferralPage(providerId: String, scope: TenantScope, after: String?, limit: Int) async throws -> (rows: [PartnerReferral], more: Bool) {
        let rows = try await partnerReferrals(providerId: providerId, referralId: nil, after: after, limit: limit + 1, scope: scope)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// A referral to the provider's offers, whatever its status, without any personal data: what a
    /// repeated delivery of a step is answered with (an ended referral is no longer open to read).
    public func referralStatus(id: String, providerId: String) async throws -> ReferralStatus? {
        try await database.sql.raw("""
            SELECT r.status FROM referrals r JOIN provider_offers o ON o.id = r.offer_id WHERE r.id = \(bind: id) AND o.provider_id = \(bind: providerId)
            """).first().flatMap { ReferralStatus(rawValue: try $0.decode(column: "status", as: String.self)) }
    }

    /// How a confirmed lesson of the provider was counted: present, absent and signalled.
    public func lessonCount(id: String, providerId: String) async throws -> (lesson: LessonRecord, present: Int, absent: Int)? {
        guard let lesson = try await database.sql.raw("SELECT * FROM lessons WHERE id = \(bind: id) AND provider_id = \(bind: providerId)")
            .first().map(LessonRecord.init(row:)) else { return nil }
        let row = try await database.sql.raw("""
            SELECT COALESCE(SUM(present), 0) AS present, COUNT(*) AS total FROM lesson_attendance WHERE lesson_id = \(bind: id)
            """).first()
        let present = try row?.decode(column: "present", as: Int.self) ?? 0
        let total = try row?.decode(column: "total", as: Int.self) ?? 0
        return (lesson, present, total - present)
    }
}

extension CaseworkStore {
    // MARK: Exam results

    /// Records an exam result the provider reports on its started or ended referral, with its
    /// timeline line and audit entry. Nil when the person is not in scope.
    public func insertExamResult(_ result: ExamResultRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: result.personId, scope: scope, needs: .identity, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let row = try await db.raw("""
                SELECT v.name FROM referrals r JOIN provider_offers o ON o.id = r.offer_id JOIN providers v ON v.id = o.provider_id
                WHERE r.id = \(bind: result.referralId) AND r.person_id = \(bind: result.personId) AND o.provider_id = \(bind: result.providerId)
                  AND r.status IN ('started', 'ended')
                """).first() else { throw ExamResultError.noRoute }
            let provider = try row.decode(column: "name", as: String.self)
            try await db.raw("""
                INSERT INTO exam_results (id, person_id, referral_id, provider_id, onderdeel, niveau, exam_date, passed, created_by, created_at)
                VALUES (\(bind: result.id), \(bind: result.personId), \(bind: result.referralId), \(bind: result.providerId),
                    \(bind: result.onderdeel.rawValue), \(bind: result.niveau.rawValue), \(bind: result.examDate.iso), \(bind: result.passed ? 1 : 0),
                    \(bind: actor.id ?? actor.name), \(bind: now.epochSeconds))
                """).run()
            let outcome = result.passed ? "behaald" : "niet behaald"
            return (true, [CaseChange(kind: "examenuitslag", date: result.examDate.iso,
                                      detail: "\(provider): \(result.onderdeel.rawValue) \(result.niveau.rawValue) \(outcome)")])
        }
    }

    /// The person's reported exam results, newest first (withdrawn ones with their reason): all of
    /// them for the municipality's staff, or only one provider's own (`providerId`).
    public func listExamResults(personId: String, scope: TenantScope, providerId: String? = nil) async throws -> [ExamResultRecord] {
        var query: SQLQueryString = """
            SELECT e.*, v.name AS provider_name FROM exam_results e JOIN providers v ON v.id = e.provider_id JOIN persons p ON p.id = e.person_id
            WHERE e.person_id = \(bind: personId) AND \(scope.persons(needs: .hours))
            """
        if let providerId { query += " AND e.provider_id = \(bind: providerId)" }
        query += " ORDER BY e.exam_date DESC, e.created_at DESC, e.id"
        return try await database.sql.raw(query).all().map { row in
            ExamResultRecord(id: try row.decode(column: "id", as: String.self), personId: personId,
                             referralId: try row.decode(column: "referral_id", as: String.self),
                             providerId: try row.decode(column: "provider_id", as: String.self),
                             onderdeel: Examenonderdeel(rawValue: try row.decode(column: "onderdeel", as: String.self)) ?? .knm,
                             niveau: Taalniveau(rawValue: try row.decode(column: "niveau", as: String.self)) ?? .b1,
                             examDate: try CalendarDate.decode(try row.decode(column: "exam_date", as: String.self)),
                             passed: try row.decode(column: "passed", as: Int.self) == 1,
                             providerName: try row.decode(column: "provider_name", as: String.self),
                             withdrawnReason: try row.decode(column: "withdrawn_reason", as: String?.self))
        }
    }
}
