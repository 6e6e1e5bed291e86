import Foundation
import Inburgering
import RegieServer
@testable import RegieStorage
import SQLKit
import Testing

/// The dashboard reads maintained totals (M0016); these tests hold them to the live definitions:
/// on the demo region, and after random changes to every table a figure reads.
@Suite("Figures from maintained totals equal a recomputation")
struct FigureTotalsTests {
    static let today = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let municipalities = ["GM0988", "GM1706", "GM0946"]

    /// Selections that reach every kind of reading: each municipality and all three, periods from
    /// one day to five years, another today, and the target-group and gender filters.
    static var selections: [FiguresFilter] {
        let day = CalendarDate(iso: "2026-11-18")!
        // Whole months, and periods that begin or end inside a month (read partly per day, M0034).
        let periods: [(String, String)] = [("2026-01-01", "2026-11-30"), ("2026-10-01", "2026-12-31"), ("2022-01-01", "2026-12-31"),
                                           ("2026-11-18", "2026-11-18"), ("2025-01-01", "2025-12-31"), ("2025-03-15", "2026-02-10"),
                                           ("2026-02-01", "2026-02-28"), ("2024-02-29", "2024-03-30"), ("2025-12-31", "2026-01-01")]
        var result: [FiguresFilter] = []
        for codes in Self.municipalities.map({ [$0] }) + [Self.municipalities] {
            for (from, to) in periods {
                result.append(FiguresFilter(municipalityCodes: codes, from: CalendarDate(iso: from)!, to: CalendarDate(iso: to)!, today: day))
            }
        }
        let year = (CalendarDate(iso: "2026-01-01")!, CalendarDate(iso: "2026-12-31")!)
        for gender in ["vrouw", "man", "x", "onbekend"] {
            result.append(FiguresFilter(municipalityCodes: Self.municipalities, from: year.0, to: year.1, gender: gender, today: day))
        }
        result.append(FiguresFilter(municipalityCodes: Self.municipalities, from: year.0, to: year.1,
                                    doelgroepen: [.asielstatushouder, .gezinsvormer], today: day))
        result.append(FiguresFilter(municipalityCodes: ["GM0988"], from: year.0, to: year.1, doelgroepen: [.overig], gender: "vrouw", today: day))
        result.append(FiguresFilter(municipalityCodes: Self.municipalities, from: year.0, to: year.1, today: CalendarDate(iso: "2026-06-30")!))
        // Past periods as they stood at their end (the council overview).
        result.append(FiguresFilter(municipalityCodes: Self.municipalities, from: CalendarDate(iso: "2026-07-01")!, to: CalendarDate(iso: "2026-09-30")!, today: day).asAtEnd())
        result.append(FiguresFilter(municipalityCodes: ["GM0988"], from: CalendarDate(iso: "2025-01-01")!, to: CalendarDate(iso: "2025-12-31")!, today: day).asAtEnd())
        return result
    }

    /// Every figure's counts and histograms, from the totals and live, must be the same.
    static func expectEqual(_ store: FiguresStore, _ label: String) async throws -> Int {
        var compared = 0
        for f in selections {
            for figure in Figure.allCases {
                let fromTotals = try await store.counts(figure, f).sorted { $0.part < $1.part }
                let live = try await store.counts(figure, f, from: .live).sorted { $0.part < $1.part }
                #expect(fromTotals == live, "\(label): \(figure) for \(f.municipalityCodes) \(f.from.iso)…\(f.to.iso) today \(f.today.iso) \(f.doelgroepen) \(f.gender ?? "")")
                let histograms = try await store.distributions(figure, f)
                let liveHistograms = try await store.distributions(figure, f, from: .live)
                #expect(histograms == liveHistograms, "\(label): \(figure) days for \(f.municipalityCodes) \(f.from.iso)…\(f.to.iso)")
                compared += live.count
            }
            // The own targets, every metric at a short and a long window.
            for metric in MonitoringTarget.metrics {
                for months in [1, 3, 12] {
                    let target = MonitoringTarget(metric: metric, months: months, percent: 80)
                    let fromTotals = try await store.target(target, f), live = try await store.target(target, f, from: .live)
                    #expect(fromTotals == live, "\(label): \(metric) \(months) for \(f.municipalityCodes) \(f.from.iso)…\(f.to.iso) today \(f.today.iso) \(f.doelgroepen) \(f.gender ?? "")")
                    compared += live.total
                }
            }
        }
        return compared
    }

    @Test("On the demo region every figure from the totals equals the live count, for every selection", arguments: Engine.available)
    func demoRegion(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 500, seed: 2021, today: Self.today, bcryptCost: 4)
            let store = FiguresStore(database: database)
            let compared = try await Self.expectEqual(store, "after seeding")
            #expect(compared > 1_000, "the selections reach many parts (\(compared))")
            try await Self.expectSumsOfTotals(database, "after seeding")
            // Nothing is left to refresh after the rebuild, and a refresh then changes nothing.
            #expect(try await database.sql.raw("SELECT COUNT(*) AS n FROM figure_dirty").first()?.decode(column: "n", as: Int.self) == 0)
        }
    }

    /// An own target counts a step "within N months" of housing when the calendar months it needed
    /// are at most N: the months between the two dates, plus one for a later day of the month.
    static let monthsNeeded: [(start: String, step: String, months: Int)] = [
        ("2026-01-15", "2026-01-15", 0), ("2026-01-15", "2026-01-16", 1), ("2026-01-15", "2026-02-15", 1),
        ("2026-01-15", "2026-02-16", 2), ("2026-01-15", "2026-04-15", 3), ("2026-01-15", "2026-04-16", 4),
        // A shorter last month: 31 January to its last day of February is one month, 1 March two.
        ("2026-01-31", "2026-02-28", 1), ("2026-01-31", "2026-03-01", 2), ("2024-01-31", "2024-02-29", 1),
        ("2026-03-31", "2026-04-30", 1), ("2026-03-31", "2026-05-01", 2),
        // Across the turn of the year, and a step on the last day of a long window.
        ("2025-11-30", "2026-02-28", 3), ("2025-12-01", "2026-01-01", 1), ("2025-12-01", "2026-12-01", 12), ("2025-12-01", "2026-12-02", 13),
        // A step recorded before the housing day needs no months.
        ("2026-05-20", "2026-05-01", 0), ("2026-05-20", "2026-04-25", 0), ("2026-05-20", "2026-04-10", -1),
    ]

    @Test("The calendar months a step needed after housing, as the own targets count them", arguments: Engine.available)
    func monthsNeededTable(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            for row in Self.monthsNeeded {
                let sql = FiguresStore.monthsNeeded(from: "\(bind: row.start)", to: "\(bind: row.step)")
                let months = try await database.sql.raw("SELECT \(sql) AS n").first()?.decode(column: "n", as: Int.self)
                #expect(months == row.months, "\(row.start) → \(row.step) on \(engine)")
            }
        }
    }

    @Test("A past quarter as at its end: a PIP fixed after it was missing then, and its route is the first PIP's", arguments: Engine.available)
    func asAtEnd(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 500, seed: 2021, today: Self.today, bcryptCost: 4)
            let store = FiguresStore(database: database)
            let sql = database.sql
            let quarter = FiguresFilter(municipalityCodes: Self.municipalities, from: CalendarDate(iso: "2026-04-01")!, to: CalendarDate(iso: "2026-06-30")!,
                                        today: CalendarDate(iso: "2026-11-18")!)
            // Two PIPs due in the quarter and fixed on time with route B1 …
            let due = try await sql.raw("""
                SELECT t.person_id FROM trajecten t WHERE t.pip_due_date BETWEEN '2026-04-01' AND '2026-06-30'
                AND t.pip_date IS NOT NULL AND t.pip_date <= t.pip_due_date
                AND t.person_id IN (SELECT person_id FROM pips WHERE status = 'vastgesteld' AND leerroute = 'b1')
                ORDER BY t.person_id LIMIT 2
                """).all().map { try $0.decode(column: "person_id", as: String.self) }
            try #require(due.count == 2, "the demo region has PIPs due in the quarter")
            func parts(_ f: FiguresFilter, _ figure: Figure) async throws -> [String: Int] {
                Dictionary(uniqueKeysWithValues: try await store.counts(figure, f).map { ($0.part, $0.count) })
            }
            let before = try await parts(quarter.asAtEnd(), .pipOnTime)
            // … are made late: fixed in August, after the quarter ended.
            for person in due {
                try await sql.raw("UPDATE trajecten SET pip_date = '2026-08-03' WHERE person_id = \(bind: person)").run()
                try await sql.raw("UPDATE pips SET dagtekening = '2026-08-03' WHERE person_id = \(bind: person) AND status = 'vastgesteld'").run()
            }
            // A later version changed the route of one: the traject carries the last one.
            try await sql.raw("UPDATE trajecten SET leerroute = 'z' WHERE person_id = \(bind: due[0])").run()
            try await store.refreshTotals()

            let now = try await parts(quarter, .pipOnTime)
            let atEnd = try await parts(quarter.asAtEnd(), .pipOnTime)
            #expect(now["teLaat", default: 0] == atEnd["teLaat", default: 0] + 2, "looked at today the two are late, at the quarter's end not yet")
            #expect(atEnd["opTijd", default: 0] == before["opTijd", default: 0] - 2)
            #expect(atEnd["ontbreekt", default: 0] == before["ontbreekt", default: 0] + 2, "at the quarter's end they were missing")
            // The route mix of the month they were fixed in reads the first PIP's route, not the traject's.
            let august = FiguresFilter(municipalityCodes: Self.municipalities, from: CalendarDate(iso: "2026-08-01")!, to: CalendarDate(iso: "2026-08-31")!,
                                       today: CalendarDate(iso: "2026-11-18")!)
            let b1 = try await store.cases(.routeMix, part: "b1", august).rows.map(\.id)
            #expect(Set(due).isSubset(of: Set(b1)))
            _ = try await Self.expectEqual(store, "after late PIPs")
        }
    }

    @Test("Random changes to every table a figure reads, refreshed, still equal a recomputation and a rebuild", arguments: Engine.available)
    func randomChanges(engine: Engine) async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["REGIE_FIGURES_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        print("FigureTotalsTests.randomChanges: seed \(seed) (REGIE_FIGURES_SEED)")
        var random = SeededOrder(seed: seed)
        try await TestDatabase.with(engine) { database in
            try await DemoData(database: database, seal: FieldSeal(developmentPassphrase: "test")).load(people: 300, seed: 2021, today: Self.today, bcryptCost: 4)
            let store = FiguresStore(database: database)
            let sql = database.sql
            let people = try await sql.raw("SELECT person_id FROM trajecten ORDER BY person_id").all().map { try $0.decode(column: "person_id", as: String.self) }
            let workers = try await sql.raw("SELECT DISTINCT consulent_id FROM trajecten WHERE consulent_id IS NOT NULL ORDER BY consulent_id").all()
                .map { try $0.decode(column: "consulent_id", as: String.self) }
            func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
            func date() -> String? {
                random.next() % 5 == 0 ? nil : CalendarDate(iso: "2024-01-01")!.adding(days: Int(random.next() % 1_200)).iso
            }
            let dateColumns = ["kennisgeving_date", "koppeling_date", "brp_date", "housing_date", "intake_date", "pip_date", "pip_due_date",
                               "route_start_date", "closed_date"]
            for round in 0..<3 {
                for _ in 0..<40 {
                    let person = pick(people)
                    switch random.next() % 9 {
                    case 0, 1, 2:
                        let column = pick(dateColumns)
                        try await sql.raw("UPDATE trajecten SET \(unsafeRaw: column) = \(bind: date()) WHERE person_id = \(bind: person)").run()
                    case 3:
                        try await sql.raw("UPDATE trajecten SET consulent_id = \(bind: random.next() % 4 == 0 ? nil : pick(workers)), leerroute = \(bind: pick(["b1", "onderwijs", "z"])), pip_delay_reason = \(bind: random.next() % 2 == 0 ? nil : "overig") WHERE person_id = \(bind: person)").run()
                    case 4:
                        try await sql.raw("UPDATE trajecten SET next_due_date = \(bind: date() ?? "2026-11-20"), next_due_kind = \(bind: pick(["pip", "intake", ""])), closed_reason = \(bind: pick(["verhuisd", "examen"])) WHERE person_id = \(bind: person)").run()
                    case 5:
                        try await sql.raw("UPDATE persons SET doelgroep = \(bind: pick(Doelgroep.allCases).rawValue), gender = \(bind: pick(["vrouw", "man", "x"])), details_pending = \(bind: Int(random.next() % 2)) WHERE id = \(bind: person)").run()
                    case 6:
                        try await sql.raw("DELETE FROM route_besluiten WHERE person_id = \(bind: person)").run()
                    case 7:
                        // A step withdrawn (issue 15) counts in no figure any more; one taken back in again.
                        try await sql.raw("UPDATE handhavingen SET decided_date = \(bind: date() ?? "2026-03-01"), amount_cents = \(bind: Int(random.next() % 50_000)), withdrawn_at = \(bind: random.next() % 3 == 0 ? Int64(1_764_000_000) : nil) WHERE person_id = \(bind: person)").run()
                        try await sql.raw("DELETE FROM route_resultaten WHERE person_id = \(bind: person)").run()
                    default:
                        try await sql.raw("UPDATE warme_overdrachten SET meeting_held = \(bind: date()) WHERE person_id = \(bind: person)").run()
                    }
                }
                if round == 2 {
                    // A person removed altogether (their traject and history go by cascade).
                    try await sql.raw("DELETE FROM persons WHERE id = \(bind: pick(people))").run()
                }
                try await store.refreshTotals()
                _ = try await Self.expectEqual(store, "round \(round) (seed \(seed))")
            }
            // The refreshed totals are exactly the totals computed from scratch, and the sums over
            // target group and gender (per day and per month) are those of the totals.
            let refreshed = try await Self.totalsRows(database)
            try await Self.expectSumsOfTotals(database, "refreshed, seed \(seed)")
            try await store.rebuildTotals()
            #expect(try await Self.totalsRows(database) == refreshed, "seed \(seed)")
            try await Self.expectSumsOfTotals(database, "rebuilt, seed \(seed)")
        }
    }

    /// `figure_sums` and `figure_month_sums` (M0034) hold exactly `figure_totals` summed over target
    /// group and gender, per day and per month, with no row left at zero.
    static func expectSumsOfTotals(_ database: Database, _ label: String) async throws {
        func rows(_ query: SQLQueryString) async throws -> [String] {
            try await database.sql.raw(query).all().map { row in
                try ["figure", "municipality_code", "day", "until_day", "part"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                    + "|" + (try ["days", "n", "total"].map { String(try row.decode(column: $0, as: Int.self)) }.joined(separator: "|"))
            }.sorted()
        }
        let sums = try await rows("SELECT figure, municipality_code, day, until_day, part, days, n, total FROM figure_sums")
        #expect(!sums.isEmpty)
        #expect(sums == (try await rows("""
            SELECT figure, municipality_code, day, until_day, part, days, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(total) AS BIGINT) AS total
            FROM figure_totals GROUP BY figure, municipality_code, day, until_day, part, days
            """)), "figure_sums, \(label)")
        #expect(try await rows("SELECT figure, municipality_code, month AS day, until_month AS until_day, part, days, n, total FROM figure_month_sums") == (try await rows("""
            SELECT figure, municipality_code, substr(day, 1, 7) AS day, substr(until_day, 1, 7) AS until_day, part, days,
                   CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(total) AS BIGINT) AS total
            FROM figure_totals GROUP BY figure, municipality_code, substr(day, 1, 7), substr(until_day, 1, 7), part, days
            """)), "figure_month_sums, \(label)")
    }

    static func totalsRows(_ database: Database) async throws -> [String] {
        try await database.sql.raw("SELECT figure, municipality_code, day, until_day, part, days, doelgroep, gender, n, total FROM figure_totals").all().map { row in
            try ["figure", "municipality_code", "day", "until_day", "part", "doelgroep", "gender"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                + "|" + (try ["days", "n", "total"].map { String(try row.decode(column: $0, as: Int.self)) }.joined(separator: "|"))
        }.sorted()
    }
}
