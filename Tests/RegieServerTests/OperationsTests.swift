import Foundation
import HTTPTypes
import HummingbirdTesting
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
}
