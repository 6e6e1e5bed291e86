import Foundation
import Inburgering
import RegieStorage
import SQLKit
import Testing

/// Name search goes through an index (M0014_NameSearch: FTS5 trigram on SQLite, pg_trgm on
/// PostgreSQL) and finds exactly the rows the former `search_name LIKE '%key%'` found, within the
/// caller's scope.
@Suite("Name search: through an index, the same rows as LIKE, within the scope")
struct NameSearchTests {
    static let everyone = TenantScope(municipalityCodes: ["GM0988", "GM1706", "GM0957"])
    static let today = isoDay("2026-11-02")

    /// People with names that make searching tricky; the first ones are stored before the index
    /// exists (the migration fills it), the others after (the triggers keep it).
    static let before: [(id: String, given: String, family: String, bsn: String?, vNummer: String?)] = [
        ("zoe-1", "Zoë", "de Vries", "111222333", nil),
        ("zoe-2", "Zoe", "Janssen", nil, "1234567890"),
        ("obrien", "Seán", "O'Brien", nil, nil),
        ("vdberg", "Jan", "van der Berg", nil, nil),
    ]
    static let after: [(id: String, given: String, family: String, bsn: String?, vNummer: String?)] = [
        ("annemarie", "Anne-Marie", "Dubois", nil, nil),
        ("ozturk", "Ali", "Öztürk", nil, nil),
        ("nguyen", "Ngọc", "Nguyễn", nil, nil),
        ("wu", "Li", "Wu", nil, nil),
        ("quote", "Da\"vid", "Quote", nil, nil),
        ("percent", "Per%cent", "Under_score", nil, nil),
        ("spaces", "Maria  José", "García   López", nil, "9876543210"),
    ]

    static let inputs = [
        "zoë", "ZOE", "Zoe", "zoe de", "ZOË DE VRIES", "o'brien", "O'B", "'", "'b", "van der", "van  der", " van der ", "an d",
        "-", "anne-marie", "e-m", "marie d", "wu", "w", "li", "i", "e", "Öz", "oz", "ozt", "öztürk", "nguyen", "ngoc", "NGỌC",
        "\"", "a\"v", "da\"vid", "\"\"", "%", "_", "%%", "_%_", "per%", "per%cent", "percent", "under_score", "underscore", "under",
        "%cent", "jose garcia", "josé garcía", "garcia lopez", "haddad", "HAD", "had dad", "amal", "mansour", "khalil",
        "999990019", "999990032", "99999", "111222333", "1234567890", "123", "9876543210", "12a", "x", "xyz", "q",
    ]

    static func person(_ p: (id: String, given: String, family: String, bsn: String?, vNummer: String?), _ municipality: String = "GM0988") -> PersonStore.NewPerson {
        .init(person: PersonRecord(id: p.id, municipalityCode: municipality, householdId: nil, bsn: p.bsn, vNummer: p.vNummer, givenNames: p.given,
                                   familyName: p.family, dateOfBirth: isoDay("1991-05-01"), gender: .x, doelgroep: .gezinsvormer,
                                   language: "Engels", interpreterNeeded: false, phone: nil, email: nil),
              traject: TrajectRecord(id: "traject-\(p.id)", personId: p.id, municipalityCode: municipality, phase: .bredeIntake,
                                     consulentId: nil, kennisgevingDate: isoDay("2026-09-01"), koppelingDate: nil, housingDate: nil,
                                     brpDate: isoDay("2026-09-15"), intakeDate: nil, pipDate: nil, routeStartDate: nil,
                                     leerroute: nil, closedDate: nil, closedReason: nil))
    }

    /// The search as it was before the index: digits match BSN or V-nummer exactly, anything else
    /// is `LIKE '%key%'` on the folded name with `%` and `_` removed from the key.
    static func likeSearch(_ database: Database, _ input: String) async throws -> Set<String> {
        let search = input.trimmingCharacters(in: .whitespaces)
        let rows: [any SQLRow]
        if search.isEmpty {
            rows = try await database.sql.raw("SELECT id FROM persons").all()
        } else if search.allSatisfy(\.isNumber) {
            rows = try await database.sql.raw("SELECT id FROM persons WHERE bsn = \(bind: search) OR v_nummer = \(bind: search)").all()
        } else {
            let pattern = "%" + PersonStore.searchKey(search).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            rows = try await database.sql.raw("SELECT id FROM persons WHERE search_name LIKE \(bind: pattern)").all()
        }
        return Set(try rows.map { try $0.decode(column: "id", as: String.self) })
    }

    static func search(_ persons: PersonStore, _ input: String, scope: TenantScope = everyone, sort: PersonStore.CaseloadSort = .termijn) async throws -> Set<String> {
        let page = try await persons.listPersons(scope: scope, filter: .init(includeClosed: true, search: input, sort: sort), after: nil, limit: 500, today: today)
        return Set(page.rows.map(\.id))
    }

    /// SQLite's own check that the trigram index holds exactly what `persons` holds.
    static func checkIndex(_ database: Database) async throws {
        guard database.kind == .sqlite else { return }
        try await database.sql.raw("INSERT INTO persons_search (persons_search, rank) VALUES ('integrity-check', 1)").run()
    }

    @Test("Every tricky input finds exactly the rows LIKE found, for names stored before and after the migration",
          arguments: Engine.available)
    func sameRowsAsLike(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrateThrough: "M0013_AuditHead") { database in
            let now = TestClock().now
            _ = try await World.seed(database, now: now, legacy: true)
            let persons = PersonStore(database: database)
            try await LegacyRows.insert(Self.before.map { Self.person($0) }, on: database, now: now)
            try await Migrator(database: database).migrate(now: now)
            try await persons.insertPersons(Self.after.map { Self.person($0, "GM1706") }, now: now)
            try await Self.checkIndex(database)

            // Starting from the matches and walking the list's order give the same rows (SQLite
            // chooses between them by how many match; PostgreSQL's planner on its own).
            let plans = [("chosen", persons), ("from the matches", PersonStore(database: database, nameWalkFrom: .max)),
                         ("along the order", PersonStore(database: database, nameWalkFrom: 0))]
            for input in Self.inputs {
                let expected = try await Self.likeSearch(database, input)
                for (plan, store) in plans {
                    #expect(try await Self.search(store, input) == expected, "search \(input.debugDescription), \(plan)")
                    #expect(try await Self.search(store, input, sort: .naam) == expected, "search \(input.debugDescription) by name, \(plan)")
                }
            }
            // The inputs are not all trivially empty or full answers.
            #expect(try await Self.search(persons, "zoë") == ["zoe-1", "zoe-2"])
            #expect(try await Self.search(persons, "O'Brien") == ["obrien"])
            #expect(try await Self.search(persons, "da\"vid") == ["quote"])
            #expect(try await Self.search(persons, "wu") == ["wu"])
            #expect(try await Self.search(persons, "garcia lopez") == ["spaces"])
            #expect(try await Self.search(persons, "%").count == Self.before.count + Self.after.count + 3)
            #expect(try await Self.search(persons, "9876543210") == ["spaces"])
        }
    }

    @Test("A name, BSN or V-nummer in another organisation's municipality is never found; the strip counts only the scope, not the search",
          arguments: Engine.available)
    func tenancy(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let now = TestClock().now
            let world = try await World.seed(database, now: now)
            let persons = PersonStore(database: database)
            let orgA = TenantScope(municipalityCodes: ["GM0988", "GM1706"])
            let orgB = TenantScope(municipalityCodes: ["GM0957"])
            let stripA = try await persons.countDue(scope: orgA, filter: .init(), today: Self.today, unassigned: true)
            let stripB = try await persons.countDue(scope: orgB, filter: .init(), today: Self.today, unassigned: true)
            try await persons.insertPersons([Self.person(("b-zoe", "Zoë", "Mansour", "111222444", "5550001112"), "GM0957")], now: now)
            // Organisation B's new case is unassigned: its own strip shows it.
            #expect(try await persons.countDue(scope: orgB, filter: .init(search: "mansour"), today: Self.today, unassigned: true).unassigned == stripB.unassigned + 1)
            for input in ["mansour", "Mansour", "zoë mansour", "ans", "ou", "r", "999990032", "111222444", "5550001112"] {
                #expect(try await Self.search(persons, input, scope: orgA).isEmpty, "organisation A searching \(input.debugDescription)")
                #expect(try await Self.search(persons, input, scope: orgA, sort: .naam).isEmpty, "organisation A searching \(input.debugDescription) by name")
                #expect(!(try await Self.search(persons, input, scope: orgB)).isEmpty, "organisation B searching \(input.debugDescription)")
                // The strip is the workload, whatever is searched: organisation B's person never counts.
                let strip = try await persons.countDue(scope: orgA, filter: .init(search: input), today: Self.today, unassigned: true)
                #expect(strip == stripA, "organisation A's strip for \(input.debugDescription)")
            }
            #expect(try await Self.search(persons, "amal", scope: orgA) == [world.personA, world.personA2])
            #expect(try await Self.search(persons, "amal", scope: orgB) == [world.personB])
            #expect(try await Self.search(persons, "khalil", scope: orgA.narrowed(toMunicipality: "GM0988")).isEmpty)
        }
    }

    @Test("A corrected name is found by its new spelling and no longer by the old one; a deleted person leaves the index; VACUUM changes nothing",
          arguments: Engine.available)
    func correctionKeepsTheIndex(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let persons = app.services.persons
            let scope = TenantScope(municipalityCodes: ["GM0988", "GM1706"])
            #expect(try await Self.search(persons, "haddad", scope: scope) == [app.world.personA])
            let audit = AuditEvent(actorId: nil, actorName: "test", actorRole: "-", organisationId: nil, action: "test", purpose: "-", requestId: "test")
            let details = PersonDetails(givenNames: "Amal", familyName: "Nassār-Ōtani", dateOfBirth: "1990-02-28", gender: "vrouw",
                                        language: "Arabisch", interpreterNeeded: true, brpDate: nil)
            let changed = try await app.services.casework.updateDetails(personId: app.world.personA, details, scope: scope,
                                                                        actor: CaseActor(id: nil, name: "test"), audit: audit, now: app.clock.now)
            #expect(changed == true)
            #expect(try await Self.search(persons, "amal nassar-otani", scope: scope) == [app.world.personA])
            #expect(try await Self.search(persons, "Nassār-Ō", scope: scope) == [app.world.personA])
            #expect(try await Self.search(persons, "haddad", scope: scope).isEmpty, "the old name is gone")
            #expect(try await Self.search(persons, "had", scope: scope).isEmpty, "the old name is gone")
            try await Self.checkIndex(app.database)

            // A person removed from the register leaves the index in the same statement.
            try await app.database.sql.raw("DELETE FROM trajecten WHERE person_id = \(bind: app.world.personA2)").run()
            try await app.database.sql.raw("DELETE FROM persons WHERE id = \(bind: app.world.personA2)").run()
            #expect(try await Self.search(persons, "khalil", scope: scope).isEmpty)
            try await Self.checkIndex(app.database)

            // VACUUM may renumber the implicit rowids of persons (its key is text); the index is keyed
            // by its own INTEGER PRIMARY KEY, so names stored before and after still find their person.
            try await persons.insertPersons([Self.person(("later-1", "Yara", "Vacuumtest", nil, nil)), Self.person(("later-2", "Omar", "Vacuumtest", nil, nil))], now: app.clock.now)
            try await app.database.sql.raw("DELETE FROM persons WHERE id = 'later-1'").run()
            if app.database.kind == .sqlite { try await app.database.sql.raw("VACUUM").run() }
            try await persons.insertPersons([Self.person(("later-3", "Noor", "Vacuumtest", nil, nil))], now: app.clock.now)
            #expect(try await Self.search(persons, "vacuumtest", scope: scope) == ["later-2", "later-3"])
            #expect(try await Self.search(persons, "omar vacuum", scope: scope) == ["later-2"])
            #expect(try await Self.search(persons, "yara", scope: scope).isEmpty)
            #expect(try await Self.search(persons, "amal nassar", scope: scope) == [app.world.personA])
            try await Self.checkIndex(app.database)
        }
    }
}
