import Foundation
import SQLKit

/// One account as the functioneel beheerder's list shows it.
public struct AccountSummary: Sendable, Hashable {
    public let id: String
    public let name: String
    public let email: String
    public let teamId: String?
    public let teamName: String?
    public let active: Bool
    public let lastLoginAt: Date?
    public let deactivatedAt: Date?
    public let deactivationReason: String?
    public let roles: [Role]
}

/// Why a change to an account was refused by the store.
public enum AccountChangeError: Error, Sendable, Equatable {
    /// The change would leave the organisation without an active functioneel beheerder.
    case lastAdministrator
    /// No such account in the organisation (or, for a team, no such team there).
    case notFound
}

/// What a password-set link found.
public enum PasswordLinkState: Sendable, Equatable {
    case valid(userId: String)
    case expired
    case used
    case unknown
}

extension UserStore {
    struct AccountRow: Decodable {
        let id: String
        let name: String
        let email: String
        let teamId: String?
        let teamName: String?
        let active: Int
        let lastLoginAt: Int64?
        let deactivatedAt: Int64?
        let deactivationReason: String?
    }

    /// The organisation's accounts with roles and team, by name (an organisation has tens to a few
    /// hundred staff: one page, from `users_by_organisation`).
    public func listAccounts(organisationId: String) async throws -> [AccountSummary] {
        let rows = try await database.sql.raw("""
            SELECT u.id, u.name, u.email, u.team_id, t.name AS team_name, u.active, u.last_login_at, u.deactivated_at, u.deactivation_reason
            FROM users u LEFT JOIN teams t ON t.id = u.team_id
            WHERE u.organisation_id = \(bind: organisationId)
            ORDER BY u.name, u.id
            """).all(decoding: AccountRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let roleRows = try await database.sql.raw("""
            SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.organisation_id = \(bind: organisationId)
            """).all()
        var roles: [String: [Role]] = [:]
        for row in roleRows {
            if let role = Role(rawValue: try row.decode(column: "role", as: String.self)) {
                roles[try row.decode(column: "user_id", as: String.self), default: []].append(role)
            }
        }
        return rows.map { row in
            AccountSummary(id: row.id, name: row.name, email: row.email, teamId: row.teamId, teamName: row.teamName, active: row.active == 1,
                           lastLoginAt: row.lastLoginAt.map(Date.init(epochSeconds:)), deactivatedAt: row.deactivatedAt.map(Date.init(epochSeconds:)),
                           deactivationReason: row.deactivationReason, roles: (roles[row.id] ?? []).sorted())
        }
    }

    /// One account of the organisation; nil when it belongs to another (or does not exist).
    public func fetchAccount(id: String, organisationId: String) async throws -> AccountSummary? {
        try await listAccounts(organisationId: organisationId).first { $0.id == id }
    }

    /// Sets the roles and team of an account of the organisation. Refused, and nothing changed, when
    /// the organisation would be left without an active functioneel beheerder.
    public func updateRolesAndTeam(userId: String, organisationId: String, roles: [Role], teamId: String?) async throws {
        let kind = database.kind
        try await database.transaction { db in
            try await Self.lockOrganisation(db, kind, organisationId)
            guard try await db.raw("SELECT id FROM users WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId)").first() != nil else {
                throw AccountChangeError.notFound
            }
            if let teamId, try await db.raw("SELECT id FROM teams WHERE id = \(bind: teamId) AND organisation_id = \(bind: organisationId)").first() == nil {
                throw AccountChangeError.notFound
            }
            try await db.raw("UPDATE users SET team_id = \(bind: teamId) WHERE id = \(bind: userId)").run()
            try await db.raw("DELETE FROM user_roles WHERE user_id = \(bind: userId)").run()
            for role in Set(roles) {
                try await db.raw("INSERT INTO user_roles (user_id, role) VALUES (\(bind: userId), \(bind: role.rawValue))").run()
            }
            try await Self.requireAdministrator(db, organisationId: organisationId)
        }
    }

    /// Switches an account off: it can no longer log in, and every session of it ends at once.
    /// Refused when it is the organisation's last active functioneel beheerder.
    public func deactivate(userId: String, organisationId: String, reason: String, at now: Date) async throws {
        let kind = database.kind
        try await database.transaction { db in
            try await Self.lockOrganisation(db, kind, organisationId)
            let rows = try await db.raw("""
                UPDATE users SET active = 0, deactivated_at = \(bind: now.epochSeconds), deactivation_reason = \(bind: reason)
                WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId) AND active = 1
                RETURNING id
                """).all()
            guard !rows.isEmpty else { throw AccountChangeError.notFound }
            try await Self.requireAdministrator(db, organisationId: organisationId)
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
            try await db.raw("DELETE FROM password_set_tokens WHERE user_id = \(bind: userId) AND used_at IS NULL").run()
        }
    }

    /// Switches a deactivated account of the organisation on again.
    public func reactivate(userId: String, organisationId: String) async throws {
        let rows = try await database.sql.raw("""
            UPDATE users SET active = 1, deactivated_at = NULL, deactivation_reason = NULL
            WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId) AND active = 0
            RETURNING id
            """).all()
        guard !rows.isEmpty else { throw AccountChangeError.notFound }
    }

    /// Serialises changes to one organisation's accounts, so two beheerders demoting each other at the
    /// same moment cannot both pass the last-beheerder check. SQLite's transactions already take the
    /// write lock at the start (`BEGIN IMMEDIATE`); PostgreSQL locks the organisation's row.
    static func lockOrganisation(_ db: any SQLDatabase, _ kind: DatabaseKind, _ organisationId: String) async throws {
        guard kind == .postgres else { return }
        try await db.raw("SELECT id FROM organisations WHERE id = \(bind: organisationId) FOR UPDATE").run()
    }

    /// Inside a change's transaction: at least one active functioneel beheerder is left, or the change rolls back.
    static func requireAdministrator(_ db: any SQLDatabase, organisationId: String) async throws {
        let left = try await db.raw("""
            SELECT COUNT(*) AS n FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.organisation_id = \(bind: organisationId) AND u.active = 1 AND r.role = 'functioneelBeheerder'
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if left == 0 { throw AccountChangeError.lastAdministrator }
    }

    public func recordLogin(userId: String, at now: Date) async throws {
        try await database.sql.raw("UPDATE users SET last_login_at = \(bind: now.epochSeconds) WHERE id = \(bind: userId)").run()
    }

    // MARK: Password-set links

    /// Stores a new link for the user (as the hash of its token) and voids their earlier unused links.
    public func insertPasswordLink(tokenHash: String, userId: String, createdBy: String, at now: Date, expiresAt: Date) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM password_set_tokens WHERE user_id = \(bind: userId) AND used_at IS NULL").run()
            try await db.raw("""
                INSERT INTO password_set_tokens (token_hash, user_id, created_by, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: userId), \(bind: createdBy), \(bind: now.epochSeconds), \(bind: expiresAt.epochSeconds))
                """).run()
        }
    }

    /// What the link with this token hash is now. A link of a deactivated account counts as unknown.
    public func checkPasswordLink(tokenHash: String, at now: Date) async throws -> PasswordLinkState {
        guard let row = try await database.sql.raw("""
            SELECT t.user_id, t.expires_at, t.used_at, u.active FROM password_set_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: tokenHash)
            """).first() else { return .unknown }
        if try row.decode(column: "active", as: Int.self) != 1 { return .unknown }
        if try row.decode(column: "used_at", as: Int64?.self) != nil { return .used }
        if try row.decode(column: "expires_at", as: Int64.self) <= now.epochSeconds { return .expired }
        return .valid(userId: try row.decode(column: "user_id", as: String.self))
    }

    /// Consumes a valid link and sets the password in one transaction, ending every session of the
    /// user; nil (and nothing changed) when the link was used, expired or unknown by then.
    public func consumePasswordLink(tokenHash: String, passwordHash: String, at now: Date) async throws -> String? {
        try await database.transaction { db in
            guard let row = try await db.raw("""
                UPDATE password_set_tokens SET used_at = \(bind: now.epochSeconds)
                WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: now.epochSeconds)
                  AND user_id IN (SELECT id FROM users WHERE active = 1)
                RETURNING user_id
                """).first() else { return nil }
            let userId = try row.decode(column: "user_id", as: String.self)
            try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash), password_changed_at = \(bind: now.epochSeconds) WHERE id = \(bind: userId)").run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
            return userId
        }
    }

    // MARK: Municipalities with their OIN

    /// Adds a municipality (CBS code, name, OIN) or, when the code exists, sets its name and, when
    /// given, its OIN (an OIN left out keeps the one stored).
    public func upsertMunicipality(code: String, name: String, oin: String?) async throws {
        try await database.sql.raw("""
            INSERT INTO municipalities (code, name, oin) VALUES (\(bind: code), \(bind: name), \(bind: oin))
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, oin = COALESCE(excluded.oin, municipalities.oin)
            """).run()
    }

    public func fetchMunicipalityOIN(code: String) async throws -> String? {
        try await database.sql.raw("SELECT oin FROM municipalities WHERE code = \(bind: code)").first()?.decode(column: "oin", as: String?.self)
    }

    public func municipalityExists(code: String) async throws -> Bool {
        try await database.sql.raw("SELECT code FROM municipalities WHERE code = \(bind: code)").first() != nil
    }

    /// Lets an existing organisation serve one more municipality (nothing when it already does).
    public func addMunicipality(code: String, toOrganisation organisationId: String) async throws {
        try await database.sql.raw("""
            INSERT INTO organisation_municipalities (organisation_id, municipality_code) VALUES (\(bind: organisationId), \(bind: code))
            ON CONFLICT DO NOTHING
            """).run()
    }
}
