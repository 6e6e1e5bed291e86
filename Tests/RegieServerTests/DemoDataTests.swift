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
}
