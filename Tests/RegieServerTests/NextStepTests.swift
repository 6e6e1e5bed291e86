import Foundation
import Inburgering
import Testing
@testable import RegieServer
@testable import RegieStorage

/// The next step of a case (issue 15 item 2) at the HTTP level: on the case file, in the werkvoorraad
/// (shown, filtered, sorted) and moving on as the work is recorded; the intake's one count (item 7);
/// the team lead's unassigned tile (item 5).
@Suite("The next step: case file, werkvoorraad and intake count follow the recorded work")
struct NextStepHTTPTests {
    static let statutoryTopics = ["opleidingEnWerkervaring", "persoonlijkeOmstandighedenEnGezondheid", "taalniveau", "arbeidsparticipatie", "zelfredzaamheid"]

    @Test("From brede intake to route: the step, its date and the section statuses move with each record", arguments: Engine.available)
    func stepMoves(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA  // BRP 15 September 2026: the PIP is due on 24 November (R1); today is 18 November
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))

            var file = try await browser.get("/personen/\(person)")
            #expect(file.body.contains("<section class=\"next-step term--dueSoon\""))
            #expect(file.body.contains("<a href=\"/personen/\(person)/intake\">Brede intake plannen</a> <span class=\"nowrap\">vóór 24 november 2026</span> <span class=\"term-status\">nog 6 dagen</span>"))
            // Imported with an intake date but no conversation recorded in Regie.
            #expect(file.body.contains("Brede intake</a> <span class=\"hint\">gestart op 1 oktober 2026</span>"))
            var intake = try await browser.get("/personen/\(person)/intake")
            #expect(intake.body.contains("5 van 5 wettelijke onderwerpen nog niet vastgelegd:"))
            #expect(intake.body.contains("<a class=\"tag\" href=\"/personen/\(person)/intake/onderwerpen/zelfredzaamheid\">Zelfredzaamheid</a>"))

            // A conversation that covers every statutory topic: the LBT is next.
            let conversation = try await browser.post("/personen/\(person)/intake/gesprekken", form: [
                ("date", "2026-11-16"), ("attendees", "inburgeraar, consulent"),
            ] + Self.statutoryTopics.map { ("topics", $0) }, csrf: csrf)
            #expect(conversation.status == .seeOther)
            intake = try await browser.get("/personen/\(person)/intake")
            #expect(intake.body.contains("Alle 5 wettelijke onderwerpen zijn vastgelegd."))
            #expect(intake.body.contains("Vastgelegd in het gesprek van 16 november 2026"))
            file = try await browser.get("/personen/\(person)")
            #expect(file.body.contains("<a href=\"/personen/\(person)/lbt\">LBT afnemen</a>"))
            #expect(file.body.contains("Brede intake</a> <span class=\"hint\">alle wettelijke onderwerpen vastgelegd</span>"))
            #expect(file.body.contains("Leerbaarheidstoets en advies</a> <span class=\"hint\">nog niet afgenomen</span>"))

            // The werkvoorraad filters on the stored step and sorts by its date.
            #expect(try await browser.get("/?stap=lbtAfnemen").body.contains("Haddad, Amal"))
            #expect(!(try await browser.get("/?stap=routeKiezen").body.contains("Haddad, Amal")))
            let sorted = try await browser.get("/?sort=stap")
            #expect(sorted.body.contains("<strong aria-current=\"true\">volgende stap</strong>"))
            // The step serves the PIP term shown beside it: its date is not repeated.
            #expect(sorted.body.contains("<span>LBT afnemen</span>"))

            // The LBT taken: choosing the route is next.
            let lbt = try await browser.post("/personen/\(person)/lbt", form: [
                ("invitedDate", "2026-11-02"), ("testDate", "2026-11-09"), ("administrator", "J. de Vries"), ("score", "30"),
            ], csrf: csrf)
            #expect(lbt.status == .seeOther)
            file = try await browser.get("/personen/\(person)")
            #expect(file.body.contains("<a href=\"/personen/\(person)/route\">Route kiezen</a>"))
            #expect(file.body.contains("Leerbaarheidstoets en advies</a> <span class=\"hint\">afgerond</span>"))
            #expect(try await browser.get("/?stap=routeKiezen").body.contains("Haddad, Amal"))
        }
    }

    @Test("A conversation that was missed, or a topic saved empty, leaves the topics open")
    func missedConversation() async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let missed = try await browser.post("/personen/\(person)/intake/gesprekken", form: [
                ("date", "2026-11-16"), ("attendees", "consulent"), ("noShow", "ja"),
            ], csrf: csrf)
            #expect(missed.status == .seeOther)
            let empty = try await browser.post("/personen/\(person)/intake/onderwerpen/taalniveau", form: [("notitie", "")], csrf: csrf)
            #expect(empty.status == .seeOther)
            #expect(try await browser.get("/personen/\(person)/intake").body.contains("5 van 5 wettelijke onderwerpen nog niet vastgelegd:"))
            #expect(try await browser.get("/personen/\(person)").body.contains(">Brede intake plannen</a>"))
        }
    }

    @Test("The team lead's unassigned tile counts the open cases nobody works on and lists them oldest signal first", arguments: Engine.available)
    func unassignedTile(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let home = try await lead.get("/")
            // Khalil (Cranendonck) has no consulent; Mansour is another organisation's.
            #expect(home.body.contains("<li class=\"tile tile--unassigned\"><a href=\"/?consulent=geen&amp;sort=signaal\"><span class=\"tile__count\">1</span>"))
            #expect(home.body.contains("<th scope=\"col\">Consulent</th>"))
            let list = try await lead.get("/?consulent=geen&sort=signaal")
            #expect(list.body.contains("Khalil, Amal") && !list.body.contains("Haddad, Amal"))
            #expect(list.body.contains("<strong aria-current=\"true\">datum signaal</strong>"))
            // A consulent under "Mijn dossiers" does not see their own name in every row, nor the tile.
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            let own = try await consulent.get("/")
            #expect(!own.body.contains("<th scope=\"col\">Consulent</th>"))
            #expect(!own.body.contains("tile--unassigned"))
            // The page size is one of 25, 50 and 100; anything else is the default.
            #expect(try await consulent.get("/?per=25").body.contains("<strong aria-current=\"true\">25</strong>"))
            #expect(try await consulent.get("/?per=7").body.contains("<strong aria-current=\"true\">50</strong>"))
        }
    }

    @Test("A household is assigned together, the list shows each case worker's load, and the lead returns to the list", arguments: Engine.available)
    func householdTogether(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let now = app.services.clock.now()
            func member(_ id: String, _ given: String, household: String?) -> PersonStore.NewPerson {
                .init(person: PersonRecord(id: id, municipalityCode: "GM0988", householdId: household, bsn: nil, vNummer: nil, givenNames: given,
                                           familyName: "Yilmaz", dateOfBirth: isoDay("1985-03-01"), gender: .vrouw, doelgroep: .asielstatushouder,
                                           language: "Turks", interpreterNeeded: false, phone: nil, email: nil),
                      traject: TrajectRecord(id: "t-\(id)", personId: id, municipalityCode: "GM0988", phase: .gehuisvest, consulentId: nil,
                                             kennisgevingDate: isoDay("2026-10-01"), koppelingDate: nil, housingDate: nil, brpDate: isoDay("2026-10-20"),
                                             intakeDate: nil, pipDate: nil, routeStartDate: nil, leerroute: nil, closedDate: nil, closedReason: nil))
            }
            try await app.services.persons.insertPersons([
                member("hh-1", "Ayla", household: "hh"), member("hh-2", "Deniz", household: "hh"), member("solo", "Emre", household: nil),
            ], now: now)
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            let list = try await lead.get("/?consulent=geen")
            // consulent A has one open case (Haddad) against Weert's norm of 80.
            #expect(list.body.contains("<option value=\"a-consulent\">consulent A — 1 dossiers, 1% van de norm</option>"))
            let assigned = try await lead.post("/team/toewijzen", form: [
                ("persoon", "hh-1"), ("naar", "a-consulent"), ("gezin", "ja"), ("terug", "/?consulent=geen"),
            ], csrf: csrf)
            #expect(assigned.location == "/?consulent=geen&toegewezen=2")
            #expect(try await lead.get(try #require(assigned.location)).body.contains("2 dossier(s) toegewezen."))
            for (id, consulent) in [("hh-1", "a-consulent"), ("hh-2", "a-consulent"), ("solo", nil)] {
                #expect(try await CaseworkTests.traject(app, person: id)?.consulentId == consulent, "\(id)")
            }
        }
    }

    @Test("Fixing an asylum permit holder's first PIP leaves the task to register with the provider, due when the offer window closes (R12)", arguments: Engine.available)
    func taskAfterPIP(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await CaseworkAfterPIPTests.fixPIP(browser, person, csrf: csrf)
            let tasks = try await app.services.casework.listTaken(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            let task = try #require(tasks.first { $0.title.hasPrefix("Aanmelden bij de taalschool") })
            let window = LateOfferRule.venster(eerstePIPDagtekening: try #require(CalendarDate(iso: "2026-11-18")), route: .b1)
            #expect(task.dueDate == window.end, "due when the offer window closes")
            #expect(task.assigneeId == "a-consulent" && task.source == "regie")
            let file = try await browser.get("/personen/\(person)")
            #expect(file.body.contains("<a href=\"/personen/\(person)/voortgang\">Aanmelden bij taalschool</a>"))
        }
    }
}
