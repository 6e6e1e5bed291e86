import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inburgering
import RegieStorage
import SQLKit
import Testing

@testable import RegieServer

/// The figures (issue 6): a known set of cases, each figure asserted exactly, on both engines.
/// Today is 2026-11-18 (test clock); the period is October 2026.
@Suite("Figures", .serialized)
struct FiguresTests {
    static let october = "gemeente=GM0988&van=2026-10-01&tot=2026-10-31"

    /// The known cases. For p1–p3 the BRP registration (1 August) is later than the kennisgeving,
    /// so the 10-week PIP term ends on 10 October (1 August + 70 days).
    static func seed(_ app: AppContext) async throws {
        func person(_ id: String, _ municipality: String, family: String, gender: PersonGender = .vrouw, doelgroep: Doelgroep = .asielstatushouder,
                    consulent: String? = "a-consulent", kennisgeving: String = "2026-07-01", koppeling: String? = nil, housing: String? = nil,
                    brp: String? = "2026-08-01", intake: String? = nil, pip: String? = nil, route: Leerroute? = nil, closed: String? = nil) -> PersonStore.NewPerson {
            var traject = TrajectRecord(id: "traject-\(id)", personId: id, municipalityCode: municipality, phase: pip == nil ? .bredeIntake : .pipVastgesteld,
                                        consulentId: consulent, kennisgevingDate: isoDay(kennisgeving), koppelingDate: koppeling.map(isoDay),
                                        housingDate: housing.map(isoDay), brpDate: brp.map(isoDay), intakeDate: intake.map(isoDay), pipDate: pip.map(isoDay),
                                        routeStartDate: nil, leerroute: route, closedDate: closed.map(isoDay), closedReason: closed == nil ? nil : .verhuisd)
            traject.pipDelayReason = pip == "2026-10-11" ? .tolk : nil
            return .init(person: PersonRecord(id: id, municipalityCode: municipality, householdId: nil, bsn: nil, vNummer: nil, givenNames: "Test",
                                              familyName: family, dateOfBirth: isoDay("1990-01-01"), gender: gender, doelgroep: doelgroep, language: "Arabisch",
                                              interpreterNeeded: false, phone: nil, email: nil),
                         traject: traject)
        }
        try await app.services.persons.insertPersons([
            // PIP on day 70: on time.
            person("p1", "GM0988", family: "Dag-zeventig", housing: "2026-08-10", intake: "2026-09-01", pip: "2026-10-10", route: .b1),
            // PIP on day 71: late, with its reason.
            person("p2", "GM0988", family: "Dag-eenenzeventig", gender: .man, housing: "2026-08-10", intake: "2026-09-10", pip: "2026-10-11", route: .z),
            // No PIP and the term has passed; BRP details still to come (gender unknown).
            person("p3", "GM0988", family: "", gender: .x, doelgroep: .gezinshereniger, consulent: nil, koppeling: "2026-09-20",
                   housing: "2026-08-31", intake: "2026-10-05"),
            // Closed before the term ended without a PIP: owed none.
            person("p4", "GM0988", family: "Verhuisd", closed: "2026-09-20"),
            // Another municipality of the same organisation, and one of another organisation.
            person("p6", "GM1706", family: "Cranendonck", pip: "2026-10-10", route: .b1),
            person("p5", "GM0957", family: "Roermond", consulent: "b-consulent", pip: "2026-10-10", route: .b1),
        ], now: app.clock.now)
        let db = app.database.sql
        try await db.raw("UPDATE persons SET details_pending = 1, given_names = '' WHERE id = 'p3'").run()
        func decision(_ id: String, _ person: String, _ date: String, _ route: String, _ score: Int?, _ deviation: String) async throws {
            try await db.raw("""
                INSERT INTO route_besluiten (id, person_id, decided_date, leerroute, niveau, considered, considerations, deviation, deviation_reason, lbt_score, created_by, created_at)
                VALUES (\(bind: id), \(bind: person), \(bind: date), \(bind: route), NULL, '', '', \(bind: deviation), NULL, \(bind: score), 'a-consulent', 0)
                """).run()
        }
        try await decision("rb1-old", "p1", "2026-09-01", "z", 26, "omlaag")   // replaced by the later one
        try await decision("rb1", "p1", "2026-10-05", "b1", 26, "conform")
        try await decision("rb2", "p2", "2026-10-06", "z", 18, "conform")
        try await decision("rb3", "p3", "2026-09-15", "b1", 35, "conform")     // before the period
        try await decision("rbA", app.world.personA, "2026-10-07", "onderwijs", nil, "geenUitslag")  // no LBT
        try await decision("rb5", "p5", "2026-10-07", "b1", 35, "conform")     // another organisation
        try await db.raw("""
            INSERT INTO route_resultaten (person_id, kind, result_date, created_by, created_at) VALUES
            ('p1', 'mapEindgesprek', '2026-10-20', 'a-consulent', 0), ('p2', 'pvtOndertekend', '2026-09-30', 'a-consulent', 0),
            ('p5', 'mapEindgesprek', '2026-10-20', 'b-consulent', 0)
            """).run()
        try await db.raw("""
            INSERT INTO handhavingen (id, person_id, overtreding, step, amount_cents, decided_date, created_by, created_at) VALUES
            ('h1', 'p2', 'pip', 'boete', 25000, '2026-10-15', 'a-consulent', 0), ('h2', 'p3', 'pip', 'waarschuwing', NULL, '2026-10-02', 'a-consulent', 0),
            ('h3', 'p5', 'pip', 'boete', 30000, '2026-10-15', 'b-consulent', 0)
            """).run()
        var settings = MunicipalitySettings.defaults
        settings.monitoring = MonitoringSettings(routePlan: ["b1": 60, "onderwijs": 15, "z": 25],
                                                 targets: [MonitoringTarget(metric: "pipAfterHousing", months: 2, percent: 90)])
        try await app.services.settings.save("GM0988", settings, by: "a-functioneelBeheerder", audit: AuditEvent(
            actorId: "a-functioneelBeheerder", actorName: "beheer", actorRole: "functioneelBeheerder", organisationId: "org-a",
            action: "settings.update", purpose: "beheer", requestId: "test", detail: "GM0988"), now: app.clock.now)
        try await app.services.casework.backfillNextDue(now: app.clock.now)
    }

    static func filter(_ codes: [String] = ["GM0988"], doelgroepen: [Doelgroep] = [], gender: String? = nil) -> FiguresFilter {
        FiguresFilter(municipalityCodes: codes, from: CalendarDate(iso: "2026-10-01")!, to: CalendarDate(iso: "2026-10-31")!,
                      doelgroepen: doelgroepen, gender: gender, today: CalendarDate(iso: "2026-11-18")!)
    }

    static func counts(_ app: AppContext, _ figure: Figure, _ filter: FiguresFilter = filter()) async throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try await app.services.figures.counts(figure, filter).map { ($0.part, $0.count) })
    }

    @Test("Each figure counts exactly the known cases: day 70 on time, day 71 late, no LBT, other municipalities out", arguments: Engine.available)
    func exactFigures(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            try await Self.seed(app)
            let figures = app.services.figures
            // The world's Haddad (Weert, kennisgeving 1 September) is obliged in October too; p4 was closed before it.
            #expect(try await Self.counts(app, .obligation) == ["Asielstatushouder": 3, "Gezinshereniger": 1])
            #expect(try await Self.counts(app, .routes) == ["b1": 1, "z": 1, "geenPIP": 2])
            #expect(try await Self.counts(app, .pipOnTime) == ["opTijd": 1, "teLaat": 1, "ontbreekt": 1])
            #expect(try await Self.counts(app, .delayReasons) == ["tolk": 1])
            #expect(try await Self.counts(app, .routeMix) == ["b1": 1, "z": 1])
            #expect(try await Self.counts(app, .lbtRoute) == ["20-27.b1": 1, "lt20.z": 1, "geen.onderwijs": 1])
            #expect(try await Self.counts(app, .lbtMatch) == ["conform": 2, "geenUitslag": 1])
            #expect(try await Self.counts(app, .results) == ["mapEindgesprek": 1])
            #expect(try await Self.counts(app, .caseload) == ["a-consulent": 3, "geen": 1])
            #expect(try await Self.counts(app, .closures) == [:], "p4 was closed in September")
            #expect(try await Self.counts(app, .closures, FiguresFilter(municipalityCodes: ["GM0988"], from: CalendarDate(iso: "2026-09-01")!,
                                                                        to: CalendarDate(iso: "2026-09-30")!, today: CalendarDate(iso: "2026-11-18")!)) == ["verhuisd": 1])
            let fines = Dictionary(uniqueKeysWithValues: try await figures.counts(.fines, Self.filter()).map { ($0.part, ($0.count, $0.sum)) })
            #expect(fines["boete"]?.0 == 1 && fines["boete"]?.1 == 25000)
            #expect(fines["waarschuwing"]?.0 == 1)

            // Days between steps, for the later step in October.
            func days(_ figure: Figure) async throws -> [Int] {
                try await figures.distributions(figure, Self.filter()).flatMap { d in d.histogram.flatMap { Array(repeating: $0.days, count: $0.count) } }
            }
            #expect(try await days(.intakeToPIP) == [31, 39])
            #expect(try await days(.brpToPIP) == [70, 71])
            #expect(try await days(.koppelingToContact) == [15])
            #expect(try await days(.contactToIntake) == [0, 0])
            #expect(try await days(.pipToRouteStart) == [])
            let intakeToPIP = try #require(try await figures.distributions(.intakeToPIP, Self.filter()).first)
            #expect(intakeToPIP.median == 31 && intakeToPIP.quantile(0.25) == 31 && intakeToPIP.quantile(0.75) == 39)
            // Waiting today: p1 and p2 for their route start (39 and 38 days), p3 and Haddad for a PIP (44 and 48 days).
            let waits = Dictionary(uniqueKeysWithValues: try await figures.distributions(.waits, Self.filter()).map { ($0.part, $0) })
            #expect(waits["routeStart"]?.count == 2 && waits["routeStart"]?.median == 38 && waits["routeStart"]?.maximum == 39)
            #expect(waits["pip"]?.count == 2 && waits["pip"]?.median == 44 && waits["pip"]?.maximum == 48)
            #expect(waits["contact"] == nil)

            // Terms: the same numbers as the werkvoorraad's strip.
            let terms = try await Self.counts(app, .terms)
            let strip = try await app.services.persons.countDue(scope: TenantScope(municipalityCodes: ["GM0988"]), filter: .init(),
                                                                today: CalendarDate(iso: "2026-11-18")!)
            #expect(terms.filter { $0.key.hasSuffix(".verlopen") }.values.reduce(0, +) == strip.overdue)
            #expect(terms.filter { $0.key.hasSuffix(".binnenkort") }.values.reduce(0, +) == strip.soon)

            // The organisation's municipalities together: Cranendonck's day-70 PIP counts, Roermond's never.
            #expect(try await Self.counts(app, .pipOnTime, Self.filter(["GM0988", "GM1706"])) == ["opTijd": 2, "teLaat": 1, "ontbreekt": 1])
            #expect(try await Self.counts(app, .results, Self.filter(["GM0988", "GM1706"])) == ["mapEindgesprek": 1])

            // Filters: gender (a signal's placeholder gender is "not known yet") and target group.
            #expect(try await Self.counts(app, .obligation, Self.filter(gender: "man")) == ["Asielstatushouder": 1])
            #expect(try await Self.counts(app, .obligation, Self.filter(gender: "onbekend")) == ["Gezinshereniger": 1])
            #expect(try await Self.counts(app, .obligation, Self.filter(gender: "x")) == [:])
            #expect(try await Self.counts(app, .obligation, Self.filter(gender: "vrouw")) == ["Asielstatushouder": 2])
            let migrants = Doelgroep.allCases.filter { $0.categorie == .gezinsmigrantEnOverig }
            #expect(try await Self.counts(app, .pipOnTime, Self.filter(doelgroepen: migrants)) == ["ontbreekt": 1])

            // The cases behind a number are exactly the ones counted.
            let late = try await figures.cases(.pipOnTime, part: "teLaat", Self.filter())
            #expect(late.total == 1 && late.rows.map(\.id) == ["p2"])
            let fined = try await figures.cases(.fines, part: "boete", Self.filter(["GM0988", "GM1706"]))
            #expect(fined.rows.map(\.id) == ["p2"])

            // Own target: the PIP within 2 months of housing, for people housed in August (window ends in October).
            let result = try await figures.target(MonitoringTarget(metric: "pipAfterHousing", months: 2, percent: 90), Self.filter())
            #expect(result.total == 3 && result.met == 1 && result.percent == 33)
            #expect(try await figures.targetCases(MonitoringTarget(metric: "pipAfterHousing", months: 2, percent: 90), part: "gehaald", Self.filter()).rows.map(\.id) == ["p1"])
        }
    }

    @Test("A target's cohort: the days whose window (clamped to the month's end) ends in the period", arguments: [
        (1, "2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31"),
        (1, "2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"),
        (3, "2026-10-01", "2026-10-31", "2026-07-01", "2026-07-31"),
        (1, "2026-02-28", "2026-02-28", "2026-01-28", "2026-01-31"),
    ])
    func cohortBounds(months: Int, from: String, to: String, first: String, last: String) throws {
        let bounds = try #require(FiguresStore.cohortBounds(months: months, from: CalendarDate(iso: from)!, to: CalendarDate(iso: to)!))
        #expect(bounds.0.iso == first && bounds.1.iso == last)
    }

    @Test("The dashboard: tiles, tables with definitions, SVG, links to cases for a team lead only, CSV, council page, errors", arguments: Engine.available)
    func dashboard(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let page = try await lead.get("/cijfers?" + Self.october)
            #expect(page.status == .ok)
            // 1 of 3, as the table shows it (its three shares add up to 100: 34, 33, 33).
            #expect(page.body.contains("<span class=\"tile__count\">34%</span> <span class=\"tile__label\">PIP binnen 10 weken</span>"))
            #expect(page.body.contains("<span class=\"tile__count\">70\u{00A0}dagen</span>"), "median BRP → PIP")
            #expect(page.body.contains("<svg class=\"chart\""))
            #expect(page.body.contains("dag 70 telt nog mee, dag 71 niet"), "the definition is on the page")
            #expect(page.body.contains("Dag-zeventig") == false, "no person on the dashboard itself")
            let link = "/cijfers/zaken?cijfer=pipOnTime&amp;deel=teLaat&amp;" + Self.october.replacingOccurrences(of: "&", with: "&amp;")
            #expect(page.body.contains("href=\"\(link)\">1</a>"))
            #expect(page.body.contains("33 procentpunt") == false)
            #expect(page.body.contains("57 procentpunt onder het doel"), "own target: 33% against 90%")

            let cases = try await lead.get(link.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(cases.status == .ok)
            #expect(cases.body.contains("Dag-eenenzeventig, Test"))
            #expect(!cases.body.contains("Dag-zeventig, Test"))
            let pending = try await lead.get("/cijfers/zaken?cijfer=pipOnTime&deel=ontbreekt&" + Self.october)
            #expect(pending.body.contains("Naam volgt uit de BRP"))
            let unassigned = try await lead.get("/cijfers/zaken?cijfer=caseload&deel=geen&" + Self.october)
            #expect(unassigned.status == .ok && unassigned.body.contains("Caseload — Nog niet toegewezen") && unassigned.body.contains("1 dossiers."))
            let audit = try await app.services.audit.search(.init(), before: nil, limit: 20).rows.map(\.action)
            #expect(audit.contains("figures.cases") && audit.contains("figures.view"))

            let csv = try await lead.get("/cijfers/csv?tabel=pipOnTime&" + Self.october)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            // Three equal parts: 34 + 33 + 33, so the shares add up to 100 (largest remainder).
            #expect(csv.body.hasPrefix("Uitkomst,Dossiers,Aandeel\r\nOp tijd,1,34%\r\nTe laat vastgesteld,1,33%\r\n\"Termijn voorbij, nog geen PIP\",1,33%\r\n"))
            let throughput = try await lead.get("/cijfers/csv?tabel=throughput&" + Self.october)
            #expect(throughput.body.contains("Start intake → PIP,2,31,31-39,39\r\n"), "days as bare numbers in the CSV")
            let fines = try await lead.get("/cijfers/csv?tabel=fines&" + Self.october)
            #expect(fines.body.contains("Boete,1,250.00\r\n"))

            let council = try await lead.get("/cijfers/raad?kwartaal=2026-4&gemeente=GM0988")
            #expect(council.status == .ok)
            #expect(council.body.contains("Inburgering in Weert: 4e kwartaal 2026"))
            #expect(!council.body.contains("/cijfers/zaken"), "the council overview links to no person")

            // Bad input: a clear message, the typed values kept, nothing computed.
            let reversed = try await lead.get("/cijfers?gemeente=GM0988&van=2026-10-31&tot=2026-10-01")
            #expect(reversed.status == .badRequest)
            #expect(reversed.body.contains("De einddatum ligt vóór de begindatum"))
            #expect(reversed.body.contains("value=\"2026-10-31\"") && reversed.body.contains("value=\"2026-10-01\""))
            // Another organisation's municipality: refused on every figures route, nothing of it shown.
            for path in ["/cijfers/csv?tabel=pipOnTime&gemeente=GM0957&van=2026-10-01&tot=2026-10-31", "/cijfers/raad?kwartaal=2026-4&gemeente=GM0957"] {
                let refused = try await lead.get(path)
                #expect(refused.status == .badRequest, "\(path)")
                #expect(!refused.body.contains("Roermond"), "\(path)")
            }
            let logged = try await app.services.audit.search(.init(), before: nil, limit: 50).rows.map(\.action)
            #expect(logged.contains("figures.export") && logged.contains("figures.council"))
            let foreign = try await lead.get("/cijfers?gemeente=GM0957&van=2026-10-01&tot=2026-10-31")
            #expect(foreign.status == .badRequest)
            #expect(foreign.body.contains("Kies een gemeente van uw organisatie."))
            #expect(try await lead.get("/cijfers/zaken?cijfer=pipOnTime&deel=teLaat&gemeente=GM0957&van=2026-10-01&tot=2026-10-31").status == .notFound)
            for bad in ["doel=-1&deel=gehaald", "doel=7&deel=gehaald", "doel=0&deel=allemaal", "cijfer=onbekend&deel=x", "cijfer=pipOnTime"] {
                #expect(try await lead.get("/cijfers/zaken?\(bad)&" + Self.october).status == .notFound, "\(bad)")
            }
            let target = try await lead.get("/cijfers/zaken?doel=0&deel=gehaald&" + Self.october)
            #expect(target.status == .ok && target.body.contains("Dag-zeventig, Test") && !target.body.contains("Dag-eenenzeventig"))

            // A beleidsmedewerker sees the figures without a way to the people behind them, and without
            // counts small enough to single someone out (this small test region has only such counts).
            let policy = Browser(client)
            _ = try await policy.login(World.email(.beleidsmedewerker))
            let figures = try await policy.get("/cijfers?" + Self.october)
            #expect(figures.status == .ok)
            #expect(figures.body.contains("<span class=\"tile__count\">—</span> <span class=\"tile__label\">PIP binnen 10 weken</span>"))
            #expect(figures.body.contains("&lt; 5"))
            #expect(!figures.body.contains("/cijfers/zaken"))
            #expect(try await policy.get(link.replacingOccurrences(of: "&amp;", with: "&")).status == .forbidden)
            // A consulent has no figures page.
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/cijfers?" + Self.october).status == .forbidden)
        }
    }

    /// A table of counts (with a share column) as the builder makes it.
    static func table(_ counts: [(String, Int)], total: Bool = true) -> FiguresController.Table {
        let sum = counts.reduce(0) { $0 + $1.1 }
        var rows = counts.map { FiguresController.Row(cells: [.init($0.0, header: true), .init(String($0.1), count: $0.1), .init(sum > 0 ? "\($0.1 * 100 / sum)%" : "—")]) }
        if total { rows.append(.init(cells: [.init("Totaal", header: true), .init(String(sum), count: sum), .init("100%")])) }
        return FiguresController.Table(key: "t", title: "T", definition: "", columns: ["Deel", "Aantal", "Aandeel"], rows: rows, svg: "<svg/>")
    }

    static func texts(_ table: FiguresController.Table) -> [[String]] { table.rows.map { $0.cells.map(\.text) } }

    @Test("Small-cell suppression: primary, secondary (a total cannot give a hidden count back), shares in hidden rows, the chart left out", arguments: [
        // Nothing small: unchanged, chart kept.
        ([("a", 40), ("b", 10)], [["a", "40", "80%"], ["b", "10", "20%"], ["Totaal", "50", "100%"]], true),
        // One small count: it and the smallest other count are hidden, with their shares.
        ([("a", 40), ("b", 2), ("c", 9)], [["a", "40", "78%"], ["b", "< 5", "—"], ["c", "< 5", "—"], ["Totaal", "51", "100%"]], false),
        // Two small counts hide each other; nothing more is needed.
        ([("a", 40), ("b", 1), ("c", 3)], [["a", "40", "90%"], ["b", "< 5", "—"], ["c", "< 5", "—"], ["Totaal", "44", "100%"]], false),
        // Zero is not hidden (nobody to single out), nor used as the second hidden cell.
        ([("a", 40), ("b", 0), ("c", 3), ("d", 7)], [["a", "40", "80%"], ["b", "0", "0%"], ["c", "< 5", "—"], ["d", "< 5", "—"], ["Totaal", "50", "100%"]], false),
        // A small total is itself hidden, and so is every count above it.
        ([("a", 2), ("b", 1)], [["a", "< 5", "—"], ["b", "< 5", "—"], ["Totaal", "< 5", "—"]], false),
    ] as [([(String, Int)], [[String]], Bool)])
    func suppression(counts: [(String, Int)], expected: [[String]], keepsChart: Bool) {
        let table = Self.table(counts).suppressed(below: 5, note: "verborgen")
        #expect(Self.texts(table) == expected)
        #expect(table.hasSVG == keepsChart)
        #expect((table.note == "verborgen") == !keepsChart)
        #expect(table.rows.flatMap(\.cells).allSatisfy { $0.text != "< 5" || ($0.csv == "< 5" && $0.href == nil) }, "the CSV and the link go too")
    }

    @Test("Small-cell suppression in a cross table works on rows as well as columns")
    func crossSuppression() {
        let cells: [[Int]] = [[20, 3, 30], [25, 40, 35]]
        let rows = cells.enumerated().map { index, counts in
            FiguresController.Row(cells: [.init("r\(index)", header: true)] + counts.map { .init(String($0), count: $0) } + [.init(String(counts.reduce(0, +)), count: counts.reduce(0, +))])
        }
        let table = FiguresController.Table(key: "x", title: "X", definition: "", columns: ["", "a", "b", "c", "Totaal"], rows: rows, svg: nil)
        let hidden = Self.texts(table.suppressed(below: 5, note: ""))
        // 3 is hidden; its row's smallest other (20) and its column's smallest other (40) too; then
        // 40's row and 20's column need a second hidden count as well (25), and so on until each
        // row and column with a hidden count has at least two.
        #expect(hidden[0][2] == "< 5")
        for line in hidden { #expect(line.filter { $0 == "< 5" }.count != 1, "\(line)") }
        for column in 1...4 { #expect(hidden.map { $0[column] }.filter { $0 == "< 5" }.count != 1, "column \(column): \(hidden)") }
    }

    @Test("A figures-only role gets no small counts on the dashboard, in the CSV or the council overview; a team lead gets them; the threshold is the organisation's", arguments: Engine.available)
    func smallCells(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let policy = Browser(client)
            _ = try await policy.login(World.email(.beleidsmedewerker))
            // One municipality × one target group × one gender: the kind of selection that singles people out.
            let narrow = Self.october + "&doelgroep=Gezinshereniger&geslacht=onbekend"
            let page = try await policy.get("/cijfers?" + narrow)
            #expect(page.status == .ok)
            #expect(page.body.contains("&lt; 5"))
            #expect(!page.body.contains(">1</td>"), "no count of one in any table")
            let csv = try await policy.get("/cijfers/csv?tabel=obligation&" + narrow)
            #expect(csv.body.contains("Gezinshereniger,< 5,—\r\n"))
            #expect(csv.body.contains("Totaal,< 5,—\r\n"))
            let council = try await policy.get("/cijfers/raad?kwartaal=2026-4&gemeente=GM0988&doelgroep=Gezinshereniger&geslacht=onbekend")
            #expect(council.status == .ok)
            #expect(council.body.contains("&lt; 5"))
            #expect(!council.body.contains(">1</td>"))
            // The team lead, who may open the files anyway, sees the exact numbers.
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            #expect(try await lead.get("/cijfers/csv?tabel=obligation&" + narrow).body.contains("Gezinshereniger,1,100%\r\n"))
            // The functioneel beheerder sets the threshold for the organisation; 2 shows counts from 2.
            let beheer = Browser(client)
            let csrf = try await beheer.login(World.email(.functioneelBeheerder))
            #expect(try await beheer.post("/beheer/instellingen/cijfers", form: [("minimumCell", "1")], csrf: csrf).status == .badRequest)
            #expect(try await beheer.post("/beheer/instellingen/cijfers", form: [("minimumCell", "2")], csrf: csrf).status == .seeOther)
            let changes = try await app.services.audit.search(.init(actorId: "a-functioneelBeheerder"), before: nil, limit: 20).rows
            #expect(changes.contains { $0.action == "settings.update" && $0.detail == "figures_min_cell: 2" }, "the change is audited")
            let obligation = try await policy.get("/cijfers/csv?tabel=obligation&" + Self.october)
            // 1 is hidden, and so the only other part (3), which the total would give away; the total 4 is shown now.
            #expect(obligation.body == "Doelgroep,Personen,Aandeel\r\nAsielstatushouder,< 2,—\r\nGezinshereniger,< 2,—\r\nTotaal,4,100%\r\n")
        }
    }

    @Test("Settings: the planned route mix adds up to 100 or is empty; a target needs months and an aim", arguments: Engine.available)
    func settings(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheer = Browser(client)
            let csrf = try await beheer.login(World.email(.functioneelBeheerder))
            let page = try await beheer.get("/beheer/instellingen?gemeente=GM0988")
            var form = Self.formValues(page.body)
            form["plan-b1"] = "60"; form["plan-onderwijs"] = "15"; form["plan-z"] = "20"
            let wrong = try await beheer.post("/beheer/instellingen", form: form.map { ($0.key, $0.value) }, csrf: csrf)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("De geplande aandelen zijn samen 95%"))
            form["plan-z"] = "25"
            form["target1"] = "routeStartAfterHousing"; form["targetMonths1"] = ""; form["targetPercent1"] = "90"
            let incomplete = try await beheer.post("/beheer/instellingen", form: form.map { ($0.key, $0.value) }, csrf: csrf)
            #expect(incomplete.status == .badRequest)
            #expect(incomplete.body.contains("Vul bij dit doel zowel het aantal maanden"))
            form["targetMonths1"] = "3"
            let saved = try await beheer.post("/beheer/instellingen", form: form.map { ($0.key, $0.value) }, csrf: csrf)
            #expect(saved.status == .seeOther)
            let stored = try await app.services.settings.fetch("GM0988").monitoring
            #expect(stored.routePlan == ["b1": 60, "onderwijs": 15, "z": 25])
            #expect(stored.targets == [MonitoringTarget(metric: "routeStartAfterHousing", months: 3, percent: 90)])
        }
    }

    @Test("A first PIP after the 10 weeks needs its reason, stored for the figures (web form and API alike)", arguments: Engine.available)
    func delayReason(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await APITests.createKey(client)
            var registration = APICaseworkTests.registration
            registration["kennisgeving"] = "2026-06-01"
            registration["brp"] = "2026-06-15"
            let created = try await APICaseworkTests.send(client, .post, "/api/v1/cases", key: key, body: registration)
            let id = try #require(created.json["id"] as? String)
            _ = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(id)/lbt", key: key, body: ["testDate": "2026-11-09", "administrator": "J. de Vries", "score": 26])
            _ = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(id)/route-decisions", key: key,
                                                body: ["leerroute": "b1", "considerations": "Advies taalschool.", "deviationReason": "Snelle leerder."])
            let concept = try await APICaseworkTests.send(client, .put, "/api/v1/cases/\(id)/pips/concept", key: key, body: [
                "leerroute": "b1", "einddoel": "werk", "begeleiding": "Maandelijks gesprek.", "pvt": "Groep", "pvtUren": 12, "map": "Werkplek", "mapUren": 64,
                "vveNvt": true, "voortgangsgesprekken": 4, "redenAfwijking": "Snelle leerder.",
            ])
            #expect(concept.status == .ok)
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let form = try await browser.get("/personen/\(id)/pip/vaststellen?dagtekening=2026-11-18")
            #expect(form.body.contains("De 10 weken (R1) liepen af op 24 augustus 2026."))
            let refused = try await browser.post("/personen/\(id)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Kies waarom het PIP na de 10 weken komt: de termijn liep af op 24 augustus 2026."))
            let api = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(id)/pips/concept/fix", key: key, body: ["dagtekening": "2026-11-18"])
            #expect(api.status == .badRequest)
            #expect(api.problems["body.delayReason"] != nil)
            let fixed = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(id)/pips/concept/fix", key: key,
                                                        body: ["dagtekening": "2026-11-18", "delayReason": "tolk"])
            #expect(fixed.status == .ok)
            let row = try #require(try await app.database.sql.raw("SELECT pip_due_date, pip_delay_reason FROM trajecten WHERE person_id = \(bind: id)").first())
            #expect(try row.decode(column: "pip_due_date", as: String.self) == "2026-08-24")
            #expect(try row.decode(column: "pip_delay_reason", as: String.self) == "tolk")
        }
    }

    /// The form's current values, from its inputs, selects and textareas (enough for the settings page).
    static func formValues(_ html: String) -> [String: String] {
        var values: [String: String] = [:]
        let input = try! NSRegularExpression(pattern: #"<input[^>]*name="([^"]+)"[^>]*value="([^"]*)""#)
        for match in input.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            values[String(html[Range(match.range(at: 1), in: html)!])] = String(html[Range(match.range(at: 2), in: html)!])
        }
        let select = try! NSRegularExpression(pattern: #"<select[^>]*name="([^"]+)"[\s\S]*?</select>"#)
        for match in select.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let block = String(html[Range(match.range, in: html)!])
            let name = String(html[Range(match.range(at: 1), in: html)!])
            let chosen = try! NSRegularExpression(pattern: #"<option value="([^"]*)" selected"#)
            values[name] = chosen.firstMatch(in: block, range: NSRange(block.startIndex..., in: block))
                .map { String(block[Range($0.range(at: 1), in: block)!]) } ?? ""
        }
        let area = try! NSRegularExpression(pattern: #"<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)</textarea>"#)
        for match in area.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            values[String(html[Range(match.range(at: 1), in: html)!])] = String(html[Range(match.range(at: 2), in: html)!])
                .replacingOccurrences(of: "&#10;", with: "\n").replacingOccurrences(of: "&amp;", with: "&")
        }
        values.removeValue(forKey: "_csrf")
        return values
    }
}
