import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import SQLKit
import Testing

@Suite("Accounts in the interface: the functioneel beheerder creates, changes, deactivates and reactivates users of their own organisation")
struct AccountsAdminTests {
    static let newPassword = "een lange zin als wachtwoord"

    /// The one-time link on a page, as a path.
    static func linkPath(_ body: String) throws -> String {
        let range = try #require(body.range(of: #"/wachtwoord-instellen/[A-Za-z0-9_-]+"#, options: .regularExpression))
        return String(body[range])
    }

    static func actions(_ app: AppContext, _ action: String) async throws -> [AuditEntry] {
        try await app.services.audit.search(.init(action: action), before: nil, limit: 50).rows
    }

    /// Creates a user through the page as A's beheerder; returns the page with the link.
    static func create(_ beheerder: Browser, csrf: String, name: String = "Nieuwe Consulent", email: String = "nieuw@a.example",
                       roles: [String] = ["consulent"]) async throws -> Browser.Page {
        try await beheerder.post("/beheer/gebruikers", form: [("name", name), ("email", email)] + roles.map { ("roles", $0) } + [("team", "")], csrf: csrf)
    }

    @Test("A created user sets a password with the one-time link and logs in; the link works once; last login is shown", arguments: Engine.available)
    func createSetPasswordLogin(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let created = try await Self.create(beheerder, csrf: csrf, email: "Nieuw@A.example")
            #expect(created.status == .created)
            #expect(created.body.contains("De gebruiker is aangemaakt."))
            let path = try Self.linkPath(created.body)
            // Only the keyed hash is stored, never the token.
            let token = String(path.dropFirst("/wachtwoord-instellen/".count))
            let stored = try await app.database.sql.raw("SELECT token_hash FROM password_set_tokens").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(stored.count == 1 && !stored.contains(token))
            let id = try #require(try await app.services.users.fetchUserId(email: "nieuw@a.example"))

            // Before the link is used the account has no password anybody knows.
            let stranger = Browser(client)
            let loginForm = try await stranger.get("/inloggen")
            #expect(try await stranger.post("/inloggen", form: [("email", "nieuw@a.example"), ("password", Self.newPassword)], csrf: loginForm.csrf).status == .unauthorized)

            let newcomer = Browser(client)
            let page = try await newcomer.get(path)
            #expect(page.status == .ok)
            #expect(page.body.contains("nieuw@a.example"))
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            // The password rules of the account page apply.
            let short = try await newcomer.post(path, form: [("new", "kort"), ("confirm", "kort")], csrf: page.csrf)
            #expect(short.status == .badRequest)
            #expect(short.body.contains("minimaal 12 tekens"))
            let mismatch = try await newcomer.post(path, form: [("new", Self.newPassword), ("confirm", Self.newPassword + "x")], csrf: page.csrf)
            #expect(mismatch.body.contains("De twee nieuwe wachtwoorden zijn niet gelijk."))
            let done = try await newcomer.post(path, form: [("new", Self.newPassword), ("confirm", Self.newPassword)], csrf: page.csrf)
            #expect(done.status == .seeOther)
            #expect(done.location == "/inloggen?reden=wachtwoord")

            _ = try await newcomer.login("nieuw@a.example", password: Self.newPassword)
            let home = try await newcomer.get("/")
            #expect(home.status == .ok)

            // Used once: a second use is refused with a clear message and changes nothing.
            let again = try await Browser(client).get(path)
            #expect(again.status == .gone)
            #expect(again.body.contains("Deze link is al gebruikt."))

            let list = try await beheerder.get("/beheer/gebruikers")
            #expect(list.body.contains("Nieuwe Consulent"))
            #expect(list.body.contains("nieuw@a.example"))
            let row = try #require(list.body.range(of: "Nieuwe Consulent").map { start in
                String(list.body[start.lowerBound...].prefix { $0 != "\n" })
            })
            #expect(!row.contains("Nog nooit"), "the last login is shown")
            #expect(try await app.services.users.fetchUser(id: id)?.roles == [.consulent])

            #expect(try await Self.actions(app, "user.create").contains { $0.actorId == "a-functioneelBeheerder" && $0.detail.contains(id) })
            #expect(try await Self.actions(app, "user.passwordLink").count == 1)
            let set = try #require(try await Self.actions(app, "user.passwordSet").first)
            #expect(set.actorId == id)
            #expect(try await Self.actions(app, "user.passwordLink").allSatisfy { !$0.detail.contains(token) }, "the token is never logged")
        }
    }

    @Test("Errors name the field and keep what was typed; an e-mail address in use is refused", arguments: Engine.available)
    func createErrors(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let bad = try await Self.create(beheerder, csrf: csrf, name: "Piet Jansen", email: "geen-adres", roles: [])
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("Vul een geldig e-mailadres in"))
            #expect(bad.body.contains("Kies minstens één rol."))
            #expect(bad.body.contains("value=\"Piet Jansen\""))
            #expect(bad.body.contains("value=\"geen-adres\""))
            let taken = try await Self.create(beheerder, csrf: csrf, email: World.email(.consulent, "b"), roles: ["teamleider"])
            #expect(taken.status == .badRequest)
            #expect(taken.body.contains("Er is al een account met dit e-mailadres."))
            #expect(taken.body.contains("value=\"teamleider\" checked"), "the roles chosen stay chosen")
            #expect(try await Self.actions(app, "user.create").isEmpty)
        }
    }

    @Test("A deactivated user cannot log in and their sessions end; reactivated, they can again; a reason is required", arguments: Engine.available)
    func deactivateAndReactivate(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/").status == .ok)

            let noReason = try await beheerder.post("/beheer/gebruikers/a-consulent/deactiveren", form: [("reason", " ")], csrf: csrf)
            #expect(noReason.status == .badRequest)
            #expect(noReason.body.contains("Vul een reden in."))
            #expect(try await app.services.users.fetchUser(id: "a-consulent")?.active == true)

            let done = try await beheerder.post("/beheer/gebruikers/a-consulent/deactiveren", form: [("reason", "Uit dienst per 1 december")], csrf: csrf)
            #expect(done.status == .seeOther)
            // The sessions are gone from the database at once, not only refused on their next use.
            let sessions = try await app.database.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE user_id = 'a-consulent'").first()?
                .decode(column: "n", as: Int.self)
            #expect(sessions == 0)
            #expect(try await consulent.get("/").status == .seeOther, "the open session has ended")
            let retry = Browser(client)
            let form = try await retry.get("/inloggen")
            let refused = try await retry.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)], csrf: form.csrf)
            #expect(refused.status == .unauthorized)
            let page = try await beheerder.get("/beheer/gebruikers/a-consulent")
            #expect(page.body.contains("Gedeactiveerd"))
            #expect(page.body.contains("Uit dienst per 1 december"))
            // A link cannot be made for a deactivated account.
            #expect(try await beheerder.post("/beheer/gebruikers/a-consulent/wachtwoordlink", form: [], csrf: csrf).status == .notFound)

            let back = try await beheerder.post("/beheer/gebruikers/a-consulent/activeren", form: [("reason", "Terug in dienst")], csrf: csrf)
            #expect(back.status == .seeOther)
            _ = try await Browser(client).login(World.email(.consulent))

            let deactivation = try #require(try await Self.actions(app, "user.deactivate").first)
            #expect(deactivation.detail.contains("a-consulent") && deactivation.detail.contains("Uit dienst"))
            #expect(try await Self.actions(app, "user.reactivate").count == 1)
        }
    }

    @Test("The beheerder cannot deactivate themself nor leave the organisation without an active functioneel beheerder", arguments: Engine.available)
    func lastAdministratorProtected(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let me = "a-functioneelBeheerder"
            let selfPage = try await beheerder.get("/beheer/gebruikers/\(me)")
            #expect(!selfPage.body.contains("/beheer/gebruikers/\(me)/deactiveren"), "no deactivate form on one's own page")
            let own = try await beheerder.post("/beheer/gebruikers/\(me)/deactiveren", form: [("reason", "Test")], csrf: csrf)
            #expect(own.status == .badRequest)
            #expect(own.body.contains("U kunt uw eigen account niet deactiveren."))
            // Taking the role from the only beheerder is refused, and nothing changes.
            let lastRole = try await beheerder.post("/beheer/gebruikers/\(me)", form: [("roles", "consulent"), ("team", "")], csrf: csrf)
            #expect(lastRole.status == .badRequest)
            #expect(lastRole.body.contains("geen actieve functioneel beheerder meer"))
            #expect(try await app.services.users.fetchUser(id: me)?.roles == [.functioneelBeheerder])

            // With a second beheerder, the first can be deactivated by them; then that one is the last.
            let second = try await beheerder.post("/beheer/gebruikers/a-teamleider", form: [("roles", "teamleider"), ("roles", "functioneelBeheerder"), ("team", "")], csrf: csrf)
            #expect(second.status == .seeOther)
            #expect(try await app.services.users.fetchUser(id: "a-teamleider")?.roles == [.teamleider, .functioneelBeheerder])
            let other = Browser(client)
            let otherCSRF = try await other.login(World.email(.teamleider))
            #expect(try await other.post("/beheer/gebruikers/\(me)/deactiveren", form: [("reason", "Vertrokken")], csrf: otherCSRF).status == .seeOther)
            let drop = try await other.post("/beheer/gebruikers/a-teamleider", form: [("roles", "teamleider"), ("team", "")], csrf: otherCSRF)
            #expect(drop.status == .badRequest)
            #expect(try await app.services.users.fetchUser(id: "a-teamleider")?.roles.contains(.functioneelBeheerder) == true)
            #expect(try await Self.actions(app, "user.update").count == 1)
        }
    }

    @Test("A beheerder of organisation A gets 404 on organisation B's users, and B's users stay as they were", arguments: Engine.available)
    func otherOrganisationIsNotFound(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let target = "b-consulent"
            #expect(try await beheerder.get("/beheer/gebruikers/\(target)").status == .notFound)
            #expect(try await beheerder.post("/beheer/gebruikers/\(target)", form: [("roles", "teamleider"), ("team", "")], csrf: csrf).status == .notFound)
            for action in ["deactiveren", "activeren", "wachtwoordlink"] {
                #expect(try await beheerder.post("/beheer/gebruikers/\(target)/\(action)", form: [("reason", "x")], csrf: csrf).status == .notFound)
            }
            let list = try await beheerder.get("/beheer/gebruikers")
            #expect(!list.body.contains("@b.example"), "the list shows only A's staff")
            let user = try #require(try await app.services.users.fetchUser(id: target))
            #expect(user.active && user.roles == [.consulent])
            #expect(try await app.database.sql.raw("SELECT COUNT(*) AS n FROM password_set_tokens").first()?.decode(column: "n", as: Int.self) == 0)
            // A's team cannot be given to anyone through B, nor B's team to A's users.
            let teamB = Team(id: "team-b", organisationId: app.world.orgB, name: "Team B")
            try await app.services.users.insertTeam(teamB)
            let foreignTeam = try await beheerder.post("/beheer/gebruikers/a-consulent", form: [("roles", "consulent"), ("team", "team-b")], csrf: csrf)
            #expect(foreignTeam.status == .badRequest)
            #expect(try await app.services.users.fetchUser(id: "a-consulent")?.teamId == nil)
        }
    }

    @Test("Only the functioneel beheerder reaches the pages: a consulent gets 403", arguments: Engine.available)
    func otherRolesForbidden(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let consulent = Browser(client)
            let csrf = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/beheer/gebruikers").status == .forbidden)
            #expect(try await consulent.get("/beheer/gebruikers/a-teamleider").status == .forbidden)
            #expect(try await Self.create(consulent, csrf: csrf).status == .forbidden)
            #expect(try await consulent.post("/beheer/gebruikers/a-teamleider/deactiveren", form: [("reason", "x")], csrf: csrf).status == .forbidden)
            #expect(try await app.services.users.fetchUserId(email: "nieuw@a.example") == nil)
            #expect(try await app.services.users.fetchUser(id: "a-teamleider")?.active == true)
            #expect(!(try await consulent.get("/account")).body.contains("href=\"/beheer/gebruikers\""), "no menu item")
        }
    }

    @Test("An expired link and an unknown link are refused with a clear message; a new link voids the old one", arguments: Engine.available)
    func expiredAndReplacedLinks(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheerder = Browser(client)
            let beheerderCSRF = try await beheerder.login(World.email(.functioneelBeheerder))
            let first = try Self.linkPath(try await beheerder.post("/beheer/gebruikers/a-consulent/wachtwoordlink", form: [], csrf: beheerderCSRF).body)
            let second = try Self.linkPath(try await beheerder.post("/beheer/gebruikers/a-consulent/wachtwoordlink", form: [], csrf: beheerderCSRF).body)
            #expect(first != second)
            let old = try await Browser(client).get(first)
            #expect(old.status == .notFound)
            #expect(old.body.contains("Deze link werkt niet."))
            // The current password keeps working until a link is used.
            _ = try await Browser(client).login(World.email(.consulent))

            app.clock.advance(72 * 3600 + 1)
            let browser = Browser(client)
            let expired = try await browser.get(second)
            #expect(expired.status == .gone)
            #expect(expired.body.contains("Deze link is verlopen."))
            // The refusal has no form; the browser's anonymous CSRF token comes from the login page.
            let csrf = try await browser.get("/inloggen").csrf
            let post = try await browser.post(second, form: [("new", Self.newPassword), ("confirm", Self.newPassword)], csrf: csrf)
            #expect(post.status == .gone)
            _ = try await Browser(client).login(World.email(.consulent))
            #expect(try await Self.actions(app, "user.passwordSet").isEmpty)
        }
    }

    @Test("regie municipality add and organisation add: CBS code, name and OIN checked; an organisation grows by municipality", arguments: Engine.available)
    func organisationCommands(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            #expect(try await RegieCommands.addMunicipality(database: database, code: "GM0988", name: "Weert", oin: "00000001001234567000"))
            #expect(try await !RegieCommands.addMunicipality(database: database, code: "GM0988", name: "Gemeente Weert", oin: nil))
            await #expect(throws: (any Error).self) { try await RegieCommands.addMunicipality(database: database, code: "GM98", name: "X", oin: nil) }
            await #expect(throws: (any Error).self) {
                try await RegieCommands.addMunicipality(database: database, code: "GM1706", name: "Cranendonck", oin: "123")
            }
            await #expect(throws: (any Error).self) {
                try await RegieCommands.addOrganisation(database: database, name: "Regio Weert", municipalityCodes: ["GM1706"])
            }
            #expect(try await RegieCommands.addOrganisation(database: database, name: "Regio Weert", municipalityCodes: ["GM0988"]))
            #expect(try await RegieCommands.addMunicipality(database: database, code: "GM1706", name: "Cranendonck", oin: nil))
            #expect(try await !RegieCommands.addOrganisation(database: database, name: "Regio Weert", municipalityCodes: ["GM1706"]))

            let users = UserStore(database: database)
            let organisation = try #require(try await users.fetchOrganisation(named: "Regio Weert"))
            #expect(try await users.listMunicipalities(organisationId: organisation.id) == [
                Municipality(code: "GM1706", name: "Cranendonck"), Municipality(code: "GM0988", name: "Gemeente Weert")])
            #expect(try await users.fetchMunicipalityOIN(code: "GM0988") == "00000001001234567000", "an OIN left out keeps the stored one")
            #expect(try await users.fetchMunicipalityOIN(code: "GM1706") == nil)
        }
    }
}
