import Foundation
import HTTPTypes
import RegieStorage
import Testing
@testable import RegieServer

/// The second factor of local accounts: TOTP by RFC 6238 at a fixed clock, enrolment with a QR
/// code, a code used once, recovery codes used once, the organisation's requirement, and a
/// beheerder's reset inside their own organisation.
@Suite("Second factor: TOTP, recovery codes, required per organisation")
struct SecondFactorTests {
    /// RFC 6238 appendix B, SHA-1, with the RFC's 8 digits.
    @Test("RFC 6238 test vectors", arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfcVectors(seconds: Int64, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(seconds))), digits: 8) == expected)
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(seconds)))) == String(expected.suffix(6)))
    }

    @Test("Base32 of RFC 4648, without padding, read back case- and space-insensitively", arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ])
    func base32(text: String, encoded: String) {
        #expect(Base32.encode(Array(text.utf8)) == encoded)
        #expect(Base32.decode(encoded.lowercased()) == Array(text.utf8))
        #expect(Base32.decode(Base32.grouped(Array(text.utf8))) == Array(text.utf8))
    }

    @Test("A code counts one step either side of now, once, and only as six digits")
    func window() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(totp.code(step: step), at: now, after: nil) == step)
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: nil) == step - 1, "a phone 30 s behind")
        #expect(totp.matchingStep(totp.code(step: step + 1), at: now, after: nil) == step + 1, "a phone 30 s ahead")
        #expect(totp.matchingStep(totp.code(step: step - 2), at: now, after: nil) == nil)
        #expect(totp.matchingStep(totp.code(step: step), at: now, after: step) == nil, "a code used once is not accepted again")
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: step) == nil, "nor an earlier one")
        #expect(totp.matchingStep(" " + totp.code(step: step).prefix(3) + " " + totp.code(step: step).suffix(3), at: now, after: nil) == step)
        #expect(totp.matchingStep("12345", at: now, after: nil) == nil)
        #expect(totp.matchingStep("abcdef", at: now, after: nil) == nil)
    }

    @Test("Recovery codes: ten, distinct, of the shape the code page recognises")
    func recoveryCodes() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { RecoveryCodes.looksLikeOne($0) && $0.count == 11 && $0.dropFirst(5).first == "-" })
        #expect(RecoveryCodes.normalised(codes[0].uppercased().replacingOccurrences(of: "-", with: " ")) == RecoveryCodes.normalised(codes[0]))
        #expect(!RecoveryCodes.looksLikeOne("123456"))
    }

    // MARK: Over HTTP

    /// The key on the enrolment page, as the app would read it from the QR code.
    static func key(_ page: Browser.Page) throws -> [UInt8] {
        let start = try #require(page.body.range(of: "class=\"enrol-key\""))
        let rest = page.body[start.upperBound...]
        let open = try #require(rest.firstIndex(of: ">"))
        let close = try #require(rest.firstIndex(of: "<"))
        return try #require(Base32.decode(String(rest[rest.index(after: open)..<close])))
    }

    static func codes(_ page: Browser.Page) -> [String] {
        page.body.components(separatedBy: "<li>").dropFirst().compactMap { part in
            part.components(separatedBy: "</li>").first.flatMap { RecoveryCodes.looksLikeOne($0) ? $0 : nil }
        }
    }

    static func code(_ secret: [UInt8], _ app: AppContext) -> String {
        TOTP(secret: secret).code(step: TOTP.step(at: app.clock.now))
    }

    /// A wrong code that is surely wrong: the right one with its last digit changed.
    static func wrong(_ right: String) -> String {
        String(right.dropLast()) + (right.last == "0" ? "1" : "0")
    }

    /// The password, then the code page (its CSRF token).
    static func password(_ browser: Browser, _ email: String) async throws -> String? {
        let form = try await browser.get("/inloggen")
        let result = try await browser.post("/inloggen", form: [("email", email), ("password", World.password), ("terug", "/taken")], csrf: form.csrf)
        #expect(result.status == .seeOther)
        guard result.location == "/inloggen/code" else { return nil }
        return try await browser.get("/inloggen/code").csrf
    }

    @Test("Enrol from the account page, then log in with a code once, a recovery code once; five wrong codes end the attempt", arguments: Engine.available)
    func enrolAndLogin(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let email = World.email(.consulent)
            let browser = Browser(client)
            let csrf = try await browser.login(email)
            #expect(try await browser.get("/account").body.contains("Tweestapsverificatie instellen"))
            let start = try await browser.post("/account/tweede-factor", form: [], csrf: csrf)
            #expect(start.location == "/inloggen/tweede-factor")
            let enrol = try await browser.get("/inloggen/tweede-factor")
            #expect(enrol.status == .ok)
            #expect(enrol.body.contains("<svg") && enrol.body.contains("role=\"img\""), "the QR code is on the page")
            let secret = try Self.key(enrol)
            let refused = try await browser.post("/inloggen/tweede-factor", form: [("code", Self.wrong(Self.code(secret, app)))], csrf: enrol.csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Deze code klopt niet"))
            #expect(try await app.services.secondFactor.state(userId: "a-consulent").enabled == false)
            let enrolled = try await browser.post("/inloggen/tweede-factor", form: [("code", Self.code(secret, app))], csrf: enrol.csrf)
            #expect(enrolled.status == .ok)
            #expect(enrolled.headers[.cacheControl] == "no-store")
            let recovery = Self.codes(enrolled)
            #expect(recovery.count == 10)
            #expect(try await app.services.secondFactor.state(userId: "a-consulent").recoveryCodesLeft == 10)
            #expect(try await !AccountsAdminTests.actions(app, "user.secondFactor.enable").isEmpty)
            _ = try await browser.post("/uitloggen", form: [], csrf: csrf)

            // The password alone is no session; the code used at enrolment is not accepted again.
            let codeCSRF = try #require(try await Self.password(browser, email))
            #expect(try await browser.get("/taken").status == .seeOther, "no session before the code")
            let replay = try await browser.post("/inloggen/code", form: [("code", Self.code(secret, app))], csrf: codeCSRF)
            #expect(replay.status == .unauthorized)
            app.clock.advance(30)
            let signedIn = try await browser.post("/inloggen/code", form: [("code", Self.code(secret, app))], csrf: codeCSRF)
            #expect(signedIn.location == "/taken")
            #expect(try await browser.get("/taken").status == .ok)
            let session = try #require(try await browser.get("/account").csrf)
            _ = try await browser.post("/uitloggen", form: [], csrf: session)

            // A recovery code works once, and the account page then says how many are left.
            let again = try #require(try await Self.password(browser, email))
            let withRecovery = try await browser.post("/inloggen/code", form: [("code", recovery[3].uppercased())], csrf: again)
            #expect(withRecovery.location == "/account?melding=herstelcode#tweede-factor")
            #expect(try await browser.get("/account?melding=herstelcode").body.contains("u heeft er nog 9"))
            _ = try await browser.post("/uitloggen", form: [], csrf: try #require(try await browser.get("/account").csrf))
            let third = try #require(try await Self.password(browser, email))
            #expect(try await browser.post("/inloggen/code", form: [("code", recovery[3])], csrf: third).status == .unauthorized)

            // Five wrong codes end the challenge: back to the password.
            for attempt in 2...4 {
                let wrong = try await browser.post("/inloggen/code", form: [("code", Self.wrong(Self.code(secret, app)))], csrf: third)
                #expect(wrong.status == .unauthorized, "wrong code \(attempt)")
            }
            let fifth = try await browser.post("/inloggen/code", form: [("code", Self.wrong(Self.code(secret, app)))], csrf: third)
            #expect(fifth.location == "/inloggen?reden=pogingen")
            #expect(try await browser.get("/inloggen?reden=pogingen").body.contains("Te vaak een verkeerde code"))
            let ended = try await browser.post("/inloggen/code", form: [("code", Self.code(secret, app))], csrf: third)
            #expect(ended.location == "/inloggen?reden=codeVerlopen", "the ended challenge signs no one in")
        }
    }

    @Test("Required by the organisation: the login enrols first; it cannot be turned off; a beheerder resets it, only in their own organisation",
          arguments: Engine.available)
    func required(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheer = Browser(client)
            let beheerCSRF = try await beheer.login(World.email(.functioneelBeheerder))
            #expect(try await beheer.post("/beheer/instellingen/inloggen", form: [("tweedeFactorVerplicht", "ja")], csrf: beheerCSRF).status == .seeOther)
            #expect(try await app.services.secondFactor.organisationRequires(organisationId: app.world.orgA))
            #expect(try await app.services.secondFactor.organisationRequires(organisationId: app.world.orgB) == false)

            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            let password = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password), ("terug", "/taken")],
                                                  csrf: form.csrf)
            #expect(password.location == "/inloggen/tweede-factor")
            #expect(try await browser.get("/taken").status == .seeOther, "no session before enrolment")
            let enrol = try await browser.get("/inloggen/tweede-factor")
            #expect(enrol.body.contains("Uw organisatie vraagt"))
            let secret = try Self.key(enrol)
            let enrolled = try await browser.post("/inloggen/tweede-factor", form: [("code", Self.code(secret, app))], csrf: enrol.csrf)
            #expect(enrolled.status == .ok && Self.codes(enrolled).count == 10)
            #expect(enrolled.body.contains("href=\"/taken\""), "on to where the login was going")
            #expect(try await browser.get("/taken").status == .ok, "signed in after enrolment")

            // Turning it off is refused while the organisation requires it.
            let session = try #require(try await browser.get("/account").csrf)
            app.clock.advance(30)
            let off = try await browser.post("/account/tweede-factor/uitzetten", form: [("code", Self.code(secret, app))], csrf: session)
            #expect(off.status == .conflict)
            #expect(try await app.services.secondFactor.state(userId: "a-consulent").enabled)

            // New recovery codes need a current code; the old ones stop working.
            app.clock.advance(30)
            let fresh = try await browser.post("/account/tweede-factor/herstelcodes", form: [("code", Self.code(secret, app))], csrf: session)
            #expect(fresh.status == .ok && Self.codes(fresh).count == 10 && Set(Self.codes(fresh)).isDisjoint(with: Self.codes(enrolled)))
            #expect(try await AccountsAdminTests.actions(app, "user.secondFactor.recoveryCodes").contains { $0.actorId == "a-consulent" }, "new codes are audited")

            // Another organisation's beheerder cannot touch the account; its own can.
            let other = Browser(client)
            let otherCSRF = try await other.login(World.email(.functioneelBeheerder, "b"))
            #expect(try await other.post("/beheer/gebruikers/a-consulent/tweede-factor-herstellen", form: [], csrf: otherCSRF).status == .notFound)
            #expect(try await app.services.secondFactor.state(userId: "a-consulent").enabled)
            #expect(try await beheer.get("/beheer/gebruikers/a-consulent").body.contains("Tweestapsverificatie opnieuw laten instellen"))
            let reset = try await beheer.post("/beheer/gebruikers/a-consulent/tweede-factor-herstellen", form: [], csrf: beheerCSRF)
            #expect(reset.location == "/beheer/gebruikers/a-consulent?melding=tweedeFactorHersteld")
            let state = try await app.services.secondFactor.state(userId: "a-consulent")
            #expect(!state.enabled && state.recoveryCodesLeft == 0)
            #expect(try await !AccountsAdminTests.actions(app, "user.secondFactor.reset").isEmpty)
        }
    }

    @Test("Turned off by its owner with a current code when the organisation does not require it", arguments: [Engine.sqlite])
    func turnOff(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.teamleider))
            _ = try await browser.post("/account/tweede-factor", form: [], csrf: csrf)
            let enrol = try await browser.get("/inloggen/tweede-factor")
            let secret = try Self.key(enrol)
            #expect(try await browser.post("/inloggen/tweede-factor", form: [("code", Self.code(secret, app))], csrf: enrol.csrf).status == .ok)
            let missing = try await browser.post("/account/tweede-factor/uitzetten", form: [("code", "")], csrf: csrf)
            #expect(missing.status == .badRequest && missing.body.contains("Vul de code uit uw app in."))
            app.clock.advance(30)
            let off = try await browser.post("/account/tweede-factor/uitzetten", form: [("code", Self.code(secret, app))], csrf: csrf)
            #expect(off.location == "/account?melding=tweedeFactorUit#tweede-factor")
            #expect(try await app.services.secondFactor.state(userId: "a-teamleider").enabled == false)
            #expect(try await AccountsAdminTests.actions(app, "user.secondFactor.disable").contains { $0.actorId == "a-teamleider" }, "turning it off is audited")
            _ = try await browser.post("/uitloggen", form: [], csrf: csrf)
            #expect(try await Self.password(browser, World.email(.teamleider)) == nil, "the password alone signs in again")
        }
    }
}
