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
    static func signedInPartner(_ client: any TestClientProtocol, _ app: AppContext, consent: [String], isAdmin: Bool = false)
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
                                                                                            ("accountEmail", "docent@school.example")]
                                           + (isAdmin ? [("partnerAdmin", "ja")] : []), csrf: adminCSRF)
        #expect(created.status == .created)
        let (partner, csrf) = try await Self.firstSignIn(client, app, created, email: "docent@school.example")
        return (partner, csrf, provider, referral, consulent, consulentCSRF, admin, adminCSRF)
    }

    /// The new account's first sign-in: the password through the link on `created`, then the second
    /// factor the provider's organisation asks for (no session before it is set up). Returns the
    /// browser on `/aanbieder` and its CSRF token.
    static func firstSignIn(_ client: any TestClientProtocol, _ app: AppContext, _ created: Browser.Page, email: String) async throws -> (Browser, String) {
        let range = try #require(created.body.range(of: #"/wachtwoord-instellen/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let link = String(created.body[range])
        let partner = Browser(client)
        let setPage = try await partner.get(link)
        #expect(try await partner.post(link, form: [("new", password), ("confirm", password)], csrf: setPage.csrf).status == .seeOther)
        let form = try await partner.get("/inloggen")
        let signIn = try await partner.post("/inloggen", form: [("email", email), ("password", password)], csrf: form.csrf)
        #expect(signIn.location == "/inloggen/tweede-factor")
        let enrol = try await partner.get("/inloggen/tweede-factor")
        let secret = try SecondFactorTests.key(enrol)
        #expect(try await partner.post("/inloggen/tweede-factor", form: [("code", SecondFactorTests.code(secret, app))], csrf: enrol.csrf).status == .ok)
        let home = try await partner.get("/")
        #expect(home.location == "/aanbieder", "a provider's staff land on their referrals")
        return (partner, try #require(try await partner.get("/aanbieder").csrf))
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
            let account = try await s.partner.get("/account")
            #expect(account.status == .ok && account.body.contains("Tweestapsverificatie") && !account.body.contains("Telefoonnummer in brieven"),
                    "their own account: password, two-step verification, language; nothing of the municipality's letters")
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
            let (stranger, strangerCSRF) = try await Self.firstSignIn(client, app, created, email: "begeleider@vw.example")
            #expect(!(try await stranger.get("/aanbieder").body.contains("Haddad")))
            #expect(try await stranger.get("/aanbieder/verwijzingen/\(s.referral)").status == .notFound)
            #expect(try await stranger.post("/aanbieder/verwijzingen/\(s.referral)/accepteren", form: [("on", "2026-11-18"), ("plannedStart", "2027-01-11")],
                                            csrf: strangerCSRF).status == .notFound)
            #expect(try await app.services.casework.listReferrals(personId: app.world.personA, scope: AccessScope(municipalityCodes: ["GM0988"])).first?
                .referral.status == .referred, "nothing changed")

            // The municipality's beheerder resets the first school's account's second factor, and cannot reach another organisation's account that way.
            let account = try #require(try await app.services.users.fetchUserId(email: "docent@school.example"))
            #expect(try await s.admin.post("/beheer/aanbieders/\(s.provider)/accounts", form: [("actie", "tweede-factor-herstellen"), ("account", account)],
                                           csrf: s.adminCSRF).status == .seeOther)
            #expect(try await app.services.secondFactor.state(userId: account).enabled == false)
            #expect(try await s.admin.post("/beheer/aanbieders/\(s.provider)/accounts", form: [("actie", "tweede-factor-herstellen"), ("account", "a-consulent")],
                                           csrf: s.adminCSRF).status == .notFound)
            // The first school's account is switched off: its session ends at once.
            #expect(try await s.admin.post("/beheer/aanbieders/\(s.provider)/accounts", form: [("actie", "uitzetten"), ("account", account), ("reason", "Uit dienst")],
                                           csrf: s.adminCSRF).status == .seeOther)
            #expect(try await AccountsAdminTests.actions(app, "provider.account.create").count == 2, "each account made is audited")
            #expect(try await AccountsAdminTests.actions(app, "user.deactivate").contains { $0.detail.contains(account) && $0.detail.contains("Uit dienst") },
                    "switching an account off is audited with its reason")
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

    @Test("The provider's administrator keeps its staff's accounts within the municipality's limit; an ordinary account cannot", arguments: Engine.available)
    func providerAdministrator(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await Self.signedInPartner(client, app, consent: ["identity"], isAdmin: true)
            try await app.database.sql.raw("UPDATE providers SET max_accounts = 2 WHERE id = \(bind: s.provider)").run()
            let page = try await s.partner.get("/aanbieder/accounts")
            #expect(page.status == .ok && page.body.contains("1 van de 2 accounts"))
            let added = try await s.partner.post("/aanbieder/accounts", form: [("actie", "toevoegen"), ("accountName", "Collega de Vries"),
                                                                              ("accountEmail", "collega@school.example"), ("partnerAdmin", "ja")], csrf: s.csrf)
            #expect(added.status == .created)
            let colleagueId = try #require(try await app.services.users.fetchUserId(email: "collega@school.example"))
            let organisation = try #require(try await app.services.users.partnerOrganisation(providerId: s.provider))
            #expect(try await app.services.users.partnerAdmins(organisationId: organisation) == [try #require(try await app.services.users.fetchUserId(email: "docent@school.example"))],
                    "only the municipality makes a provider's administrators")
            let (colleague, _) = try await Self.firstSignIn(client, app, added, email: "collega@school.example")
            #expect(try await colleague.get("/aanbieder/accounts").status == .notFound, "an ordinary account keeps no accounts")
            // The limit: a third account is refused, what was typed kept.
            let third = try await s.partner.post("/aanbieder/accounts", form: [("actie", "toevoegen"), ("accountName", "Derde"),
                                                                              ("accountEmail", "derde@school.example")], csrf: s.csrf)
            #expect(third.status == .badRequest && third.body.contains("2 actieve accounts") && third.body.contains("value=\"Derde\""))
            // A colleague's lost phone: their second factor is wiped, to set up again at the next sign-in; one's own is not reset here.
            #expect(try await s.partner.post("/aanbieder/accounts", form: [("actie", "tweede-factor-herstellen"), ("account", colleagueId)], csrf: s.csrf)
                .location == "/aanbieder/accounts?melding=tweedeFactorHersteld")
            #expect(try await app.services.secondFactor.state(userId: colleagueId).enabled == false)
            #expect(try await !AccountsAdminTests.actions(app, "user.secondFactor.reset").isEmpty)
            // One's own account cannot be switched off here; a colleague's can, and their session ends.
            let me = try #require(try await app.services.users.fetchUserId(email: "docent@school.example"))
            #expect(try await s.partner.post("/aanbieder/accounts", form: [("actie", "uitzetten"), ("account", me), ("reason", "x")], csrf: s.csrf).status == .notFound)
            #expect(try await s.partner.post("/aanbieder/accounts", form: [("actie", "uitzetten"), ("account", colleagueId), ("reason", "Vertrokken")],
                                             csrf: s.csrf).location == "/aanbieder/accounts?melding=uitgezet")
            #expect(try await colleague.get("/aanbieder").status != .ok, "the colleague is signed out")
            // Another organisation's account is not found.
            #expect(try await s.partner.post("/aanbieder/accounts", form: [("actie", "uitzetten"), ("account", "a-consulent"), ("reason", "x")], csrf: s.csrf)
                .status == .notFound)
            #expect(try await app.services.users.fetchUser(id: "a-consulent")?.active == true)
        }
    }
}

