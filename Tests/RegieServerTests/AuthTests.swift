import Configuration
import Foundation
import HTTPTypes
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

    @Test("Only local paths are followed after login (no open redirect)", arguments: [
        ("/personen/x", "/personen/x"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"),
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
}
