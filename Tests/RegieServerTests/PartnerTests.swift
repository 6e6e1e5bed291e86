import Foundation
import HummingbirdTesting
import Inburgering
import RegieStorage
import SQLKit
import Testing
@testable import RegieServer

/// Partner access (issue 18 item 3) over HTTP: the functioneel beheerder makes an account for a
/// provider's member of staff, who sets a password, must set up a second factor, and then sees only
/// the people referred to the provider whose consent runs, and of them only what was consented; a
/// revocation takes the person away at once; every page of the municipality's casework is closed to
/// them; their answer reaches the case's timeline and their reads the municipality's audit log.
@Suite("Partner access: a provider's staff and the people referred to it")
struct PartnerTests {
    static let password = "een lang wachtwoord voor de school"

    /// A provider with an offer, personA referred to it with `consent`; the account's browser signed
    /// in (password set through its link, second factor enrolled). Returns what the test needs.
    static func signedInPartner(_ client: any TestClientProtocol, _ app: AppContext, consent: [String])
        async throws -> (partner: Browser, csrf: String, provider: String, referral: String, consulent: Browser, consulentCSRF: String, admin: Browser, adminCSRF: String) {
        let admin = Browser(client)
        let adminCSRF = try await admin.login(World.email(.functioneelBeheerder))
        let provider = try await ChainTests.addProvider(admin, adminCSRF, name: "Taalschool Weert")
        let offer = try await ChainTests.addOffer(admin, adminCSRF, provider: provider, name: "B1 dag", route: "b1", level: "B1", start: "2027-01-11", capacity: 10, app: app)
        let person = app.world.personA
        try await app.database.sql.raw("UPDATE trajecten SET leerroute = 'b1' WHERE person_id = \(bind: person)").run()
        let consulent = Browser(client)
        let consulentCSRF = try await consulent.login(World.email(.consulent))
        #expect(try await consulent.post("/personen/\(person)/verwijzingen", form: [("offer", offer), ("referredOn", "2026-11-16"), ("note", "Graag snel")]
                                         + consent.map { ("consent", $0) } + (consent.contains("health") ? [("separately", "ja")] : []),
                                         csrf: consulentCSRF).status == .seeOther)
        let referral = try #require(try await app.services.casework.listReferrals(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"])).first).referral.id

        // The beheerder adds the school's teacher; a bad e-mail address is refused and what was typed kept.
        let bad = try await admin.post("/beheer/aanbieders/\(provider)/accounts", form: [("actie", "toevoegen"), ("accountName", "Docent Jansen"),
                                                                                        ("accountEmail", "geen-adres")], csrf: adminCSRF)
        #expect(bad.status == .badRequest && bad.body.contains("value=\"Docent Jansen\""))
        let created = try await admin.post("/beheer/aanbieders/\(provider)/accounts", form: [("actie", "toevoegen"), ("accountName", "Docent Jansen"),
                                                                                            ("accountEmail", "docent@school.example")], csrf: adminCSRF)
        #expect(created.status == .created)
        let range = try #require(created.body.range(of: #"/wachtwoord-instellen/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let link = String(created.body[range])
        let partner = Browser(client)
        let setPage = try await partner.get(link)
        #expect(try await partner.post(link, form: [("new", password), ("confirm", password)], csrf: setPage.csrf).status == .seeOther)
        // The provider's organisation asks for a second factor: no session before it is set up.
        let form = try await partner.get("/inloggen")
        let signIn = try await partner.post("/inloggen", form: [("email", "docent@school.example"), ("password", password)], csrf: form.csrf)
        #expect(signIn.location == "/inloggen/tweede-factor")
        let enrol = try await partner.get("/inloggen/tweede-factor")
        let secret = try SecondFactorTests.key(enrol)
        #expect(try await partner.post("/inloggen/tweede-factor", form: [("code", SecondFactorTests.code(secret, app))], csrf: enrol.csrf).status == .ok)
        let home = try await partner.get("/")
        #expect(home.location == "/aanbieder", "a provider's staff land on their referrals")
        let csrf = try #require(try await partner.get("/aanbieder").csrf)
        return (partner, csrf, provider, referral, consulent, consulentCSRF, admin, adminCSRF)
    }

    @Test("A provider's staff see the referred person's consented data only; revoking consent takes the person away at once", arguments: Engine.available)
    func consentedOnly(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await Self.signedInPartner(client, app, consent: ["identity", "route"])
            let person = app.world.personA
            let list = try await s.partner.get("/aanbieder")
            #expect(list.status == .ok)
            #expect(list.body.contains("Amal Haddad") && list.body.contains("B1 dag") && list.body.contains("Verwezen, wacht op antwoord"))
            #expect(!list.body.contains("Werkvoorraad"), "no menu of the municipality's casework")
            let page = try await s.partner.get("/aanbieder/verwijzingen/\(s.referral)")
            #expect(page.status == .ok)
            #expect(page.body.contains("Identiteit en contact") && page.body.contains("Arabisch (tolk nodig)"))
            #expect(page.body.contains("Leerroute en niveau") && page.body.contains("B1-route"))
            #expect(!page.body.contains("Doelen en afspraken uit het PIP</h2>") && !page.body.contains("<h2 id=\"uren\">"), "goals and hours were not consented")
            #expect(page.body.contains("Niet gedeeld door de inburgeraar:") && page.body.contains("Gezondheid (bijzonder persoonsgegeven)"))
            #expect(page.body.contains("Graag snel"), "the consulent's note for the provider")

            // Every page of the municipality's casework is closed, whatever person it is about.
            for path in ["/personen/\(person)", "/personen/\(person)/pip", "/personen/\(person)/verwijzingen", "/personen/\(person)/brp", "/taken",
                         "/cijfers", "/beheer/aanbieders", "/api/v1/personen/\(person)"] {
                let closed = try await s.partner.get(path)
                #expect([.forbidden, .notFound, .unauthorized].contains(closed.status), "\(path): \(closed.status)")
                #expect(!closed.body.contains("Haddad"), "\(path) shows nothing of the person")
            }

            // The school accepts with a start date: the consulent sees it, with the school's name, on the timeline.
            let accepted = try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/accepteren", form: [("on", "2026-11-18"), ("plannedStart", "2027-01-11")],
                                                    csrf: s.csrf)
            #expect(accepted.location == "/aanbieder/verwijzingen/\(s.referral)?melding=stap")
            #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/intrekken", form: [("on", "2026-11-18"), ("reason", "x")], csrf: s.csrf)
                .status == .notFound, "withdrawing is the municipality's")
            let events = try await app.services.casework.listEvents(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"]))
            #expect(events.contains { $0.kind == "verwijzing.accepted" && $0.actorName.contains("Docent Jansen") && $0.actorName.contains("Taalschool Weert") })
            // Its reads are in the municipality's audit log.
            let audit = try await s.admin.get("/beheer/audit?persoon=\(person)")
            #expect(audit.body.contains("Verwijzing bekeken door aanbieder"))

            // The newcomer withdraws consent: the school sees nothing of them any more, at once.
            #expect(try await s.consulent.post("/personen/\(person)/verwijzingen/\(s.referral)/toestemming-intrekken", form: [
                ("on", "2026-11-18"), ("reason", "wil het niet meer")], csrf: s.consulentCSRF).status == .seeOther)
            #expect(try await s.partner.get("/aanbieder/verwijzingen/\(s.referral)").status == .notFound)
            #expect(!(try await s.partner.get("/aanbieder").body.contains("Haddad")))
            #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/starten", form: [("on", "2026-11-18")], csrf: s.csrf).status == .notFound)
        }
    }

    @Test("Another provider's staff see nothing of the referral; a switched-off account is signed out", arguments: Engine.available)
    func otherProvider(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await Self.signedInPartner(client, app, consent: ["identity", "route", "pipGoals", "hours"])
            // A second provider with an account of its own.
            let other = try await ChainTests.addProvider(s.admin, s.adminCSRF, name: "VluchtelingenWerk", kind: "begeleiding")
            let created = try await s.admin.post("/beheer/aanbieders/\(other)/accounts", form: [("actie", "toevoegen"), ("accountName", "Begeleider"),
                                                                                                ("accountEmail", "begeleider@vw.example")], csrf: s.adminCSRF)
            let range = try #require(created.body.range(of: #"/wachtwoord-instellen/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let link = String(created.body[range])
            let stranger = Browser(client)
            let setPage = try await stranger.get(link)
            _ = try await stranger.post(link, form: [("new", Self.password), ("confirm", Self.password)], csrf: setPage.csrf)
            let form = try await stranger.get("/inloggen")
            _ = try await stranger.post("/inloggen", form: [("email", "begeleider@vw.example"), ("password", Self.password)], csrf: form.csrf)
            let enrol = try await stranger.get("/inloggen/tweede-factor")
            _ = try await stranger.post("/inloggen/tweede-factor", form: [("code", SecondFactorTests.code(try SecondFactorTests.key(enrol), app))], csrf: enrol.csrf)
            let strangerCSRF = try #require(try await stranger.get("/aanbieder").csrf)
            #expect(!(try await stranger.get("/aanbieder").body.contains("Haddad")))
            #expect(try await stranger.get("/aanbieder/verwijzingen/\(s.referral)").status == .notFound)
            #expect(try await stranger.post("/aanbieder/verwijzingen/\(s.referral)/accepteren", form: [("on", "2026-11-18"), ("plannedStart", "2027-01-11")],
                                            csrf: strangerCSRF).status == .notFound)
            #expect(try await app.services.casework.listReferrals(personId: app.world.personA, scope: AccessScope(municipalityCodes: ["GM0988"])).first?
                .referral.status == .referred, "nothing changed")

            // The first school's account is switched off: its session ends at once.
            let account = try #require(try await app.services.users.fetchUserId(email: "docent@school.example"))
            #expect(try await s.admin.post("/beheer/aanbieders/\(s.provider)/accounts", form: [("actie", "uitzetten"), ("account", account), ("reason", "Uit dienst")],
                                           csrf: s.adminCSRF).status == .seeOther)
            let after = try await s.partner.get("/aanbieder")
            #expect(after.status == .seeOther || after.status == .unauthorized, "signed out: \(after.status)")
        }
    }

    @Test("The tenancy probe for a partner: every route that takes an id, aimed at the person referred to it, is closed", arguments: Engine.available)
    func everyIDRoute(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await Self.signedInPartner(client, app, consent: ["identity", "route", "pipGoals", "hours", "health", "coaProfile"])
            let w = app.world
            for probe in TenancyTests.probes {
                // The probe's path for organisation B's person, aimed at the person referred to this partner instead.
                let path = probe.path(w, "key").replacingOccurrences(of: w.personB, with: w.personA)
                let page = probe.method == .get ? try await s.partner.get(path) : try await s.partner.post(path, form: probe.form, csrf: s.csrf)
                #expect([.forbidden, .notFound].contains(page.status), "\(probe.method) \(path): \(page.status)")
                #expect(!page.body.contains("Haddad"), "\(path) shows nothing of the person")
            }
            #expect(try await app.services.casework.listReferrals(personId: w.personA, scope: AccessScope(municipalityCodes: ["GM0988"])).first?.referral.status
                    == .referred, "nothing changed")
        }
    }
}

