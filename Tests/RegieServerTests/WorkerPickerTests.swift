import Foundation
import HummingbirdTesting
import Inburgering
@testable import RegieServer
import RegieStorage
import SQLKit
import Testing

/// The team lead's caseload at thousands of case workers and cases (issue 14): a select for a small
/// team, a typed name the server resolves above `WorkerPicker`'s limit, for the consulent filter
/// and the bulk assignment alike; and the summary strip's counts, bounded by a cap.
@Suite("Worker picker and the summary strip's bounded counts")
struct WorkerPickerTests {
    /// The named case workers of organisation A besides the world's "consulent A"; with the fillers
    /// ("Werker 01" …) the organisation has 46 case workers, above the select's limit of 40.
    static let named = [("w-amrani", "Fatima el Amrani"), ("w-jansen", "Jan Jansen"), ("w-jansen-bakker", "Jan Jansen-Bakker"),
                        ("w-janssen", "Ria Janssen"), ("w-piet", "Piet Jansma")]
    static let fillers = 40

    /// Adds case workers to organisation A (and a namesake of Fatima to organisation B, and an
    /// inactive one to A), so only the picker's own rules decide who is offered.
    static func addWorkers(_ app: AppContext, fillers: Int = fillers, named: [(String, String)] = named) async throws {
        let users = app.services.users
        let workers = named + (0..<fillers).map { ("w-filler-\($0)", String(format: "Werker %02d", $0)) }
        for (id, name) in workers {
            try await users.insertUser(.init(id: id, organisationId: app.world.orgA, email: "\(id)@a.example", name: name, passwordHash: "-", roles: [.consulent]),
                                       now: app.clock.now)
        }
        try await users.insertUser(.init(id: "w-b-amrani", organisationId: app.world.orgB, email: "w-b-amrani@b.example", name: "Fatima el Amrani-Buiten",
                                         passwordHash: "-", roles: [.consulent]), now: app.clock.now)
        try await users.insertUser(.init(id: "w-gone", organisationId: app.world.orgA, email: "w-gone@a.example", name: "Jan Jansma (weg)",
                                         passwordHash: "-", roles: [.consulent]), now: app.clock.now)
        try await app.database.sql.raw("UPDATE users SET active = 0 WHERE id = 'w-gone'").run()
    }

    /// The option values of the select named `name` on the page.
    static func options(_ html: String, select name: String) -> [String] {
        guard let start = html.range(of: "<select id=\"\(name)\" name=\"\(name)\""),
              let end = html.range(of: "</select>", range: start.upperBound..<html.endIndex) else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<option value=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The worker ids the filter offers as links (in the matches' box), or as radio buttons (assignment).
    static func linked(_ html: String) -> [String] {
        guard let start = html.range(of: "<div class=\"picker-matches\" id=\"consulentnaam-keuze\">"),
              let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex) else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "consulent=").dropFirst().map { String($0.prefix { $0 != "\"" && $0 != "&" }) }
    }

    static func radios(_ html: String) -> [String] {
        html.components(separatedBy: "name=\"naar\" type=\"radio\" value=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test("Up to 40 case workers the filter and the assignment keep their selects; above, the picker's name fields", arguments: Engine.available, [39, 40])
    func selectOrPicker(engine: Engine, fillers: Int) async throws {
        try await TestSupport.withApp(engine) { client, app in
            // The world's "consulent A" is the organisation's first case worker.
            try await Self.addWorkers(app, fillers: fillers, named: [])
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let page = try await lead.get("/")
            #expect(page.status == .ok)
            let workers = fillers + 1
            if workers <= 40 {
                let everyone = ["a-consulent"] + (0..<fillers).map { "w-filler-\($0)" }
                #expect(Self.options(page.body, select: "consulent").count == 2 + workers, "alle, geen and every case worker")
                #expect(Set(Self.options(page.body, select: "consulent")) == Set(["alle", "geen"] + everyone))
                #expect(Self.options(page.body, select: "naar").count == 2 + workers)
                #expect(Set(Self.options(page.body, select: "naar")) == Set(["", "geen"] + everyone))
                #expect(!page.body.contains("name=\"consulentnaam\"") && !page.body.contains("name=\"naarnaam\""))
            } else {
                #expect(Self.options(page.body, select: "consulent") == ["alle", "geen"], "only the special values until a worker is chosen")
                #expect(Self.options(page.body, select: "naar") == ["", "geen"])
                #expect(page.body.contains("<input id=\"consulentnaam\" name=\"consulentnaam\" type=\"search\""))
                #expect(page.body.contains("<input id=\"naarnaam\" name=\"naarnaam\" type=\"search\""))
                #expect(!page.body.contains("Werker 00"), "no case worker is listed before one is asked for")
            }
        }
    }

    /// A typed name in the filter, and what the page then shows.
    struct FilterCase: Sendable, CustomTestStringConvertible {
        let typed: String
        /// The worker the list is filtered to, nil for none.
        let chosen: String?
        /// The workers offered as links.
        let links: [String]
        /// A text the page shows (the message beside the field or above the links).
        let message: String?
        var testDescription: String { "‘\(typed)’" }
    }

    static let filterCases: [FilterCase] = [
        FilterCase(typed: "amrani", chosen: "w-amrani", links: [], message: nil),
        FilterCase(typed: "  FATIMA   el amrani ", chosen: "w-amrani", links: [], message: nil),
        FilterCase(typed: "jan jansen", chosen: "w-jansen", links: [], message: nil),
        FilterCase(typed: "jans", chosen: nil, links: ["w-jansen", "w-jansen-bakker", "w-piet", "w-janssen"],
                   message: "Meer consulenten passen bij ‘jans’. Kies er een:"),
        FilterCase(typed: "werker", chosen: nil, links: (0..<20).map { "w-filler-\($0)" },
                   message: "Alleen de eerste 20 staan hier. Typ meer van de naam om verder te zoeken."),
        FilterCase(typed: "zzz", chosen: nil, links: [], message: "Geen consulent gevonden met ‘zzz’ in de naam."),
        // Another organisation's worker and a deactivated one are neither offered nor used.
        FilterCase(typed: "buiten", chosen: nil, links: [], message: "Geen consulent gevonden met ‘buiten’ in de naam."),
        FilterCase(typed: "consulent b", chosen: nil, links: [], message: "Geen consulent gevonden met ‘consulent b’ in de naam."),
        FilterCase(typed: "jansma", chosen: "w-piet", links: [], message: nil),
    ]

    @Test("The filter resolves a typed name: one worker filters the list, several are links, none is an error beside the field", arguments: Engine.available, filterCases)
    func filterByName(engine: Engine, item: FilterCase) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.addWorkers(app)
            try await app.database.sql.raw("UPDATE trajecten SET consulent_id = 'w-amrani' WHERE person_id = \(bind: app.world.personA)").run()
            try await app.database.sql.raw("UPDATE trajecten SET consulent_id = 'w-jansen' WHERE person_id = \(bind: app.world.personA2)").run()
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let query = item.typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let page = try await lead.get("/?fase=bredeIntake&consulentnaam=\(query)")
            #expect(page.status == .ok)
            let names = ["w-amrani": "Haddad", "w-jansen": "Khalil"]
            if let chosen = item.chosen {
                #expect(Self.options(page.body, select: "consulent") == ["alle", "geen", chosen])
                #expect(page.body.contains("<option value=\"\(chosen)\" selected>"), "the select shows the chosen worker")
                for (worker, family) in names {
                    #expect(page.body.contains(family) == (worker == chosen), "\(family) is listed only under their own worker")
                }
                #expect(page.body.contains("href=\"/?fase=bredeIntake&amp;termijn=verlopen&amp;consulent=\(chosen)\""), "the tiles keep the chosen worker by id")
            } else {
                #expect(page.body.contains("Haddad") && page.body.contains("Khalil"), "no worker chosen: every case")
                #expect(page.body.contains("<option value=\"alle\" selected>"))
            }
            #expect(Self.linked(page.body) == item.links)
            if !item.links.isEmpty {
                #expect(page.body.contains("<li><a href=\"/?fase=bredeIntake&amp;consulent=\(item.links[0])\">"), "a match's link keeps the other filters")
            }
            if let message = item.message {
                #expect(page.body.contains(message), "\(message)")
            }
            #expect(page.body.contains("aria-invalid=\"true\"") == (item.chosen == nil && item.links.isEmpty), "only a name that found nobody is marked invalid")
            #expect(!page.body.contains("w-b-amrani") && !page.body.contains("w-gone"))
        }
    }

    @Test("A link's ?consulent=<id> filters and shows the worker's name; another organisation's worker is refused", arguments: Engine.available, [true, false])
    func filterById(engine: Engine, picker: Bool) async throws {
        try await TestSupport.withApp(engine) { client, app in
            if picker { try await Self.addWorkers(app) }
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let mine = try await lead.get("/?consulent=a-consulent")
            #expect(mine.body.contains("<option value=\"a-consulent\" selected>consulent A</option>"))
            #expect(mine.body.contains("Haddad") && !mine.body.contains("Khalil"), "only consulent A's case")
            let foreign = try await lead.get("/?consulent=b-consulent")
            #expect(foreign.status == .ok)
            #expect(!Self.options(foreign.body, select: "consulent").contains("b-consulent"))
            #expect(foreign.body.contains("Deze consulent is niet gevonden in uw team of organisatie."))
            #expect(foreign.body.contains("Haddad") && foreign.body.contains("Khalil"), "the list shows everyone instead")
            #expect(!foreign.body.contains("consulent B"))
            let unassigned = try await lead.get("/?consulent=geen")
            #expect(unassigned.body.contains("Khalil") && !unassigned.body.contains("Haddad"))
        }
    }

    /// A typed assignment target and where the form goes next.
    struct AssignCase: Sendable, CustomTestStringConvertible {
        let typed: String
        /// Assigned to this worker, or nil when the list comes back.
        let assigned: String?
        /// The state the list comes back with (`toewijzen=`).
        let state: String?
        var testDescription: String { "‘\(typed)’" }
    }

    static let assignCases: [AssignCase] = [
        AssignCase(typed: "el amrani", assigned: "w-amrani", state: nil),
        AssignCase(typed: "Jan Jansen", assigned: "w-jansen", state: nil),
        AssignCase(typed: "jans", assigned: nil, state: "kies"),
        AssignCase(typed: "zzz", assigned: nil, state: "onbekend"),
        AssignCase(typed: "Buiten", assigned: nil, state: "onbekend"),
    ]

    @Test("Assigning through the picker: one worker assigns, several come back as choices, none as an error; the ticks are kept", arguments: Engine.available, assignCases)
    func assignByName(engine: Engine, item: AssignCase) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.addWorkers(app)
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            let form: [(String, String)] = [("persoon", app.world.personA2), ("naar", ""), ("naarnaam", item.typed), ("terug", "/?fase=bredeIntake")]
            let posted = try await lead.post("/team/toewijzen", form: form, csrf: csrf)
            #expect(posted.status == .seeOther)
            let consulent = try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId
            if let assigned = item.assigned {
                #expect(posted.location == "/?fase=bredeIntake&toegewezen=1")
                #expect(consulent == assigned)
                return
            }
            #expect(consulent == nil, "nothing is assigned")
            let state = try #require(item.state)
            let typed = QueryValue.encode(item.typed)
            #expect(posted.location == "/?fase=bredeIntake&toewijzen=\(state)&naarnaam=\(typed)&persoon=person-a-cranendonck")
            let back = try await lead.get(try #require(posted.location))
            #expect(CaseworkAfterPIPTests.ticked(back.body) == [app.world.personA2], "the ticked case stays ticked")
            if state == "kies" {
                #expect(Self.radios(back.body) == ["w-jansen", "w-jansen-bakker", "w-piet", "w-janssen"])
                #expect(back.body.contains("<a href=\"#naar-keuze\">Meer consulenten passen bij ‘jans’. Kies er een:</a>"))
                // Choosing one of them assigns, with the ticks the page kept.
                let chosen = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", ""), ("naar", "w-janssen"), ("naarnaam", ""),
                                                                            ("terug", "/?fase=bredeIntake")], csrf: csrf)
                #expect(chosen.location == "/?fase=bredeIntake&toegewezen=1")
                #expect(try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId == "w-janssen")
            } else {
                #expect(Self.radios(back.body).isEmpty)
                #expect(back.body.contains("value=\"\(item.typed)\""), "the typed name is kept in its field")
                #expect(back.body.contains("<p class=\"field-error\" id=\"naarnaam-error\">Geen consulent gevonden met ‘\(item.typed)’ in de naam."))
                #expect(back.body.contains("aria-invalid=\"true\""))
            }
        }
    }

    @Test("A worker id posted from outside the organisation is refused, in the picker as in the select", arguments: Engine.available)
    func foreignIdRefused(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.addWorkers(app)
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            for target in ["b-consulent", "w-b-amrani", "w-gone", "b-teamleider"] {
                let posted = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", target)], csrf: csrf)
                #expect(posted.location == "/?toewijzen=ongeldig&persoon=person-a-cranendonck", "\(target)")
            }
            #expect(try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId == nil)
        }
    }

    @Test("A team lead with a team is offered and may take only their own team's case workers", arguments: Engine.available)
    func ownTeamOnly(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let users = app.services.users
            try await users.insertTeam(Team(id: "team-x", organisationId: app.world.orgA, name: "Team X"))
            try await users.insertTeam(Team(id: "team-y", organisationId: app.world.orgA, name: "Team Y"))
            try await app.database.sql.raw("UPDATE users SET team_id = 'team-x' WHERE id = 'a-teamleider'").run()
            for (id, name, team) in [("w-in", "Ineke Binnen", "team-x"), ("w-out", "Otto Buiten", "team-y")] {
                try await users.insertUser(.init(id: id, organisationId: app.world.orgA, teamId: team, email: "\(id)@a.example", name: name,
                                                 passwordHash: "-", roles: [.consulent]), now: app.clock.now)
            }
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            let page = try await lead.get("/")
            // "consulent A" has no team and team Y is another team: neither is offered.
            #expect(Self.options(page.body, select: "consulent") == ["alle", "geen", "w-in"])
            #expect(Self.options(page.body, select: "naar") == ["", "geen", "w-in"])
            let foreign = try await lead.get("/?consulent=w-out")
            #expect(foreign.body.contains("Deze consulent is niet gevonden in uw team of organisatie."))
            #expect(!foreign.body.contains("Otto Buiten"))
            let typed = try await lead.get("/?consulentnaam=buiten")
            #expect(typed.body.contains("Geen consulent gevonden met ‘buiten’ in de naam."))
            for target in ["w-out", "a-consulent"] {
                let posted = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", target)], csrf: csrf)
                #expect(posted.location == "/?toewijzen=ongeldig&persoon=person-a-cranendonck", "\(target)")
            }
            let byName = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", ""), ("naarnaam", "Otto Buiten")], csrf: csrf)
            #expect(byName.location?.contains("toewijzen=onbekend") == true)
            #expect(try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId == nil)
            let mine = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", "w-in")], csrf: csrf)
            #expect(mine.location == "/?toegewezen=1")
            #expect(try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId == "w-in")
        }
    }

    // MARK: The summary strip's bounded counts

    /// Adds `count` open cases in Weert (and Cranendonck for every third) with the given due dates,
    /// numbered from `first`.
    static func addCases(_ app: AppContext, first: Int = 0, dues: [String]) async throws {
        try await app.services.persons.insertPersons(dues.indices.map { index in
            let id = "strip-\(first + index)"
            let municipality = (first + index) % 3 == 0 ? "GM1706" : "GM0988"
            return .init(person: PersonRecord(id: id, municipalityCode: municipality, householdId: nil, bsn: "8\(String(format: "%08d", first + index))", vNummer: nil,
                                              givenNames: "Test", familyName: "Strook \(first + index)", dateOfBirth: isoDay("1990-02-28"), gender: .vrouw,
                                              doelgroep: .asielstatushouder, language: "Arabisch", interpreterNeeded: false, phone: nil, email: nil),
                         traject: TrajectRecord(id: "traject-\(id)", personId: id, municipalityCode: municipality, phase: (first + index) % 2 == 0 ? .bredeIntake : .pipVastgesteld,
                                                consulentId: (first + index) % 4 == 0 ? "a-consulent" : nil, kennisgevingDate: isoDay("2026-09-01"), koppelingDate: nil,
                                                housingDate: nil, brpDate: nil, intakeDate: nil, pipDate: nil, routeStartDate: nil, leerroute: nil, closedDate: nil,
                                                closedReason: nil))
        }, now: app.clock.now)
        // One statement per due date and 1,000 cases: the cap's test adds ten thousand.
        let byDue = Dictionary(grouping: dues.indices, by: { dues[$0] })
        for (due, indices) in byDue {
            for start in stride(from: 0, to: indices.count, by: 1_000) {
                let ids = indices[start..<min(start + 1_000, indices.count)].map { "strip-\(first + $0)" }
                try await app.database.sql.raw("UPDATE trajecten SET next_due_date = \(bind: due) WHERE person_id IN (\(binds: ids))").run()
            }
        }
    }

    @Test("The strip counts exactly up to its cap, and stops one past it, for every filter", arguments: Engine.available)
    func stripCapped(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let db = app.database.sql
            // 60 cases around today (2026-11-18): overdue, due today, within and after 14 days, no term; some closed.
            let days = ["2025-01-01", "2026-10-01", "2026-11-17", "2026-11-18", "2026-11-25", "2026-12-02", "2026-12-03", "2027-03-01", "9999-12-31"]
            try await Self.addCases(app, dues: (0..<60).map { days[$0 % days.count] })
            try await db.raw("UPDATE trajecten SET closed_date = '2026-11-01' WHERE person_id IN ('strip-5', 'strip-13', 'strip-21')").run()
            let today = CalendarDate(year: 2026, month: 11, day: 18)!
            let lead = TenantScope(municipalityCodes: ["GM0988", "GM1706"])
            let filters: [(String, PersonStore.ListFilter, String)] = [
                ("everyone", .init(), ""),
                ("one municipality", .init(municipalityCode: "GM0988"), "AND t.municipality_code = 'GM0988'"),
                ("one phase", .init(phase: .pipVastgesteld), "AND t.phase = 'pipVastgesteld'"),
                ("one case worker", .init(consulentId: "a-consulent"), "AND t.consulent_id = 'a-consulent'"),
                ("unassigned", .init(unassigned: true), "AND t.consulent_id IS NULL"),
                // The strip is the filters' workload: a search does not narrow it.
                ("a search", .init(search: "strook"), ""),
                ("the overdue tile's own filter", .init(term: .overdue), ""),
            ]
            for (name, filter, condition) in filters {
                let row = try #require(try await db.raw(SQLQueryString("""
                    SELECT COALESCE(SUM(CASE WHEN next_due_date < '2026-11-18' THEN 1 ELSE 0 END), 0) AS overdue,
                           COALESCE(SUM(CASE WHEN next_due_date >= '2026-11-18' AND next_due_date <= '2026-12-02' THEN 1 ELSE 0 END), 0) AS soon
                    FROM trajecten t WHERE closed_date IS NULL AND municipality_code IN ('GM0988', 'GM1706') \(condition)
                    """)).first())
                let exact = (try row.decode(column: "overdue", as: Int.self), try row.decode(column: "soon", as: Int.self))
                #expect(exact.0 > 3 && exact.1 > 3, "\(name): the data has more than the smallest cap")
                // Not yet assigned: open cases without a case worker, under the filter's other
                // conditions (whoever the filter shows), through their own partial index (M0035).
                let nobodyCondition = condition.contains("consulent_id") ? "" : condition
                let unassigned = try #require(try await db.raw(SQLQueryString("""
                    SELECT COUNT(*) AS n FROM trajecten t
                    WHERE closed_date IS NULL AND consulent_id IS NULL AND municipality_code IN ('GM0988', 'GM1706') \(nobodyCondition)
                    """)).first()).decode(column: "n", as: Int.self)
                #expect(unassigned > 3, "\(name): the data has more unassigned cases than the smallest cap")
                let full = try await app.services.persons.countDue(scope: lead, filter: filter, today: today, unassigned: true)
                #expect((full.overdue, full.soon, full.unassigned) == (exact.0, exact.1, unassigned), "\(name)")
                for cap in [0, 1, 3, exact.0, exact.1, unassigned] {
                    let counted = try await app.services.persons.countDue(scope: lead, filter: filter, today: today, unassigned: true, cap: cap)
                    #expect((counted.overdue, counted.soon, counted.unassigned) == (min(exact.0, cap + 1), min(exact.1, cap + 1), min(unassigned, cap + 1)),
                            "\(name), cap \(cap)")
                }
            }
        }
    }

    @Test("The tiles show the exact count up to the cap and “10.000+” above it", arguments: Engine.available)
    func tilesAboveCap(engine: Engine) async throws {
        let cap = PersonStore.stripCap
        #expect(cap == 10_000, "the tile's words below are written for this cap")
        try await TestSupport.withApp(engine) { client, app in
            try await app.database.sql.raw("UPDATE trajecten SET next_due_date = '9999-12-31'").run()
            try await Self.addCases(app, dues: Array(repeating: "2026-11-01", count: cap - 1) + Array(repeating: "2026-11-20", count: 7))
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            func tile(_ label: String) async throws -> String? {
                let body = try await lead.get("/").body
                guard let end = body.range(of: "</span> <span class=\"tile__label\">\(label)</span>") else { return nil }
                return body[..<end.lowerBound].components(separatedBy: "<span class=\"tile__count\">").last
            }
            #expect(try await tile("termijn verstreken") == "9.999")
            #expect(try await tile("termijn binnen 14 dagen") == "7")
            try await Self.addCases(app, first: 20_000, dues: ["2026-11-02"])
            #expect(try await tile("termijn verstreken") == "10.000")
            try await Self.addCases(app, first: 20_001, dues: ["2026-11-03"])
            #expect(try await tile("termijn verstreken") == "10.000+")
            #expect(try await tile("termijn binnen 14 dagen") == "7")
        }
    }
}
