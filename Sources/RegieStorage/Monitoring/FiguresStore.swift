import Foundation
import Inburgering
import SQLKit

/// Which cases the figures count: the municipalities in view, the period, and the optional
/// target-group and gender filters. `today` decides what is "current" (waits, terms, caseload).
public struct FiguresFilter: Sendable, Hashable {
    public var municipalityCodes: [String]
    public var from: CalendarDate
    public var to: CalendarDate
    /// Detailed target groups (`persons.doelgroep`); empty for all.
    public var doelgroepen: [Doelgroep]
    /// `vrouw`, `man`, `x`, or `onbekend` (a case opened on a DUO signal whose BRP details are not
    /// in yet: its stored gender is a placeholder); nil for all.
    public var gender: String?
    public var today: CalendarDate
    /// The last day whose facts count: today, or for a period reported as it stood at its end (a
    /// past quarter for the council) the period's last day — a PIP fixed afterwards was missing then.
    public var factsUntil: CalendarDate

    public init(municipalityCodes: [String], from: CalendarDate, to: CalendarDate, doelgroepen: [Doelgroep] = [], gender: String? = nil, today: CalendarDate) {
        self.municipalityCodes = municipalityCodes
        self.from = from
        self.to = to
        self.doelgroepen = doelgroepen
        self.gender = gender
        self.today = today
        self.factsUntil = today
    }

    /// The same selection as it stood at the end of its period: terms judged on the day after, and
    /// what happened later left out.
    public func asAtEnd() -> FiguresFilter {
        var filter = self
        filter.today = to.adding(days: 1)
        filter.factsUntil = to
        return filter
    }

    /// The municipalities in view as an access scope for figures only: counts without personal data
    /// (AVG art. 89), compiled to SQL where every other scope is.
    public var scope: AccessScope { AccessScope(municipalityCodes: municipalityCodes, dataClasses: .figures) }
}

/// One figure of the dashboard: which cases it counts (a condition on the traject, its person and
/// at most one joined table) and into which part each falls. The same definition counts the
/// figure and lists the cases behind one of its parts, so a list always matches its number.
/// The definitions in words are in `docs/figures.md` and on the dashboard.
public enum Figure: String, CaseIterable, Sendable {
    /// People with an obligation in the period, by target group.
    case obligation
    /// The same people by the route of their PIP, or without a PIP by the end of the period.
    case routes
    /// Cases whose 10-week PIP term (R1) ended in the period: PIP on time, late, or still missing.
    case pipOnTime
    /// Of those, the PIPs fixed late by their recorded reason.
    case delayReasons
    /// Throughput: days between two steps, for cases whose later step fell in the period.
    case koppelingToContact, contactToIntake, intakeToPIP, pipToRouteStart, brpToPIP
    /// Open cases today by the step they wait for, with days waiting.
    case waits
    /// The latest route decision made in the period: LBT band × chosen route.
    case lbtRoute
    /// Those decisions by whether the route follows the LBT result (R4).
    case lbtMatch
    /// First PIPs fixed in the period, by route (the actual route mix).
    case routeMix
    /// Open cases per case worker today.
    case caseload
    /// Open cases today by the kind of their nearest term: overdue or due within 14 days.
    case terms
    /// MAP final interviews, PVT signings and completed Z-routes in the period.
    case results
    /// Enforcement decisions in the period, by step (with the sum of the fines).
    case fines
    /// Files closed in the period, by how the obligation ended (exam passed, Z-route, exemption, …).
    case closures

    public static let throughput: [Figure] = [.koppelingToContact, .contactToIntake, .intakeToPIP, .pipToRouteStart]

    /// A figure that measures days: a histogram per part gives the median and the spread.
    public var measuresDays: Bool {
        Self.throughput.contains(self) || self == .brpToPIP || self == .waits
    }
}

/// A number per part of a figure.
public struct FigureCount: Sendable, Hashable {
    public let part: String
    public let count: Int
    /// The sum of the fines (cents) for `Figure.fines`; 0 otherwise.
    public let sum: Int
}

/// Days measured per part, as a histogram (days → cases), with the quartiles computed from it.
public struct DayDistribution: Sendable, Hashable {
    public let part: String
    public let histogram: [(days: Int, count: Int)]

    public static func == (lhs: DayDistribution, rhs: DayDistribution) -> Bool {
        lhs.part == rhs.part && lhs.histogram.elementsEqual(rhs.histogram) { $0.days == $1.days && $0.count == $1.count }
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(part)
        for item in histogram { hasher.combine(item.days); hasher.combine(item.count) }
    }

    public var count: Int { histogram.reduce(0) { $0 + $1.count } }

    /// The value at a quantile (0…1), by the nearest-rank method: the smallest value with at least
    /// `q` of the cases at or below it. Nil without cases.
    public func quantile(_ q: Double) -> Int? {
        let total = count
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for item in histogram {
            seen += item.count
            if seen >= rank { return item.days }
        }
        return histogram.last?.days
    }

    public var median: Int? { quantile(0.5) }
    public var maximum: Int? { histogram.last?.days }
}

/// A case behind a figure, for the list a case worker may open from it.
public struct FigureCase: Codable, Sendable, Hashable {
    public let id: String
    public let municipalityCode: String
    public let givenNames: String
    public let familyName: String
    public let detailsPending: Bool
    public let phase: TrajectFase
    public let doelgroep: Doelgroep

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        id = try row.decode(String.self, forKey: .id)
        municipalityCode = try row.decode(String.self, forKey: .municipalityCode)
        givenNames = try row.decode(String.self, forKey: .givenNames)
        familyName = try row.decode(String.self, forKey: .familyName)
        detailsPending = try row.storedFlag(.detailsPending)
        phase = try row.decode(TrajectFase.self, forKey: .phase)
        doelgroep = try row.decode(Doelgroep.self, forKey: .doelgroep)
    }
}

/// How a local target scores: cases whose window ended in the period, and how many made it.
public struct TargetResult: Sendable, Hashable {
    public let target: MonitoringTarget
    public let met: Int
    public let total: Int
    /// Achieved share in whole percent (rounded down), nil without cases.
    public var percent: Int? { total > 0 ? met * 100 / total : nil }
}

/// The dashboard's queries: every figure is one aggregate over the trajecten of the municipalities
/// in view, grouped by part, never a load of cases into memory.
public struct FiguresStore: Sendable {
    let database: Database
    let totals: FigureTotals

    public init(database: Database, totals: FigureTotals = FigureTotals()) {
        self.database = database
        self.totals = totals
    }

    /// Where a figure is read from: the maintained totals (the dashboard), or the definition over
    /// the cases themselves (what the totals are held to).
    public enum Source: Sendable { case totals, live }

    // MARK: Definitions

    /// The first contact: the warm handover meeting or the first intake conversation held,
    /// whichever came first.
    static let firstContact: SQLQueryString = """
        (CASE WHEN w.meeting_held IS NOT NULL AND (t.intake_date IS NULL OR w.meeting_held < t.intake_date) THEN w.meeting_held ELSE t.intake_date END)
        """
    /// The caseload's part for files without a case worker (user ids are never this word).
    public static let unassigned = "geen"
    static let contactJoin: SQLQueryString = " LEFT JOIN warme_overdrachten w ON w.person_id = t.person_id"
    /// The day an open traject began waiting for its next step (see `waitingFor`).
    static let waitingSince: SQLQueryString = """
        (CASE WHEN t.pip_date IS NOT NULL THEN t.pip_date WHEN t.intake_date IS NOT NULL THEN t.intake_date
              WHEN w.meeting_held IS NOT NULL THEN w.meeting_held ELSE COALESCE(t.koppeling_date, t.brp_date, t.kennisgeving_date) END)
        """
    /// The first step still missing: first contact, intake start, PIP or route start.
    static let waitingFor: SQLQueryString = """
        (CASE WHEN t.pip_date IS NOT NULL THEN 'routeStart' WHEN t.intake_date IS NOT NULL THEN 'pip'
              WHEN w.meeting_held IS NOT NULL THEN 'intake' ELSE 'contact' END)
        """
    /// A route decision (`rb`) that no later decision of the person replaced.
    static let latestDecision: SQLQueryString = """
        NOT EXISTS (SELECT 1 FROM route_besluiten r2 WHERE r2.person_id = rb.person_id
                    AND (r2.decided_date > rb.decided_date OR (r2.decided_date = rb.decided_date
                         AND (r2.created_at > rb.created_at OR (r2.created_at = rb.created_at AND r2.id > rb.id)))))
        """
    /// DUO's LBT score bands of a route decision (`rb`).
    static let lbtBand: SQLQueryString = """
        (CASE WHEN rb.lbt_score IS NULL THEN 'geen' WHEN rb.lbt_score < 20 THEN 'lt20' WHEN rb.lbt_score <= 27 THEN '20-27'
              WHEN rb.lbt_score <= 30 THEN '28-30' ELSE 'gt30' END)
        """
    /// The earlier and the later step a throughput figure (`Figure.throughput` and `.brpToPIP`, the
    /// only callers) measures between, and the join the first contact needs.
    static func steps(_ figure: Figure) -> (start: SQLQueryString, end: SQLQueryString, joins: SQLQueryString) {
        switch figure {
        case .koppelingToContact: return ("t.koppeling_date", firstContact, contactJoin)
        case .contactToIntake: return (firstContact, "t.intake_date", contactJoin)
        case .intakeToPIP: return ("t.intake_date", "t.pip_date", "")
        case .pipToRouteStart: return ("t.pip_date", "t.route_start_date", "")
        default: return ("t.brp_date", "t.pip_date", "")  // .brpToPIP
        }
    }
    /// The day housing started: the housing date, else the BRP registration.
    static let housed: SQLQueryString = "COALESCE(t.housing_date, t.brp_date)"

    /// Days from `start` to `end` (ISO date strings) in the engine's own date arithmetic.
    func days(from start: SQLQueryString, to end: SQLQueryString) -> SQLQueryString {
        database.kind == .sqlite
            ? "CAST(julianday(\(end)) - julianday(\(start)) AS INTEGER)"
            : "(CAST(\(end) AS DATE) - CAST(\(start) AS DATE))"
    }

    struct Definition {
        var joins: SQLQueryString = ""
        var condition: SQLQueryString
        var part: SQLQueryString
        var days: SQLQueryString? = nil
        var sum: SQLQueryString? = nil
        /// The figure reads the person (`p.`) itself; otherwise persons are joined only for a filter.
        var readsPerson = false
        /// The rows come from the traject and this table (`trajecten t CROSS JOIN x`, joined in the
        /// condition): on SQLite a cross join keeps the municipality's trajecten as the outer loop, so
        /// a small municipality never walks the whole country's decisions of the period.
        var from: SQLQueryString? = nil
    }

    func definition(_ figure: Figure, _ f: FiguresFilter) -> Definition {
        let from = f.from.iso, to = f.to.iso, today = f.today.iso
        /// The later step in the period, the earlier one known and not after it.
        func step(_ start: SQLQueryString, _ end: SQLQueryString, joins: SQLQueryString = "") -> Definition {
            Definition(joins: joins,
                       condition: "\(end) >= \(bind: from) AND \(end) <= \(bind: to) AND \(start) IS NOT NULL AND \(start) <= \(end)",
                       part: "'alle'", days: days(from: start, to: end))
        }
        switch figure {
        case .obligation:
            return Definition(condition: Self.obligationCondition(from: from, to: to), part: "p.doelgroep", readsPerson: true)
        case .routes:
            return Definition(condition: Self.obligationCondition(from: from, to: to),
                              part: "(CASE WHEN t.pip_date IS NOT NULL AND t.pip_date <= \(bind: to) THEN \(Self.firstRoute) ELSE 'geenPIP' END)")
        case .pipOnTime:
            // A case closed before its PIP fell due without one owed none.
            return Definition(
                condition: """
                    t.pip_due_date >= \(bind: from) AND t.pip_due_date <= \(bind: to)
                    AND NOT (t.pip_date IS NULL AND t.closed_date IS NOT NULL AND t.closed_date <= t.pip_due_date)
                    """,
                part: """
                    (CASE WHEN t.pip_date IS NOT NULL AND t.pip_date <= t.pip_due_date THEN 'opTijd'
                          WHEN t.pip_date IS NOT NULL AND t.pip_date <= \(bind: f.factsUntil.iso) THEN 'teLaat'
                          WHEN t.pip_due_date < \(bind: today) THEN 'ontbreekt'
                          ELSE 'lopend' END)
                    """)
        case .delayReasons:
            return Definition(condition: "t.pip_due_date >= \(bind: from) AND t.pip_due_date <= \(bind: to) AND t.pip_date > t.pip_due_date",
                              part: "COALESCE(t.pip_delay_reason, 'onbekend')")
        case .koppelingToContact, .contactToIntake, .intakeToPIP, .pipToRouteStart, .brpToPIP:
            let (start, end, joins) = Self.steps(figure)
            return step(start, end, joins: joins)
        case .waits:
            return Definition(
                joins: Self.contactJoin,
                condition: "t.closed_date IS NULL AND t.route_start_date IS NULL AND \(Self.waitingSince) IS NOT NULL AND \(Self.waitingSince) <= \(bind: today)",
                part: Self.waitingFor,
                days: days(from: Self.waitingSince, to: "\(bind: today)"))
        case .lbtRoute, .lbtMatch:
            return Definition(condition: "rb.person_id = t.person_id AND rb.decided_date >= \(bind: from) AND rb.decided_date <= \(bind: to) AND \(Self.latestDecision)",
                              part: figure == .lbtRoute ? "\(Self.lbtBand) || '.' || rb.leerroute" : "rb.deviation",
                              from: "trajecten t CROSS JOIN route_besluiten rb")
        case .routeMix:
            return Definition(condition: "t.pip_date >= \(bind: from) AND t.pip_date <= \(bind: to)", part: Self.firstRoute)
        case .caseload:
            return Definition(condition: "t.closed_date IS NULL", part: "COALESCE(t.consulent_id, '\(unsafeRaw: Self.unassigned)')")
        case .terms:
            let soon = f.today.adding(days: PersonStore.soonDays).iso
            return Definition(
                condition: "t.closed_date IS NULL AND t.next_due_date <= \(bind: soon) AND t.next_due_kind IS NOT NULL AND t.next_due_kind <> ''",
                part: "t.next_due_kind || (CASE WHEN t.next_due_date < \(bind: today) THEN '.verlopen' ELSE '.binnenkort' END)")
        case .results:
            return Definition(condition: "rr.person_id = t.person_id AND rr.result_date >= \(bind: from) AND rr.result_date <= \(bind: to)", part: "rr.kind",
                              from: "trajecten t CROSS JOIN route_resultaten rr")
        case .fines:
            return Definition(condition: "h.person_id = t.person_id AND h.withdrawn_at IS NULL AND h.decided_date >= \(bind: from) AND h.decided_date <= \(bind: to)", part: "h.step",
                              sum: "COALESCE(h.amount_cents, 0)", from: "trajecten t CROSS JOIN handhavingen h")
        case .closures:
            return Definition(condition: "t.closed_date >= \(bind: from) AND t.closed_date <= \(bind: to)", part: "COALESCE(t.closed_reason, 'onbekend')")
        }
    }

    /// The route chosen in the first fixed PIP: what was decided in the period the PIP date falls in,
    /// whatever later versions changed.
    static let firstRoute: SQLQueryString = """
        COALESCE((SELECT pp.leerroute FROM pips pp WHERE pp.person_id = t.person_id AND pp.status = 'vastgesteld'
                  ORDER BY pp.version LIMIT 1), t.leerroute, 'onbekend')
        """

    /// Obliged in the period: the kennisgeving (when known) on or before its last day, and not
    /// closed before its first day.
    static func obligationCondition(from: String, to: String) -> SQLQueryString {
        "(t.kennisgeving_date IS NULL OR t.kennisgeving_date <= \(bind: to)) AND (t.closed_date IS NULL OR t.closed_date >= \(bind: from))"
    }

    /// FROM and WHERE shared by every query of a figure: the municipalities in view, the filters,
    /// and the figure's own condition.
    /// Persons are joined only when the figure, a filter or a list of cases reads them: a count over
    /// a municipality's trajecten then never touches the wider persons table.
    func base(_ d: Definition, _ f: FiguresFilter, listing: Bool = false) -> SQLQueryString {
        let person: SQLQueryString = d.readsPerson || listing || !f.doelgroepen.isEmpty || f.gender != nil ? " JOIN persons p ON p.id = t.person_id" : ""
        var query: SQLQueryString = """
            FROM \(d.from ?? "trajecten t")\(person)\(d.joins)
            WHERE \(f.scope.municipalities("t.municipality_code", needs: .figures)) AND \(d.condition)
            """
        if !f.doelgroepen.isEmpty { query += " AND p.doelgroep IN (\(binds: f.doelgroepen.map(\.rawValue)))" }
        switch f.gender {
        case "onbekend": query += " AND p.details_pending = 1"
        case let gender?: query += " AND p.gender = \(bind: gender) AND p.details_pending = 0"
        case nil: break
        }
        return query
    }

    // MARK: Queries

    /// The figure's count (and sum) per part: from the maintained totals, which `refreshTotals`
    /// brings up to date, or live from the cases.
    public func counts(_ figure: Figure, _ f: FiguresFilter, from source: Source = .totals) async throws -> [FigureCount] {
        if source == .totals { return try await totalsCounts(figure, f) }
        let d = definition(figure, f)
        let sum: SQLQueryString = d.sum.map { "COALESCE(SUM(\($0)), 0)" } ?? "0"
        let query: SQLQueryString = "SELECT \(d.part) AS part, COUNT(*) AS n, \(sum) AS total " + base(d, f) + " GROUP BY 1 ORDER BY 1"
        return try await database.sql.raw(query).all().map { row in
            FigureCount(part: try row.decode(column: "part", as: String.self), count: try row.decode(column: "n", as: Int.self),
                        sum: try row.decode(column: "total", as: Int.self))
        }
    }

    /// The days a figure measures, per part, as a histogram.
    public func distributions(_ figure: Figure, _ f: FiguresFilter, from source: Source = .totals) async throws -> [DayDistribution] {
        if source == .totals { return try await totalsDistributions(figure, f) }
        let d = definition(figure, f)
        guard let days = d.days else { return [] }
        return try await histograms("SELECT \(d.part) AS part, \(days) AS days, COUNT(*) AS n " + base(d, f) + " GROUP BY 1, 2 ORDER BY 1, 2")
    }

    /// Rows of part, days and count, in order of part, into one histogram per part.
    func histograms(_ query: SQLQueryString) async throws -> [DayDistribution] {
        var byPart: [(String, [(days: Int, count: Int)])] = []
        for row in try await database.sql.raw(query).all() {
            let part = try row.decode(column: "part", as: String.self)
            let item = (days: try row.decode(column: "days", as: Int.self), count: try row.decode(column: "n", as: Int.self))
            if byPart.last?.0 == part { byPart[byPart.count - 1].1.append(item) } else { byPart.append((part, [item])) }
        }
        return byPart.map { DayDistribution(part: $0.0, histogram: $0.1) }
    }

    /// The cases behind one part of a figure (each once), by name, at most `limit`; with the total.
    public func cases(_ figure: Figure, part: String, _ f: FiguresFilter, limit: Int = 500) async throws -> (rows: [FigureCase], total: Int) {
        let d = definition(figure, f)
        return try await list(base(d, f, listing: true) + " AND \(d.part) = \(bind: part)", limit: limit)
    }

    /// The distinct cases matching a figure's FROM…WHERE, by name.
    func list(_ condition: SQLQueryString, limit: Int) async throws -> (rows: [FigureCase], total: Int) {
        let total = try await database.sql.raw("SELECT COUNT(DISTINCT t.person_id) AS n " + condition).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await database.sql.raw("""
            SELECT DISTINCT p.id AS id, p.municipality_code AS "municipalityCode", p.given_names AS "givenNames", p.family_name AS "familyName",
                   p.details_pending AS "detailsPending", t.phase AS phase, p.doelgroep AS doelgroep
            """ + " " + condition + " ORDER BY \"familyName\", \"givenNames\", id LIMIT \(bind: limit)")
            .all(decoding: FigureCase.self)
        return (rows, total)
    }

    // MARK: Local targets

    /// The days `h` whose window end (`h` + `months`, clamped) falls in `from…to`: an interval,
    /// since the window end never decreases as `h` moves on.
    public static func cohortBounds(months: Int, from: CalendarDate, to: CalendarDate) -> (CalendarDate, CalendarDate)? {
        guard from <= to else { return nil }
        var start = from.adding(months: -months)
        while start.adding(days: -1).adding(months: months) >= from { start = start.adding(days: -1) }
        while start.adding(months: months) < from { start = start.adding(days: 1) }
        var end = to.adding(months: -months)
        while end.adding(days: 1).adding(months: months) <= to { end = end.adding(days: 1) }
        while end.adding(months: months) > to { end = end.adding(days: -1) }
        return start <= end ? (start, end) : nil
    }

    /// A target's cohort and result: cases housed such that their window ended in the period (and
    /// by yesterday, so every window counted is complete); met when the step came within it.
    func targetDefinition(_ target: MonitoringTarget, _ f: FiguresFilter) -> Definition? {
        guard let (first, last) = Self.cohort(target, f) else { return nil }
        let step = Self.targetStep(target.metric)
        let within: SQLQueryString = "\(Self.monthsNeeded(from: Self.housed, to: step)) <= \(literal: target.months)"
        // Left out: files closed before the period began without reaching the step (moved away, obligation ended).
        return Definition(condition: """
                              \(Self.housed) >= \(bind: first.iso) AND \(Self.housed) <= \(bind: last.iso)
                              AND NOT (t.closed_date IS NOT NULL AND t.closed_date < \(bind: f.from.iso) AND \(step) IS NULL)
                              """,
                          part: "(CASE WHEN \(step) IS NOT NULL AND \(within) THEN 'gehaald' ELSE 'nietGehaald' END)")
    }

    /// The housing days of a target's cohort: windows that ended in the period, and by yesterday.
    static func cohort(_ target: MonitoringTarget, _ f: FiguresFilter) -> (CalendarDate, CalendarDate)? {
        cohortBounds(months: target.months, from: f.from, to: min(f.to, f.today.adding(days: -1)))
    }

    /// The calendar months a step on `step` needed after `start` (both ISO date columns), in SQL:
    /// the months between them, plus one when the step came on a later day of the month. So it is
    /// "within N months" exactly when this is at most N — also when the last month is shorter
    /// (31 January to 28 February is one month, to 1 March two).
    static func monthsNeeded(from start: SQLQueryString, to step: SQLQueryString) -> SQLQueryString {
        func month(_ date: SQLQueryString) -> SQLQueryString {
            "(CAST(substr(\(date), 1, 4) AS INTEGER) * 12 + CAST(substr(\(date), 6, 2) AS INTEGER))"
        }
        func day(_ date: SQLQueryString) -> SQLQueryString { "CAST(substr(\(date), 9, 2) AS INTEGER)" }
        return "(\(month(step)) - \(month(start)) + (CASE WHEN \(day(step)) > \(day(start)) THEN 1 ELSE 0 END))"
    }

    /// A target's result from rows of `part` (`gehaald` or not) and their count `n`.
    func targetResult(_ target: MonitoringTarget, _ query: SQLQueryString) async throws -> TargetResult {
        var met = 0, total = 0
        for row in try await database.sql.raw(query).all() {
            let n = try row.decode(column: "n", as: Int.self)
            total += n
            if try row.decode(column: "part", as: String.self) == "gehaald" { met += n }
        }
        return TargetResult(target: target, met: met, total: total)
    }

    /// The step a target's metric waits for.
    static func targetStep(_ metric: String) -> SQLQueryString {
        switch metric {
        case "intakeAfterHousing": "t.intake_date"
        case "pipAfterHousing": "t.pip_date"
        default: "t.route_start_date"
        }
    }

    /// A target's result: from the maintained totals (`FigureTotals`), or live from the cases.
    public func target(_ target: MonitoringTarget, _ f: FiguresFilter, from source: Source = .totals) async throws -> TargetResult {
        if source == .totals { return try await totalsTarget(target, f) }
        guard let d = targetDefinition(target, f) else { return TargetResult(target: target, met: 0, total: 0) }
        return try await targetResult(target, "SELECT \(d.part) AS part, COUNT(*) AS n " + base(d, f) + " GROUP BY 1")
    }

    /// The cases behind a target's part (`gehaald` / `nietGehaald`).
    public func targetCases(_ target: MonitoringTarget, part: String, _ f: FiguresFilter, limit: Int = 500) async throws -> (rows: [FigureCase], total: Int) {
        guard let d = targetDefinition(target, f) else { return ([], 0) }
        return try await list(base(d, f, listing: true) + " AND \(d.part) = \(bind: part)", limit: limit)
    }
}
