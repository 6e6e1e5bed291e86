import Foundation
import Hummingbird
import HummingbirdTesting
import Inburgering
import RegieStorage
import Testing
@testable import RegieServer

/// The letters of enforcement steps (a warning, a fine decision) in the one letter frame, always in
/// Dutch; any letter — a beschikking, an enforcement letter, an invitation — kept as sent and listed
/// on the person's "Verzonden brieven" (issue 16 item 2).
@Suite("Enforcement letters and letters kept as sent")
struct EnforcementLetterTests {
    static let weert = TenantScope(municipalityCodes: ["GM0988"])

    static func steps(_ browser: Browser, _ person: String, csrf: String) async throws {
        #expect(try await browser.post("/personen/\(person)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-10")],
                                       csrf: csrf).status == .seeOther)
        #expect(try await browser.post("/personen/\(person)/handhaving", form: [
            ("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-17"), ("efforts", "Drie uitnodigingen met tolk, huisbezoek op 12 november."),
            ("circumstances", "Geen ziekte of zorgtaken gevonden."), ("culpable", "ja"),
        ], csrf: csrf).status == .seeOther)
    }

    @Test("A warning and a fine decision print in Dutch for an English reader: what was found, the assessment, the amount, payment and bezwaar", arguments: Engine.available)
    func letters(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            try await app.services.users.updateLocale(userId: "a-consulent", locale: "en")
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await Self.steps(browser, person, csrf: csrf)
            let records = try await app.services.casework.listHandhavingen(personId: person, scope: Self.weert)
            let (warning, fine) = (try #require(records.first), try #require(records.last))
            let page = try await browser.get("/personen/\(person)/handhaving")
            #expect(page.body.contains("href=\"/personen/\(person)/handhaving/\(warning.id)/brief\""))

            let w = try await browser.get("/personen/\(person)/handhaving/\(warning.id)/brief")
            #expect(w.status == .ok)
            #expect(w.body.contains("<html lang=\"nl\">"))
            #expect(w.body.contains("Wij hebben vastgesteld dat u niet hebt meegewerkt aan de brede intake."))
            #expect(w.body.contains("Met deze brief geven wij u een waarschuwing."))
            #expect(w.body.contains("ten hoogste € 800"))
            #expect(!w.body.contains("Bent u het niet eens met dit besluit?"), "a warning is not a decision")
            #expect(w.body.contains("/HH-\(warning.id.prefix(6).uppercased())"), "the kenmerk names the step")

            let f = try await browser.get("/personen/\(person)/handhaving/\(fine.id)/brief")
            #expect(f.body.contains("Besluit: bestuurlijke boete"))
            #expect(f.body.contains("Wij leggen u een bestuurlijke boete op van € 250,00, omdat u niet hebt meegewerkt aan de brede intake."))
            #expect(f.body.contains("Eerder ontving u van ons: Waarschuwing (10 november 2026)."))
            #expect(f.body.contains("Drie uitnodigingen met tolk, huisbezoek op 12 november."))
            #expect(f.body.contains("Geen ziekte of zorgtaken gevonden."))
            #expect(f.body.contains("artikel 5:41 van de Algemene wet bestuursrecht"))
            #expect(f.body.contains("binnen zes weken na de datum van deze brief betalen"))
            #expect(f.body.contains("Bent u het niet eens met dit besluit?"))
            #expect(!f.body.contains("We impose"), "never the reader's English")
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.enforcement.letter"))
            // A withdrawn step has no letter any more.
            _ = try await browser.post("/personen/\(person)/intrekken/handhaving/\(fine.id)", form: [("reason", "Verkeerde datum")], csrf: csrf)
            #expect(try await browser.get("/personen/\(person)/handhaving/\(fine.id)/brief").status == .notFound)
        }
    }

    @Test("An enforcement letter and an invitation kept as sent are listed on the person's letters; another organisation gets 404", arguments: Engine.available)
    func sent(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await Self.steps(browser, person, csrf: csrf)
            let fine = try #require(try await app.services.casework.listHandhavingen(personId: person, scope: Self.weert).last)
            #expect(try await browser.get("/personen/\(person)/brieven").body.contains("Er is nog geen brief als verzonden bewaard."))

            let kept = try await browser.post("/personen/\(person)/brieven", form: [("soort", "handhaving"), ("stap", fine.id)], csrf: csrf)
            #expect(kept.location == "/personen/\(person)/handhaving?melding=verzonden")
            #expect(try await browser.get(try #require(kept.location)).body.contains("De brief is als verzonden bewaard."))
            let afspraak = try await AgendaTests.planned(browser, csrf: csrf)
            let invitation = try await browser.post("/personen/\(person)/brieven", form: [("soort", "uitnodiging"), ("afspraak", afspraak)], csrf: csrf)
            #expect(invitation.location == "/personen/\(person)/afspraken/\(afspraak)?melding=verzonden")

            let list = try await browser.get("/personen/\(person)/brieven")
            #expect(list.body.contains("Besluit: bestuurlijke boete"))
            #expect(list.body.contains("Uitnodiging voor een afspraak: intakegesprek"))
            let letters = try await app.services.letters.list(personId: person, scope: Self.weert)
            #expect(Set(letters.map(\.kind)) == ["handhaving", "uitnodiging"])
            let shown = try await browser.get("/personen/\(person)/brieven/\(try #require(letters.first { $0.kind == "handhaving" }).id)")
            #expect(shown.body.contains("Wij leggen u een bestuurlijke boete op"))
            #expect(try await browser.get("/personen/\(person)").body.contains("2 brieven"))
            #expect(try await CaseworkTests.actions(app, person: person).filter { $0 == "casework.letter.send" }.count == 2)

            #expect(try await browser.post("/personen/\(person)/brieven", form: [("soort", "onbekend")], csrf: csrf).status == .notFound)
            #expect(try await browser.post("/personen/\(person)/brieven", form: [("soort", "handhaving"), ("stap", "x")], csrf: csrf).status == .notFound)
            let other = Browser(client)
            let otherCsrf = try await other.login(World.email(.consulent, "b"))
            #expect(try await other.post("/personen/\(person)/brieven", form: [("soort", "handhaving"), ("stap", fine.id)], csrf: otherCsrf).status == .notFound)
            #expect(try await other.get("/personen/\(person)/brieven").status == .notFound)
        }
    }

    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!

    @Test("A municipality's logo (PNG or JPEG, at most 200 kB) stands on its letters and council overview; a letter kept as sent keeps it", arguments: Engine.available)
    func logo(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let beheer = Browser(client)
            let beheerCsrf = try await beheer.login(World.email(.functioneelBeheerder))
            let refused = try await beheer.postFile("/beheer/instellingen/logo", form: [("gemeente", "GM0988")],
                                                    file: ("logo", "logo.svg", "image/svg+xml", Data("<svg onload=alert(1)></svg>".utf8)), csrf: beheerCsrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Het logo moet een PNG- of JPEG-bestand zijn."))
            let large = try await beheer.postFile("/beheer/instellingen/logo", form: [("gemeente", "GM0988")],
                                                  file: ("logo", "groot.png", "image/png", Self.png + Data(count: 210 * 1024)), csrf: beheerCsrf)
            #expect(large.status == .badRequest)
            #expect(large.body.contains("Het logo is te groot: hoogstens 200 kB."))
            #expect(try await app.services.settings.fetchLogo("GM0988") == nil)
            let saved = try await beheer.postFile("/beheer/instellingen/logo", form: [("gemeente", "GM0988")],
                                                  file: ("logo", "weert.png", "application/octet-stream", Self.png), csrf: beheerCsrf)
            #expect(saved.location == "/beheer/instellingen?gemeente=GM0988&melding=logo#logo-kop")
            let dataURI = "data:image/png;base64," + Self.png.base64EncodedString()
            #expect(try await beheer.get("/beheer/instellingen?gemeente=GM0988").body.contains("src=\"\(dataURI)\""))

            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            #expect(try await lead.get("/cijfers/raad?kwartaal=2026-3&gemeente=GM0988").body.contains("<img class=\"council__logo\" src=\"\(dataURI)\""))
            #expect(!(try await lead.get("/cijfers/raad?kwartaal=2026-3&gemeente=alle").body.contains("council__logo")), "several municipalities: no one logo")

            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/beheer/instellingen/logo", form: [("gemeente", "GM0988"), ("actie", "verwijderen")], csrf: csrf).status == .forbidden)
            _ = try await browser.post("/personen/\(person)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-10")], csrf: csrf)
            let step = try #require(try await app.services.casework.listHandhavingen(personId: person, scope: Self.weert).first)
            #expect(try await browser.get("/personen/\(person)/handhaving/\(step.id)/brief").body.contains("<img class=\"letter__logo\" src=\"\(dataURI)\" alt=\"Gemeente Weert\""))
            _ = try await browser.post("/personen/\(person)/brieven", form: [("soort", "handhaving"), ("stap", step.id)], csrf: csrf)

            let removed = try await beheer.post("/beheer/instellingen/logo", form: [("gemeente", "GM0988"), ("actie", "verwijderen")], csrf: beheerCsrf)
            #expect(removed.location == "/beheer/instellingen?gemeente=GM0988&melding=logoWeg#logo-kop")
            #expect(!(try await browser.get("/personen/\(person)/handhaving/\(step.id)/brief").body.contains("letter__logo")))
            let kept = try #require(try await app.services.letters.list(personId: person, scope: Self.weert).first)
            #expect(try await browser.get("/personen/\(person)/brieven/\(kept.id)").body.contains(dataURI), "the letter as sent keeps the logo of that day")
            let updates = try await app.database.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.update' AND detail LIKE 'GM0988: logo%'")
                .first()?.decode(column: "n", as: Int.self)
            #expect(updates == 2, "saving and removing the logo are audited")
        }
    }
}
