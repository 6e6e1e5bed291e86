import Foundation
import SQLKit

/// Organisations, the municipalities they serve, teams, staff and their roles.
public struct UserStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    struct UserRow: Decodable {
        let id: String
        let organisationId: String
        let organisationName: String
        let teamId: String?
        let email: String
        let name: String
        let locale: String
        let active: Int
        let passwordChangedAt: Int64
    }

    public struct Credentials: Sendable {
        public let userId: String
        public let passwordHash: String
        public let active: Bool
    }

    // MARK: Organisations and municipalities

    public func insertMunicipality(_ municipality: Municipality) async throws {
        try await database.sql.raw("""
            INSERT INTO municipalities (code, name) VALUES (\(bind: municipality.code), \(bind: municipality.name))
            """).run()
    }

    public func insertOrganisation(id: String, name: String, municipalityCodes: [String], now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("INSERT INTO organisations (id, name, created_at) VALUES (\(bind: id), \(bind: name), \(bind: now.epochSeconds))").run()
            for code in municipalityCodes {
                try await db.raw("INSERT INTO organisation_municipalities (organisation_id, municipality_code) VALUES (\(bind: id), \(bind: code))").run()
            }
        }
    }

    public func fetchOrganisation(named name: String) async throws -> Organisation? {
        try await database.sql.raw("SELECT id, name FROM organisations WHERE name = \(bind: name)")
            .first(decoding: Organisation.self)
    }

    public func fetchOrganisation(id: String) async throws -> Organisation? {
        try await database.sql.raw("SELECT id, name FROM organisations WHERE id = \(bind: id)").first(decoding: Organisation.self)
    }

    /// The smallest count the organisation's figures show to roles that may not see persons.
    public func fetchFiguresMinimumCell(organisationId: String) async throws -> Int {
        try await database.sql.raw("SELECT figures_min_cell FROM organisations WHERE id = \(bind: organisationId)").first()?
            .decode(column: "figures_min_cell", as: Int.self) ?? 5
    }

    public func updateFiguresMinimumCell(organisationId: String, value: Int) async throws {
        try await database.sql.raw("UPDATE organisations SET figures_min_cell = \(bind: value) WHERE id = \(bind: organisationId)").run()
    }

    public func listOrganisations() async throws -> [Organisation] {
        try await database.sql.raw("SELECT id, name FROM organisations ORDER BY name").all(decoding: Organisation.self)
    }

    /// The municipalities an organisation serves, by name.
    public func listMunicipalities(organisationId: String) async throws -> [Municipality] {
        try await database.sql.raw("""
            SELECT m.code, m.name FROM municipalities m
            JOIN organisation_municipalities om ON om.municipality_code = m.code
            WHERE om.organisation_id = \(bind: organisationId)
            ORDER BY m.name, m.code
            """).all(decoding: Municipality.self)
    }

    /// Keyset page of the municipalities an organisation serves, ordered by code.
    public func listMunicipalities(organisationId: String, after: String?, limit: Int) async throws -> Page<Municipality> {
        var query: SQLQueryString = """
            SELECT m.code, m.name FROM municipalities m
            JOIN organisation_municipalities om ON om.municipality_code = m.code
            WHERE om.organisation_id = \(bind: organisationId)
            """
        if let after { query += " AND m.code > \(bind: after)" }
        query += " ORDER BY m.code LIMIT \(bind: limit + 1)"
        let rows = try await database.sql.raw(query).all(decoding: Municipality.self)
        let page = Array(rows.prefix(limit))
        return Page(rows: page, next: rows.count > limit ? page.last?.code : nil)
    }

    public func countMunicipalities() async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM municipalities").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: Teams

    public func insertTeam(_ team: Team) async throws {
        try await database.sql.raw("INSERT INTO teams (id, organisation_id, name) VALUES (\(bind: team.id), \(bind: team.organisationId), \(bind: team.name))").run()
    }

    public func listTeams(organisationId: String) async throws -> [Team] {
        try await database.sql.raw("SELECT id, organisation_id, name FROM teams WHERE organisation_id = \(bind: organisationId) ORDER BY name")
            .all(decoding: Team.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Users

    public struct NewUser: Sendable {
        public var id: String
        public var organisationId: String
        public var teamId: String?
        public var email: String
        public var name: String
        public var passwordHash: String
        public var locale: String
        public var roles: [Role]

        public init(id: String, organisationId: String, teamId: String? = nil, email: String, name: String, passwordHash: String, locale: String = "nl", roles: [Role]) {
            self.id = id
            self.organisationId = organisationId
            self.teamId = teamId
            self.email = email
            self.name = name
            self.passwordHash = passwordHash
            self.locale = locale
            self.roles = roles
        }
    }

    public func insertUser(_ user: NewUser, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO users (id, organisation_id, team_id, email, name, password_hash, locale, active, created_at, password_changed_at)
                VALUES (\(bind: user.id), \(bind: user.organisationId), \(bind: user.teamId), \(bind: user.email.lowercased()), \(bind: user.name),
                    \(bind: user.passwordHash), \(bind: user.locale), 1, \(bind: now.epochSeconds), \(bind: now.epochSeconds))
                """).run()
            for role in Set(user.roles) {
                try await db.raw("INSERT INTO user_roles (user_id, role) VALUES (\(bind: user.id), \(bind: role.rawValue))").run()
            }
        }
    }

    public func fetchCredentials(email: String) async throws -> Credentials? {
        guard let row = try await database.sql.raw("SELECT id, password_hash, active FROM users WHERE email = \(bind: email.lowercased())").first() else {
            return nil
        }
        return Credentials(
            userId: try row.decode(column: "id", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            active: try row.decode(column: "active", as: Int.self) == 1)
    }

    public func fetchPasswordHash(userId: String) async throws -> String? {
        try await database.sql.raw("SELECT password_hash FROM users WHERE id = \(bind: userId)").first()?
            .decode(column: "password_hash", as: String.self)
    }

    public func fetchUser(id: String) async throws -> User? {
        guard let row = try await database.sql.raw("""
            SELECT u.id, u.organisation_id, o.name AS organisation_name, u.team_id, u.email, u.name, u.locale, u.active, u.password_changed_at
            FROM users u JOIN organisations o ON o.id = u.organisation_id
            WHERE u.id = \(bind: id)
            """).first(decoding: UserRow.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        // The roles and the organisation's municipalities in one round trip (read on every request).
        let rows = try await database.sql.raw("""
            SELECT 'r' AS kind, role AS code, '' AS name FROM user_roles WHERE user_id = \(bind: id)
            UNION ALL
            SELECT 'm' AS kind, m.code, m.name FROM municipalities m
            JOIN organisation_municipalities om ON om.municipality_code = m.code
            WHERE om.organisation_id = \(bind: row.organisationId)
            ORDER BY kind, name, code
            """).all()
        var roles: [Role] = []
        var municipalities: [Municipality] = []
        for entry in rows {
            let code = try entry.decode(column: "code", as: String.self)
            if try entry.decode(column: "kind", as: String.self) == "r" {
                if let role = Role(rawValue: code) { roles.append(role) }
            } else {
                municipalities.append(Municipality(code: code, name: try entry.decode(column: "name", as: String.self)))
            }
        }
        roles.sort()
        return User(
            id: row.id, organisationId: row.organisationId, organisationName: row.organisationName, teamId: row.teamId,
            email: row.email, name: row.name, locale: row.locale, active: row.active == 1, roles: roles,
            municipalities: municipalities, passwordChangedAt: Date(epochSeconds: row.passwordChangedAt))
    }

    /// Who a letter names as its contact person: the user's name, e-mail and phone (M0010).
    public struct LetterContact: Sendable, Hashable {
        public let name: String
        public let email: String
        public let phone: String?
    }

    public func fetchLetterContact(userId: String) async throws -> LetterContact? {
        guard let row = try await database.sql.raw("SELECT name, email, phone FROM users WHERE id = \(bind: userId)").first() else { return nil }
        return LetterContact(name: try row.decode(column: "name", as: String.self), email: try row.decode(column: "email", as: String.self),
                             phone: try row.decode(column: "phone", as: String?.self))
    }

    public func updatePhone(userId: String, phone: String?) async throws {
        try await database.sql.raw("UPDATE users SET phone = \(bind: phone) WHERE id = \(bind: userId)").run()
    }

    public func fetchUserId(email: String) async throws -> String? {
        try await database.sql.raw("SELECT id FROM users WHERE email = \(bind: email.lowercased())").first()?.decode(column: "id", as: String.self)
    }

    /// The staff of an organisation, by name.
    public func listUsers(organisationId: String) async throws -> [(id: String, name: String, email: String)] {
        try await database.sql.raw("SELECT id, name, email FROM users WHERE organisation_id = \(bind: organisationId) ORDER BY name, id").all()
            .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "name", as: String.self), try $0.decode(column: "email", as: String.self)) }
    }

    /// The case workers (role consulent) of an organisation, or of one team in it, by name: who
    /// cases can be assigned to.
    public func listCaseWorkers(organisationId: String, teamId: String? = nil) async throws -> [(id: String, name: String)] {
        var query: SQLQueryString = """
            SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.organisation_id = \(bind: organisationId) AND r.role = 'consulent' AND u.active = 1
            """
        if let teamId { query += " AND u.team_id = \(bind: teamId)" }
        query += " ORDER BY u.name, u.id"
        return try await database.sql.raw(query).all()
            .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "name", as: String.self)) }
    }

    /// Sets a new password hash and ends every session of the user (they must log in again).
    public func updatePassword(userId: String, passwordHash: String, now: Date, keepSession tokenHash: String? = nil) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash), password_changed_at = \(bind: now.epochSeconds) WHERE id = \(bind: userId)").run()
            if let tokenHash {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId) AND token_hash <> \(bind: tokenHash)").run()
            } else {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
            }
        }
    }

    public func updateLocale(userId: String, locale: String) async throws {
        try await database.sql.raw("UPDATE users SET locale = \(bind: locale) WHERE id = \(bind: userId)").run()
    }

    public func countUsers() async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
