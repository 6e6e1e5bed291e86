import Foundation
import Hummingbird
import HummingbirdTesting
import Inburgering
import RegieStorage
import Testing
@testable import RegieServer

/// Every recorded fact can be corrected or withdrawn with a reason (issue 15 item 3): a test, an
/// advice, a conversation and a meeting are replaced by a corrected record in one change; an
/// enforcement step, a task and a document are withdrawn; recorded intake answers change only with a
/// reason. The old value stays in the history and the audit; the law facts, the ladder, the next
/// step and the figures read only what still counts. (Hours: HoursCorrectionTests.)
@Suite("Correcting and withdrawing records")
struct CorrectionTests {
    static let weert = TenantScope(municipalityCodes: ["GM0988"])

    static func lbtDone(_ app: AppContext, _ person: String) async throws -> Int {
        try await app.database.sql.raw("SELECT lbt_done FROM trajecten WHERE person_id = \(bind: person)").first()?.decode(column: "lbt_done", as: Int.self) ?? -1
    }

    @Test("A test corrected: the form opens filled, a reason is required, the corrected score counts and the old one stays withdrawn", arguments: Engine.available)
    func lbt(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let typed = [("invitedDate", "2026-11-02"), ("testDate", "2026-11-09"), ("administrator", "J. de Vries")]
            #expect(try await browser.post("/personen/\(person)/lbt", form: typed + [("score", "26")], csrf: csrf).status == .seeOther)
            let old = try #require(try await app.services.casework.listLBT(personId: person, scope: Self.weert).first)
            #expect(try await Self.lbtDone(app, person) == 1)

            let form = try await browser.get("/personen/\(person)/lbt?corrigeer=\(old.id)")
            #expect(form.body.contains("Leerbaarheidstoets corrigeren"))
            #expect(form.body.contains("<input type=\"hidden\" name=\"correcting\" value=\"\(old.id)\">"))
            #expect(form.body.contains("value=\"26\""), "the form holds the record to correct")

            let corrected = typed + [("score", "29"), ("correcting", old.id)]
            let refused = try await browser.post("/personen/\(person)/lbt", form: corrected, csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Vul Reden van de correctie in."))
            #expect(refused.body.contains("value=\"29\""), "what was typed is kept")
            #expect(try await app.services.casework.listLBT(personId: person, scope: Self.weert) == [old])

            let reason = "Score verkeerd overgenomen van het formulier"
            let saved = try await browser.post("/personen/\(person)/lbt", form: corrected + [("correctionReason", reason)], csrf: csrf)
            #expect(saved.location == "/personen/\(person)/lbt?melding=gecorrigeerd")
            let current = try await app.services.casework.listLBT(personId: person, scope: Self.weert)
            #expect(current.map(\.score) == [29])
            let withdrawn = try await app.services.casework.listWithdrawn(.lbt, personId: person, scope: Self.weert)
            #expect(withdrawn.map(\.id) == [old.id])
            #expect(withdrawn.first?.replacedBy == current.first?.id)
            #expect(withdrawn.first?.reason == reason)
            let page = try await browser.get(try #require(saved.location))
            #expect(page.body.contains("De registratie is gecorrigeerd."))
            #expect(page.body.contains("29/40"))
            #expect(page.body.contains(reason))
            #expect(try await CaseworkTests.timeline(app, person: person).contains("registratieGecorrigeerd"))
            #expect(try await Self.lbtDone(app, person) == 1)

            // The old row cannot be corrected twice: refused on the reason, nothing stored.
            let again = try await browser.post("/personen/\(person)/lbt", form: corrected + [("correctionReason", "nogmaals")], csrf: csrf)
            #expect(again.status == .badRequest)
            #expect(again.body.contains("al gecorrigeerd of ingetrokken"))
            #expect(try await app.services.casework.listLBT(personId: person, scope: Self.weert).count == 1)

            // Withdrawn altogether, the case has no test any more: the next step asks for one again.
            let current0 = try #require(current.first)
            let other = Browser(client)
            let otherCsrf = try await other.login(World.email(.consulent, "b"))
            #expect(try await other.post("/personen/\(person)/intrekken/lbt/\(current0.id)", form: [("reason", "x")], csrf: otherCsrf).status == .notFound)
            let gone = try await browser.post("/personen/\(person)/intrekken/lbt/\(current0.id)", form: [("reason", "Bij de verkeerde persoon")], csrf: csrf)
            #expect(gone.location == "/personen/\(person)/lbt?melding=ingetrokken")
            #expect(try await app.services.casework.listLBT(personId: person, scope: Self.weert).isEmpty)
            #expect(try await Self.lbtDone(app, person) == 0)
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.record.withdraw"))
        }
    }

    @Test("An advice corrected: the route page weighs the corrected one", arguments: Engine.available)
    func advice(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let typed = [("adviceDate", "2026-11-10"), ("school", "Taalschool Weert")]
            #expect(try await browser.post("/personen/\(person)/lbt/advies", form: typed + [("adviesRoute", "z")], csrf: csrf).status == .seeOther)
            let old = try #require(try await app.services.casework.listAdviezen(personId: person, scope: Self.weert).first)
            #expect(try await browser.get("/personen/\(person)/lbt?corrigeer=\(old.id)").body.contains("Advies corrigeren"))
            let saved = try await browser.post("/personen/\(person)/lbt/advies", form: typed + [
                ("adviesRoute", "b1"), ("correcting", old.id), ("correctionReason", "Advies B1, niet Z: verkeerd aangeklikt"),
            ], csrf: csrf)
            #expect(saved.location == "/personen/\(person)/lbt?melding=gecorrigeerd")
            #expect(try await app.services.casework.listAdviezen(personId: person, scope: Self.weert).map(\.leerroute) == ["b1"])
            #expect(try await browser.get("/personen/\(person)/route").body.contains("Taalschool Weert: B1-route"))
        }
    }

    @Test("A conversation corrected: the intake date follows the corrected date", arguments: Engine.available)
    func conversation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let typed = [("attendees", "inburgeraar, consulent"), ("topics", "taalniveau")]
            #expect(try await browser.post("/personen/\(person)/intake/gesprekken", form: typed + [("date", "2026-09-28")], csrf: csrf).status == .seeOther)
            #expect(try await CaseworkTests.traject(app, person: person)?.intakeDate == isoDay("2026-09-28"))
            let old = try #require(try await app.services.casework.listGesprekken(personId: person, scope: Self.weert).first)
            let form = try await browser.get("/personen/\(person)/intake?corrigeer=\(old.id)")
            #expect(form.body.contains("Gesprek corrigeren"))
            #expect(form.body.contains("value=\"2026-09-28\""))
            #expect(form.body.contains("value=\"inburgeraar, consulent\""))
            let saved = try await browser.post("/personen/\(person)/intake/gesprekken", form: typed + [
                ("date", "2026-09-29"), ("correcting", old.id), ("correctionReason", "Gesprek was een dag later"),
            ], csrf: csrf)
            #expect(saved.location == "/personen/\(person)/intake?melding=gecorrigeerd")
            #expect(try await app.services.casework.listGesprekken(personId: person, scope: Self.weert).map(\.conversationDate) == ["2026-09-29"])
            #expect(try await CaseworkTests.traject(app, person: person)?.intakeDate == isoDay("2026-09-29"))
            let page = try await browser.get("/personen/\(person)/intake")
            #expect(page.body.contains("Gesprek was een dag later"))
        }
    }

    @Test("A meeting corrected keeps one meeting with the corrected outcome", arguments: Engine.available)
    func meeting(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await CaseworkAfterPIPTests.fixPIP(browser, person, csrf: csrf)
            _ = try await browser.post("/personen/\(person)/voortgang/gesprekken", form: [("heldDate", "2026-11-18"), ("outcome", "opSchema")], csrf: csrf)
            let old = try #require(try await app.services.casework.listVoortgangsgesprekken(personId: person, scope: Self.weert).first)
            let form = try await browser.get("/personen/\(person)/voortgang?corrigeer=\(old.id)")
            #expect(form.body.contains("Correctie van het gesprek vastleggen"))
            #expect(form.body.contains("name=\"correcting\" value=\"\(old.id)\""))
            let saved = try await browser.post("/personen/\(person)/voortgang/gesprekken", form: [
                ("heldDate", "2026-11-18"), ("outcome", "zorgen"), ("correcting", old.id), ("correctionReason", "Uitkomst verkeerd gekozen"),
            ], csrf: csrf)
            #expect(saved.location == "/personen/\(person)/voortgang?melding=gecorrigeerd")
            #expect(try await app.services.casework.listVoortgangsgesprekken(personId: person, scope: Self.weert).map(\.outcome) == ["zorgen"])
            #expect(try await CaseworkTests.traject(app, person: person)?.lastMeetingDate == isoDay("2026-11-18"))
        }
    }

    @Test("An enforcement step withdrawn: the ladder proposes it again and the fines figure drops it", arguments: Engine.available)
    func enforcement(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/personen/\(person)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-10")],
                                           csrf: csrf).status == .seeOther)
            let step = try #require(try await app.services.casework.listHandhavingen(personId: person, scope: Self.weert).first)
            let fines = { () async throws -> Int in
                try await app.database.sql.raw("""
                    SELECT COUNT(*) AS n FROM figure_contributions WHERE person_id = \(bind: person) AND figure = 'fines'
                    """).first()?.decode(column: "n", as: Int.self) ?? -1
            }
            try await app.services.figures.refreshTotals()
            #expect(try await fines() == 1)
            #expect(try await browser.get("/personen/\(person)/handhaving").body.contains("Niet meewerken aan de brede intake: Boete"))

            let gone = try await browser.post("/personen/\(person)/intrekken/handhaving/\(step.id)", form: [("reason", "Uitnodiging kwam niet aan")], csrf: csrf)
            #expect(gone.location == "/personen/\(person)/handhaving?melding=ingetrokken")
            let page = try await browser.get(try #require(gone.location))
            #expect(page.body.contains("De handhavingsstap is ingetrokken."))
            #expect(page.body.contains("Uitnodiging kwam niet aan"))
            #expect(page.body.contains("Niet meewerken aan de brede intake: Waarschuwing"), "the ladder starts again")
            #expect(try await app.services.casework.listHandhavingen(personId: person, scope: Self.weert).isEmpty)
            try await app.services.figures.refreshTotals()
            #expect(try await fines() == 0)
        }
    }

    @Test("A task corrected in place and withdrawn: the timeline keeps the old title, the open lists drop it", arguments: Engine.available)
    func task(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/taken", form: [("taskTitle", "Bel de taalschool"), ("taskDue", "2026-11-25")], csrf: csrf)
            let taak = try #require(try await app.services.casework.listTaken(personId: person, scope: Self.weert).first { $0.title == "Bel de taalschool" })
            #expect(try await browser.get("/personen/\(person)").body.contains("href=\"/personen/\(person)/taken/\(taak.id)\""))
            let form = try await browser.get("/personen/\(person)/taken/\(taak.id)")
            #expect(form.body.contains("value=\"Bel de taalschool\""))
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.task.view"), "reading a task is audited")
            let empty = try await browser.post("/personen/\(person)/taken/\(taak.id)", form: [("taskTitle", " "), ("taskDue", "2026-11-30")], csrf: csrf)
            #expect(empty.status == .badRequest)
            #expect(empty.body.contains("value=\"2026-11-30\""))
            let edited = try await browser.post("/personen/\(person)/taken/\(taak.id)", form: [("taskTitle", "Bel het ROC"), ("taskDue", "2026-11-30")], csrf: csrf)
            #expect(edited.location == "/personen/\(person)?melding=taakGewijzigd#taken")
            let changed = try #require(try await app.services.casework.listTaken(personId: person, scope: Self.weert).first { $0.id == taak.id })
            #expect(changed.title == "Bel het ROC")
            #expect(changed.dueDate == isoDay("2026-11-30"))
            let events = try await app.services.casework.listEvents(personId: person, scope: Self.weert)
            #expect(events.contains { $0.kind == "taak.gewijzigd" && $0.detail.contains("Bel de taalschool → Bel het ROC") })
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.task.edit"))

            let other = Browser(client)
            let otherCsrf = try await other.login(World.email(.consulent, "b"))
            #expect(try await other.post("/personen/\(person)/intrekken/taak/\(taak.id)", form: [("reason", "x")], csrf: otherCsrf).status == .notFound)
            let gone = try await browser.post("/personen/\(person)/intrekken/taak/\(taak.id)", form: [("reason", "Dubbel aangemaakt")], csrf: csrf)
            #expect(gone.location == "/personen/\(person)?melding=taakIngetrokken#taken")
            #expect(try await app.services.casework.listTaken(personId: person, scope: Self.weert).contains { $0.id == taak.id } == false)
            #expect(try await app.services.casework.listOpenTaken(assigneeId: "a-consulent", scope: Self.weert).contains { $0.id == taak.id } == false)
            let closed = try #require(try await app.services.casework.listTaken(personId: person, scope: Self.weert, includeDone: true).first { $0.id == taak.id })
            #expect(closed.withdrawnReason == "Dubbel aangemaakt")
            #expect(try await browser.get("/personen/\(person)/taken/\(taak.id)").status == .notFound, "a withdrawn task is no longer edited")
        }
    }

    @Test("A document withdrawn is no longer listed or handed out; the list of withdrawn ones keeps its title and reason", arguments: Engine.available)
    func document(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF".utf8)
            _ = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Diploma van iemand anders")],
                                           file: ("file", "diploma.pdf", "application/pdf", pdf), csrf: csrf)
            let document = try #require(try await app.services.casework.listDocuments(personId: person, scope: Self.weert).first)
            let gone = try await browser.post("/personen/\(person)/intrekken/document/\(document.id)", form: [("reason", "Bij de verkeerde persoon geüpload")],
                                              csrf: csrf)
            #expect(gone.location == "/personen/\(person)/documenten?melding=ingetrokken")
            let page = try await browser.get(try #require(gone.location))
            #expect(page.body.contains("Het document is ingetrokken"))
            #expect(page.body.contains("Diploma van iemand anders"))
            #expect(!page.body.contains("href=\"/personen/\(person)/documenten/\(document.id)\""))
            #expect(try await browser.get("/personen/\(person)/documenten/\(document.id)").status == .notFound)
            #expect(try await app.services.casework.sectionCounts(personId: person, scope: Self.weert).documents == 0)
        }
    }

    @Test("Recorded intake answers change only with a reason; the earlier answers are kept and shown", arguments: Engine.available)
    func topic(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let path = "/personen/\(person)/intake/onderwerpen/taalniveau"
            #expect(try await browser.post(path, form: [("nederlands", "A1"), ("alfabetisering", "andersGealfabetiseerd")], csrf: csrf).status == .seeOther)
            #expect(try await browser.post(path, form: [("nederlands", "A1"), ("alfabetisering", "andersGealfabetiseerd")], csrf: csrf).status == .seeOther, "saving the same answers needs no reason")
            let refused = try await browser.post(path, form: [("nederlands", "A2")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Vul Reden van wijziging in."))
            #expect(try await app.services.casework.listOnderwerpen(personId: person, scope: Self.weert).first?.answers["nederlands"] == "A1")
            #expect(try await browser.post(path, form: [("nederlands", "A2"), ("changeReason", "Niveau na toets bijgesteld")], csrf: csrf).status == .seeOther)
            #expect(try await app.services.casework.listOnderwerpen(personId: person, scope: Self.weert).first?.answers["nederlands"] == "A2")
            let versions = try await app.services.casework.listOnderwerpVersies(personId: person, topic: "taalniveau", scope: Self.weert)
            #expect(versions.first?.answers["nederlands"] == "A1")
            #expect(versions.first?.reason == "Niveau na toets bijgesteld")
            let page = try await browser.get(path)
            #expect(page.body.contains("Eerdere antwoorden"))
            #expect(page.body.contains("Niveau na toets bijgesteld"))
            #expect(page.body.contains("Alfabetisering: Anders gealfabetiseerd"), "an earlier choice reads as its label, not its code")
        }
    }
}
