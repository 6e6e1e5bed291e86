import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inburgering
import RegieStorage
import Testing
@testable import RegieServer

/// Issue 22 over HTTP: third parties (R1a), rights per target group (R0), closing for AOW age (R11)
/// and the hours DUO is sent (GevolgdeUren).
@Suite("Law exactness over HTTP: third parties, rights, AOW closing, hours to DUO")
struct LawExactnessHTTPTests {
    /// Person A: kennisgeving 1 September, BRP 15 September 2026, so the PIP is due 24 November (R1).
    @Test("R1a — a request to a third party holds the PIP term; its answer moves the deadline to 2 weeks later; withdrawn, it holds nothing",
          arguments: Engine.available)
    func thirdParties(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.get("/personen/\(person)").body.contains("24 november 2026"))
            let asked = try await browser.post("/personen/\(person)/derden", form: [
                ("party", "Huisarts"), ("subject", "Medische beperkingen"), ("requestedOn", "2026-11-10"),
            ], csrf: csrf)
            #expect(asked.status == .seeOther)
            #expect(try await browser.get("/personen/\(person)").body.contains("Wacht op informatie van derden"))
            let scope = TenantScope(municipalityCodes: ["GM0988"])
            let request = try #require(try await app.services.casework.listDerdenVerzoeken(personId: person, scope: scope).first)
            // An answer before the question is refused and keeps what was typed.
            let early = try await browser.post("/personen/\(person)/derden/\(request.id)/ontvangen", form: [("receivedOn", "2026-11-01")], csrf: csrf)
            #expect(early.status == .unprocessableContent)
            #expect(early.body.contains("De ontvangstdatum ligt vóór de datum van het verzoek."))
            #expect(early.body.contains("value=\"2026-11-01\""))
            let received = try await browser.post("/personen/\(person)/derden/\(request.id)/ontvangen", form: [("receivedOn", "2026-11-17")], csrf: csrf)
            #expect(received.status == .seeOther)
            let moved = try await browser.get("/personen/\(person)").body
            #expect(moved.contains("1 december 2026"), "received 17 November: the PIP is due 2 weeks later (R1a)")
            #expect(moved.contains("Verschoven: informatie van derden kwam later"))
            let withdrawn = try await browser.post("/personen/\(person)/derden/\(request.id)/intrekken", form: [("reason", "Verkeerd dossier")], csrf: csrf)
            #expect(withdrawn.status == .seeOther)
            let back = try await browser.get("/personen/\(person)").body
            #expect(back.contains("24 november 2026") && !back.contains("1 december 2026"))
            let page = try await browser.get("/personen/\(person)/derden").body
            #expect(page.contains("Ingetrokken: Verkeerd dossier"), "the withdrawn request and its reason stay")
            let timeline = try await app.services.casework.listEvents(personId: person, scope: scope).map(\.kind)
            #expect(Set(["derden.gevraagd", "derden.ontvangen", "derden.ingetrokken"]).isSubset(of: Set(timeline)))
        }
    }

    @Test("R0 — the person's rights by target group are on the case file and in the API", arguments: [Engine.sqlite])
    func rights(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(app.world.personA)").body
            #expect(page.contains("Maatschappelijke begeleiding</dt><dd>Ja</dd>"))
            #expect(page.contains("Participatie-uren Z-route</dt><dd>800 uur</dd>"))
            let key = try await APITests.createKey(client)
            let reply = try await APICaseworkTests.send(client, .get, "/api/v1/cases/\(app.world.personA)", key: key)
            let rights = try #require(reply.json["rights"] as? [String: Any])
            #expect(rights["maatschappelijkeBegeleiding"] as? Bool == true)
            #expect(rights["inburgeringsaanbod"] as? Bool == true)
            #expect(rights["leningDUO"] as? Bool == false)
            #expect(rights["zRouteParticipatieuren"] as? Int == 800)
        }
    }

    @Test("R11 — closing for AOW age is refused before the AOW date; the form keeps what was chosen", arguments: [Engine.sqlite])
    func aowClosing(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let refused = try await browser.post("/personen/\(app.world.personA)/afsluiten", form: [("reason", "aowLeeftijd"), ("closeDate", "2026-11-18")], csrf: csrf)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Sluiten wegens de AOW-leeftijd kan vanaf"))
            let traject = try await app.services.persons.fetchTraject(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(traject?.closedDate == nil, "the case stays open with its terms")
        }
    }

    @Test("GevolgdeUren — route course hours and all participation hours go to DUO as running totals", arguments: Engine.available)
    func hoursToDUO(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            for (kind, hours, intake) in [("cursus", "10", false), ("cursus", "6", false), ("cursus", "3", true), ("participatie", "5", true), ("participatie", "7", false)] {
                let form = [("periodEnd", "2026-11-15"), ("uren-\(kind)", hours)] + (intake ? [("duringIntake", "ja")] : [])
                #expect(try await browser.post("/personen/\(person)/voortgang/uren", form: form, csrf: csrf).status == .seeOther)
            }
            let rows = try await app.services.database.sql.raw("SELECT kind, body FROM duo_outbox WHERE person_id = \(bind: person) ORDER BY seq").all()
            let sent = try rows.map { (try $0.decode(column: "kind", as: String.self), try $0.decode(column: "body", as: String.self)) }
            func last(_ kind: String) -> Int? {
                sent.last { $0.0 == kind }.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.1.utf8))) as? [String: Any] }?["uren"] as? Int
            }
            #expect(last("uren.participatietaalles") == 16, "route course hours, without the intake's")
            #expect(last("uren.taallesknm") == 3, "course hours during the brede intake")
            #expect(last("uren.participatie") == 12, "participation hours, the intake's included (Besluit art. 3.14)")
        }
    }

    @Test("R13 — the figures page shows the CBS delivery window: open for the last quarter, else the next one", arguments: [Engine.sqlite])
    func cbsDelivery(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.beleidsmedewerker))
            // 18 November 2026: the window for the third quarter closed on 28 October.
            let page = try await browser.get("/cijfers").body
            #expect(page.contains("Volgende levering aan CBS, over kwartaal 4 van 2026: van 1 januari 2027 tot en met 28 januari 2027."))
            #expect(FiguresController.cbsText(today: CalendarDate(iso: "2026-10-20")!, Localizer(catalogue: app.services.catalogue, locale: .nl))
                == "Levering aan CBS over kwartaal 3 van 2026: uiterlijk 28 oktober 2026 (nog 8 dagen).")
        }
    }

    @Test("R7b — a switch saved inside the 18 months but fixed after them is refused at fixing, on its dagtekening (Wi2021 art. 15)",
          arguments: [Engine.sqlite])
    func switchFixedTooLate(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            var csrf = try await browser.login(World.email(.consulent))
            try await CaseworkAfterPIPTests.fixPIP(browser, person, csrf: csrf)   // dagtekening 18 November 2026: window until 18 May 2028
            let toZ = CaseworkTests.completeConcept.map { $0.0 == "leerroute" ? ("leerroute", "z") : $0 }
                + [("niveau", "A2"), ("changeReason", "overig"), ("changeNote", "Past beter bij de leerbaarheid.")]
            let saved = try await browser.post("/personen/\(person)/pip", form: toZ, csrf: csrf)
            #expect(saved.status == .seeOther, "inside the window the concept is saved: \(saved.body.components(separatedBy: "field-error").dropFirst().first?.prefix(200) ?? "")")
            // Nineteen months later the concept is fixed.
            app.clock.advance(19 * 31 * 86_400)
            csrf = try await browser.login(World.email(.consulent))
            let today = CalendarDate.today(now: app.clock.now).iso
            let refused = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", today)], csrf: csrf)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Schakelen naar een andere leerroute kon tot en met 18 mei 2028"))
            let versions = try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(versions.map(\.status) == [.vastgesteld, .concept], "the switch was not fixed")
            // Dated back inside the window it may be fixed, and the switch is recorded on that day.
            let inTime = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2028-05-18")], csrf: csrf)
            #expect(inTime.status == .seeOther)
            let events = try await app.services.casework.listEvents(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(events.contains { $0.kind == "pip.schakelen" && $0.eventDate == "2028-05-18" && $0.detail == "b1>z" })
        }
    }

    @Test("A late PIP reads 'Vastgesteld, 14 dagen te laat', not 'Gehaald' (R1)", arguments: [Engine.sqlite])
    func latePIPWording(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            // The PIP was due on 24 November 2026; it is fixed on 8 December.
            app.clock.advance(20 * 86_400)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf)
            // The fixing page states what the date typed means, without fixing.
            let check = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-12-01"), ("controleer", "1")], csrf: csrf)
            #expect(check.status == .ok)
            #expect(check.body.contains("2 december 2026"), "the term starts the day after the date typed")
            #expect(check.body.contains("id=\"delayReason\""), "a date after the 10 weeks asks why")
            // "Another reason" needs its explanation; what was typed stays.
            let noNote = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-12-08"), ("delayReason", "overig")], csrf: csrf)
            #expect(noNote.status == .badRequest)
            #expect(noNote.body.contains("Toelichting"))
            let fixed = try await browser.post("/personen/\(person)/pip/vaststellen", form: [
                ("dagtekening", "2026-12-08"), ("delayReason", "overig"), ("delayNote", "Dossier lag bij een zieke collega"),
            ], csrf: csrf)
            #expect(fixed.status == .seeOther)
            let page = try await browser.get("/personen/\(person)").body
            #expect(page.contains("term--metLate"))
            #expect(page.contains(">Vastgesteld</span> <span class=\"term-remaining\">14 dagen te laat, op 8 december 2026"))
            #expect(!page.contains("te laat gehaald"))
            #expect(page.contains("Andere reden: Dossier lag bij een zieke collega"))
        }
    }
}
