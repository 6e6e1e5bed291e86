import Foundation
import Testing
@testable import RegieServer
@testable import RegieStorage

/// Hours can be corrected or withdrawn with a reason, and a number no period can hold needs a
/// confirmation (issue 15 item 3): the old value stays in the history and the audit; the meters
/// and DUO's running totals follow the corrected value.
@Suite("Hours: plausibility, correction and withdrawal")
struct HoursCorrectionTests {
    static func hoursRows(_ app: AppContext, _ person: String) async throws -> [UrenRecord] {
        try await app.services.casework.listUren(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
    }

    /// The running totals of participation hours sent to DUO (the test clock stands still, so the
    /// messages share their sequence number: compared as a set).
    static func totals(_ app: AppContext, _ person: String) async throws -> Set<Int> {
        Set(try await app.database.sql.raw("""
            SELECT body FROM duo_outbox WHERE person_id = \(bind: person) AND kind = 'uren.participatie'
            """).all().map { row in
                let body = try row.decode(column: "body", as: String.self)
                return try JSONDecoder().decode([String: Int].self, from: Data(body.utf8))["uren"] ?? -1
            })
    }

    @Test("2000 participation hours need a confirmation; corrected to 200 DUO's total follows, withdrawn they count no more", arguments: Engine.available)
    func correctAndWithdraw(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let typo = [("periodEnd", "2026-11-15"), ("uren-participatie", "2000"), ("aanbieder-participatie", "Werkplein")]
            let refused = try await browser.post("/personen/\(person)/voortgang/uren", form: typo, csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Meer uren dan de periode van 16 augustus 2026 tot en met 15 november 2026 kan bevatten (Participatie: 2000; hoogstens 520"))
            #expect(refused.body.contains("name=\"bevestigd\""), "the box to confirm is offered")
            #expect(refused.body.contains("value=\"2000\""), "what was typed is kept")
            #expect(try await Self.hoursRows(app, person).isEmpty)

            let confirmed = try await browser.post("/personen/\(person)/voortgang/uren", form: typo + [("bevestigd", "ja")], csrf: csrf)
            #expect(confirmed.status == .seeOther)
            #expect(try await Self.totals(app, person) == [2000])
            let original = try #require(try await Self.hoursRows(app, person).first)

            // A correction without a reason is refused; with one, 200 takes the place of 2000.
            let noReason = try await browser.post("/personen/\(person)/voortgang/uren/\(original.id)", form: [("actie", "corrigeren"), ("hours", "200"), ("reason", "")], csrf: csrf)
            #expect(noReason.status == .badRequest)
            #expect(noReason.body.contains("href=\"#reason-\(original.id)\""))
            let corrected = try await browser.post("/personen/\(person)/voortgang/uren/\(original.id)",
                                                   form: [("actie", "corrigeren"), ("hours", "200"), ("reason", "Typfout: 200 bedoeld")], csrf: csrf)
            #expect(corrected.status == .seeOther)
            var page = try await browser.get("/personen/\(person)/voortgang")
            #expect(page.body.contains("<del>2000</del>"), "the old value stays, struck through")
            #expect(page.body.contains("Typfout: 200 bedoeld"))
            let rows = try await Self.hoursRows(app, person)
            #expect(rows.count == 2 && rows.filter(\.isWithdrawn).map(\.id) == [original.id])
            #expect(rows.first { $0.id == original.id }?.replacedBy == rows.first { !$0.isWithdrawn }?.id)
            #expect(try await Self.totals(app, person) == [2000, 200], "DUO gets the corrected running total")
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.progress.hoursCorrect"))
            #expect(try await CaseworkTests.timeline(app, person: person).contains("urenGecorrigeerd"))

            // A withdrawn row cannot be corrected again; the current one can be withdrawn.
            let again = try await browser.post("/personen/\(person)/voortgang/uren/\(original.id)", form: [("actie", "intrekken"), ("reason", "x")], csrf: csrf)
            #expect(again.status == .notFound)
            let current = try #require(rows.first { !$0.isWithdrawn })
            let withdrawn = try await browser.post("/personen/\(person)/voortgang/uren/\(current.id)",
                                                   form: [("actie", "intrekken"), ("reason", "Dubbel geregistreerd")], csrf: csrf)
            #expect(withdrawn.status == .seeOther)
            page = try await browser.get("/personen/\(person)/voortgang")
            #expect(page.body.contains("Ingetrokken op"))
            #expect(try await Self.totals(app, person) == [2000, 200, 0], "DUO's total is back to 0")
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.progress.hoursWithdraw"))
        }
    }

    @Test("The meters count the corrected number")
    func meterFollows() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-15"), ("uren-mapPraktijk", "400")], csrf: csrf)
            #expect(try await browser.get("/personen/\(person)/voortgang").body.contains("400 van 40 uur"))
            let row = try #require(try await Self.hoursRows(app, person).first)
            _ = try await browser.post("/personen/\(person)/voortgang/uren/\(row.id)", form: [("actie", "corrigeren"), ("hours", "40"), ("reason", "Een nul te veel")], csrf: csrf)
            #expect(try await browser.get("/personen/\(person)/voortgang").body.contains("40 van 40 uur"))
        }
    }

    @Test("Another organisation cannot correct or withdraw a person's hours")
    func otherOrganisation() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let own = Browser(client)
            let csrf = try await own.login(World.email(.consulent))
            _ = try await own.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-15"), ("uren-pvt", "12")], csrf: csrf)
            let row = try #require(try await Self.hoursRows(app, person).first)
            let other = Browser(client)
            let otherCsrf = try await other.login(World.email(.consulent, "b"))
            let attempt = try await other.post("/personen/\(person)/voortgang/uren/\(row.id)", form: [("actie", "intrekken"), ("reason", "x")], csrf: otherCsrf)
            #expect(attempt.status == .notFound)
            #expect(try await Self.hoursRows(app, person).allSatisfy { !$0.isWithdrawn })
        }
    }
}

/// An intake conversation or a progress meeting recorded by mistake is withdrawn with a reason
/// (issue 15 item 3): it leaves the list and every count, the traject's dates follow, the history
/// keeps it.
@Suite("Withdrawing a conversation or a meeting")
struct WithdrawalTests {
    @Test("A conversation withdrawn: the next step goes back; without a reason nothing changes", arguments: Engine.available)
    func conversation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA2  // Khalil: no conversation recorded; an imported intake date of 1 October
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/intake/gesprekken", form: [
                ("date", "2026-11-16"), ("attendees", "inburgeraar, consulent"), ("topics", "taalniveau"),
            ], csrf: csrf)
            #expect(try await CaseworkTests.traject(app, person: person)?.intakeDate == isoDay("2026-10-01"))
            #expect(try await browser.get("/personen/\(person)").body.contains(">Brede intake afronden</a>"))
            let gesprek = try #require(try await app.services.casework.listGesprekken(personId: person, scope: TenantScope(municipalityCodes: ["GM1706"])).first)

            let noReason = try await browser.post("/personen/\(person)/intrekken/intakegesprek/\(gesprek.id)", form: [("reason", " ")], csrf: csrf)
            #expect(noReason.location == "/personen/\(person)/intake?intrekken=\(gesprek.id)#intrekken-\(gesprek.id)")
            let reopened = try await browser.get(try #require(noReason.location))
            #expect(reopened.body.contains("<details class=\"correction\" id=\"intrekken-\(gesprek.id)\" open>"))
            #expect(reopened.body.contains("Vul de reden in waarom u dit intrekt."))
            #expect(try await app.services.casework.listGesprekken(personId: person, scope: TenantScope(municipalityCodes: ["GM1706"])).count == 1)

            let withdrawn = try await browser.post("/personen/\(person)/intrekken/intakegesprek/\(gesprek.id)",
                                                   form: [("reason", "Vastgelegd bij de verkeerde persoon")], csrf: csrf)
            #expect(withdrawn.location == "/personen/\(person)/intake?melding=ingetrokken")
            let page = try await browser.get(try #require(withdrawn.location))
            #expect(page.body.contains("Het gesprek is ingetrokken."))
            #expect(page.body.contains("Vastgelegd bij de verkeerde persoon"))
            #expect(page.body.contains("Er is nog geen gesprek vastgelegd."))
            #expect(try await CaseworkTests.traject(app, person: person)?.intakeDate == isoDay("2026-10-01"), "a date that did not come from it stays")
            #expect(try await browser.get("/personen/\(person)").body.contains(">Brede intake plannen</a>"))
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.record.withdraw"))
            #expect(try await CaseworkTests.timeline(app, person: person).contains("registratieIngetrokken"))
            // Once withdrawn it cannot be withdrawn again; another organisation cannot touch it.
            #expect(try await browser.post("/personen/\(person)/intrekken/intakegesprek/\(gesprek.id)", form: [("reason", "x")], csrf: csrf).status == .notFound)
        }
    }

    @Test("A meeting withdrawn: the next meeting is due from the one before again (R5b)", arguments: Engine.available)
    func meeting(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await CaseworkAfterPIPTests.fixPIP(browser, person, csrf: csrf)
            let held = try await browser.post("/personen/\(person)/voortgang/gesprekken", form: [("heldDate", "2026-11-18"), ("outcome", "opSchema")], csrf: csrf)
            #expect(held.status == .seeOther)
            let scope = TenantScope(municipalityCodes: ["GM0988"])
            #expect(try await CaseworkTests.traject(app, person: person)?.lastMeetingDate == isoDay("2026-11-18"))
            let meeting = try #require(try await app.services.casework.listVoortgangsgesprekken(personId: person, scope: scope).first)
            let other = Browser(client)
            let otherCsrf = try await other.login(World.email(.consulent, "b"))
            #expect(try await other.post("/personen/\(person)/intrekken/voortgangsgesprek/\(meeting.id)", form: [("reason", "x")], csrf: otherCsrf).status == .notFound)
            let withdrawn = try await browser.post("/personen/\(person)/intrekken/voortgangsgesprek/\(meeting.id)", form: [("reason", "Verkeerde datum")], csrf: csrf)
            #expect(withdrawn.location == "/personen/\(person)/voortgang?melding=ingetrokken")
            #expect(try await app.services.casework.listVoortgangsgesprekken(personId: person, scope: scope).isEmpty)
            #expect(try await CaseworkTests.traject(app, person: person)?.lastMeetingDate == nil)
            #expect(try await browser.get("/personen/\(person)/voortgang").body.contains("Verkeerde datum"))
            // An unknown kind is not a route.
            #expect(try await browser.post("/personen/\(person)/intrekken/pip/\(meeting.id)", form: [("reason", "x")], csrf: csrf).status == .notFound)
        }
    }
}

/// The hours of one period for every kind in one form, the provider from the municipality's list
/// (issue 15 item 4).
@Suite("The hours grid")
struct HoursGridTests {
    @Test("One submission stores every kind filled in; a refused row stores none; a provider outside the list is refused", arguments: Engine.available)
    func grid(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            var settings = try await app.services.settings.fetch("GM0988")
            settings.providers = ["Taalschool Weert", "Werkplein Weert"]
            try await app.services.settings.save("GM0988", settings, by: "a-functioneelBeheerder", audit: AuditEvent(
                actorId: "a-functioneelBeheerder", actorName: "beheer", actorRole: "functioneelBeheerder", organisationId: app.world.orgA,
                action: AuditAction.settingsUpdate.rawValue, purpose: "beheer", requestId: "test"), now: app.services.clock.now())
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(person)/voortgang")
            #expect(page.body.contains("<option value=\"Taalschool Weert\">Taalschool Weert</option>"))
            #expect(page.body.contains("Uren Participatie"))

            let quarter = [("periodEnd", "2026-11-15"), ("uren-cursus", "60"), ("aanbieder-cursus", "Taalschool Weert"),
                           ("uren-participatie", "40"), ("aanbieder-participatie", "Werkplein Weert"), ("uren-pvt", ""), ("aanbieder-pvt", "")]
            // Unknown provider, and a number no quarter holds: nothing is stored, everything typed is kept.
            let refused = try await browser.post("/personen/\(person)/voortgang/uren",
                                                 form: quarter.map { $0.0 == "aanbieder-cursus" ? ($0.0, "Elders") : $0 } + [("uren-mapPraktijk", "900")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Kies een aanbieder uit de lijst van de gemeente."))
            #expect(refused.body.contains("href=\"#aanbieder-cursus\""))
            #expect(refused.body.contains("name=\"uren-participatie\"") && refused.body.contains("value=\"40\""))
            #expect(try await HoursCorrectionTests.hoursRows(app, person).isEmpty)
            // Nothing filled in at all.
            let empty = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-15"), ("uren-cursus", "")], csrf: csrf)
            #expect(empty.status == .badRequest && empty.body.contains("Vul bij ten minste één soort het aantal uren in."))

            let saved = try await browser.post("/personen/\(person)/voortgang/uren", form: quarter, csrf: csrf)
            #expect(saved.status == .seeOther)
            let rows = try await HoursCorrectionTests.hoursRows(app, person)
            #expect(Set(rows.map { "\($0.soort) \($0.hours) \($0.provider)" }) == ["cursus 60 Taalschool Weert", "participatie 40 Werkplein Weert"])
            #expect(try await HoursCorrectionTests.totals(app, person) == [40], "DUO gets the participation total")
        }
    }
}
