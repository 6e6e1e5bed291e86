import Foundation
import SQLKit

/// Newcomers and their traject, always read through a `TenantScope`.
public struct PersonStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct NewPerson: Sendable {
        public var person: PersonRecord
        public var traject: TrajectRecord

        public init(person: PersonRecord, traject: TrajectRecord) {
            self.person = person
            self.traject = traject
        }
    }

    /// Inserts people with their trajecten in batches of multi-row inserts, in one transaction:
    /// either all are stored or none.
    public func insertPersons(_ people: [NewPerson], now: Date, batchSize: Int = 400) async throws {
        let time = now.epochSeconds
        try await database.transaction { db in
            let households = Set(people.compactMap { p in p.person.householdId.map { ($0, p.person.municipalityCode) } }.map { "\($0.0)|\($0.1)" })
            for entry in households.sorted() {
                let parts = entry.split(separator: "|").map(String.init)
                try await db.raw("INSERT INTO households (id, municipality_code) VALUES (\(bind: parts[0]), \(bind: parts[1])) ON CONFLICT (id) DO NOTHING").run()
            }
            for batch in stride(from: 0, to: people.count, by: batchSize).map({ Array(people[$0..<min($0 + batchSize, people.count)]) }) {
                var personRows: [SQLQueryString] = []
                var trajectRows: [SQLQueryString] = []
                for item in batch {
                    let p = item.person
                    personRows.append("""
                        (\(bind: p.id), \(bind: p.municipalityCode), \(bind: p.householdId), \(bind: p.bsn), \(bind: p.vNummer), \(bind: p.givenNames),
                        \(bind: p.familyName), \(bind: p.dateOfBirth), \(bind: p.gender), \(bind: p.doelgroep), \(bind: p.language),
                        \(bind: p.interpreterNeeded), \(bind: p.phone), \(bind: p.email), \(bind: time), \(bind: time))
                        """)
                    let t = item.traject
                    trajectRows.append("""
                        (\(bind: t.id), \(bind: t.personId), \(bind: t.municipalityCode), \(bind: t.phase), \(bind: t.consulentId),
                        \(bind: t.kennisgevingDate), \(bind: t.koppelingDate), \(bind: t.housingDate), \(bind: t.brpDate), \(bind: t.intakeDate),
                        \(bind: t.pipDate), \(bind: t.routeStartDate), \(bind: t.leerroute), \(bind: t.closedDate), \(bind: t.closedReason),
                        \(bind: time), \(bind: time))
                        """)
                }
                try await db.raw("""
                    INSERT INTO persons (id, municipality_code, household_id, bsn, v_nummer, given_names, family_name, date_of_birth,
                        gender, doelgroep, language, interpreter_needed, phone, email, created_at, updated_at)
                    VALUES \(personRows.joined(separator: ", "))
                    """).run()
                try await db.raw("""
                    INSERT INTO trajecten (id, person_id, municipality_code, phase, consulent_id, kennisgeving_date, koppeling_date,
                        housing_date, brp_date, intake_date, pip_date, route_start_date, leerroute, closed_date, closed_reason,
                        created_at, updated_at)
                    VALUES \(trajectRows.joined(separator: ", "))
                    """).run()
            }
        }
    }

    /// The columns of a `PersonSummary`, from `persons p`, `trajecten t` and `users u`, named as the
    /// struct's properties so rows decode without converting every key of every row.
    static let summaryColumns = """
        p.id AS "id", p.municipality_code AS "municipalityCode", p.given_names AS "givenNames", p.family_name AS "familyName",
        p.doelgroep AS "doelgroep", p.date_of_birth AS "dateOfBirth", t.phase AS "phase", u.name AS "consulentName",
        t.kennisgeving_date AS "kennisgevingDate", t.koppeling_date AS "koppelingDate", t.brp_date AS "brpDate",
        t.pip_date AS "pipDate", t.route_start_date AS "routeStartDate", t.leerroute AS "leerroute",
        t.closed_date AS "closedDate", t.closed_reason AS "closedReason"
        """

    /// The person if, and only if, they belong to a municipality in scope.
    public func fetchPerson(id: String, scope: TenantScope) async throws -> PersonRecord? {
        guard !scope.municipalityCodes.isEmpty else { return nil }
        return try await database.sql.raw("""
            SELECT * FROM persons WHERE id = \(bind: id) AND municipality_code IN (\(binds: scope.municipalityCodes))
            """).first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func fetchTraject(personId: String, scope: TenantScope) async throws -> TrajectRecord? {
        guard !scope.municipalityCodes.isEmpty else { return nil }
        return try await database.sql.raw("""
            SELECT * FROM trajecten WHERE person_id = \(bind: personId) AND municipality_code IN (\(binds: scope.municipalityCodes))
            """).first(decoding: TrajectRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Other members of the person's household, in scope.
    public func listHouseholdMembers(of person: PersonRecord, scope: TenantScope) async throws -> [PersonSummary] {
        guard let householdId = person.householdId, !scope.municipalityCodes.isEmpty else { return [] }
        return try await database.sql.raw("""
            SELECT \(unsafeRaw: Self.summaryColumns)
            FROM persons p LEFT JOIN trajecten t ON t.person_id = p.id LEFT JOIN users u ON u.id = t.consulent_id
            WHERE p.household_id = \(bind: householdId) AND p.id <> \(bind: person.id)
              AND p.municipality_code IN (\(binds: scope.municipalityCodes))
            ORDER BY p.date_of_birth, p.id
            """).all(decoding: PersonSummary.self)
    }

    public struct ContactUpdate: Sendable, Hashable {
        public var phone: String?
        public var email: String?
        public var language: String
        public var interpreterNeeded: Bool

        public init(phone: String?, email: String?, language: String, interpreterNeeded: Bool) {
            self.phone = phone
            self.email = email
            self.language = language
            self.interpreterNeeded = interpreterNeeded
        }
    }

    /// Updates contact details of a person in scope, together with its audit entry; nil when the
    /// person is not in scope.
    public func updateContact(personId: String, scope: TenantScope, _ update: ContactUpdate, audit: AuditEvent, now: Date) async throws -> PersonRecord? {
        guard !scope.municipalityCodes.isEmpty else { return nil }
        let kind = database.kind
        return try await database.transaction { db in
            let updated = try await db.raw("""
                UPDATE persons SET phone = \(bind: update.phone), email = \(bind: update.email), language = \(bind: update.language),
                    interpreter_needed = \(bind: update.interpreterNeeded ? 1 : 0), updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: personId) AND municipality_code IN (\(binds: scope.municipalityCodes))
                RETURNING *
                """).first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            if updated != nil {
                try await AuditStore.append([audit], at: now, on: db, kind: kind)
            }
            return updated
        }
    }

    public struct ListFilter: Sendable, Hashable {
        public var municipalityCode: String?
        public var consulentId: String?
        public var search: String?

        public init(municipalityCode: String? = nil, consulentId: String? = nil, search: String? = nil) {
            self.municipalityCode = municipalityCode
            self.consulentId = consulentId
            self.search = search
        }
    }

    /// People in scope ordered by family name, keyset-paginated: the cursor is the last row's
    /// (family name, id), so every page costs the same as the first.
    public func listPersons(scope: TenantScope, filter: ListFilter, after cursor: String?, limit: Int) async throws -> Page<PersonSummary> {
        guard !scope.municipalityCodes.isEmpty else { return Page(rows: [], next: nil) }
        // SQLite, given bound values, prefers the municipality index and then sorts everyone in the
        // scope; `+` keeps it off that index so it walks the name index and stops after one page.
        // (PostgreSQL weighs LIMIT itself, and has no unary + on text.)
        let scopeColumn: SQLQueryString = database.kind == .sqlite ? "+p.municipality_code" : "p.municipality_code"
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.summaryColumns)
            FROM persons p LEFT JOIN trajecten t ON t.person_id = p.id LEFT JOIN users u ON u.id = t.consulent_id
            WHERE \(scopeColumn) IN (\(binds: scope.municipalityCodes))
            """
        if let code = filter.municipalityCode { query += " AND p.municipality_code = \(bind: code)" }
        if let consulentId = filter.consulentId { query += " AND t.consulent_id = \(bind: consulentId)" }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            if search.allSatisfy(\.isNumber) {
                query += " AND (p.bsn = \(bind: search) OR p.v_nummer = \(bind: search))"
            } else {
                let pattern = "%" + search.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                query += " AND (LOWER(p.family_name) LIKE \(bind: pattern) OR LOWER(p.given_names) LIKE \(bind: pattern))"
            }
        }
        if let cursor, let (name, id) = Self.decodeCursor(cursor) {
            query += " AND (p.family_name, p.id) > (\(bind: name), \(bind: id))"
        }
        query += " ORDER BY p.family_name, p.id LIMIT \(bind: limit + 1)"
        let rows = try await database.sql.raw(query).all(decoding: PersonSummary.self)
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Self.encodeCursor(name: $0.familyName, id: $0.id) } : nil
        return Page(rows: page, next: next)
    }

    static func encodeCursor(name: String, id: String) -> String {
        Data("\(name)\n\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> (String, String)? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// Counts per phase in scope (for the home page tiles).
    public func countByPhase(scope: TenantScope, consulentId: String?) async throws -> [String: Int] {
        guard !scope.municipalityCodes.isEmpty else { return [:] }
        var query: SQLQueryString = "SELECT phase, COUNT(*) AS n FROM trajecten WHERE municipality_code IN (\(binds: scope.municipalityCodes))"
        if let consulentId { query += " AND consulent_id = \(bind: consulentId)" }
        query += " GROUP BY phase"
        var result: [String: Int] = [:]
        for row in try await database.sql.raw(query).all() {
            result[try row.decode(column: "phase", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }
}
