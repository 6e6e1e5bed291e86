import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RegieAPI
import RegieServer
import RegieStorage
import Testing

@Suite("API: spec-first /api/v1 with API keys, problem+json and keyset pagination")
struct APITests {
    /// Creates a key through the functioneel beheerder's page and returns it as shown (once). A key
    /// that reads personal data is then approved by the organisation's user holding its role (four
    /// eyes), unless `approve` is false.
    static func createKey(_ client: any TestClientProtocol, org: String = "a", role: String = "consulent", approve: Bool = true) async throws -> String {
        let beheer = Browser(client)
        let csrf = try await beheer.login(World.email(.functioneelBeheerder, org))
        let page = try await beheer.post("/beheer/api-sleutels", form: [("name", "Zaaksysteem"), ("role", role)], csrf: csrf)
        #expect(page.status == .created)
        let range = try #require(page.body.range(of: "<code class=\"secret\">"))
        let rest = page.body[range.upperBound...]
        let key = String(rest[..<rest.firstIndex(of: "<")!])
        if approve, let keyRole = Role(rawValue: role), Policy.needsApproval(keyRole) {
            try await Self.approve(client, role: keyRole, org: org)
        }
        return key
    }

    /// The user of `org` holding `role` approves every key waiting for them on their account page.
    static func approve(_ client: any TestClientProtocol, role: Role, org: String = "a") async throws {
        let holder = Browser(client)
        _ = try await holder.login(World.email(role, org))
        let account = try await holder.get("/account")
        for part in account.body.components(separatedBy: "action=\"/account/api-sleutels/").dropFirst() {
            let path = "/account/api-sleutels/" + part.prefix { $0 != "\"" }
            #expect(try await holder.post(path, form: [], csrf: account.csrf).status == .seeOther)
        }
    }

    static func call(_ client: any TestClientProtocol, _ path: String, key: String?) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any]) {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        let response = try await client.execute(uri: path, method: .get, headers: headers, body: nil)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, response.headers, json)
    }

    @Test("Without a valid key the API answers 401 as problem+json", arguments: Engine.available)
    func unauthenticated(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            for key in [nil, "nonsense", "regie_abcdefghijkl_wrongsecret"] as [String?] {
                let result = try await Self.call(client, "/api/v1/me", key: key)
                #expect(result.status == .unauthorized)
                #expect(result.headers[.contentType] == "application/problem+json")
                #expect(result.json["status"] as? Int == 401)
                #expect(result.json["title"] as? String == "Niet geauthenticeerd")
            }
        }
    }

    @Test("A key works for its own organisation only, is stored hashed, and stops working when revoked", arguments: Engine.available)
    func keyLifecycle(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await Self.createKey(client)
            let me = try await Self.call(client, "/api/v1/me", key: key)
            #expect(me.status == .ok)
            #expect(me.headers[HTTPField.Name("API-Version")!] == RegieAPISpec.version)
            #expect(me.json["type"] as? String == "apiKey")
            #expect((me.json["organisation"] as? [String: Any])?["name"] as? String == "Organisatie A")
            #expect(me.json["roles"] as? [String] == ["consulent"])
            #expect((me.json["municipalities"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["GM1706", "GM0988"])
            // The secret itself is nowhere in the database.
            let secret = String(key.split(separator: "_", maxSplits: 2)[2])
            let stored = try await app.database.sql.raw("SELECT secret_hash FROM api_keys").all().map { try $0.decode(column: "secret_hash", as: String.self) }
            #expect(stored.count == 1 && !stored[0].contains(secret))
            // The key is listed (without its secret) and can be revoked.
            let beheer = Browser(client)
            let csrf = try await beheer.login(World.email(.functioneelBeheerder))
            let list = try await beheer.get("/beheer/api-sleutels")
            #expect(!list.body.contains(secret))
            let id = try #require(try await app.services.apiKeys.listKeys(organisationId: app.world.orgA).first?.id)
            #expect(try await beheer.post("/beheer/api-sleutels/\(id)/intrekken", form: [], csrf: csrf).status == .seeOther)
            #expect(try await Self.call(client, "/api/v1/me", key: key).status == .unauthorized)
            let actions = try await app.services.audit.search(.init(actorId: "a-functioneelBeheerder"), before: nil, limit: 50).rows.map(\.action)
            #expect(actions.contains("apikey.create") && actions.contains("apikey.revoke"), "creating and revoking a key are audited")
        }
    }

    @Test("Municipalities come in keyset pages with a next link", arguments: Engine.available)
    func pagination(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let key = try await Self.createKey(client)
            let first = try await Self.call(client, "/api/v1/municipalities?limit=1", key: key)
            #expect(first.status == .ok)
            #expect((first.json["data"] as? [[String: Any]])?.first?["code"] as? String == "GM0988")
            let next = try #require(first.json["next"] as? String)
            #expect(next == "/api/v1/municipalities?limit=1&after=GM0988")
            let second = try await Self.call(client, next, key: key)
            #expect((second.json["data"] as? [[String: Any]])?.first?["code"] as? String == "GM1706")
            #expect(second.json["next"] == nil, "the last page has no next link")
        }
    }

    @Test("Invalid parameters answer 400 problem+json naming the field", arguments: ["limit=0", "limit=201", "limit=abc"])
    func invalidParameter(query: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let key = try await Self.createKey(client)
            let result = try await Self.call(client, "/api/v1/municipalities?\(query)", key: key)
            #expect(result.status == .badRequest)
            #expect(result.headers[.contentType] == "application/problem+json")
            let params = try #require(result.json["invalidParams"] as? [[String: Any]])
            #expect(params.first?["name"] as? String == "limit")
        }
    }

    @Test("An `after` cursor longer than the spec allows is refused with its field named")
    func afterTooLong() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let key = try await Self.createKey(client)
            let result = try await Self.call(client, "/api/v1/municipalities?after=" + String(repeating: "0", count: 201), key: key)
            #expect(result.status == .badRequest)
            #expect((result.json["invalidParams"] as? [[String: Any]])?.first?["name"] as? String == "after")
        }
    }

    @Test("A method a documented path does not support answers 405 with Allow, as problem+json", arguments: [HTTPRequest.Method.post, .put, .delete, .patch])
    func methodNotAllowed(method: HTTPRequest.Method) async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let response = try await client.execute(uri: "/api/v1/me", method: method, headers: [:], body: nil)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[HTTPField.Name("API-Version")!] == RegieAPISpec.version)
            let unknown = try await client.execute(uri: "/api/v1/bestaat-niet", method: .get, headers: [:], body: nil)
            #expect(unknown.status == .unauthorized || unknown.status == .notFound)
        }
    }

    @Test("HEAD works wherever GET does")
    func head() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let login = try await client.execute(uri: "/inloggen", method: .head)
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .head)
            #expect(login.status == .ok)
            #expect(document.status == .ok)
        }
    }

    @Test("The OpenAPI document is served and describes every operation")
    func openAPIDocument() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let result = try await Self.call(client, "/api/v1/openapi.json", key: nil)
            #expect(result.status == .ok)
            #expect(result.json["openapi"] as? String == "3.1.0")
            let paths = try #require(result.json["paths"] as? [String: Any])
            #expect(Set(paths.keys) == [
                "/openapi.json", "/me", "/municipalities", "/cases", "/cases/{id}", "/cases/{id}/timeline", "/cases/{id}/intake/conversations",
                "/cases/{id}/intake/topics/{topic}", "/cases/{id}/lbt", "/cases/{id}/school-advice", "/cases/{id}/route-decisions",
                "/cases/{id}/pips", "/cases/{id}/pips/concept", "/cases/{id}/pips/concept/fix", "/cases/{id}/route-start",
                "/cases/{id}/progress-meetings", "/cases/{id}/hours", "/cases/{id}/results", "/cases/{id}/enforcement-steps",
                "/cases/{id}/close", "/case-assignments", "/cases/{id}/handover", "/cases/{id}/tasks", "/cases/{id}/tasks/{task}/done", "/cases/{id}/documents", "/cases/{id}/documents/{document}", "/municipalities/{code}/settings",
                "/duo/discrepancies",
            ])
            #expect((result.json["info"] as? [String: Any])?["version"] as? String == RegieAPISpec.version)
        }
    }

    @Test("ADR /core/no-trailing-slash: a path with a trailing slash or an empty segment is a 404 problem, never the resource", arguments: Engine.available)
    func trailingSlash(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await Self.createKey(client)
            #expect(try await Self.call(client, "/api/v1/cases/\(app.world.personA)", key: key).status == .ok)
            for path in ["/api/v1/cases/", "/api/v1/me/", "/api/v1/municipalities/", "/api/v1/cases/\(app.world.personA)/", "/api/v1/cases//",
                         "/api/v1/cases//\(app.world.personA)", "/api/v1/openapi.json/", "/api/v1/"] {
                let result = try await Self.call(client, path, key: key)
                #expect(result.status == .notFound, "\(path)")
                #expect(result.headers[.contentType] == "application/problem+json", "\(path)")
                #expect(result.headers[.location] == nil, "\(path): no redirect")
                #expect(result.headers[HTTPField.Name("API-Version")!] == RegieAPISpec.version, "\(path)")
                #expect(result.json["id"] == nil && result.json["data"] == nil, "\(path): not the resource")
            }
        }
    }

    @Test("ADR /core/publish-openapi and /core/version-header: the document is public, readable from any origin (CORS, preflight), and every answer of the API names its version")
    func publishedDocument() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: [HTTPField.Name("Origin")!: "https://viewer.example.org"])
            #expect(document.status == .ok)
            #expect(document.headers[.accessControlAllowOrigin] == "*")
            #expect(document.headers[HTTPField.Name("API-Version")!] == RegieAPISpec.version)
            let preflight = try await client.execute(uri: "/api/v1/openapi.json", method: .options, headers: [
                HTTPField.Name("Origin")!: "https://viewer.example.org", HTTPField.Name("Access-Control-Request-Method")!: "GET",
                HTTPField.Name("Access-Control-Request-Headers")!: "accept"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Methods")!]?.contains("GET") == true)
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Headers")!] == "accept")
            let root = try await Self.call(client, "/api/v1", key: nil)
            #expect(root.status == .ok)
            #expect(root.json["openapi"] as? String == "/api/v1/openapi.json")
            #expect(root.headers[HTTPField.Name("API-Version")!] == RegieAPISpec.version)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: document.body)) as? [String: Any])
            let contact = try #require((json["info"] as? [String: Any])?["contact"] as? [String: Any])
            #expect(Set(contact.keys).isSuperset(of: ["name", "url", "email"]))
            let own = ((json["paths"] as? [String: Any])?["/openapi.json"] as? [String: Any])?["get"] as? [String: Any]
            #expect((own?["security"] as? [Any])?.isEmpty == true, "the document says it needs no key")
        }
    }

    @Test("Answers with personal data are never cached (Cache-Control: no-store), errors included", arguments: Engine.available)
    func noStore(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await Self.createKey(client)
            for (path, status) in [("/api/v1/cases/\(app.world.personA)", HTTPResponse.Status.ok), ("/api/v1/cases?limit=1", .ok),
                                   ("/api/v1/cases/\(app.world.personA)/timeline", .ok), ("/api/v1/cases/onbekend", .notFound)] {
                let result = try await Self.call(client, path, key: key)
                #expect(result.status == status, "\(path)")
                #expect(result.headers[.cacheControl] == "no-store", "\(path)")
            }
            #expect(try await Self.call(client, "/api/v1/me", key: nil).headers[.cacheControl] == "no-store")
        }
    }

    @Test("A functioneel beheerder cannot read casework through a key: a key that reads personal data waits for a second person holding its role, and the audit names both", arguments: Engine.available)
    func keyEscalation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await Self.createKey(client, role: "teamleider", approve: false)
            let me = try await Self.call(client, "/api/v1/me", key: key)
            #expect(me.status == .ok)
            #expect((me.json["roles"] as? [String])?.isEmpty == true, "no rights before approval")
            #expect((me.json["name"] as? String)?.contains("wacht op goedkeuring") == true)
            for path in ["/api/v1/cases", "/api/v1/cases/\(app.world.personA)", "/api/v1/cases/\(app.world.personA)/handover"] {
                let refused = try await Self.call(client, path, key: key)
                #expect(refused.status == .forbidden, "\(path)")
                #expect((refused.json["detail"] as? String)?.contains("wacht op goedkeuring") == true)
            }
            let id = try #require(try await app.services.apiKeys.listKeys(organisationId: app.world.orgA).first?.id)
            // The maker cannot approve it, nor someone without the key's role, nor someone of another organisation.
            for (role, org) in [(Role.functioneelBeheerder, "a"), (.consulent, "a"), (.teamleider, "b")] {
                let other = Browser(client)
                let csrf = try await other.login(World.email(role, org))
                #expect(try await other.post("/account/api-sleutels/\(id)/goedkeuren", form: [], csrf: csrf).status == .notFound, "\(role) \(org)")
                #expect(!(try await other.get("/account").body.contains("/account/api-sleutels/\(id)/goedkeuren")))
            }
            #expect(try await Self.call(client, "/api/v1/cases", key: key).status == .forbidden)
            // The team lead sees it on their account page and approves it.
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let account = try await lead.get("/account")
            #expect(account.body.contains("API-sleutels die op uw goedkeuring wachten"))
            let approved = try await lead.post("/account/api-sleutels/\(id)/goedkeuren", form: [], csrf: account.csrf)
            #expect(approved.status == .seeOther)
            #expect(try await Self.call(client, "/api/v1/cases", key: key).status == .ok)
            #expect(try await lead.post("/account/api-sleutels/\(id)/goedkeuren", form: [], csrf: account.csrf).status == .notFound, "once")
            let entry = try #require(try await app.services.audit.search(.init(actorId: "a-teamleider"), before: nil, limit: 20).rows.first { $0.action == "apikey.approve" })
            #expect(entry.detail.contains("aangemaakt door functioneelBeheerder A (a-functioneelBeheerder)"))
            #expect(entry.detail.contains("goedgekeurd door teamleider A (a-teamleider)"))
            let beheer = Browser(client)
            _ = try await beheer.login(World.email(.functioneelBeheerder))
            #expect(try await beheer.get("/beheer/api-sleutels").body.contains("Goedgekeurd door teamleider A"))
        }
    }

    @Test("A key without personal data works at once when its maker holds all its rights", arguments: Engine.available)
    func keyWithoutPersonalData(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let key = try await Self.createKey(client, role: "beleidsmedewerker", approve: false)
            let me = try await Self.call(client, "/api/v1/me", key: key)
            #expect(me.json["roles"] as? [String] == ["beleidsmedewerker"])
        }
    }
}
