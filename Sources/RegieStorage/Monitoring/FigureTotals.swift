import Foundation
import Inburgering
import SQLKit

/// The figures from maintained totals (M0016): each figure's definition in `FiguresStore` split in
/// what a person's traject contributes whatever the period and today (`contribution`), stored per
/// person and summed in `figure_totals`, and what a selection asks of those sums (`reading`). The
/// dashboard then sums rows per day, part and days instead of reading every case. The live
/// definitions stay: they list the cases behind a number, and a test holds the two to each other.
extension FiguresStore {
    /// A figure's rows in `figure_contributions`, computed from the same columns and expressions as
    /// the live definition, minus the period and today.
    struct Contribution {
        var joins: SQLQueryString = ""
        var condition: SQLQueryString = "1 = 1"
        var part: SQLQueryString
        var day: SQLQueryString = "''"
        var until: SQLQueryString = "'\(unsafeRaw: FiguresStore.open)'"
        var days: SQLQueryString = "0"
        var total: SQLQueryString = "0"
    }

    /// `until_day` of what is still counted: later than any date.
    static let open = "9999-12-31"
    /// `day` of what counts from the beginning (no kennisgeving date): earlier than any date.
    static let beginning = "0000-01-01"
    /// The rows of `.routes`: trajecten with a PIP, counted like `.obligation` once the PIP is
    /// fixed; the rest of the obligation is "no PIP yet".
    static let withPIP = "routes"

    func contribution(_ figure: Figure) -> Contribution {
        let kennisgeving: SQLQueryString = "COALESCE(t.kennisgeving_date, '\(unsafeRaw: Self.beginning)')"
        let closed: SQLQueryString = "COALESCE(t.closed_date, '\(unsafeRaw: Self.open)')"
        func step(_ start: SQLQueryString, _ end: SQLQueryString, joins: SQLQueryString = "") -> Contribution {
            Contribution(joins: joins, condition: "\(end) IS NOT NULL AND \(start) IS NOT NULL AND \(start) <= \(end)",
                         part: "'alle'", day: end, days: days(from: start, to: end))
        }
        switch figure {
        case .obligation:
            return Contribution(part: "p.doelgroep", day: kennisgeving, until: closed)
        case .routes:
            let later: SQLQueryString = database.kind == .sqlite ? "MAX(\(kennisgeving), t.pip_date)" : "GREATEST(\(kennisgeving), t.pip_date)"
            return Contribution(condition: "t.pip_date IS NOT NULL", part: Self.firstRoute, day: later, until: closed)
        case .pipOnTime:
            return Contribution(
                condition: "t.pip_due_date IS NOT NULL AND NOT (t.pip_date IS NULL AND t.closed_date IS NOT NULL AND t.closed_date <= t.pip_due_date)",
                part: """
                    (CASE WHEN t.pip_date IS NOT NULL AND t.pip_date <= t.pip_due_date THEN 'opTijd'
                          WHEN t.pip_date IS NOT NULL THEN 'teLaat' ELSE 'zonder' END)
                    """,
                day: "t.pip_due_date",
                // A late PIP counts as late from its date on; before that it was missing.
                until: "(CASE WHEN t.pip_date > t.pip_due_date THEN t.pip_date ELSE '\(unsafeRaw: Self.open)' END)")
        case .delayReasons:
            return Contribution(condition: "t.pip_due_date IS NOT NULL AND t.pip_date > t.pip_due_date",
                                part: "COALESCE(t.pip_delay_reason, 'onbekend')", day: "t.pip_due_date")
        case .koppelingToContact, .contactToIntake, .intakeToPIP, .pipToRouteStart, .brpToPIP:
            let (start, end, joins) = Self.steps(figure)
            return step(start, end, joins: joins)
        case .waits:
            return Contribution(joins: Self.contactJoin,
                                condition: "t.closed_date IS NULL AND t.route_start_date IS NULL AND \(Self.waitingSince) IS NOT NULL",
                                part: Self.waitingFor, day: Self.waitingSince)
        case .lbtRoute, .lbtMatch:
            return Contribution(joins: " JOIN route_besluiten rb ON rb.person_id = t.person_id", condition: Self.latestDecision,
                                part: figure == .lbtRoute ? "\(Self.lbtBand) || '.' || rb.leerroute" : "rb.deviation", day: "rb.decided_date")
        case .routeMix:
            return Contribution(condition: "t.pip_date IS NOT NULL", part: Self.firstRoute, day: "t.pip_date")
        case .caseload:
            return Contribution(condition: "t.closed_date IS NULL", part: "COALESCE(t.consulent_id, '\(unsafeRaw: Self.unassigned)')")
        case .terms:
            return Contribution(condition: "t.closed_date IS NULL AND t.next_due_kind IS NOT NULL AND t.next_due_kind <> ''",
                                part: "t.next_due_kind", day: "t.next_due_date")
        case .results:
            return Contribution(joins: " JOIN route_resultaten rr ON rr.person_id = t.person_id", part: "rr.kind", day: "rr.result_date")
        case .fines:
            return Contribution(joins: " JOIN handhavingen h ON h.person_id = t.person_id AND h.withdrawn_at IS NULL", part: "h.step", day: "h.decided_date",
                                total: "COALESCE(h.amount_cents, 0)")
        case .closures:
            return Contribution(condition: "t.closed_date IS NOT NULL", part: "COALESCE(t.closed_reason, 'onbekend')", day: "t.closed_date")
        }
    }

    /// The key of an own target's metric in the totals.
    static func targetKey(_ metric: String) -> String { "target." + metric }

    /// What a person's traject adds to an own target's metric, whatever its months and the period:
    /// `day` the housing day (or BRP registration), part `stap` with in `days` the calendar months
    /// the step needed — fewer whole months apart, plus one when it came on a later day of the
    /// month, so "within N months" is `days <= N` — or part `geen` without the step, with the day
    /// the file closed (a file closed before the period without the step is left out).
    func targetContribution(_ metric: String) -> Contribution {
        let step = Self.targetStep(metric), housed = Self.housed
        return Contribution(
            condition: "\(housed) IS NOT NULL",
            part: "(CASE WHEN \(step) IS NULL THEN 'geen' ELSE 'stap' END)",
            day: housed,
            until: "(CASE WHEN \(step) IS NULL THEN COALESCE(t.closed_date, '\(unsafeRaw: Self.open)') ELSE '\(unsafeRaw: Self.open)' END)",
            days: """
                (CASE WHEN \(step) IS NULL THEN 0
                      ELSE \(Self.monthsNeeded(from: housed, to: step)) END)
                """)
    }

    func totalsTarget(_ target: MonitoringTarget, _ f: FiguresFilter) async throws -> TargetResult {
        try await refreshTotals()
        guard let (first, last) = Self.cohort(target, f) else { return TargetResult(target: target, met: 0, total: 0) }
        let r = Reading(condition: "ft.day >= \(bind: first.iso) AND ft.day <= \(bind: last.iso) AND NOT (ft.part = 'geen' AND ft.until_day < \(bind: f.from.iso))",
                        part: "(CASE WHEN ft.part = 'stap' AND ft.days <= \(literal: target.months) THEN 'gehaald' ELSE 'nietGehaald' END)")
        return try await targetResult(target, "SELECT \(r.part) AS part, CAST(SUM(ft.n) AS BIGINT) AS n " + totalsBase(Self.targetKey(target.metric), r, f) + " GROUP BY 1")
    }

    /// Which summed rows a selection counts, and as which part and days.
    struct Reading {
        var condition: SQLQueryString
        var part: SQLQueryString = "ft.part"
        var days: SQLQueryString = "ft.days"
        var span: Span = .daily
    }

    /// How a reading selects rows by their dates, which decides whether whole months can be read
    /// as one row each (`figure_month_sums`).
    enum Span {
        /// `day` within the period.
        case period
        /// `day` on or before the period's end and `until_day` on or after its start.
        case interval
        /// Anything that needs each day: today's waits and terms, PIPs on time.
        case daily
    }

    /// The whole months of a period, `first`…`last` (`YYYY-MM`; none when `first` is later), with
    /// the first day of `first` and the first day after `last`. A month row whose dates all lie
    /// inside is read as one; the days outside those months come from the rows per day.
    struct MonthSplit {
        let first: String
        let last: String
        let firstDay: String
        let afterLast: String

        init(from: CalendarDate, to: CalendarDate) {
            func next(_ y: Int, _ m: Int) -> (Int, Int) { m == 12 ? (y + 1, 1) : (y, m + 1) }
            func name(_ y: Int, _ m: Int) -> String {
                let year = String(y), month = String(m)
                return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + (month.count == 1 ? "0" : "") + month
            }
            let (fy, fm) = from.day == 1 ? (from.year, from.month) : next(from.year, from.month)
            let toEndsMonth = to.day == CalendarDate.daysInMonth(year: to.year, month: to.month)
            let (ly, lm) = toEndsMonth ? (to.year, to.month) : (to.month == 1 ? (to.year - 1, 12) : (to.year, to.month - 1))
            let (ay, am) = next(ly, lm)
            first = name(fy, fm)
            last = name(ly, lm)
            firstDay = first + "-01"
            afterLast = name(ay, am) + "-01"
        }
    }

    func reading(_ figure: Figure, _ f: FiguresFilter) -> Reading {
        let from = f.from.iso, to = f.to.iso, today = f.today.iso
        let period: SQLQueryString = "ft.day >= \(bind: from) AND ft.day <= \(bind: to)"
        switch figure {
        case .obligation, .routes:
            return Reading(condition: "ft.day <= \(bind: to) AND ft.until_day >= \(bind: from)", span: .interval)
        case .pipOnTime:
            return Reading(condition: period,
                           part: """
                               (CASE WHEN ft.part = 'opTijd' THEN ft.part
                                     WHEN ft.part = 'teLaat' AND ft.until_day <= \(bind: f.factsUntil.iso) THEN ft.part
                                     WHEN ft.day < \(bind: today) THEN 'ontbreekt' ELSE 'lopend' END)
                               """)
        case .waits:
            return Reading(condition: "ft.day <= \(bind: today)", days: days(from: "ft.day", to: "\(bind: today)"))
        case .caseload:
            return Reading(condition: "1 = 1")
        case .terms:
            return Reading(condition: "ft.day <= \(bind: f.today.adding(days: PersonStore.soonDays).iso)",
                           part: "ft.part || (CASE WHEN ft.day < \(bind: today) THEN '.verlopen' ELSE '.binnenkort' END)")
        case .delayReasons, .koppelingToContact, .contactToIntake, .intakeToPIP, .pipToRouteStart, .brpToPIP, .lbtRoute, .lbtMatch,
             .routeMix, .results, .fines, .closures:
            return Reading(condition: period, span: .period)
        }
    }

    /// FROM and WHERE of a reading: the figure's rows of the municipalities in view, the filters.
    /// With a target-group or gender filter they are `figure_totals`' rows; without one (the usual
    /// dashboard) the smaller sums over both (M0034), a period's whole months one row each.
    func totalsBase(_ figure: String, _ r: Reading, _ f: FiguresFilter) -> SQLQueryString {
        let scope = { (column: String) in f.scope.municipalities(SQLQueryString(column), needs: .figures) }
        if !f.doelgroepen.isEmpty || f.gender != nil {
            var query: SQLQueryString = """
                FROM figure_totals ft
                WHERE ft.figure = \(bind: figure) AND \(scope("ft.municipality_code")) AND \(r.condition)
                """
            if !f.doelgroepen.isEmpty { query += " AND ft.doelgroep IN (\(binds: f.doelgroepen.map(\.rawValue)))" }
            if let gender = f.gender { query += " AND ft.gender = \(bind: gender)" }
            return query
        }
        let from = f.from.iso, to = f.to.iso
        let months = MonthSplit(from: f.from, to: f.to)
        let whole: SQLQueryString, edges: [SQLQueryString]
        switch r.span {
        case .daily:
            return "FROM figure_sums ft WHERE ft.figure = \(bind: figure) AND \(scope("ft.municipality_code")) AND \(r.condition)"
        case .period:
            // The days after the last whole month and those before the first, each its own range of
            // the key (an OR of the two made SQLite read every day of the period: about 8 times the
            // rows at a million cases). Disjoint: the second stops before the first begins, also when
            // the period has no whole month.
            whole = "fm.month >= \(bind: months.first) AND fm.month <= \(bind: months.last)"
            edges = [
                "fs.day >= \(bind: months.afterLast) AND fs.day >= \(bind: from) AND fs.day <= \(bind: to)",
                "fs.day >= \(bind: from) AND fs.day < \(bind: months.firstDay) AND fs.day < \(bind: months.afterLast) AND fs.day <= \(bind: to)",
            ]
        case .interval:
            // A month row is counted whole when every day of its month lies on or before the period's
            // end and every day of its until-month on or after its start; the others by their days.
            whole = "fm.month <= \(bind: months.last) AND fm.until_month >= \(bind: months.first)"
            edges = ["""
                ((fs.day >= \(bind: months.afterLast) AND fs.day <= \(bind: to)) OR (fs.until_day >= \(bind: from) AND fs.until_day < \(bind: months.firstDay)))
                AND fs.day <= \(bind: to) AND fs.until_day >= \(bind: from)
                """]
        }
        var rows: SQLQueryString = """
            SELECT fm.part, fm.days, fm.n, fm.total FROM figure_month_sums fm
            WHERE fm.figure = \(bind: figure) AND \(scope("fm.municipality_code")) AND \(whole)
            """
        for edge in edges {
            rows += """

                UNION ALL
                SELECT fs.part, fs.days, fs.n, fs.total FROM figure_sums fs
                WHERE fs.figure = \(bind: figure) AND \(scope("fs.municipality_code")) AND \(edge)
                """
        }
        return "FROM (\(rows)) ft WHERE 1 = 1"
    }

    func totalsCounts(_ figure: Figure, _ f: FiguresFilter) async throws -> [FigureCount] {
        try await refreshTotals()
        let r = reading(figure, f)
        let key = figure == .routes ? Self.withPIP : figure.rawValue
        let query: SQLQueryString = "SELECT \(r.part) AS part, CAST(SUM(ft.n) AS BIGINT) AS n, CAST(SUM(ft.total) AS BIGINT) AS total "
            + totalsBase(key, r, f) + " GROUP BY 1 HAVING SUM(ft.n) > 0 ORDER BY 1"
        var counts = try await database.sql.raw(query).all().map { row in
            FigureCount(part: try row.decode(column: "part", as: String.self), count: try row.decode(column: "n", as: Int.self),
                        sum: try row.decode(column: "total", as: Int.self))
        }
        if figure == .routes {
            // Everyone obliged in the period without a PIP fixed by its end.
            let obliged = try await database.sql.raw("SELECT CAST(COALESCE(SUM(ft.n), 0) AS BIGINT) AS n " + totalsBase(Figure.obligation.rawValue, r, f))
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let withoutPIP = obliged - counts.reduce(0) { $0 + $1.count }
            if withoutPIP > 0 {
                counts.append(FigureCount(part: "geenPIP", count: withoutPIP, sum: 0))
            }
        }
        return counts
    }

    func totalsDistributions(_ figure: Figure, _ f: FiguresFilter) async throws -> [DayDistribution] {
        guard figure.measuresDays else { return [] }
        try await refreshTotals()
        let r = reading(figure, f)
        let query: SQLQueryString = "SELECT \(r.part) AS part, \(r.days) AS days, CAST(SUM(ft.n) AS BIGINT) AS n "
            + totalsBase(figure.rawValue, r, f) + " GROUP BY 1, 2 HAVING SUM(ft.n) > 0 ORDER BY 1, 2"
        return try await histograms(query)
    }

    // MARK: Keeping the totals

    /// The contributions of every figure, of the persons in `figure_batch` (or of everyone).
    private func insertContributions(onlyBatch: Bool, on db: any SQLDatabase) async throws {
        let figures = Figure.allCases.map { figure in (figure == .routes ? Self.withPIP : figure.rawValue, contribution(figure)) }
        let targets = MonitoringTarget.metrics.map { (Self.targetKey($0), targetContribution($0)) }
        for (key, c) in figures + targets {
            var query: SQLQueryString = """
                INSERT INTO figure_contributions (person_id, figure, municipality_code, doelgroep, gender, part, day, until_day, days, total)
                SELECT t.person_id, \(bind: key), t.municipality_code, p.doelgroep,
                       (CASE WHEN p.details_pending = 1 THEN 'onbekend' ELSE p.gender END), \(c.part), \(c.day), \(c.until), \(c.days), \(c.total)
                FROM trajecten t JOIN persons p ON p.id = t.person_id\(c.joins)
                WHERE \(c.condition)
                """
            if onlyBatch { query += " AND t.person_id IN (SELECT person_id FROM figure_batch)" }
            try await db.raw(query).run()
        }
    }

    /// The three sets of sums, each with the contribution's columns it is keyed by (M0016, M0034).
    static let sums: [(table: String, keys: [String], values: [String])] = [
        ("figure_totals", ["figure", "municipality_code", "day", "until_day", "part", "days", "doelgroep", "gender"],
         ["c.figure", "c.municipality_code", "c.day", "c.until_day", "c.part", "c.days", "c.doelgroep", "c.gender"]),
        ("figure_sums", ["figure", "municipality_code", "day", "until_day", "part", "days"],
         ["c.figure", "c.municipality_code", "c.day", "c.until_day", "c.part", "c.days"]),
        ("figure_month_sums", ["figure", "municipality_code", "month", "until_month", "part", "days"],
         ["c.figure", "c.municipality_code", "substr(c.day, 1, 7)", "substr(c.until_day, 1, 7)", "c.part", "c.days"]),
    ]

    /// Moves the sums by the batch's contributions, added (`sign` 1) or taken back (-1).
    private func addContributions(sign: Int, onlyBatch: Bool, on db: any SQLDatabase) async throws {
        let batch = onlyBatch ? " WHERE c.person_id IN (SELECT person_id FROM figure_batch)" : " WHERE 1 = 1"
        for (table, keys, values) in Self.sums {
            let keyList = keys.joined(separator: ", "), valueList = values.joined(separator: ", ")
            let query: SQLQueryString = """
                INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: keyList), n, total)
                SELECT \(unsafeRaw: valueList), \(literal: sign) * COUNT(*), \(literal: sign) * SUM(c.total)
                FROM figure_contributions c\(unsafeRaw: batch)
                GROUP BY \(unsafeRaw: valueList)
                ON CONFLICT (\(unsafeRaw: keyList)) DO UPDATE SET n = \(unsafeRaw: table).n + excluded.n, total = \(unsafeRaw: table).total + excluded.total
                """
            try await db.raw(query).run()
        }
    }

    /// The advisory lock that keeps two servers on one PostgreSQL database from refreshing at once
    /// (on SQLite the write transaction is already exclusive).
    private static let refreshLock: Int64 = 0x5245_4749_4546_4947  // "REGIEFIG"

    /// Brings the totals up to date with every change committed so far: recomputes the
    /// contributions of the persons marked in `figure_dirty` and moves the totals by the difference,
    /// in one transaction. Cheap when nothing changed (one read); refreshes of this process run one
    /// after another.
    public func refreshTotals() async throws {
        guard try await database.sql.raw("SELECT 1 AS dirty FROM figure_dirty LIMIT 1").first() != nil else { return }
        try await totals.gate.run {
            try await database.transaction { db in
                if db.dialect.name == "postgresql" {
                    try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Self.refreshLock))").run()
                    // Taken out of the queue in the same statement, so a mark committed meanwhile stays for the next refresh.
                    try await db.raw("""
                        WITH taken AS (DELETE FROM figure_dirty RETURNING person_id)
                        INSERT INTO figure_batch (person_id) SELECT DISTINCT person_id FROM taken
                        """).run()
                } else {
                    try await db.raw("INSERT INTO figure_batch (person_id) SELECT DISTINCT person_id FROM figure_dirty").run()
                    try await db.raw("DELETE FROM figure_dirty").run()
                }
                try await addContributions(sign: -1, onlyBatch: true, on: db)
                try await db.raw("DELETE FROM figure_contributions WHERE person_id IN (SELECT person_id FROM figure_batch)").run()
                try await insertContributions(onlyBatch: true, on: db)
                try await addContributions(sign: 1, onlyBatch: true, on: db)
                for (table, _, _) in Self.sums {
                    try await db.raw(SQLQueryString("DELETE FROM \(table) WHERE n = 0")).run()
                }
                try await db.raw("DELETE FROM figure_batch").run()
            }
        }
    }

    /// Computes the totals from scratch (after seeding a region, where marking and refreshing
    /// person by person would be slower).
    public func rebuildTotals() async throws {
        try await totals.gate.run {
            try await database.transaction { db in
                if db.dialect.name == "postgresql" {
                    try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Self.refreshLock))").run()
                }
                for table in ["figure_dirty", "figure_batch", "figure_contributions"] + Self.sums.map(\.table) {
                    try await db.raw(SQLQueryString("DELETE FROM \(table)")).run()
                }
                // Every person's contributions at once: the index by person is built afterwards from
                // the whole table instead of row by row (at a million people, each row's key went to
                // a random page of it).
                let indexes = try await SecondaryIndex.all(on: db, tables: ["figure_contributions"])
                try await SecondaryIndex.drop(indexes, on: db)
                try await insertContributions(onlyBatch: false, on: db)
                try await SecondaryIndex.create(indexes, on: db)
                try await addContributions(sign: 1, onlyBatch: false, on: db)
            }
        }
    }
}

/// What the figures of one process share: refreshes run one after another, so a dashboard request
/// that finds marks waits for the refresh running now instead of starting a second one.
public final class FigureTotals: Sendable {
    let gate = SerialGate()
    public init() {}
}

/// Runs operations one at a time, in the order they arrive.
actor SerialGate {
    private var tail: Task<Void, Never>?

    private func enqueue(_ operation: @escaping @Sendable () async throws -> Void) -> Task<Void, any Error> {
        let previous = tail
        let task = Task {
            await previous?.value
            try await operation()
        }
        tail = Task { _ = await task.result }
        return task
    }

    nonisolated func run(_ operation: @escaping @Sendable () async throws -> Void) async throws {
        try await enqueue(operation).value
    }
}
