import Foundation
import RegieServer
import RegieStorage
import Testing

/// A case is read in one joined statement that names the traject's columns apart from the person's;
/// the list of those columns must follow the table and the record, or a field would silently read nil.
@Suite("Reading a case in one statement")
struct CaseReadTests {
    /// Columns of `trajecten` no `TrajectRecord` reads: the lists' sort keys and bookkeeping.
    static let notRead: Set = ["team_id", "created_at", "updated_at", "next_due_date", "next_due_kind", "language_level"]

    @Test("The traject's column list is the table's columns and the record's fields", arguments: Engine.available)
    func columns(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let row = try #require(try await app.database.sql.raw("SELECT * FROM trajecten").first())
            #expect(Set(row.allColumns).subtracting(Self.notRead) == Set(TrajectRecord.columns))
            let traject = try #require(try await app.services.persons.fetchTraject(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706"])))
            let fields = Mirror(reflecting: traject).children.compactMap(\.label).map(Self.snakeCase)
            #expect(Set(fields) == Set(TrajectRecord.columns))
        }
    }

    @Test("The joined read gives the person and traject the separate reads give, and nothing out of scope", arguments: Engine.available)
    func joined(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf).status == .seeOther)
            #expect(try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf).status == .seeOther)
            let persons = app.services.persons
            let found = try #require(try await persons.fetchCase(personId: person, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706"])))
            #expect(found.person == (try await persons.fetchPerson(id: person, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706"]))))
            #expect(found.traject == (try await persons.fetchTraject(personId: person, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706"]))))
            #expect(found.traject.pipDate != nil && found.traject.factsJson != nil)
            #expect(try await persons.fetchCase(personId: person, scope: TenantScope(municipalityCodes: ["GM0957"])) == nil)
        }
    }

    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, c in
            if c.isUppercase { result += "_" + c.lowercased() } else { result.append(c) }
        }
    }
}
