import Foundation
import SQLKit

/// A newcomer's own login for the attendance register (issue 18 item 4): a login name and a
/// password of their own, so that each presence is confirmed by the person themselves and never
/// through a shared account. The consulent issues it with a start password the newcomer replaces
/// at the first sign-in.
public struct ParticipantAccount: Sendable, Hashable {
    public let id: String
    public let personId: String
    public let login: String
    public let mustChange: Bool
    public let active: Bool
    public let createdAt: Int64
    public let lastLoginAt: Int64?
    public let deactivatedReason: String?

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        personId = try row.decode(column: "person_id", as: String.self)
        login = try row.decode(column: "login", as: String.self)
        mustChange = try row.decode(column: "must_change", as: Int.self) == 1
        active = try row.decode(column: "active", as: Int.self) == 1
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        lastLoginAt = try row.decode(column: "last_login_at", as: Int64?.self)
        deactivatedReason = try row.decode(column: "deactivated_reason", as: String?.self)
    }
}

/// A participant's session: the account, the person and their municipality, and the CSRF token.
public struct ParticipantSession: Sendable, Hashable {
    public let tokenHash: String
    public let account: ParticipantAccount
    public let municipality: Municipality
    public let csrfToken: String
    public let lastSeenAt: Date
    public let expiresAt: Date
}

public struct ParticipantAccountStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The person's login, if one was issued (in scope: the consulent's municipalities).
    public func account(personId: String, scope: TenantScope) async throws -> ParticipantAccount? {
        try await database.sql.raw("""
            SELECT a.* FROM participant_accounts a JOIN persons p ON p.id = a.person_id
            WHERE a.person_id = \(bind: personId) AND \(scope.persons(needs: .identity))
            """).first().map(ParticipantAccount.init(row:))
    }

    /// Issues a login, or a new start password for an existing one (which becomes active again):
    /// every session of the old password ends. Nil when the person is not in scope.
    public func issue(personId: String, newLogin: String, passwordHash: String, scope: TenantScope, by actor: String, audit: AuditEvent,
                      now: Date) async throws -> String? {
        try await database.transaction { db in
            guard try await db.raw("SELECT p.id FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .identity))").first() != nil else {
                return nil
            }
            let login: String
            if let existing = try await db.raw("SELECT * FROM participant_accounts WHERE person_id = \(bind: personId)").first().map(ParticipantAccount.init(row:)) {
                login = existing.login
                try await db.raw("""
                    UPDATE participant_accounts SET password_hash = \(bind: passwordHash), must_change = 1, active = 1, deactivated_reason = NULL,
                        password_set_at = NULL
                    WHERE id = \(bind: existing.id)
                    """).run()
                try await db.raw("DELETE FROM participant_sessions WHERE account_id = \(bind: existing.id)").run()
            } else {
                login = newLogin
                try await db.raw("""
                    INSERT INTO participant_accounts (id, person_id, login, password_hash, must_change, active, created_by, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: personId), \(bind: login), \(bind: passwordHash), 1, 1, \(bind: actor),
                        \(bind: now.epochSeconds))
                    """).run()
            }
            try await AuditStore.append([audit], at: now, on: db)
            return login
        }
    }

    /// Switches a login off with the reason; its sessions end. False when there is none to switch off.
    public func deactivate(personId: String, reason: String, scope: TenantScope, audit: AuditEvent, now: Date) async throws -> Bool {
        try await database.transaction { db in
            guard let row = try await db.raw("""
                UPDATE participant_accounts SET active = 0, deactivated_reason = \(bind: reason)
                WHERE person_id = \(bind: personId) AND active = 1
                  AND person_id IN (SELECT p.id FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .identity)))
                RETURNING id
                """).first() else { return false }
            try await db.raw("DELETE FROM participant_sessions WHERE account_id = \(bind: try row.decode(column: "id", as: String.self))").run()
            try await AuditStore.append([audit], at: now, on: db)
            return true
        }
    }

    /// The account behind a login name and its password hash, for signing in (no scope: the login
    /// name is the key).
    public func credentials(login: String) async throws -> (account: ParticipantAccount, passwordHash: String, municipality: Municipality)? {
        guard let row = try await database.sql.raw("""
            SELECT a.*, p.municipality_code, m.name AS municipality_name FROM participant_accounts a
            JOIN persons p ON p.id = a.person_id JOIN municipalities m ON m.code = p.municipality_code
            WHERE a.login = \(bind: login)
            """).first() else { return nil }
        return (try ParticipantAccount(row: row), try row.decode(column: "password_hash", as: String.self),
                Municipality(code: try row.decode(column: "municipality_code", as: String.self), name: try row.decode(column: "municipality_name", as: String.self)))
    }

    /// The participant chose their own password: the start password no longer works.
    public func setPassword(accountId: String, passwordHash: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE participant_accounts SET password_hash = \(bind: passwordHash), must_change = 0, password_set_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: accountId)
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    public func startSession(tokenHash: String, accountId: String, csrfToken: String, now: Date, lifetime: TimeInterval) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO participant_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: accountId), \(bind: csrfToken), \(bind: now.epochSeconds), \(bind: now.epochSeconds),
                    \(bind: now.addingTimeInterval(lifetime).epochSeconds))
                """).run()
            try await db.raw("UPDATE participant_accounts SET last_login_at = \(bind: now.epochSeconds) WHERE id = \(bind: accountId)").run()
        }
    }

    public func session(tokenHash: String) async throws -> ParticipantSession? {
        guard let row = try await database.sql.raw("""
            SELECT a.*, s.token_hash, s.csrf_token, s.last_seen_at AS session_seen, s.expires_at AS session_expires, p.municipality_code,
                m.name AS municipality_name
            FROM participant_sessions s JOIN participant_accounts a ON a.id = s.account_id
            JOIN persons p ON p.id = a.person_id JOIN municipalities m ON m.code = p.municipality_code
            WHERE s.token_hash = \(bind: tokenHash)
            """).first() else { return nil }
        return ParticipantSession(
            tokenHash: tokenHash, account: try ParticipantAccount(row: row),
            municipality: Municipality(code: try row.decode(column: "municipality_code", as: String.self), name: try row.decode(column: "municipality_name", as: String.self)),
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            lastSeenAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "session_seen", as: Int64.self))),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "session_expires", as: Int64.self))))
    }

    public func touch(tokenHash: String, now: Date) async throws {
        try await database.sql.raw("UPDATE participant_sessions SET last_seen_at = \(bind: now.epochSeconds) WHERE token_hash = \(bind: tokenHash)").run()
    }

    public func endSession(tokenHash: String) async throws {
        try await database.sql.raw("DELETE FROM participant_sessions WHERE token_hash = \(bind: tokenHash)").run()
    }
}
