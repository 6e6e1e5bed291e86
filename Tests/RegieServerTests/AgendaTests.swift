import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inburgering
@testable import RegieServer
import RegieStorage
import SQLKit
import Testing

/// The agenda over HTTP (issue 15 item 1) on a real database. Today is Wednesday 2026-11-18, 12:06
/// in the Netherlands (the test clock, week 47); person A is Amal Haddad in Weert, consulent A's case.
@Suite("Agenda")
struct AgendaTests {
    static let scope = TenantScope(municipalityCodes: ["GM0988", "GM1706", "GM0957"])

    static func plan(_ browser: Browser, csrf: String, person: String = "person-a-weert", kind: String = "intakegesprek", date: String = "2026-11-19",
                     time: String = "10:00", place: String = "Stadhuis, kamer 2", extra: [(String, String)] = []) async throws -> Browser.Page {
        try await browser.post("/personen/\(person)/afspraken",
                               form: [("kind", kind), ("date", date), ("time", time), ("duration", "60"), ("place", place), ("interpreter", "Arabisch"),
                                      ("attendees", "consulent, tolk")] + extra, csrf: csrf)
    }

    /// Plans one and returns its id (from the redirect to its page).
    static func planned(_ browser: Browser, csrf: String, kind: String = "intakegesprek", date: String = "2026-11-19", time: String = "10:00") async throws -> String {
        let page = try await Self.plan(browser, csrf: csrf, kind: kind, date: date, time: time)
        #expect(page.status == .seeOther)
        let location = try #require(page.location)
        return String(location.split(separator: "/")[3].prefix { $0 != "?" })
    }

    static func afspraak(_ app: AppContext, _ id: String) async throws -> AfspraakRecord? {
        try await app.services.casework.fetchAfspraak(personId: "person-a-weert", id: id, scope: scope)
    }

    /// Moves the clock on; the session has expired meanwhile, so the consulent signs in again.
    static func later(_ app: AppContext, _ browser: Browser, by seconds: TimeInterval) async throws -> String {
        app.clock.advance(seconds)
        return try await browser.login(World.email(.consulent))
    }

    static func openTasks(_ app: AppContext) async throws -> [String] {
        try await app.services.casework.listTaken(personId: "person-a-weert", scope: scope).map(\.title)
    }

    // MARK: Planning

    @Test("Planning needs a moment in the future and a place or link; a refused form keeps what was typed", arguments: Engine.available)
    func planning(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/person-a-weert/afspraken")
            #expect(page.status == .ok)
            #expect(page.body.contains("Afspraak plannen"))
            #expect(page.body.contains("value=\"Arabisch\""), "the interpreter the person needs is proposed")

            // This morning has passed (it is 12:06).
            let past = try await Self.plan(browser, csrf: csrf, date: "2026-11-18", time: "09:00", place: "Spreekkamer Zuid")
            #expect(past.status == .badRequest)
            #expect(past.body.contains("Dit moment is al voorbij"))
            #expect(past.body.contains("value=\"Spreekkamer Zuid\""))
            #expect(past.body.contains("value=\"09:00\""))
            // Yesterday fails on the date itself.
            #expect(try await Self.plan(browser, csrf: csrf, date: "2026-11-17").body.contains("kan niet vóór 18 november 2026 liggen"))
            let nowhere = try await Self.plan(browser, csrf: csrf, place: "")
            #expect(nowhere.status == .badRequest)
            #expect(nowhere.body.contains("Vul een plaats of een videolink in."))
            let badLink = try await Self.plan(browser, csrf: csrf, place: "", extra: [("videoLink", "teams meeting")])
            #expect(badLink.body.contains("begint met https://"))
            let tooLong = try await browser.post("/personen/person-a-weert/afspraken",
                                                 form: [("kind", "lbt"), ("date", "2026-11-20"), ("time", "10:00"), ("duration", "900"), ("place", "X")], csrf: csrf)
            #expect(tooLong.body.contains("Duur in minuten moet een heel getal van 5 tot en met 480 zijn."))
            #expect(try await app.services.casework.listAfspraken(personId: "person-a-weert", scope: Self.scope).isEmpty)

            let id = try await Self.planned(browser, csrf: csrf)
            let stored = try #require(try await Self.afspraak(app, id))
            #expect(stored.startsAt.iso == "2026-11-19T10:00")
            #expect(stored.endsAt.iso == "2026-11-19T11:00")
            #expect(stored.ownerId == "a-consulent")
            #expect(stored.status == .gepland)
            #expect(try await CaseworkTests.actions(app, person: "person-a-weert").contains("casework.afspraak.plan"))
            #expect(try await CaseworkTests.timeline(app, person: "person-a-weert").contains("afspraak.gepland"))
            let list = try await browser.get("/personen/person-a-weert/afspraken")
            #expect(list.body.contains("do 19 november 2026, 10:00–11:00"))
            // A warm handover is for asylum permit holders only: person A is one, so it is accepted.
            #expect(try await Self.plan(browser, csrf: csrf, kind: "warmeOverdracht", date: "2026-11-20").status == .seeOther)
        }
    }

    @Test("A progress meeting is proposed on the date the PIP's cadence gives", arguments: Engine.available)
    func progressProposal(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            // A first PIP on 2026-10-01 with a cadence of two months: the next meeting is due by 2026-12-01 (R5b).
            try await app.database.sql.raw("""
                UPDATE trajecten SET pip_date = '2026-10-01', leerroute = 'b1', pip_cadence_months = 2, facts_json = NULL WHERE person_id = 'person-a-weert'
                """).run()
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/person-a-weert/afspraken?kind=voortgangsgesprek")
            #expect(page.body.contains("uiterlijk op 1 december 2026"))
            #expect(page.body.contains("value=\"2026-12-01\""))
            // The rule itself: nothing before a PIP; a window already passed proposes tomorrow.
            let pip = { (day: String) in PIPFeit(dagtekening: isoDay(day), leerroute: .b1, voortgangCadansMaanden: 2) }
            var facts = TrajectFacts(categorie: .asielstatushouder)
            #expect(VoortgangRule.voorgesteldeDatum(for: facts, cadans: VoortgangCadans(), vandaag: isoDay("2026-11-18")) == nil)
            facts.pips = [pip("2026-10-01")]
            #expect(VoortgangRule.voorgesteldeDatum(for: facts, cadans: VoortgangCadans(), vandaag: isoDay("2026-11-18")) == isoDay("2026-12-01"))
            facts.pips = [pip("2026-01-05")]
            #expect(VoortgangRule.voorgesteldeDatum(for: facts, cadans: VoortgangCadans(), vandaag: isoDay("2026-11-18")) == isoDay("2026-11-19"))
        }
    }

    // MARK: Outcomes

    @Test("Held leads to the record form of its kind with the date filled in; not before it has begun", arguments: Engine.available)
    func held(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            var csrf = try await browser.login(World.email(.consulent))
            let intake = try await Self.planned(browser, csrf: csrf)
            let lbt = try await Self.planned(browser, csrf: csrf, kind: "lbt", date: "2026-11-19", time: "14:00")
            let progress = try await Self.planned(browser, csrf: csrf, kind: "voortgangsgesprek", date: "2026-11-19", time: "15:00")
            let handover = try await Self.planned(browser, csrf: csrf, kind: "warmeOverdracht", date: "2026-11-19", time: "16:00")
            let pip = try await Self.planned(browser, csrf: csrf, kind: "pipGesprek", date: "2026-11-19", time: "17:00")
            let early = try await browser.post("/personen/person-a-weert/afspraken/\(intake)/gehouden", form: [], csrf: csrf)
            #expect(early.status == .badRequest)
            #expect(early.body.contains("nog niet begonnen"))
            csrf = try await Self.later(app, browser, by: 2 * 86_400)
            let result = try await browser.post("/personen/person-a-weert/afspraken/\(intake)/gehouden", form: [], csrf: csrf)
            #expect(result.status == .seeOther)
            let location = try #require(result.location)
            #expect(location.hasPrefix("/personen/person-a-weert/intake?date=2026-11-19"))
            let form = try await browser.get(location)
            #expect(form.status == .ok)
            #expect(form.body.contains("value=\"2026-11-19\""))
            #expect(try await Self.afspraak(app, intake)?.status == .gehouden)
            let lbtResult = try await browser.post("/personen/person-a-weert/afspraken/\(lbt)/gehouden", form: [], csrf: csrf)
            #expect(lbtResult.location == "/personen/person-a-weert/lbt?testDate=2026-11-19&melding=afspraak#lbt-form")
            #expect(try await browser.get(try #require(lbtResult.location)).body.contains("value=\"2026-11-19\""))
            for (id, form) in [(progress, "/personen/person-a-weert/voortgang?heldDate=2026-11-19&melding=afspraak#form-gesprek"),
                               (handover, "/personen/person-a-weert/overdracht?meetingHeld=2026-11-19"), (pip, "/personen/person-a-weert/pip")] {
                let done = try await browser.post("/personen/person-a-weert/afspraken/\(id)/gehouden", form: [], csrf: csrf)
                #expect(done.location == form)
                if form.contains("2026-11-19") { #expect(try await browser.get(form).body.contains("value=\"2026-11-19\""), "\(form)") }
            }
            // Recorded once: a second outcome is a conflict.
            #expect(try await browser.post("/personen/person-a-weert/afspraken/\(intake)/niet-verschenen", form: [], csrf: csrf).status == .conflict)
            #expect(try await CaseworkTests.actions(app, person: "person-a-weert").contains("casework.afspraak.outcome"))
        }
    }

    @Test("A no-show makes the task to plan a new appointment; cancelling needs a reason", arguments: Engine.available)
    func noShowAndCancel(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            var csrf = try await browser.login(World.email(.consulent))
            let first = try await Self.planned(browser, csrf: csrf)
            let second = try await Self.planned(browser, csrf: csrf, date: "2026-11-25")
            csrf = try await Self.later(app, browser, by: 86_400)
            let noShow = try await browser.post("/personen/person-a-weert/afspraken/\(first)/niet-verschenen", form: [], csrf: csrf)
            #expect(noShow.status == .seeOther)
            #expect(try await Self.afspraak(app, first)?.status == .nietVerschenen)
            #expect(try await Self.openTasks(app).contains("Nieuwe afspraak maken: intakegesprek (niet verschenen)"))
            #expect(try await browser.get(try #require(noShow.location)).body.contains("Er staat een taak klaar"))

            let refused = try await browser.post("/personen/person-a-weert/afspraken/\(second)/annuleren", form: [("cancelReason", "")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Vul Reden in."))
            #expect(refused.body.contains("href=\"#cancelReason\""))
            let cancelled = try await browser.post("/personen/person-a-weert/afspraken/\(second)/annuleren", form: [("cancelReason", "Ziek gemeld")], csrf: csrf)
            #expect(cancelled.status == .seeOther)
            let stored = try #require(try await Self.afspraak(app, second))
            #expect(stored.status == .geannuleerd)
            #expect(stored.outcomeReason == "Ziek gemeld")
            #expect(try await CaseworkTests.actions(app, person: "person-a-weert").contains("casework.afspraak.cancel"))
        }
    }

    @Test("Moving keeps the old appointment as moved, linked to the new one", arguments: Engine.available)
    func move(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let old = try await Self.planned(browser, csrf: csrf)
            let refused = try await browser.post("/personen/person-a-weert/afspraken/\(old)/verplaatsen", form: [("date", "2026-11-10"), ("time", "10:00")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("href=\"#move-date\""))
            #expect(refused.body.contains("value=\"2026-11-10\""))
            let moved = try await browser.post("/personen/person-a-weert/afspraken/\(old)/verplaatsen",
                                               form: [("date", "2026-11-26"), ("time", "13:30"), ("reason", "Tolk niet beschikbaar")], csrf: csrf)
            #expect(moved.status == .seeOther)
            let newID = String(try #require(moved.location).split(separator: "/")[3].prefix { $0 != "?" })
            let before = try #require(try await Self.afspraak(app, old))
            let after = try #require(try await Self.afspraak(app, newID))
            #expect(before.status == .verplaatst)
            #expect(before.movedToId == newID)
            #expect(before.outcomeReason == "Tolk niet beschikbaar")
            #expect(after.status == .gepland)
            #expect(after.startsAt.iso == "2026-11-26T13:30")
            #expect(after.place == before.place && after.kind == before.kind && after.interpreterLanguage == "Arabisch")
            #expect(try await browser.get("/personen/person-a-weert/afspraken/\(old)").body.contains("/personen/person-a-weert/afspraken/\(newID)"))
            #expect(try await CaseworkTests.timeline(app, person: "person-a-weert").contains("afspraak.verplaatst"))
        }
    }

    @Test("A passed appointment without outcome becomes one task, made once, done with the outcome", arguments: Engine.available)
    func outcomeTask(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            var csrf = try await browser.login(World.email(.consulent))
            let id = try await Self.planned(browser, csrf: csrf)
            _ = try await browser.get("/agenda")
            #expect(try await Self.openTasks(app).isEmpty, "not passed yet")
            csrf = try await Self.later(app, browser, by: 86_400)
            _ = try await browser.get("/agenda")
            _ = try await browser.get("/agenda")
            #expect(try await browser.get("/agenda?datum=2026-11-19").body.contains("Uitkomst nog vastleggen"))
            try await app.services.casework.createOutcomeTasks(now: app.clock.now)
            let title = "Uitkomst vastleggen: intakegesprek van 19-11-2026 10:00"
            #expect(try await Self.openTasks(app) == [title])
            #expect(try await browser.get("/taken").body.contains(title))
            _ = try await browser.post("/personen/person-a-weert/afspraken/\(id)/gehouden", form: [], csrf: csrf)
            #expect(try await Self.openTasks(app).isEmpty, "recording the outcome completes the task")
            // Moving a passed appointment instead completes its task too.
            let other = try await Self.planned(browser, csrf: csrf, date: "2026-11-20", time: "09:00")
            csrf = try await Self.later(app, browser, by: 86_400)
            try await app.services.casework.createOutcomeTasks(now: app.clock.now)
            #expect(try await Self.openTasks(app).count == 1)
            _ = try await browser.post("/personen/person-a-weert/afspraken/\(other)/verplaatsen", form: [("date", "2026-11-27"), ("time", "09:00")], csrf: csrf)
            #expect(try await Self.openTasks(app).isEmpty)
            try await app.services.casework.createOutcomeTasks(now: app.clock.now)
            #expect(try await Self.openTasks(app).isEmpty)
        }
    }

    // MARK: Views

    @Test("The week and day views show the consulent's appointments; the team view the team's", arguments: Engine.available)
    func views(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await Self.planned(browser, csrf: csrf)
            _ = try await Self.planned(browser, csrf: csrf, kind: "lbt", date: "2026-11-24", time: "09:15")
            // The case file's section link names the next appointment.
            #expect(try await browser.get("/personen/person-a-weert").body.contains("volgende: do 19 november 2026, 10:00–11:00"))
            let week = try await browser.get("/agenda")
            #expect(week.status == .ok)
            #expect(week.body.contains("Mijn agenda: week 47"))
            #expect(week.body.contains("Intakegesprek: Haddad, Amal"))
            #expect(week.body.contains("10:00–11:00"))
            #expect(!week.body.contains("Leerbaarheidstoets: Haddad"), "next week's appointment is not in this week")
            #expect(week.body.contains("?week=2026-W48"))
            let next = try await browser.get("/agenda?week=2026-W48")
            #expect(next.body.contains("Leerbaarheidstoets: Haddad, Amal"))
            #expect(next.body.contains("met tolk Arabisch"))
            let day = try await browser.get("/agenda?datum=2026-11-19")
            #expect(day.body.contains("Intakegesprek: Haddad, Amal"))
            #expect(day.body.contains("?datum=2026-11-20"))
            #expect(!(try await browser.get("/agenda?datum=2026-11-20")).body.contains("Haddad"))
            #expect(try await app.services.audit.search(.init(personId: nil), before: nil, limit: 100).rows.contains { $0.action == "agenda.view" })

            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let team = try await lead.get("/agenda/team?week=2026-W47")
            #expect(team.status == .ok)
            #expect(team.body.contains("consulent A"))
            #expect(team.body.contains("Intakegesprek: Haddad, Amal"))
            // A consulent is no team lead.
            #expect(try await browser.get("/agenda/team").status == .forbidden)
            // Organisation B sees none of it.
            let other = Browser(client)
            _ = try await other.login(World.email(.teamleider, "b"))
            #expect(!(try await other.get("/agenda/team?week=2026-W47")).body.contains("Haddad"))
        }
    }

    @Test("The invitation letter is Dutch and plain, also for a user who reads Regie in English", arguments: Engine.available)
    func invitation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await app.services.users.updateLocale(userId: "a-consulent", locale: "en")
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let id = try await Self.planned(browser, csrf: csrf)
            #expect(try await browser.get("/agenda").body.contains("My agenda"), "the interface is English")
            let letter = try await browser.get("/personen/person-a-weert/afspraken/\(id)/uitnodiging")
            #expect(letter.status == .ok)
            #expect(letter.body.contains("<html lang=\"nl\">"))
            #expect(letter.body.contains("Uitnodiging voor een afspraak: intakegesprek"))
            #expect(letter.body.contains("Op donderdag 19 november 2026 om 10:00 uur."))
            #expect(letter.body.contains("Adres: Stadhuis, kamer 2."))
            #expect(letter.body.contains("De tolk spreekt Arabisch."))
            #expect(letter.body.contains("Neem dit mee"))
            #expect(letter.body.contains("uw diploma&#39;s en getuigschriften") || letter.body.contains("uw diploma's en getuigschriften"))
            #expect(letter.body.contains("Kunt u niet komen?"))
            #expect(!letter.body.contains("Bring"))
            #expect(try await CaseworkTests.actions(app, person: "person-a-weert").contains("casework.afspraak.letter"))
        }
    }

    // MARK: The calendar feed

    /// The feed's path from the page that shows it once.
    static func feedPath(_ page: Browser.Page) throws -> String {
        let range = try #require(page.body.range(of: "/agenda-feed/"))
        return "/agenda-feed/" + page.body[range.upperBound...].prefix { $0 != "\"" && $0 != "<" }
    }

    @Test("The iCalendar feed is valid RFC 5545 text with initials and case number only, and can be renewed and revoked", arguments: Engine.available)
    func feed(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let kept = try await Self.planned(browser, csrf: csrf)
            let dropped = try await Self.planned(browser, csrf: csrf, date: "2026-11-20")
            _ = try await browser.post("/personen/person-a-weert/afspraken/\(dropped)/annuleren", form: [("cancelReason", "Ziek")], csrf: csrf)
            #expect(try await browser.get("/account").body.contains("Agenda-link maken"))
            let made = try await browser.post("/agenda/abonnement", form: [], csrf: csrf)
            #expect(made.status == .ok)
            let path = try Self.feedPath(made)
            #expect(try await browser.get("/account").body.contains("Link intrekken"))

            // Read without a session, as a calendar client does.
            let outlook = Browser(client)
            let response = try await outlook.get(path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = response.body
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
            #expect(text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
            for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "folded at 75 octets: \(line)") }
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("UID:\(kept)@regie"))
            // 10:00 in Amsterdam in November is 09:00 UTC.
            #expect(unfolded.contains("DTSTART:20261119T090000Z"))
            #expect(unfolded.contains("DTEND:20261119T100000Z"))
            #expect(unfolded.contains("DTSTAMP:"))
            let reference = CaseReference.of(municipalityCode: "GM0988", trajectId: "traject-person-a-weert")
            #expect(unfolded.contains("SUMMARY:Intakegesprek – A.H. (\(reference))"))
            #expect(unfolded.contains("UID:\(dropped)@regie") && unfolded.contains("STATUS:CANCELLED"))
            #expect(unfolded.contains("DESCRIPTION:Zaak \(reference)\\, A.H."), "TEXT values are escaped")
            for personal in ["Haddad", "Amal", "999990019", "Stadhuis"] { #expect(!text.contains(personal), "no \(personal) in the feed") }
            #expect(try await app.services.audit.search(.init(personId: nil), before: nil, limit: 100).rows.contains { $0.action == "agenda.feed.read" })

            // Renewing stops the old URL; revoking stops the new one.
            let renewed = try await browser.post("/agenda/abonnement", form: [], csrf: csrf)
            let newPath = try Self.feedPath(renewed)
            #expect(try await outlook.get(path).status == .notFound)
            #expect(try await outlook.get(newPath).status == .ok)
            let revoked = try await browser.post("/agenda/abonnement/intrekken", form: [], csrf: csrf)
            #expect(revoked.status == .seeOther)
            #expect(try await outlook.get(newPath).status == .notFound)
            #expect(try await outlook.get("/agenda-feed/onbekend").status == .notFound)
            #expect(try await browser.get(try #require(revoked.location)).body.contains("De agenda-link is ingetrokken."))
        }
    }

    static let workingWeeks: [(today: String, week: String)] = [
        ("2026-12-04", "2026-W49"),  // Friday: this week
        ("2026-12-05", "2026-W50"),  // Saturday: the week about to start
        ("2026-12-06", "2026-W50"),  // Sunday
        ("2026-12-07", "2026-W50"),  // Monday
        ("2027-01-03", "2027-W01"),  // Sunday before the first week of a year
    ]

    @Test("'This week' is the current week, on a weekend the week about to start", arguments: workingWeeks)
    func workingWeek(today: String, week: String) {
        #expect(AgendaController.workingWeek(isoDay(today)).text == week)
    }

    @Test("RFC 5545 folding never splits a UTF-8 character and escapes TEXT")
    func folding() {
        let line = "SUMMARY:" + String(repeating: "é", count: 60)
        let folded = ICalendar.fold(line)
        for part in folded.components(separatedBy: "\r\n") { #expect(part.utf8.count <= 75) }
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line)
        #expect(ICalendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne")
    }

    // MARK: Tenancy

    @Test("Another organisation's user gets 404 on an appointment and its letter and actions", arguments: Engine.available)
    func otherOrganisation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let id = try await Self.planned(browser, csrf: csrf)
            let other = Browser(client)
            let otherCSRF = try await other.login(World.email(.consulent, "b"))
            for path in ["/personen/person-a-weert/afspraken", "/personen/person-a-weert/afspraken/\(id)", "/personen/person-a-weert/afspraken/\(id)/uitnodiging"] {
                let page = try await other.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("Haddad"))
            }
            for action in ["gehouden", "niet-verschenen", "annuleren", "verplaatsen"] {
                #expect(try await other.post("/personen/person-a-weert/afspraken/\(id)/\(action)", form: [("date", "2026-12-01"), ("time", "10:00"), ("cancelReason", "x")],
                                             csrf: otherCSRF).status == .notFound)
            }
            #expect(try await Self.plan(other, csrf: otherCSRF).status == .notFound)
            #expect(!(try await other.get("/agenda?week=2026-W47")).body.contains("Haddad"))
            #expect(try await Self.afspraak(app, id)?.status == .gepland)
            // B's own person with A's appointment id: not found either.
            #expect(try await other.get("/personen/person-b-roermond/afspraken/\(id)").status == .notFound)
        }
    }
}
