import Foundation
import HTTPTypes
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

@Suite("Letters: one layout with the municipality's letterhead, the addressee in the envelope window, kenmerk and contact person; a decision always in Dutch")
struct LetterTests {
    static func settingsForm(_ extra: [(String, String)]) -> [(String, String)] {
        var values: [(String, String)] = [("gemeente", "GM0988"), ("caseloadNorm", "80"), ("eersteJaar", "3"), ("daarna", "6"), ("step1", "waarschuwing")]
        for window in ["pipVaststelling", "inburgeringstermijn", "schakelVenster", "aanbodStart", "voortgangsgesprek", "ontzorgenEinde", "ontzorgenEvaluatie", "aowLeeftijd", "cbsLevering"] {
            values.append(("window-\(window)", "14"))
        }
        return values + extra
    }

    static let letterhead: [(String, String)] = [
        ("letterhead-name", "Gemeente Weert"), ("letterhead-visitingAddress", "Wilhelminasingel 101\n6001 GS Weert"),
        ("letterhead-postalAddress", "Postbus 950\n6000 AZ Weert"), ("letterhead-phone", "0495 575 000"), ("letterhead-website", "https://www.weert.nl"),
        ("letterhead-signatoryName", "J. Jansen"), ("letterhead-mandateLine", "namens dezen, de teamleider inburgering"),
        ("letterhead-bezwaarAddress", "Het college van burgemeester en wethouders van Weert\nPostbus 950\n6000 AZ Weert"),
    ]

    @Test("The beheerder sets the letterhead, signatory and bezwaar address per municipality; a wrong website is refused and what was typed kept", arguments: Engine.available)
    func letterheadSettings(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let csrf = try await admin.login(World.email(.functioneelBeheerder))
            let wrong = try await admin.post("/beheer/instellingen", form: Self.settingsForm([("letterhead-website", "weert nl"), ("letterhead-name", "Gemeente Weert")]), csrf: csrf)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("Website klopt niet"))
            #expect(wrong.body.contains("value=\"weert nl\""))
            let saved = try await admin.post("/beheer/instellingen", form: Self.settingsForm(Self.letterhead), csrf: csrf)
            #expect(saved.status == .seeOther)
            let stored = try await app.services.settings.fetch("GM0988").letterhead
            #expect(stored.signatoryName == "J. Jansen")
            #expect(stored.postalAddress == "Postbus 950\n6000 AZ Weert")
            #expect(try await app.services.settings.fetch("GM1706").letterhead == Letterhead(), "another municipality keeps its own")
        }
    }

    @Test("The PIP beschikking: letterhead, addressee, kenmerk, contact person, salutation, signatory, bezwaar address — in Dutch for a user whose language is English", arguments: Engine.available)
    func pipLetter(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let adminCsrf = try await admin.login(World.email(.functioneelBeheerder))
            #expect(try await admin.post("/beheer/instellingen", form: Self.settingsForm(Self.letterhead), csrf: adminCsrf).status == .seeOther)

            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let before = try await browser.get("/personen/\(person)/pip/1/brief")
            #expect(before.status == .notFound)
            _ = try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf)
            let noAddress = try await browser.get("/personen/\(person)/pip/1/brief")
            #expect(noAddress.body.contains("Geen adres bekend"), "a letter without an address says so where the address goes")
            _ = try await browser.post("/personen/\(person)/adres", form: [("woon-straat", "Markt"), ("woon-huisnummer", "12a"), ("woon-postcode", "6001 ab"),
                                                                         ("woon-plaats", "Weert")], csrf: csrf)
            _ = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            // The consulent gives a phone number for letters on their account page (a wrong one is refused and kept)…
            let wrongPhone = try await browser.post("/account/telefoon", form: [("phone", "bel mij")], csrf: csrf)
            #expect(wrongPhone.status == .badRequest)
            #expect(wrongPhone.body.contains("Telefoonnummer klopt niet") && wrongPhone.body.contains("value=\"bel mij\""))
            #expect(try await browser.post("/account/telefoon", form: [("phone", "06 11122233")], csrf: csrf).location == "/account?melding=telefoon")
            #expect(try await app.services.audit.search(.init(actorId: "a-consulent"), before: nil, limit: 1).rows.first?.action == "account.phone.change")
            // … and works in English; the beschikking stays Dutch.
            #expect(try await browser.post("/account/taal", form: [("locale", "en")], csrf: csrf).status == .seeOther)
            let english = browser
            #expect(try await english.get("/personen/\(person)").body.contains("lang=\"en\""), "the interface itself is English")
            let letter = try await english.get("/personen/\(person)/pip/1/brief")
            #expect(letter.status == .ok)
            let body = letter.body
            #expect(body.contains("<html lang=\"nl\">"))
            for text in ["Gemeente Weert", "Postbus 950", "https://www.weert.nl",
                         "Amal Haddad", "Markt 12A", "6001 AB  WEERT",
                         "Ons kenmerk", "Contactpersoon", "consulent A", "06 11122233", "consulent@a.example",
                         "Geachte mevrouw Haddad,", "Bent u het niet eens met dit besluit?", "Uw bezwaarschrift stuurt u naar:",
                         "Het college van burgemeester en wethouders van Weert\nPostbus 950", "J. Jansen", "namens dezen, de teamleider inburgering",
                         "Datum", "18 november 2026", "Onderwerp"] {
                #expect(body.contains(text), "\(text)")
            }
            for english in ["Our reference", "Contact person", "Dear ", "Subject", "objection"] {
                #expect(!body.contains(english), "\(english)")
            }
            // The kenmerk is the case's stable number with the version: the same on every print.
            let kenmerk = try #require(body.range(of: #"GM0988-[0-9A-Z]{8}/PIP-1"#, options: .regularExpression).map { String(body[$0]) })
            #expect(try await english.get("/personen/\(person)/pip/1/brief").body.contains(kenmerk))
            // The optional annex summarises the decision in plain English; the decision itself stays Dutch.
            let annexed = try await english.get("/personen/\(person)/pip/1/brief?bijlage=en").body
            #expect(annexed.contains("<section class=\"letter__annex\" lang=\"en\">"))
            #expect(annexed.contains("Annex: this letter in plain words"))
            #expect(annexed.contains("We have decided: you follow the B1 route."))
            #expect(annexed.contains("You must finish your civic integration between 19 November 2026 and 18 November 2029."))
            #expect(annexed.contains("Bent u het niet eens met dit besluit?") && annexed.contains("<html lang=\"nl\">"))
            #expect(!body.contains("letter__annex\" lang"), "no annex unless asked for")
            // The address block sits in the envelope window's frame.
            #expect(body.contains("<address class=\"letter__address\""))
        }
    }

    @Test("A beschikking marked as sent is kept exactly as sent, with its date and stylesheet, after the settings change; a concept cannot be sent", arguments: Engine.available)
    func keptAsSent(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let adminCsrf = try await admin.login(World.email(.functioneelBeheerder))
            #expect(try await admin.post("/beheer/instellingen", form: Self.settingsForm(Self.letterhead), csrf: adminCsrf).status == .seeOther)
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf)
            let concept = try await browser.post("/personen/\(person)/brieven", form: [("soort", "pip"), ("versie", "1")], csrf: csrf)
            #expect(concept.status == .conflict)
            _ = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            let sent = try await browser.post("/personen/\(person)/brieven", form: [("soort", "pip"), ("versie", "1")], csrf: csrf)
            #expect(sent.status == .seeOther)
            let pipPage = try await browser.get(try #require(sent.location))
            #expect(pipPage.body.contains("De brief is als verzonden bewaard in het dossier."))
            let href = try #require(pipPage.body.range(of: #"/personen/[^"/]+/brieven/[0-9a-f-]{36}"#, options: .regularExpression).map { String(pipPage.body[$0]) })
            // The municipality changes its signatory afterwards: the kept letter does not change, a new print does.
            let changed = Self.letterhead.map { $0.0 == "letterhead-signatoryName" ? ($0.0, "P. Pietersen") : $0 }
            #expect(try await admin.post("/beheer/instellingen", form: Self.settingsForm(changed), csrf: adminCsrf).status == .seeOther)
            let kept = try await browser.get(href)
            #expect(kept.status == .ok)
            #expect(kept.body.contains("J. Jansen") && !kept.body.contains("P. Pietersen"))
            #expect(kept.body.contains("href=\"\(href)/stijl.css\""), "the kept letter links to the stylesheet kept with it")
            let style = try await browser.get(href + "/stijl.css")
            #expect(style.status == .ok && style.body.contains(".letter__address"))
            #expect(try await browser.get("/personen/\(person)/pip/1/brief").body.contains("P. Pietersen"))
            let stored = try await app.database.sql.raw("SELECT document_sealed, sent_date FROM sent_letters").first()
            #expect(try stored?.decode(column: "sent_date", as: String.self) == CalendarDate.today(now: app.clock.now).iso)
            #expect(try !(stored?.decode(column: "document_sealed", as: String.self) ?? "J. Jansen").contains("J. Jansen"), "sealed at rest")
            let actions = try await app.services.audit.search(.init(personId: person), before: nil, limit: 20).rows.map(\.action)
            #expect(actions.contains("casework.letter.send") && actions.contains("casework.letter.view"))
            #expect(try await browser.get("/personen/\(person)").body.contains("Brief verzonden: Uw persoonlijk plan inburgering en participatie (PIP)"))
        }
    }

    @Test("The ontzorgen statement uses the same layout, in the newcomer's language, with the kenmerk and the contact person", arguments: Engine.available)
    func statement(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(app.world.personA)/adres", form: [("woon-straat", "Markt"), ("woon-huisnummer", "1"), ("woon-postcode", "6001 AB"),
                                                                                    ("woon-plaats", "Weert")], csrf: csrf)
            try await OntzorgenTests.seed(app)
            let (budget, _) = try await OntzorgenTests.arrange(client, app, person: app.world.personA, benefit: "1.315,00", rent: "650")
            // The budgetbeheerder works in English; the statement is Dutch unless another language is asked for.
            try await app.database.sql.raw("UPDATE users SET locale = 'en' WHERE id = 'a-budgetbeheerder'").run()
            #expect(try await budget.get("/personen/\(app.world.personA)/ontzorgen").body.contains("<html lang=\"en\">"), "the interface is English")
            let dutch = try await budget.get("/personen/\(app.world.personA)/ontzorgen/overzicht?maand=2026-12")
            #expect(dutch.status == .ok)
            for text in ["Markt 1", "6001 AB  WEERT", "Ons kenmerk", "/ONT-2026-12", "Contactpersoon", "consulent A", "Geachte mevrouw Haddad,"] {
                #expect(dutch.body.contains(text), "\(text)")
            }
            let english = try await budget.get("/personen/\(app.world.personA)/ontzorgen/overzicht?maand=2026-12&taal=en")
            #expect(english.body.contains("Our reference"))
            #expect(english.body.contains("Dear Amal Haddad,"))
            #expect(english.body.contains("6001 AB  WEERT"), "the address stays as the post delivers it")
        }
    }
}
