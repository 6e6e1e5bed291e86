import Foundation
import SQLKit

/// Organisations, the municipalities they serve, teams, staff and their roles.
public struct UserStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
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
        try await signedIn(from: "users u", where: "u.id = \(bind: id)", session: false)?.user
    }

    /// A session and its user, with the user's roles and the organisation's municipalities: what
    /// every page reads first, in one round trip.
    public func fetchSignedIn(tokenHash: String) async throws -> (session: SessionRecord, user: User)? {
        guard let found = try await signedIn(from: "sessions s JOIN users u ON u.id = s.user_id", where: "s.token_hash = \(bind: tokenHash)", session: true),
              let session = found.session else { return nil }
        return (session, found.user)
    }

    /// One statement in three parts: the user's own row (with the session's columns when `session`),
    /// a row per role, a row per municipality of the organisation. Columns are shared by position,
    /// so the parts that lack one fill it with NULL.
    private func signedIn(from: SQLQueryString, where condition: SQLQueryString, session: Bool) async throws -> (user: User, session: SessionRecord?)? {
        let sessionColumns: SQLQueryString = session
            ? "s.token_hash, s.csrf_token, s.municipality_code AS session_municipality, s.created_at, s.last_seen_at, s.expires_at"
            : "NULL, NULL, NULL, NULL, NULL, NULL"
        let rows = try await database.sql.raw("""
            SELECT 'u' AS kind, u.id AS code, o.name AS name, u.organisation_id, u.team_id, u.email, u.locale, u.active, u.password_changed_at,
                u.name AS user_name, \(sessionColumns), o.provider_id, u.partner_admin
            FROM \(from) JOIN organisations o ON o.id = u.organisation_id WHERE \(condition)
            UNION ALL
            SELECT 'r', r.role, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM \(from) JOIN user_roles r ON r.user_id = u.id WHERE \(condition)
            UNION ALL
            SELECT 'm', m.code, m.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM \(from) JOIN organisation_municipalities om ON om.organisation_id = u.organisation_id
            JOIN municipalities m ON m.code = om.municipality_code WHERE \(condition)
            ORDER BY kind DESC, name, code
            """).all()
        guard let row = rows.first, try row.decode(column: "kind", as: String.self) == "u" else { return nil }
        var roles: [Role] = []
        var municipalities: [Municipality] = []
        for entry in rows.dropFirst() {
            let code = try entry.decode(column: "code", as: String.self)
            if try entry.decode(column: "kind", as: String.self) == "r" {
                if let role = Role(rawValue: code) { roles.append(role) }
            } else {
                municipalities.append(Municipality(code: code, name: try entry.decode(column: "name", as: String.self)))
            }
        }
        roles.sort()
        var user = User(
            id: try row.decode(column: "code", as: String.self), organisationId: try row.decode(column: "organisation_id", as: String.self),
            organisationName: try row.decode(column: "name", as: String.self), teamId: try row.decode(column: "team_id", as: String?.self),
            email: try row.decode(column: "email", as: String.self), name: try row.decode(column: "user_name", as: String.self),
            locale: try row.decode(column: "locale", as: String.self), active: try row.decode(column: "active", as: Int.self) == 1, roles: roles,
            municipalities: municipalities, passwordChangedAt: Date(epochSeconds: try row.decode(column: "password_changed_at", as: Int64.self)))
        user.providerId = try row.decode(column: "provider_id", as: String?.self)
        user.partnerAdmin = (try row.decode(column: "partner_admin", as: Int?.self) ?? 0) == 1
        guard session else { return (user, nil) }
        let record = SessionRecord(
            tokenHash: try row.decode(column: "token_hash", as: String.self), userId: user.id, csrfToken: try row.decode(column: "csrf_token", as: String.self),
            municipalityCode: try row.decode(column: "session_municipality", as: String?.self),
            createdAt: Date(epochSeconds: try row.decode(column: "created_at", as: Int64.self)),
            lastSeenAt: Date(epochSeconds: try row.decode(column: "last_seen_at", as: Int64.self)),
            expiresAt: Date(epochSeconds: try row.decode(column: "expires_at", as: Int64.self)))
        return (user, record)
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
    /// cases can be assigned to. With `limit`, at most that many (the first by name).
    public func listCaseWorkers(organisationId: String, teamId: String? = nil, limit: Int? = nil) async throws -> [(id: String, name: String)] {
        try await caseWorkers(organisationId: organisationId, teamId: teamId, limit: limit)
    }

    /// The case workers of an organisation (or team) whose name contains `name`, ignoring case
    /// (ASCII case on SQLite), by name, at most `limit`: the worker picker's look-up. It walks the
    /// organisation's part of `users_by_organisation`, never every user.
    public func findCaseWorkers(organisationId: String, teamId: String? = nil, named name: String, limit: Int) async throws -> [(id: String, name: String)] {
        let folded = name.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !folded.isEmpty else { return [] }
        return try await caseWorkers(organisationId: organisationId, teamId: teamId, limit: limit,
                                     condition: " AND LOWER(u.name) LIKE \(bind: "%" + folded + "%")")
    }

    /// One active case worker of the organisation (or team) by id, or nil: whom a case may be
    /// assigned to, without loading the others.
    public func fetchCaseWorker(id: String, organisationId: String, teamId: String? = nil) async throws -> (id: String, name: String)? {
        try await caseWorkers(organisationId: organisationId, teamId: teamId, limit: 1, condition: " AND u.id = \(bind: id)").first
    }

    private func caseWorkers(organisationId: String, teamId: String?, limit: Int?, condition: SQLQueryString = "") async throws -> [(id: String, name: String)] {
        var query: SQLQueryString = """
            SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.organisation_id = \(bind: organisationId) AND r.role = 'consulent' AND u.active = 1
            """
        if let teamId { query += " AND u.team_id = \(bind: teamId)" }
        query += condition
        query += " ORDER BY u.name, u.id"
        if let limit { query += " LIMIT \(bind: limit)" }
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
