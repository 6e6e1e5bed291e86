import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import RegieStorage
import Testing
@testable import RegieServer

/// Staff sign in through an identity provider: a real OpenID provider process (the PyPI package
/// `oidc-provider-mock`, started on loopback per test) for the whole flow, and tokens signed here
/// for what a provider should never send (another audience, expired, a bad signature, another nonce).
/// The provider is installed (`pip install -r e2e/requirements.txt`); under REGIE_REQUIRE_ALL the
/// suite runs anyway, so a missing install fails instead of skipping.
enum OIDCProviderCheck {
    static var canRun: Bool {
        ProcessInfo.processInfo.environment["REGIE_REQUIRE_ALL"] == "1" || OIDCTests.Provider.installed
    }
}

@Suite("OpenID Connect: sign in through the organisation's identity provider", .enabled(if: OIDCProviderCheck.canRun))
struct OIDCTests {
    /// `python3 -m oidc_provider_mock` on a free port, stopped when the test ends.
    final class Provider: Sendable {
        let process: Process
        let issuer: String

        static var installed: Bool {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            check.arguments = ["python3", "-c", "import oidc_provider_mock"]
            check.standardOutput = FileHandle.nullDevice
            check.standardError = FileHandle.nullDevice
            guard (try? check.run()) != nil else { return false }
            check.waitUntilExit()
            return check.terminationStatus == 0
        }

        init(maxAge: Int = 3600) async throws {
            let port = try Self.freePort()
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "oidc_provider_mock", "--port", String(port), "--require-nonce", "--token-max-age", String(maxAge)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            issuer = "http://127.0.0.1:\(port)"
            for _ in 0..<100 {
                if (try? await OIDCTests.http("GET", issuer + "/.well-known/openid-configuration"))?.status == 200 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            process.terminate()
            throw ProviderError.notStarted
        }

        /// SIGKILL: a graceful stop waits for the keep-alive connections of the test's HTTP client, and
        /// a wait for that would hold one of the few threads every test shares.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        enum ProviderError: Error { case notStarted }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    static func http(_ method: String, _ url: String, json: String? = nil, form: String? = nil) async throws -> (status: Int, location: String?) {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let json { request.headers.add(name: "Content-Type", value: "application/json"); request.body = .bytes(ByteBuffer(string: json)) }
        if let form { request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded"); request.body = .bytes(ByteBuffer(string: form)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Location"))
    }

    static func config(_ issuer: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "regie-test", "OIDC_CLIENT_SECRET": "geheim", "OIDC_ORGANISATION": "Organisatie A",
         "PUBLIC_URL": "http://regie.test"].merging(extra) { $1 }
    }

    /// The provider's user (claims set through its API), then Regie's start, the provider's consent
    /// (its form posted with the subject) and Regie's callback: the callback's response.
    static func signIn(_ browser: Browser, provider: Provider, key: String? = nil, sub: String, claims: String,
                       back: String = "/taken") async throws -> (callback: String, page: Browser.Page) {
        #expect(try await http("PUT", provider.issuer + "/users/\(sub)", json: claims).status == 204)
        let start = try await browser.get("/inloggen/oidc?" + (key.map { "aanbieder=\($0)&" } ?? "") + "terug=" + back)
        let authorize = try #require(start.location, "Regie sends the browser to the provider")
        #expect(authorize.hasPrefix(provider.issuer + "/oauth2/authorize?"))
        for part in ["response_type=code", "client_id=regie-test", "code_challenge_method=S256", "state=", "nonce=", "code_challenge="] {
            #expect(authorize.contains(part), "authorization request has \(part)")
        }
        let consent = try await http("POST", authorize, form: "sub=" + sub)
        let redirect = try #require(consent.location, "the provider sends the browser back (HTTP \(consent.status))")
        #expect(redirect.hasPrefix("http://regie.test/inloggen/oidc/terug?"))
        let callback = String(redirect.dropFirst("http://regie.test".count))
        return (callback, try await browser.get(callback))
    }

    @Test("Sign in: matched by verified e-mail, roles from the groups claim, the state used once, logout at the provider", arguments: [Engine.sqlite])
    func signIn(engine: Engine) async throws {
        let provider = try await Provider()
        defer { provider.stop() }
        try await TestSupport.withApp(engine, config: Self.config(provider.issuer, ["OIDC_ROLES_CLAIM": "groups",
                                                                                  "OIDC_ROLE_MAP": "regie-consulent=consulent,regie-leiding=teamleider"])) { web, app in
            let browser = Browser(web)
            #expect(try await browser.get("/inloggen").body.contains("Inloggen via Organisatie A"))
            let claims = #"{"email": "consulent@a.example", "email_verified": true, "name": "Consulent A", "groups": ["regie-consulent", "regie-leiding"]}"#
            let (callback, page) = try await Self.signIn(browser, provider: provider, sub: "medewerker-17", claims: claims)
            #expect(page.location == "/taken", "signed in and on to where the login was going")
            #expect(try await browser.get("/taken").status == .ok)
            let user = try #require(try await app.services.users.fetchUser(id: "a-consulent"))
            #expect(Set(user.roles) == [.consulent, .teamleider], "roles follow the groups claim")
            #expect(try await app.services.oidcStore.user(issuer: provider.issuer, subject: "medewerker-17") == "a-consulent")
            let logins = try await app.services.audit.search(.init(action: "login"), before: nil, limit: 10).rows
            #expect(logins.contains { $0.actorId == "a-consulent" && $0.detail.contains("via de identity provider") })

            // The same callback again (a replay): the state was used, nobody is signed in by it.
            let other = Browser(web)
            let replay = try await other.get(callback)
            #expect(replay.status == .badRequest && replay.body.contains("verlopen of al afgerond"))

            // Logging out ends the session and sends the browser to the provider's logout.
            let csrf = try #require(try await browser.get("/account").csrf)
            let out = try await browser.post("/uitloggen", form: [], csrf: csrf)
            let location = try #require(out.location)
            #expect(location.hasPrefix(provider.issuer + "/oauth2/end_session?") && location.contains("id_token_hint="))
            #expect(location.contains("post_logout_redirect_uri=http%3A%2F%2Fregie.test%2Finloggen"))
            #expect(try await browser.get("/taken").status == .seeOther, "the session has ended")
        }
    }

    @Test("No account without a verified e-mail or provisioning; provisioning needs a role; an expired token is refused", arguments: [Engine.sqlite])
    func accounts(engine: Engine) async throws {
        let provider = try await Provider()
        defer { provider.stop() }
        try await TestSupport.withApp(engine, config: Self.config(provider.issuer, ["OIDC_ROLES_CLAIM": "groups", "OIDC_ROLE_MAP": "regie-consulent=consulent",
                                                                                  "OIDC_PROVISION": "true"])) { web, app in
            // An unverified address matches no account, and is not provisioned.
            let unverified = try await Self.signIn(Browser(web), provider: provider, sub: "x1",
                                                   claims: #"{"email": "consulent@a.example", "email_verified": false, "groups": ["regie-consulent"]}"#)
            #expect(unverified.page.status == .forbidden && unverified.page.body.contains("geen actief account"))
            // Provisioned with the role the claim maps to.
            let new = try await Self.signIn(Browser(web), provider: provider, sub: "x2",
                                            claims: #"{"email": "nieuw@a.example", "email_verified": true, "name": "Nieuwe Collega", "groups": ["regie-consulent"]}"#)
            #expect(new.page.location == "/taken")
            let id = try #require(try await app.services.users.fetchUserId(email: "nieuw@a.example"))
            #expect(try await app.services.users.fetchUser(id: id)?.roles == [.consulent])
            // Without a mapped role nobody is provisioned.
            let roleless = try await Self.signIn(Browser(web), provider: provider, sub: "x3",
                                                 claims: #"{"email": "rolloos@a.example", "email_verified": true, "groups": ["iets-anders"]}"#)
            #expect(roleless.page.status == .forbidden)
            #expect(try await app.services.users.fetchUserId(email: "rolloos@a.example") == nil)
            // A token that has expired by Regie's clock is refused.
            app.clock.advance(Date().timeIntervalSince(app.clock.now) + 2 * 3600)
            let late = try await Self.signIn(Browser(web), provider: provider, sub: "x2",
                                             claims: #"{"email": "nieuw@a.example", "email_verified": true, "groups": ["regie-consulent"]}"#)
            #expect(late.page.status == .unauthorized && late.page.body.contains("niet gelukt"))
        }
    }

    @Test("Password login switched off for the organisation; its break-glass beheerder still signs in, audited", arguments: [Engine.sqlite])
    func passwordOff(engine: Engine) async throws {
        let provider = try await Provider()
        defer { provider.stop() }
        try await TestSupport.withApp(engine, config: Self.config(provider.issuer, ["OIDC_PASSWORD_LOGIN": "false",
                                                                                  "OIDC_BREAK_GLASS": World.email(.functioneelBeheerder)])) { web, app in
            let browser = Browser(web)
            let form = try await browser.get("/inloggen")
            let refused = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)], csrf: form.csrf)
            #expect(refused.status == .forbidden && refused.body.contains("logt in via de eigen inlogdienst"))
            // Another organisation's accounts still use their password.
            _ = try await Browser(web).login(World.email(.consulent, "b"))
            _ = try await Browser(web).login(World.email(.functioneelBeheerder))
            let logins = try await app.services.audit.search(.init(action: "login"), before: nil, limit: 10).rows
            #expect(logins.contains { $0.actorId == "a-functioneelBeheerder" && $0.detail.hasPrefix("break-glass") })
        }
    }

    @Test("A provider per organisation: each organisation's staff sign in at its own, and not at another's", arguments: [Engine.sqlite])
    func providers(engine: Engine) async throws {
        let a = try await Provider(), b = try await Provider()
        defer { a.stop(); b.stop() }
        let config = ["OIDC_PROVIDERS": "a,b", "PUBLIC_URL": "http://regie.test",
                      "OIDC_A_ISSUER": a.issuer, "OIDC_A_CLIENT_ID": "regie-test", "OIDC_A_CLIENT_SECRET": "x", "OIDC_A_ORGANISATION": "Organisatie A",
                      "OIDC_B_ISSUER": b.issuer, "OIDC_B_CLIENT_ID": "regie-test", "OIDC_B_CLIENT_SECRET": "y", "OIDC_B_ORGANISATION": "Organisatie B"]
        try await TestSupport.withApp(engine, config: config) { web, app in
            let page = try await Browser(web).get("/inloggen").body
            #expect(page.contains("Inloggen via Organisatie A") && page.contains("Inloggen via Organisatie B"))
            #expect(page.contains("Of log in met uw e-mailadres en wachtwoord in Regie"))
            let claimsB = #"{"email": "consulent@b.example", "email_verified": true}"#
            let signedIn = try await Self.signIn(Browser(web), provider: b, key: "b", sub: "b-17", claims: claimsB)
            #expect(signedIn.page.location == "/taken")
            #expect(try await app.services.oidcStore.user(issuer: b.issuer, subject: "b-17") == "b-consulent")
            // The same person through A's provider: no account of organisation A.
            let elsewhere = try await Self.signIn(Browser(web), provider: a, key: "a", sub: "b-17", claims: claimsB)
            #expect(elsewhere.page.status == .forbidden)
            #expect(try await app.services.oidcStore.user(issuer: a.issuer, subject: "b-17") == nil)
        }
    }

    // MARK: Tokens a provider should never send

    @Test("An ID token is refused for another audience, another issuer, when expired, with another nonce or a bad signature")
    func tokens() async throws {
        let key = ES256PrivateKey()
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
        let verifier = await JWTKeyCollection().add(ecdsa: key.publicKey, kid: "k1")
        let stranger = await JWTKeyCollection().add(ecdsa: ES256PrivateKey(), kid: "k1")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let provider = OIDCClient(config: OIDCConfig(issuer: "https://idp.example", clientId: "regie", clientSecret: "s", organisation: "Organisatie A"),
                                  logger: .init(label: "test"))
        func token(iss: String = "https://idp.example", aud: [String] = ["regie"], exp: Date = now.addingTimeInterval(300), nonce: String = "n1",
                   keys: JWTKeyCollection? = nil) async throws -> String {
            try await (keys ?? signer).sign(IDTokenClaims(iss: iss, sub: "s1", aud: aud, exp: exp, nonce: nonce, email: "a@b", emailVerified: true, name: nil,
                                                          lists: ["groups": ["g"]]), kid: "k1")
        }
        let good = try await provider.verify(try await token(), nonce: "n1", now: now, keys: verifier)
        #expect(good.sub.value == "s1" && good.lists["groups"] == ["g"] && good.emailVerified == true)
        let refused: [(String, String)] = [
            (try await token(aud: ["another-app"]), "audience"), (try await token(iss: "https://evil.example"), "issuer"),
            (try await token(exp: now.addingTimeInterval(-120)), "expired"), (try await token(nonce: "n2"), "nonce"),
            (try await token(keys: stranger), "signature"),
        ]
        for (jwt, reason) in refused {
            await #expect(throws: OIDCError.self, "refused: \(reason)") { try await provider.verify(jwt, nonce: "n1", now: now, keys: verifier) }
        }
    }
}
