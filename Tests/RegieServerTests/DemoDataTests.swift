import Foundation
import Inburgering
import RegieServer
import RegieStorage
import Testing

@Suite("Demo data: a real-looking region, deterministic from its seed")
struct DemoDataTests {
    @Test("The demo region has three real municipalities, a user per role, and people in every phase", arguments: Engine.available)
    func demoRegion(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let today = Date(timeIntervalSince1970: 1_795_000_000)
            try await DemoData(database: database).load(people: 300, seed: 2021, today: today, bcryptCost: 4)
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

            let rows = try await database.sql.raw("SELECT p.bsn, p.v_nummer, p.doelgroep, t.phase FROM persons p JOIN trajecten t ON t.person_id = p.id").all()
            #expect(rows.count == 300)
            let bsns = try rows.map { try $0.decode(column: "bsn", as: String.self) }
            #expect(bsns.allSatisfy(BSN.isValid), "every demo BSN passes the 11-proef")
            #expect(Set(bsns).count == 300)
            #expect(try rows.allSatisfy { (try? VNummer(try $0.decode(column: "v_nummer", as: String.self))) != nil })
            let phases = Set(try rows.map { try $0.decode(column: "phase", as: String.self) })
            #expect(phases == Set(TrajectFase.allCases.map(\.rawValue)), "people in every phase of the chain")
            let groups = try rows.compactMap { Doelgroep(rawValue: try $0.decode(column: "doelgroep", as: String.self))?.categorie }
            #expect(groups.count == 300, "every doelgroep is one of DUO's")
            #expect(Set(groups) == Set(DoelgroepCategorie.allCases), "both target groups")
            // Loading twice is refused: demo data only goes into an empty database.
            await #expect(throws: DemoData.DemoError.self) {
                try await DemoData(database: database).load(people: 1, today: today, bcryptCost: 4)
            }
        }
    }

    @Test("The same seed gives the same people; another seed gives others")
    func deterministic() async throws {
        func names(seed: UInt64) async throws -> [String] {
            var names: [String] = []
            try await TestDatabase.with(.sqlite) { database in
                try await DemoData(database: database).load(people: 40, seed: seed, today: Date(timeIntervalSince1970: 1_795_000_000), bcryptCost: 4)
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
