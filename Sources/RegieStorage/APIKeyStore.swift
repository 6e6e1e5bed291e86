import Foundation
import SQLKit

/// API keys for machine clients: the secret is shown once and stored as its SHA-256 only.
public struct APIKeyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    struct Row: Decodable {
        let id: String
        let organisationId: String
        let name: String
        let prefix: String
        let secretHash: String
        let role: String
        let createdBy: String
        let createdAt: Int64
        let lastUsedAt: Int64?
        let revokedAt: Int64?
        let approvedBy: String?
        let approvedAt: Int64?

        var record: APIKeyRecord? {
            // A role this build does not know gives the key no rights at all (never a fallback role).
            guard let role = Role(rawValue: role) else { return nil }
            return APIKeyRecord(
                id: id, organisationId: organisationId, name: name, prefix: prefix, role: role,
                createdBy: createdBy, createdAt: Date(epochSeconds: createdAt), lastUsedAt: lastUsedAt.map(Date.init(epochSeconds:)),
                revokedAt: revokedAt.map(Date.init(epochSeconds:)), approvedBy: approvedBy, approvedAt: approvedAt.map(Date.init(epochSeconds:)))
        }
    }

    /// Stores a key; `approvedBy`/`approvedAt` set when it needs no second person.
    public func insertKey(_ key: APIKeyRecord, secretHash: String) async throws {
        try await database.sql.raw("""
            INSERT INTO api_keys (id, organisation_id, name, prefix, secret_hash, role, created_by, created_at, approved_by, approved_at)
            VALUES (\(bind: key.id), \(bind: key.organisationId), \(bind: key.name), \(bind: key.prefix), \(bind: secretHash),
                \(bind: key.role.rawValue), \(bind: key.createdBy), \(bind: key.createdAt.epochSeconds),
                \(bind: key.approvedBy), \(bind: key.approvedAt?.epochSeconds))
            """).run()
    }

    /// Approves a waiting key of the organisation with one of `roles`, by someone who did not make it;
    /// the approved key, or nil when there is no such key.
    public func approveKey(id: String, organisationId: String, approver: String, roles: [Role], at now: Date) async throws -> APIKeyRecord? {
        guard !roles.isEmpty else { return nil }
        return try await database.sql.raw("""
            UPDATE api_keys SET approved_by = \(bind: approver), approved_at = \(bind: now.epochSeconds)
            WHERE id = \(bind: id) AND organisation_id = \(bind: organisationId) AND approved_at IS NULL AND revoked_at IS NULL
              AND created_by <> \(bind: approver) AND role IN (\(binds: roles.map(\.rawValue)))
            RETURNING *
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)?.record
    }

    /// The organisation's keys waiting for someone holding one of `roles` who did not make them.
    public func listAwaitingApproval(organisationId: String, roles: [Role], excludingCreator creator: String) async throws -> [APIKeyRecord] {
        guard !roles.isEmpty else { return [] }
        return try await database.sql.raw("""
            SELECT * FROM api_keys
            WHERE organisation_id = \(bind: organisationId) AND approved_at IS NULL AND revoked_at IS NULL
              AND created_by <> \(bind: creator) AND role IN (\(binds: roles.map(\.rawValue)))
            ORDER BY created_at, id
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap(\.record)
    }

    /// The key with this prefix and its stored secret hash, if it exists.
    public func fetchKey(prefix: String) async throws -> (record: APIKeyRecord, secretHash: String)? {
        guard let row = try await database.sql.raw("SELECT * FROM api_keys WHERE prefix = \(bind: prefix)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase), let record = row.record else { return nil }
        return (record, row.secretHash)
    }

    public func listKeys(organisationId: String) async throws -> [APIKeyRecord] {
        try await database.sql.raw("SELECT * FROM api_keys WHERE organisation_id = \(bind: organisationId) ORDER BY created_at DESC, id")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap(\.record)
    }

    /// Revokes a key of the organisation; false when no such (unrevoked) key exists there.
    public func revokeKey(id: String, organisationId: String, at now: Date) async throws -> Bool {
        let rows = try await database.sql.raw("""
            UPDATE api_keys SET revoked_at = \(bind: now.epochSeconds)
            WHERE id = \(bind: id) AND organisation_id = \(bind: organisationId) AND revoked_at IS NULL
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    public func touchKey(id: String, at now: Date) async throws {
        try await database.sql.raw("UPDATE api_keys SET last_used_at = \(bind: now.epochSeconds) WHERE id = \(bind: id)").run()
    }
}

/// An API key as its holder presents it: `regie_<prefix>_<secret>`. The prefix finds the row, the
/// secret is checked against its hash.
public enum APIKeyToken {
    public static func parse(_ key: String) -> (prefix: String, secret: String)? {
        let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "regie", parts[1].count == 12, !parts[2].isEmpty else { return nil }
        return (parts[1], parts[2])
    }
}
