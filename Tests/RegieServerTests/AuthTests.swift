import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RegieServer
import RegieStorage
import Testing

@Suite("Staff accounts: login, logout, CSRF, rate limit, session expiry, password change")
struct AuthTests {
    @Test("Login with the right password starts a session; the home page then opens", arguments: Engine.available)
    func loginSucceeds(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            #expect(form.status == .ok)
            let result = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password), ("terug", "/")], csrf: form.csrf)
            #expect(result.status == .seeOther)
            #expect(result.location == "/")
            let cookie = try #require(result.headers[values: .setCookie].first { $0.hasPrefix("regie_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Max-Age") && !cookie.contains("Expires"), "a session cookie: gone when the browser closes")
            let device = try #require(result.headers[values: .setCookie].first { $0.hasPrefix("regie_device=") })
            #expect(device.contains("Path=/inloggen") && device.contains("HttpOnly") && device.contains("SameSite=Strict"))
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.contains("consulent A"))
        }
    }

    @Test("A wrong password is refused with a clear message and keeps the e-mail address typed", arguments: Engine.available)
    func wrongPassword(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            let result = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", "wrong password!")], csrf: form.csrf)
            #expect(result.status == .unauthorized)
            #expect(result.body.contains("Het e-mailadres of het wachtwoord klopt niet"))
            #expect(result.body.contains("value=\"\(World.email(.consulent))\""))
            #expect(browser.cookies["regie_session"] == nil)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("Logout ends the session in the database, not only the cookie", arguments: Engine.available)
    func logout(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let stolenCookie = try #require(browser.cookies["regie_session"])
            let result = try await browser.post("/uitloggen", form: [], csrf: csrf)
            #expect(result.status == .seeOther)
            #expect(result.location == "/inloggen?reden=uitgelogd")
            // Replaying the old cookie does not work: the session is gone server-side.
            let replay = Browser(client)
            replay.cookies["regie_session"] = stolenCookie
            let home = try await replay.get("/")
            #expect(home.status == .seeOther)
            #expect(home.location?.hasPrefix("/inloggen") == true)
        }
    }

    @Test("A state-changing form without the right CSRF token is rejected and changes nothing", arguments: Engine.available)
    func csrfRejected(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let missing = try await browser.post("/personen/\(app.world.personA)/contact", form: [("language", "Frans"), ("phone", "")])
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("Formulier verlopen"))
            let wrong = try await browser.post("/personen/\(app.world.personA)/contact", form: [("language", "Frans")], csrf: "forged")
            #expect(wrong.status == .forbidden)
            let person = try await app.services.persons.fetchPerson(id: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(person?.language == "Arabisch")
            // Logout is state-changing too.
            #expect(try await browser.post("/uitloggen", form: []).status == .forbidden)
            // The login form itself carries a token (double-submit cookie).
            let anonymous = Browser(client)
            let noToken = try await anonymous.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)])
            #expect(noToken.status == .forbidden)
        }
    }

    @Test("After five failed attempts the account is locked for the window, even with the right password", arguments: Engine.available)
    func rateLimit(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            for _ in 0..<5 {
                let result = try await browser.post("/inloggen", form: [("email", World.email(.teamleider)), ("password", "not it at all")], csrf: form.csrf)
                #expect(result.status == .unauthorized)
            }
            let blocked = try await browser.post("/inloggen", form: [("email", World.email(.teamleider)), ("password", World.password)], csrf: form.csrf)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.contains("Te veel mislukte inlogpogingen. Probeer het over 15 minuten opnieuw"))
            #expect(blocked.headers[.retryAfter] == "900")
            // Another account from the same address is not yet blocked (the per-address limit is looser).
            let other = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password), ("terug", "/")], csrf: form.csrf)
            #expect(other.status == .seeOther)
            // When the window has passed, the right password works again.
            app.clock.advance(15 * 60 + 1)
            let later = Browser(client)
            let again = try await later.get("/inloggen")
            let ok = try await later.post("/inloggen", form: [("email", World.email(.teamleider)), ("password", World.password)], csrf: again.csrf)
            #expect(ok.status == .seeOther)
        }
    }

    @Test("A session idle for longer than 30 minutes expires and the login page says so", arguments: Engine.available)
    func idleExpiry(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            app.clock.advance(29 * 60)
            #expect(try await browser.get("/").status == .ok)
            app.clock.advance(29 * 60)
            #expect(try await browser.get("/").status == .ok, "activity keeps the session alive")
            app.clock.advance(30 * 60 + 1)
            let expired = try await browser.get("/")
            #expect(expired.status == .seeOther)
            #expect(expired.location == "/inloggen?terug=%2F&reden=verlopen")
            let login = try await browser.get(try #require(expired.location))
            #expect(login.body.contains("Uw sessie is verlopen"))
        }
    }

    @Test("A session ends after its absolute lifetime of 10 hours, however active", arguments: Engine.available)
    func absoluteExpiry(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            for _ in 0..<23 {
                app.clock.advance(25 * 60)
                #expect(try await browser.get("/").status == .ok)
            }
            app.clock.advance(26 * 60)  // 10 h 1 min after login, 26 minutes after the last request
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("Changing the password checks the current one, ends other sessions and the old password stops working", arguments: Engine.available)
    func passwordChange(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let other = Browser(client)
            _ = try await other.login(World.email(.consulent))
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let wrong = try await browser.post("/account/wachtwoord", form: [("current", "nope"), ("new", "short"), ("confirm", "other")], csrf: csrf)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("Het huidige wachtwoord klopt niet."))
            #expect(wrong.body.contains("minimaal 12 tekens"))
            #expect(wrong.body.contains("De twee nieuwe wachtwoorden zijn niet gelijk."))
            let newPassword = "a new and longer passphrase"
            let ok = try await browser.post("/account/wachtwoord", form: [("current", World.password), ("new", newPassword), ("confirm", newPassword)], csrf: csrf)
            #expect(ok.status == .seeOther)
            #expect(try await browser.get("/account").status == .ok, "the session that changed the password stays")
            #expect(try await other.get("/account").status == .seeOther, "other sessions end")
            let fresh = Browser(client)
            let form = try await fresh.get("/inloggen")
            #expect(try await fresh.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)], csrf: form.csrf).status == .unauthorized)
            _ = try await fresh.login(World.email(.consulent), password: newPassword)
            let actions = try await app.services.audit.search(.init(actorId: "a-consulent"), before: nil, limit: 50).rows.map(\.action)
            #expect(actions.filter { $0 == "account.password.change" }.count == 1, "only the successful change is audited")
        }
    }

    @Test("Only local paths are followed after login (no open redirect): browsers drop tabs and newlines and read a backslash as a slash", arguments: [
        ("/personen/x", "/personen/x"), ("/?zoek=Haddad&sort=naam", "/?zoek=Haddad&sort=naam"), ("//evil.example", "/"), ("https://evil.example", "/"),
        ("/\\evil", "/"), ("/\t/evil.example/", "/"), ("/\n/evil.example", "/"), ("/\r\n/evil.example", "/"), ("/ /evil.example", "/"),
        ("/\u{00A0}/evil.example", "/"), ("/\u{200B}/evil.example", "/"), ("\t//evil.example", "/"), ("evil.example", "/"), ("", "/"),
    ])
    func safeRedirect(value: String, expected: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            let result = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password), ("terug", value)], csrf: form.csrf)
            #expect(result.location == expected)
        }
    }

    @Test("Production mode refuses to start without a session secret of 32 characters or more")
    func productionNeedsSecret() throws {
        #expect(throws: AppConfig.ConfigError.self) {
            _ = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: ["REGIE_ENV": "production"])))
        }
        #expect(throws: AppConfig.ConfigError.self) {
            _ = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: ["REGIE_ENV": "production", "SESSION_SECRET": "too short"])))
        }
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        let config = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: ["REGIE_ENV": "production", "SESSION_SECRET": String(repeating: "s", count: 32), "FIELD_KEY": key])))
        #expect(config.cookieSecure, "production defaults to Secure cookies")
    }

    @Test("Production mode refuses to start without a valid FIELD_KEY for sealing special-category fields")
    func productionNeedsFieldKey() throws {
        let secret = String(repeating: "s", count: 32)
        #expect(throws: AppConfig.ConfigError.self) {
            _ = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: ["REGIE_ENV": "production", "SESSION_SECRET": secret])))
        }
        #expect(throws: AppConfig.ConfigError.self) {
            _ = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: ["REGIE_ENV": "production", "SESSION_SECRET": secret, "FIELD_KEY": "c2hvcnQ="])))
        }
        // A value sealed with one key cannot be opened with another.
        let one = try FieldSeal(base64Key: Data(repeating: 1, count: 32).base64EncodedString())
        let other = try FieldSeal(base64Key: Data(repeating: 2, count: 32).base64EncodedString())
        let sealed = try one.seal("medische beperking")
        #expect(try one.open(sealed) == "medische beperking")
        #expect(throws: FieldSeal.SealError.self) { try other.open(sealed) }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("Describing the configuration never reveals the session secret or database password")
    func noSecretsInDescription() throws {
        let config = try AppConfig(reader: .init(provider: EnvironmentVariablesProvider(environmentVariables: [
            "SESSION_SECRET": "super-secret-value-that-is-long-enough", "DATABASE_URL": "postgres://regie:hunter2@db/regie",
        ])))
        for text in [String(describing: config), String(reflecting: config), "\(config)"] {
            #expect(!text.contains("super-secret"))
            #expect(!text.contains("hunter2"))
        }
    }

    @Test("The team's assignment and the municipality switcher follow the same safe return path", arguments: Engine.available)
    func safeRedirectElsewhere(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            for payload in ["/\\evil.example", "/\t/evil.example/", "//evil.example"] {
                let assign = try await lead.post("/team/toewijzen", form: [("naar", "niemand-bekend"), ("terug", payload)], csrf: csrf)
                #expect(assign.status == .seeOther)
                #expect(assign.location?.hasPrefix("/?toewijzen=ongeldig") == true, "\(payload) → \(assign.location ?? "-")")
                let switched = try await lead.post("/gemeente", form: [("gemeente", "GM0988"), ("terug", payload)], csrf: csrf)
                #expect(switched.location == "/", "\(payload) → \(switched.location ?? "-")")
            }
            #expect(try await lead.post("/gemeente", form: [("gemeente", "GM0988"), ("terug", "/team")], csrf: csrf).location == "/team")
        }
    }

    @Test("Fifty wrong passwords sent at once for one account are checked at most five times: counting and deciding is one step", arguments: Engine.available)
    func parallelLogins(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            var tokens: [(cookie: String, csrf: String)] = []
            for _ in 0..<50 {
                let browser = Browser(client)
                let form = try await browser.get("/inloggen")
                tokens.append((browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), try #require(form.csrf)))
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for token in tokens {
                    group.addTask {
                        let body = "email=\(Browser.encode(World.email(.teamleider)))&password=wrong-guess&_csrf=\(Browser.encode(token.csrf))"
                        let response = try await client.execute(uri: "/inloggen", method: .post,
                                                                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: token.cookie],
                                                                body: ByteBuffer(string: body))
                        return response.status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "only five passwords were checked")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 45)
            let failures = try await app.services.sessions.countFailedLogins(username: World.email(.teamleider), address: "-", since: app.clock.now.addingTimeInterval(-60))
            #expect(failures.byUsername == 5)
        }
    }

    @Test("Many failures from one shared address lock out neither a colleague's browser that signed in before nor their account from elsewhere", arguments: Engine.available)
    func sharedAddress(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            // A colleague signed in from this browser before: it holds the device cookie.
            let colleague = Browser(client)
            _ = try await colleague.login(World.email(.consulent))
            #expect(colleague.cookies["regie_device"] != nil)
            _ = try await colleague.post("/uitloggen", form: [], csrf: try await colleague.get("/account").csrf)
            // Someone behind the same address (all test requests share it) fails 20 times, five for each of four accounts.
            let attacker = Browser(client)
            let form = try await attacker.get("/inloggen")
            for role in [Role.teamleider, .consulent, .budgetbeheerder, .functioneelBeheerder] {
                for index in 0..<5 {
                    let wrong = try await attacker.post("/inloggen", form: [("email", World.email(role)), ("password", "guess \(index)")], csrf: form.csrf)
                    #expect(wrong.status == .unauthorized)
                }
            }
            let blocked = try await attacker.post("/inloggen", form: [("email", World.email(.beleidsmedewerker)), ("password", World.password)], csrf: form.csrf)
            #expect(blocked.status == .tooManyRequests, "the address is throttled for browsers it does not know")
            // The colleague's browser still gets in with the right password, although their account and the address are over the limit.
            let again = try await colleague.get("/inloggen")
            let back = try await colleague.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)], csrf: again.csrf)
            #expect(back.status == .seeOther)
            // A device cookie is bound to its account: it does not help another one.
            let borrowed = Browser(client)
            borrowed.cookies["regie_device"] = colleague.cookies["regie_device"]
            let borrowedForm = try await borrowed.get("/inloggen")
            let refused = try await borrowed.post("/inloggen", form: [("email", World.email(.teamleider)), ("password", World.password)], csrf: borrowedForm.csrf)
            #expect(refused.status == .tooManyRequests)
        }
    }

    @Test("Wrong guesses at the current password on the password form are limited like logins", arguments: Engine.available)
    func passwordChangeLimit(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let newPassword = "a new and longer passphrase"
            for index in 0..<5 {
                let wrong = try await browser.post("/account/wachtwoord", form: [("current", "guess \(index)"), ("new", newPassword), ("confirm", newPassword)], csrf: csrf)
                #expect(wrong.status == .badRequest)
            }
            let limited = try await browser.post("/account/wachtwoord", form: [("current", World.password), ("new", newPassword), ("confirm", newPassword)], csrf: csrf)
            #expect(limited.status == .tooManyRequests, "the right password is not even checked now")
            #expect(limited.body.contains("Te veel verkeerde pogingen"))
        }
    }
}
