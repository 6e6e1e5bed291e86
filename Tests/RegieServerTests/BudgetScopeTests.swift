import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

/// A budget manager works in Ontzorgen and sees only those who may be ontzorgd: asylum permit
/// holders (Participatiewet art. 56a), never family migrants.
@Suite("The budget manager: lands on Ontzorgen and sees asylum permit holders only")
struct BudgetScopeTests {
    @Test("Landing, navigation, a family migrant's file (404) and the API's case list", arguments: Engine.available)
    func budgetScope(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await app.services.database.sql.raw("UPDATE persons SET doelgroep = 'Gezinsvormer' WHERE id = \(bind: app.world.personA2)").run()
            let browser = Browser(client)
            _ = try await browser.login(World.email(.budgetbeheerder))
            let home = try await browser.get("/")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/ontzorgen")
            let ontzorgen = try await browser.get("/ontzorgen")
            #expect(ontzorgen.status == .ok)
            #expect(!ontzorgen.body.contains(">Werkvoorraad<"), "no integration werkvoorraad in the navigation")
            #expect(try await browser.get("/personen/\(app.world.personA)").status == .ok, "an asylum permit holder's file opens")
            #expect(try await browser.get("/personen/\(app.world.personA2)").status == .notFound, "a family migrant's file does not exist for them")
            // A consulent of the same organisation still sees both.
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/personen/\(app.world.personA2)").status == .ok)
            // Over the API, a budget manager's key lists asylum permit holders only.
            let key = try await APITests.createKey(client, role: "budgetbeheerder")
            let list = try await APICaseworkTests.send(client, .get, "/api/v1/cases", key: key)
            let ids = (list.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains(app.world.personA) && !ids.contains(app.world.personA2))
        }
    }
}
