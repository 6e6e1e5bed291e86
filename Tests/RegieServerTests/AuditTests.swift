import Foundation
import Inburgering
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

@Suite("Audit: every read and change of a person's data is logged in a hash chain")
struct AuditTests {
    @Test("Opening a file writes who, role, action, person, purpose, time and request id", arguments: Engine.available)
    func readIsAudited(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(app.world.personA)")
            #expect(page.status == .ok)
            let entry = try #require(try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 5).rows.first)
            #expect(entry.action == "person.view")
            #expect(entry.actorId == "a-consulent")
            #expect(entry.actorName == "consulent A")
            #expect(entry.actorRole == "consulent")
            #expect(entry.purpose == "inburgering")
            #expect(entry.organisationId == app.world.orgA)
            #expect(entry.municipalityCode == "GM0988")
            #expect(entry.occurredAt == Int64(app.clock.now.timeIntervalSince1970))
            #expect(!entry.requestId.isEmpty && entry.requestId != "-")
            // Revealing the BSN is its own read.
            _ = try await browser.get("/personen/\(app.world.personA)/bsn")
            let latest = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 1).rows.first
            #expect(latest?.action == "person.bsn.reveal")
        }
    }

    @Test("A budgetbeheerder's read is logged on the purpose ontzorgen", arguments: Engine.available)
    func purposeByRole(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.budgetbeheerder))
            _ = try await browser.get("/personen/\(app.world.personA)")
            let entry = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 1).rows.first
            #expect(entry?.purpose == "ontzorgen")
            #expect(entry?.actorRole == "budgetbeheerder")
        }
    }

    @Test("A change is stored with its audit entry; an invalid change keeps what was typed and stores nothing", arguments: Engine.available)
    func changeIsAudited(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let invalid = try await browser.post("/personen/\(app.world.personA)/contact",
                                                 form: [("phone", "12ab"), ("email", "geen-adres"), ("language", "Arabisch")], csrf: csrf)
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.contains("Telefoonnummer klopt niet"))
            #expect(invalid.body.contains("E-mailadres klopt niet"))
            #expect(invalid.body.contains("value=\"12ab\""), "what was typed is kept")
            #expect(invalid.body.contains("href=\"#phone\""), "the summary links to the field")
            let unchanged = try await app.services.audit.search(.init(personId: app.world.personA, actorId: nil), before: nil, limit: 10).rows
            #expect(!unchanged.contains { $0.action == "person.contact.update" })

            let saved = try await browser.post("/personen/\(app.world.personA)/contact",
                                               form: [("phone", "06 12345678"), ("email", "Amal@Example.nl"), ("language", "Arabisch"), ("interpreter", "ja")], csrf: csrf)
            #expect(saved.status == .seeOther)
            let person = try await app.services.persons.fetchPerson(id: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(person?.phone == "06 12345678")
            #expect(person?.email == "amal@example.nl")
            let entry = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 1).rows.first
            #expect(entry?.action == "person.contact.update")
            #expect(entry?.detail == "gewijzigd: phone,email", "names the fields, never their values")
            let file = try await browser.get(try #require(saved.location))
            #expect(file.body.contains("De contactgegevens zijn opgeslagen."))
        }
    }

    @Test("`audit verify` finds an intact chain, and names the first entry that was altered or removed", arguments: Engine.available)
    func chainVerification(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            for _ in 0..<3 { _ = try await browser.get("/personen/\(app.world.personA)") }
            let audit = app.services.audit
            guard case .intact(let count) = try await audit.verify(batchSize: 2) else {
                Issue.record("a fresh chain must verify")
                return
            }
            #expect(count == 4, "login + three reads")
            // Someone edits entry 3 in the database.
            try await app.database.sql.raw("UPDATE audit_log SET actor_name = 'iemand anders' WHERE seq = 3").run()
            #expect(try await audit.verify(batchSize: 2) == .broken(seq: 3, reason: "hash does not match the entry's contents"))
            // Recomputing entry 3's own hash does not help: entry 4 points at the old one.
            try await app.database.sql.raw("UPDATE audit_log SET actor_name = 'consulent A' WHERE seq = 3").run()
            #expect(try await audit.verify() == .intact(entries: 4))
            try await app.database.sql.raw("DELETE FROM audit_log WHERE seq = 2").run()
            if case .broken(let seq, _) = try await audit.verify() { #expect(seq == 2) } else { Issue.record("a removed entry must be found") }
        }
    }

    @Test("An anchor kept outside the database finds a log cut off with its head rewritten, and a chain recomputed from some entry on", arguments: Engine.available)
    func anchors(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            for _ in 0..<5 { _ = try await browser.get("/personen/\(app.world.personA)") }
            let audit = app.services.audit
            let anchor = try await audit.anchor(at: app.clock.now)
            #expect(anchor.seq == 6)
            let file = try AuditAnchor.parse("\n" + anchor.line + "\n")
            #expect(file == [anchor])
            #expect(try await audit.verify(anchors: file) == .intact(entries: 6))
            #expect(try await audit.count() == 6)

            // Someone removes the last three reads and sets the head to the entry now last: the chain alone still holds.
            let last = try #require(try await app.database.sql.raw("SELECT hash FROM audit_log WHERE seq = 3").first()?.decode(column: "hash", as: String.self))
            try await app.database.sql.raw("DELETE FROM audit_log WHERE seq > 3").run()
            try await app.database.sql.raw("UPDATE audit_head SET last_seq = 3, last_hash = \(bind: last) WHERE id = 1").run()
            #expect(try await audit.verify() == .intact(entries: 3), "without an anchor the cut is invisible")
            guard case .broken(let seq, let reason) = try await audit.verify(anchors: file) else {
                Issue.record("the anchor must find the cut")
                return
            }
            #expect(seq == 6)
            #expect(reason.contains("cut off"))
            #expect(throws: (any Error).self) { try AuditAnchor.parse("geen anker") }
        }
    }

    @Test("A batch of entries (more than one statement's worth) chains on, and the head follows the last entry", arguments: Engine.available)
    func batchAppend(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let audit = app.services.audit
            let before = try await audit.count()
            let events = (1...1_203).map { n in
                AuditEvent(actorId: nil, actorName: "systeem", actorRole: "systeem", organisationId: nil, action: AuditAction.login.rawValue,
                           purpose: "beveiliging", requestId: "batch", detail: "\(n)")
            }
            try await audit.append(events, at: app.clock.now)
            let last = try #require(try await app.database.sql.raw("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first())
            let anchor = try await audit.anchor(at: app.clock.now)
            #expect(anchor.seq == before + 1_203)
            #expect(anchor.seq == (try last.decode(column: "seq", as: Int64.self)))
            #expect(anchor.hash == (try last.decode(column: "hash", as: String.self)))
            #expect(try await audit.verify() == .intact(entries: before + 1_203))
        }
    }

    @Test("Concurrent reads all succeed and still make one unbroken chain", arguments: Engine.available)
    func concurrentAppends(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let cookie = try #require(browser.cookies["regie_session"])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<48 {
                    group.addTask {
                        let person = index.isMultiple(of: 2) ? app.world.personA : app.world.personA2
                        return try await client.execute(uri: "/personen/\(person)", method: .get, headers: [.cookie: "regie_session=\(cookie)"], body: nil).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(try await app.services.audit.verify() == .intact(entries: 49), "login + 48 reads, one chain")
        }
    }

    @Test("The functioneel beheerder searches by person, user and period, and exports CSV", arguments: Engine.available)
    func searchAndExport(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            _ = try await consulent.get("/personen/\(app.world.personA)")
            _ = try await consulent.get("/personen/\(app.world.personA2)")
            let otherOrg = Browser(client)
            _ = try await otherOrg.login(World.email(.consulent, "b"))
            _ = try await otherOrg.get("/personen/\(app.world.personB)")

            let beheer = Browser(client)
            _ = try await beheer.login(World.email(.functioneelBeheerder))
            let byPerson = try await beheer.get("/beheer/audit?persoon=\(app.world.personA)")
            #expect(byPerson.status == .ok)
            #expect(byPerson.body.contains(app.world.personA))
            #expect(!byPerson.body.contains(app.world.personA2))
            let byUser = try await beheer.get("/beheer/audit?gebruiker=a-consulent")
            #expect(byUser.body.contains(app.world.personA2))
            #expect(!byUser.body.contains(app.world.personB), "another organisation's entries are never shown")
            let today = CalendarDate.today(now: app.clock.now).iso
            let inPeriod = try await beheer.get("/beheer/audit?van=\(today)&tot=\(today)")
            #expect(inPeriod.body.contains("Dossier ingezien"))
            let tomorrow = CalendarDate.today(now: app.clock.now).adding(days: 2).iso
            let empty = try await beheer.get("/beheer/audit?van=\(tomorrow)")
            #expect(empty.body.contains("Geen regels gevonden"))
            let invalid = try await beheer.get("/beheer/audit?van=31-12-2026")
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.contains("De datum &#39;van&#39; klopt niet") || invalid.body.contains("De datum 'van' klopt niet"))

            let csv = try await beheer.get("/beheer/audit.csv?gebruiker=a-consulent")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("seq,tijdstip,gebruiker_id,gebruiker,rol") == true)
            #expect(lines.count == 4, "header + login + two reads")
            #expect(csv.body.contains(app.world.personA2))
            let own = try await app.services.audit.search(.init(actorId: "a-functioneelBeheerder"), before: nil, limit: 50).rows.map(\.action)
            #expect(own.contains("audit.search") && own.contains("audit.export"), "reading the audit log is audited too")
        }
    }

    @Test("CSV cells that a spreadsheet would run as a formula are neutralised", arguments: [
        ("=SUM(A1)", "'=SUM(A1)"), ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("-1", "'-1"),
    ])
    func csvEscaping(value: String, expected: String) {
        #expect(CSV.escape(value) == expected)
    }
}

