import Foundation
import HTTPTypes
import Inburgering
import RegieServer
import RegieStorage
import Testing

@Suite("Addresses: typed with Dutch postcode and house-number checks, shown on the file, changed with history, audited")
struct AddressHTTPTests {
    @Test("A wrong postcode or house number is refused beside its field with what was typed; a good address is saved, shown and audited; a change keeps the old one", arguments: Engine.available)
    func addressLifecycle(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let path = "/personen/\(app.world.personA)/adres"
            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.body.contains("Woonadres") && form.body.contains("Correspondentieadres"))

            let invalid = try await browser.post(path, form: [("woon-straat", "Markt"), ("woon-huisnummer", "0"), ("woon-postcode", "6001 SS"),
                                                              ("woon-plaats", "Weert"), ("post-straat", "Postbus")], csrf: csrf)
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.contains("Huisnummer klopt niet: het nummer ligt tussen 1 en 99999."))
            #expect(invalid.body.contains("de letters SA, SD en SS komen in Nederlandse postcodes niet voor"))
            #expect(invalid.body.contains("href=\"#post-postcode\""), "a half-filled correspondence address asks for its missing parts")
            #expect(invalid.body.contains("value=\"6001 SS\""), "what was typed is kept")
            #expect(try await app.services.persons.currentAddresses(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"])).isEmpty)

            let saved = try await browser.post(path, form: [("woon-straat", "Wilhelminasingel"), ("woon-huisnummer", "101a"), ("woon-postcode", "6001gs"),
                                                            ("woon-plaats", "Weert")], csrf: csrf)
            #expect(saved.status == .seeOther)
            var file = try await browser.get(try #require(saved.location))
            #expect(file.body.contains("Wilhelminasingel 101A, 6001 GS Weert"))
            #expect(file.body.contains("Het adres is opgeslagen."))
            let entry = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 5).rows.first { $0.action == "person.address.update" }
            #expect(entry?.detail == "gewijzigd: woonadres", "names what changed, never the address")

            // Moving: the new address is current, the old one stays in the history and the timeline.
            app.clock.advance(60)
            let moved = try await browser.post(path, form: [("woon-straat", "Markt"), ("woon-huisnummer", "12-2"), ("woon-postcode", "6001 AB"),
                                                            ("woon-plaats", "Weert"), ("post-straat", "Beekstraat"), ("post-huisnummer", "1"),
                                                            ("post-postcode", "6001 AC"), ("post-plaats", "Weert")], csrf: csrf)
            #expect(moved.status == .seeOther)
            file = try await browser.get("/personen/\(app.world.personA)")
            #expect(file.body.contains("Markt 12-2, 6001 AB Weert"))
            #expect(file.body.contains("Woonadres gewijzigd: was Wilhelminasingel 101A, 6001 GS Weert, nu Markt 12-2, 6001 AB Weert"))
            let history = try await app.services.persons.addressHistory(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(history.count == 3)
            #expect(history.filter { $0.replacedAt == nil }.map(\.address.street).sorted() == ["Beekstraat", "Markt"])
            #expect(history.contains { $0.address.street == "Wilhelminasingel" && $0.replacedAt != nil })
            let page = try await browser.get(path)
            #expect(page.body.contains("Wilhelminasingel 101A, 6001 GS Weert"), "the form lists the history")
            let latest = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 10).rows.map(\.action)
            #expect(latest.contains("person.address.view"))
        }
    }

    @Test("A role that may not edit persons cannot open the address form", arguments: Engine.available)
    func forbidden(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.budgetbeheerder))
            #expect(try await browser.get("/personen/\(app.world.personA)/adres").status == .forbidden)
        }
    }
}
