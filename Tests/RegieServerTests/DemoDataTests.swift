import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

@Suite("Demo data: a real-looking region, deterministic from its seed")
struct DemoDataTests {
    @Test("The demo region has three real municipalities, a user per role, and people in every phase", arguments: Engine.available)
    func demoRegion(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let today = Date(timeIntervalSince1970: 1_795_000_000)
            try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 300, seed: 2021, today: today, bcryptCost: 4)
            let users = UserStore(database: database)
            let organisation = try #require(try await users.fetchOrganisation(named: DemoData.organisationName))
            let municipalities = try await users.listMunicipalities(organisationId: organisation.id)
            #expect(Set(municipalities.map(\.code)) == ["GM0988", "GM1706", "GM0946"])
            var roles = Set<Role>()
            for login in DemoData.logins {
                let id = try #require(try await users.fetchUserId(email: login.email))
                roles.formUnion(try #require(try await users.fetchUser(id: id)).roles)
            }
            #expect(roles == Set(Role.allCases))
            // The team lead works with the named case workers in their team; another team has none.
            let leadId = try #require(try await users.fetchUserId(email: "teamleider@regie.example"))
            let lead = try #require(try await users.fetchUser(id: leadId))
            let team = try await users.listCaseWorkers(organisationId: organisation.id, teamId: lead.teamId).map(\.name)
            #expect(team == ["Fatima el Amrani", "Joost van der Linden", "Sanne Peeters"])
            let other = try await users.listTeams(organisationId: organisation.id).first { $0.id != lead.teamId }
            #expect(try await users.listCaseWorkers(organisationId: organisation.id, teamId: other?.id).isEmpty)

            let rows = try await database.sql.raw("SELECT p.bsn, p.v_nummer, p.doelgroep, t.phase FROM persons p JOIN trajecten t ON t.person_id = p.id").all()
            #expect(rows.count == 300)
            let bsns = try rows.map { try $0.decode(column: "bsn", as: String.self) }
            #expect(bsns.allSatisfy(BSN.isValid), "every demo BSN passes the 11-proef")
            #expect(Set(bsns).count == 300)
            #expect(try rows.allSatisfy { (try? VNummer(try $0.decode(column: "v_nummer", as: String.self))) != nil })
            // A second given name is never the first one again ("Somchai Somchai").
            let given = try await database.sql.raw("SELECT given_names FROM persons").all().map { try $0.decode(column: "given_names", as: String.self) }
            #expect(!given.contains { name in let parts = name.split(separator: " "); return parts.count > 1 && parts[0] == parts[1] })
            let phases = Set(try rows.map { try $0.decode(column: "phase", as: String.self) })
            #expect(phases == Set(TrajectFase.allCases.map(\.rawValue)), "people in every phase of the chain")
            let groups = try rows.compactMap { Doelgroep(rawValue: try $0.decode(column: "doelgroep", as: String.self))?.categorie }
            #expect(groups.count == 300, "every doelgroep is one of DUO's")
            #expect(Set(groups) == Set(DoelgroepCategorie.allCases), "both target groups")

            // Every casework screen has content, consistent with the trajecten.
            func count(_ sql: String) async throws -> Int {
                try await database.sql.raw(SQLQueryString(sql)).first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(try await count("SELECT COUNT(*) AS n FROM pips WHERE status = 'vastgesteld'") == (try await count("SELECT COUNT(*) AS n FROM trajecten WHERE pip_date IS NOT NULL")),
                    "a fixed PIP behind every PIP date")
            #expect(try await count("SELECT COUNT(*) AS n FROM pips p JOIN trajecten t ON t.person_id = p.person_id WHERE p.dagtekening <> t.pip_date") == 0)
            #expect(try await count("SELECT COUNT(DISTINCT person_id) AS n FROM intake_gesprekken") == (try await count("SELECT COUNT(*) AS n FROM trajecten WHERE intake_date IS NOT NULL")))
            for table in ["leerbaarheidstoetsen", "route_besluiten", "voortgangsgesprekken", "uren", "warme_overdrachten", "taken", "case_events", "route_resultaten"] {
                #expect(try await count("SELECT COUNT(*) AS n FROM \(table)") > 0, "\(table) has demo rows")
            }
            // Every person whose details are known has a residential address (a letter has its addressee),
            // one per household; a case still waiting for the BRP's details has none.
            #expect(try await count("SELECT COUNT(*) AS n FROM persons p WHERE p.details_pending = 0 AND NOT EXISTS (SELECT 1 FROM person_addresses a WHERE a.person_id = p.id AND a.kind = 'woon')") == 0)
            #expect(try await count("SELECT COUNT(*) AS n FROM person_addresses a JOIN persons p ON p.id = a.person_id WHERE p.details_pending = 1") == 0)
            #expect(try await count("""
                SELECT COUNT(*) AS n FROM (SELECT p.household_id FROM persons p JOIN person_addresses a ON a.person_id = p.id
                WHERE p.household_id IS NOT NULL GROUP BY p.household_id HAVING COUNT(DISTINCT a.street || a.house_number || a.postcode) > 1) x
                """) == 0, "a household shares its address")
            // Most running cases are on time; some are not (so the caseload shows both).
            let overdue = try await count("SELECT COUNT(*) AS n FROM trajecten WHERE closed_date IS NULL AND next_due_date < '2026-11-18'")
            let open = try await count("SELECT COUNT(*) AS n FROM trajecten WHERE closed_date IS NULL")
            #expect(overdue > 0 && overdue * 3 < open, "\(overdue) of \(open) open cases overdue")
            // Loading twice is refused: demo data only goes into an empty database.
            await #expect(throws: DemoData.DemoError.self) {
                try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 1, today: today, bcryptCost: 4)
            }
        }
    }

    @Test("The same seed gives the same people; another seed gives others")
    func deterministic() async throws {
        func names(seed: UInt64) async throws -> [String] {
            var names: [String] = []
            try await TestDatabase.with(.sqlite) { database in
                try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 40, seed: seed, today: Date(timeIntervalSince1970: 1_795_000_000), bcryptCost: 4)
                let rows = try await database.sql.raw("SELECT id, given_names, family_name FROM persons ORDER BY id").all()
                names = try rows.map { try $0.decode(column: "id", as: String.self) + $0.decode(column: "family_name", as: String.self) }
            }
            return names
        }
        let first = try await names(seed: 7)
        #expect(try await names(seed: 7) == first)
        #expect(try await names(seed: 8) != first)
    }

    @Test("The region is the same whatever the batch size, and with the indexes built afterwards: people, trajecten, history and ontzorgen",
          arguments: Engine.available)
    func sameWhateverTheBatchSize(engine: Engine) async throws {
        // Every column that does not hold a random id (events, ontzorgen's review tasks), a sealed
        // (randomly encrypted) text or JSON whose key order varies (the facts).
        let tables: [(String, [String])] = [
            ("persons", ["id", "municipality_code", "household_id", "bsn", "v_nummer", "given_names", "family_name", "search_name", "date_of_birth",
                         "gender", "doelgroep", "language", "interpreter_needed", "phone"]),
            ("trajecten", ["id", "person_id", "phase", "consulent_id", "kennisgeving_date", "koppeling_date", "housing_date", "brp_date", "intake_date",
                           "pip_date", "route_start_date", "leerroute", "closed_date", "closed_reason", "next_due_date", "next_due_kind",
                           "last_meeting_date", "pip_cadence_months", "last_contact_date", "pip_due_date", "pip_delay_reason"]),
            ("case_events", ["person_id", "occurred_at", "event_date", "kind", "actor_id", "actor_name", "detail"]),
            ("intake_gesprekken", ["id", "person_id", "conversation_date", "attendees", "without_partner", "topics", "created_by"]),
            ("intake_onderwerpen", ["person_id", "topic", "updated_at"]),
            ("leerbaarheidstoetsen", ["id", "person_id", "test_date", "administrator", "score"]),
            ("taalschool_adviezen", ["id", "person_id", "advice_date", "school", "leerroute"]),
            ("route_besluiten", ["id", "person_id", "decided_date", "leerroute", "deviation"]),
            ("pips", ["id", "person_id", "version", "dagtekening", "leerroute", "einddoel", "fixed_by"]),
            ("voortgangsgesprekken", ["id", "person_id", "held_date", "outcome"]),
            ("uren", ["id", "person_id", "soort", "period_end", "hours", "provider"]),
            ("route_resultaten", ["person_id", "kind", "result_date"]),
            ("taken", ["person_id", "title", "due_date", "assignee_id", "created_by"]),
            ("warme_overdrachten", ["person_id", "scenario", "meeting_planned", "meeting_held"]),
            ("households", ["id", "municipality_code"]),
            ("person_addresses", ["person_id", "street", "house_number", "postcode", "city"]),
            ("users", ["id", "email", "name", "team_id"]),
            ("ontzorgingen", ["person_id", "bijstand_start", "regime", "ontzorgd", "planned_end", "mandate_signed_on"]),
            ("ontzorgen_posten", ["person_id", "soort", "payee_name", "iban", "amount_cents"]),
        ]
        func region(batchSize: Int, deferIndexes: Bool) async throws -> (rows: [String: [String]], progress: [Int], indexes: [SecondaryIndex]) {
            var rows: [String: [String]] = [:]
            var indexes: [SecondaryIndex] = []
            let reports = Reports()
            try await TestDatabase.with(engine) { database in
                try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test"))
                    .load(people: 300, seed: 2021, today: Date(timeIntervalSince1970: 1_795_000_000), bcryptCost: 4, batchSize: batchSize,
                          deferIndexes: deferIndexes, progress: { stored, _ in reports.append(stored) })
                indexes = try await database.secondaryIndexes()
                for (table, columns) in tables {
                    let line = columns.map { "COALESCE(CAST(\($0) AS TEXT), '-')" }.joined(separator: " || '|' || ")
                    rows[table] = try await database.sql.raw(SQLQueryString("SELECT \(line) AS line FROM \(table)")).all()
                        .map { try $0.decode(column: "line", as: String.self) }.sorted()
                }
            }
            return (rows, reports.values, indexes)
        }
        let whole = try await region(batchSize: DemoData.defaultBatchSize, deferIndexes: false)
        let small = try await region(batchSize: 7, deferIndexes: true)
        for (table, _) in tables {
            #expect(whole.rows[table] == small.rows[table], "\(table) is the same in batches of 7 with the indexes built afterwards")
            #expect(whole.rows[table]?.isEmpty == false, "\(table) has demo rows")
        }
        #expect(whole.rows["persons"]?.count == 300)
        // The indexes built afterwards are the schema's own, every one of them (PostgreSQL names
        // each test database's schema in the definition).
        func unqualified(_ indexes: [SecondaryIndex]) -> [String] {
            indexes.map { $0.definition.replacingOccurrences(of: #" ON t_[0-9a-f]+\."#, with: " ON ", options: .regularExpression) }
        }
        #expect(unqualified(small.indexes) == unqualified(whole.indexes))
        #expect(whole.indexes.contains { $0.name == "trajecten_by_consulent_next_due" } && whole.indexes.count > 20, "\(whole.indexes.map(\.name))")
        // A small region reports once, at the end.
        #expect(whole.progress == [300] && small.progress == [300])
    }
}

@Suite("A load without the secondary indexes")
struct SecondaryIndexTests {
    struct Refused: Error {}

    @Test("The indexes are built again when the load fails, and unique indexes are never dropped", arguments: Engine.available)
    func rebuiltAfterAFailure(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let before = try await database.secondaryIndexes()
            #expect(!before.isEmpty)
            #expect(!before.contains { $0.definition.uppercased().hasPrefix("CREATE UNIQUE") })
            var during: [SecondaryIndex]?
            var secondRow: (any Error)?
            do {
                try await database.withoutSecondaryIndexes {
                    during = try await database.secondaryIndexes()
                    // A key still refuses a second row while the other indexes are gone.
                    try await database.sql.raw("INSERT INTO municipalities (code, name) VALUES ('GM9999', 'Proef')").run()
                    do {
                        try await database.sql.raw("INSERT INTO municipalities (code, name) VALUES ('GM9999', 'Proef')").run()
                    } catch {
                        secondRow = error
                    }
                    throw Refused()
                }
                Issue.record("the load's error reaches the caller")
            } catch is Refused {}
            #expect(during?.isEmpty == true)
            #expect(secondRow != nil, "the primary key refused a second row")
            #expect(try await database.secondaryIndexes() == before)
        }
    }
}

/// The progress reports a load made, collected from its callback.
private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func append(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}
