import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import RegieServer
import RegieStorage
import Testing

@Suite("Operations: health, metrics, security headers, migrations")
struct OperationsTests {
    @Test("Liveness and readiness answer, readiness checks the database and the migrations", arguments: Engine.available)
    func health(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let live = try await client.execute(uri: "/health/live", method: .get)
            #expect(live.status == .ok)
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body).contains("\"migrations\":\"current\""))
            // A migration missing from the database makes the instance not ready.
            try await app.database.sql.raw("DELETE FROM schema_migrations").run()
            let notReady = try await client.execute(uri: "/health/ready", method: .get)
            #expect(notReady.status == .serviceUnavailable)
            #expect(String(buffer: notReady.body).contains("pending: M0001_Platform"))
        }
    }

    @Test("Metrics count requests per route template, never per concrete path")
    func metrics() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            _ = try await browser.get("/personen/\(app.world.personA)")
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains("regie_http_requests_total{method=\"GET\",route=\"/personen/{id}\",status=\"200\"} 1"))
            #expect(text.contains("regie_http_request_duration_seconds_bucket"))
            #expect(text.contains("regie_db_pool_max_connections"))
            #expect(!text.contains(app.world.personA), "no ids in metric labels")
            #expect(text.contains("regie_audit_entries_count 2"), "the audit log's length, to notice a drop: \(text.split(separator: "\n").filter { $0.contains("audit") })")
        }
    }

    @Test("With METRICS_TOKEN set, /metrics asks for it; in production without one it is closed", arguments: [
        (["METRICS_TOKEN": "scrape-token-0123456789"], nil as String?, 401),
        (["METRICS_TOKEN": "scrape-token-0123456789"], "Bearer wrong", 401),
        (["METRICS_TOKEN": "scrape-token-0123456789"], "Bearer scrape-token-0123456789", 200),
        ([:], nil, 200),
        (["REGIE_ENV": "production", "FIELD_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="], nil, 403),
    ] as [([String: String], String?, Int)])
    func metricsToken(config: [String: String], authorization: String?, status: Int) async throws {
        try await TestSupport.withApp(.sqlite, config: config) { client, _ in
            var headers = HTTPFields()
            if let authorization { headers[.authorization] = authorization }
            let response = try await client.execute(uri: "/metrics", method: .get, headers: headers)
            #expect(response.status.code == status)
            #expect(String(buffer: response.body).contains("regie_db_pool_max_connections") == (status == 200))
        }
    }

    @Test("Every page carries the security headers; no page has inline script or style")
    func securityHeaders() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.teamleider))
            for path in ["/inloggen", "/", "/account", "/personen/\(app.world.personA)", "/personen/\(app.world.personA)/contact", "/bestaat-niet"] {
                let page = try await browser.get(path)
                let csp = try #require(page.headers[.contentSecurityPolicy], "\(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[.strictTransportSecurity] == nil, "no HSTS over plain HTTP in development")
                #expect(!page.body.contains("<script>"), "\(path) has inline script")
                #expect(!page.body.contains(" style=\""), "\(path) has an inline style")
                #expect(!page.body.contains("onclick="), "\(path) has an inline handler")
            }
        }
    }

    @Test("Behind TLS (Secure cookies configured) responses carry HSTS and the session cookie is Secure")
    func hstsBehindTLS() async throws {
        try await TestSupport.withApp(.sqlite, config: ["COOKIE_SECURE": "true"]) { client, _ in
            let browser = Browser(client)
            let form = try await browser.get("/inloggen")
            #expect(form.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains")
            let login = try await browser.post("/inloggen", form: [("email", World.email(.consulent)), ("password", World.password)], csrf: form.csrf)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("regie_session=") })
            #expect(cookie.contains("Secure"))
        }
    }

    @Test("No log line carries a name, a BSN or a search term, and each carries the request id")
    func logsHoldNoPersonalData() async throws {
        let recorder = LogRecorder()
        try await TestSupport.withApp(.sqlite, logger: recorder.logger()) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.get("/?q=Haddad")
            _ = try await browser.get("/?q=999990019")
            _ = try await browser.get("/personen/\(app.world.personA)/bsn")
            _ = try await browser.post("/personen/\(app.world.personA)/contact", form: [("phone", "06 12345678"), ("language", "Arabisch")], csrf: csrf)
            _ = try await browser.get("/personen/bestaat-niet")
        }
        let lines = recorder.all
        #expect(lines.count >= 6)
        for line in lines {
            for secret in ["Haddad", "Amal", "999990019", "12345678", "correct horse", "consulent@a.example"] {
                #expect(!line.contains(secret), "log line leaks \(secret): \(line)")
            }
        }
        #expect(lines.filter { $0.contains("route=") }.allSatisfy { $0.contains("hb.request.id=") })
    }

    @Test("Migrations are idempotent: a second run applies nothing", arguments: Engine.available)
    func migrationsIdempotent(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let applied = try await Migrator(database: database).migrate()
            let pending = try await Migrator(database: database).pending()
            #expect(applied.isEmpty)
            #expect(pending.isEmpty)
        }
    }

    @Test("The stylesheet and script are served as files; a missing one is a plain 404")
    func staticFiles() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let css = try await client.execute(uri: "/static/regie.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(String(buffer: css.body).contains("--regie-color-primary"))
            let js = try await client.execute(uri: "/static/regie.js", method: .get)
            #expect(js.status == .ok)
            #expect(try await client.execute(uri: "/static/none.css", method: .get).status == .notFound)
        }
    }

    @Test("Unknown pages answer 404 with the layout, in Dutch")
    func notFoundPage() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/bestaat-niet")
            #expect(page.status == .notFound)
            #expect(page.body.contains("Pagina niet gevonden"))
        }
    }

    @Test("A team name that is empty, too long, already there or holds a line break is refused beside its field and kept as typed", arguments: [
        ("", "Vul Nieuw team in"), (String(repeating: "x", count: 81), "te lang"), ("Team\nWeert", "teken dat hier niet mag"),
    ])
    func teamNames(name: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.functioneelBeheerder))
            let refused = try await browser.post("/beheer/instellingen/teams", form: [("teamName", name)], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains(message), "\(refused.body.count)")
            #expect(try await app.services.users.listTeams(organisationId: app.world.orgA).isEmpty)
            #expect(try await browser.post("/beheer/instellingen/teams", form: [("teamName", "Team Weert")], csrf: csrf).status == .seeOther)
            let twice = try await browser.post("/beheer/instellingen/teams", form: [("teamName", "team weert")], csrf: csrf)
            #expect(twice.status == .badRequest)
            #expect(twice.body.contains("Er is al een team met de naam team weert."))
            #expect(twice.body.contains("value=\"team weert\""), "what was typed is kept")
        }
    }

    @Test("SQLite busy beyond its wait (another process holds the write lock) is a 503 with Retry-After on the web and the API, not a 500; nothing is stored")
    func busyIs503() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            guard case .sqlite(let path) = app.database.location else { Issue.record("needs SQLite"); return }
            let key = try await APITests.createKey(client)
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let person = app.world.personA
            // Another process's writer: a connection of its own that takes the write lock and keeps it.
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let other = try await Database.connect(.sqlite(path: path), maxConnections: 1, logger: logger)
            let cookie = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let form = "taskTitle=Bel+taalschool&taskDue=2026-11-30&_csrf=\(Browser.encode(csrf))"
            try await other.withSession { db in
                try await db.raw("BEGIN IMMEDIATE").run()
                async let web = client.execute(uri: "/personen/\(person)/taken", method: .post,
                                               headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie], body: ByteBuffer(string: form))
                async let api = APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/tasks", key: key, body: ["taskTitle": "Bel taalschool"])
                let (page, reply) = try await (web, api)
                #expect(page.status == .serviceUnavailable)
                #expect(page.headers[.retryAfter] == "5")
                #expect(String(buffer: page.body).contains("even bezet"))
                #expect(reply.status == .serviceUnavailable)
                #expect(reply.json["status"] as? Int == 503)
                try await db.raw("ROLLBACK").run()
            }
            await other.shutdown()
            #expect(try await app.services.casework.listTaken(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).isEmpty)
        }
    }
}
