import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

/// A closed case takes no new plan: a PIP concept or fix, a route decision or a route start on it is
/// refused with 409 and says why, on the web and through the API; nothing is stored.
@Suite("A closed case takes no new plan")
struct ClosedCaseTests {
    static let message = "Dit dossier is afgesloten: er kan geen nieuw PIP, routebesluit of start van de leerroute meer bij."

    @Test("Each planning action on a closed case is refused", arguments: [
        ("/pip", CaseworkTests.completeConcept),
        ("/pip/vaststellen", [("dagtekening", "2026-11-18")]),
        ("/route", [("leerroute", "b1"), ("considerations", "Past bij de uitslag.")]),
        ("/voortgang/start", [("startDate", "2026-11-18")]),
    ])
    func refused(path: String, form: [(String, String)]) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            // A concept to fix, then the case closes (the newcomer moved away).
            #expect(try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf).status == .seeOther)
            let closed = try await browser.post("/personen/\(person)/afsluiten", form: [("reason", "verhuisd"), ("closeDate", "2026-11-18")], csrf: csrf)
            #expect(closed.status == .seeOther)
            let before = try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            let refused = try await browser.post("/personen/\(person)\(path)", form: form, csrf: csrf)
            #expect(refused.status == .conflict)
            #expect(refused.body.contains(Self.message))
            let after = try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(after == before, "nothing stored")
            #expect(try await CaseworkTests.traject(app, person: person)?.routeStartDate == nil)
        }
    }

    @Test("Through the API too: 409 problem+json naming the field, nothing stored")
    func api() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let key = try await APITests.createKey(client)
            let close = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/close", key: key,
                                                        body: ["reason": "verhuisd", "closeDate": "2026-11-18"])
            #expect(close.status == .ok)
            let start = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/route-start", key: key, body: ["startDate": "2026-11-18"])
            #expect(start.status == .conflict)
            #expect(start.problems["body.startDate"] == Self.message)
            let concept = try await APICaseworkTests.send(client, .put, "/api/v1/cases/\(person)/pips/concept", key: key, body: ["leerroute": "b1"])
            #expect(concept.status == .conflict)
            #expect(concept.problems["body.leerroute"] == Self.message)
            #expect(try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).isEmpty)
        }
    }
}
