import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// Monitoring: the dashboard of a municipality (or every municipality of the
/// organisation) for a period, filtered by target group and gender; every table as CSV; the
/// quarterly overview for the council; and, for staff who may see cases, the cases behind a figure.
/// Every number comes from `FiguresStore`'s SQL aggregates; the same definition lists its cases.
struct FiguresController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.figures.path), use: dashboard)
        router.get(RouterPath(SiteRoute.figuresCSV.path), use: csv)
        router.get(RouterPath(SiteRoute.figuresCouncil.path), use: council)
        router.get(RouterPath(SiteRoute.figuresCases.path), use: cases)
    }

    static let routes = MonitoringSettings.routes
    static let bands = ["lt20", "20-27", "28-30", "gt30", "geen"]
    static let genders = ["vrouw", "man", "x", "onbekend"]
    /// Whole percentages of `counts` that add up to exactly 100 (largest-remainder method); nil for
    /// every part when the whole is 0.
    static func largestRemainder(_ counts: [Int]) -> [Int?] {
        let whole = counts.reduce(0, +)
        guard whole > 0 else { return counts.map { _ in nil } }
        var result = counts.map { $0 * 100 / whole }
        let order = counts.indices.sorted { a, b in
            let (ra, rb) = (counts[a] * 100 % whole, counts[b] * 100 % whole)
            return ra != rb ? ra > rb : a < b
        }
        for index in order.prefix(100 - result.reduce(0, +)) { result[index] += 1 }
        return result
    }

    static let delayReasons = PIPDelayReason.allCases.map(\.rawValue)

    /// "1 maand" or "3 maanden" (`n` may be a placeholder such as "N").
    static func months(_ n: Int, _ t: Localizer) -> String {
        n == 1 ? t("figures.oneMonth") : t("figures.months", ["n": String(n)])
    }

    // MARK: Selection

    /// What the user asked for, as typed, and the filter it means.
    struct Selection: Sendable {
        var municipality: String
        var from: String
        var to: String
        var doelgroep: String
        var gender: String
        var filter: FiguresFilter?
        var errors: [AppError.FieldError]

        /// The query string that reproduces this selection (for links, CSV and the council page).
        var query: String {
            [("gemeente", municipality), ("van", from), ("tot", to), ("doelgroep", doelgroep), ("geslacht", gender)]
                .filter { !$0.1.isEmpty }
                .map { "\($0.0)=\(QueryValue.encode($0.1))" }
                .joined(separator: "&")
        }
    }

    static func quarter(of day: CalendarDate) -> (CalendarDate, CalendarDate) {
        let first = CalendarDate(year: day.year, month: (day.month - 1) / 3 * 3 + 1, day: 1)!
        return (first, first.adding(months: 3).adding(days: -1))
    }

    func selection(_ context: RegieRequestContext, _ principal: Principal) -> Selection {
        let form = context.form
        let today = CalendarDate.today(now: services.clock.now())
        var v = Validator(services.localizer(context))
        // The header's choice; "Alle gemeenten" (no choice) shows all of them, never silently the first.
        let requested = form["gemeente"] ?? principal.session?.municipalityCode ?? (principal.municipalities.count > 1 ? "alle" : principal.municipalities.first?.code ?? "")
        var codes: [String] = []
        if requested == "alle" {
            codes = principal.municipalities.map(\.code)
        } else if principal.municipalities.contains(where: { $0.code == requested }) {
            codes = [requested]
        } else {
            v.fail("gemeente", "figures.errors.municipality")
        }
        var (from, to) = Self.quarter(of: today)
        var typedFrom = from.iso, typedTo = to.iso
        if let kwartaal = form["kwartaal"], let (start, end) = Self.parseQuarter(kwartaal) {
            (from, to) = (start, end)
            (typedFrom, typedTo) = (start.iso, end.iso)
        } else {
            typedFrom = form.raw("van") ?? typedFrom
            typedTo = form.raw("tot") ?? typedTo
            let parsedFrom = v.date("van", typedFrom, label: "figures.from")
            let parsedTo = v.date("tot", typedTo, label: "figures.to")
            if let parsedFrom, let parsedTo {
                if parsedFrom > parsedTo { v.fail("tot", "figures.errors.order") }
                else if parsedFrom.adding(years: 5) < parsedTo { v.fail("tot", "figures.errors.span") }
                (from, to) = (parsedFrom, parsedTo)
            }
        }
        let doelgroep = form["doelgroep"] ?? ""
        var doelgroepen: [Doelgroep] = []
        if let category = form.choice("doelgroep", DoelgroepCategorie.self, prefix: "cat:") {
            doelgroepen = Doelgroep.allCases.filter { $0.categorie == category }
        } else if let group = form.choice("doelgroep", Doelgroep.self) {
            doelgroepen = [group]
        } else if !doelgroep.isEmpty {
            v.fail("doelgroep", "figures.errors.doelgroep")
        }
        let gender = form["geslacht"] ?? ""
        if !gender.isEmpty && !Self.genders.contains(gender) { v.fail("geslacht", "figures.errors.gender") }
        let filter = v.isValid
            ? FiguresFilter(municipalityCodes: codes, from: from, to: to, doelgroepen: doelgroepen, gender: gender.isEmpty ? nil : gender, today: today)
            : nil
        return Selection(municipality: requested, from: typedFrom, to: typedTo, doelgroep: doelgroep, gender: gender, filter: filter, errors: v.errors)
    }

    /// `2026-3` → the third quarter of 2026.
    static func parseQuarter(_ text: String) -> (CalendarDate, CalendarDate)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), (2000...2100).contains(year), let q = Int(parts[1]), (1...4).contains(q),
              let first = CalendarDate(year: year, month: (q - 1) * 3 + 1, day: 1) else { return nil }
        return (first, first.adding(months: 3).adding(days: -1))
    }

    // MARK: Tables

    struct Cell: Sendable, Encodable {
        var text: String
        var href: String?
        let isHeader: Bool
        var csv: String
        /// The number of people or cases the cell counts (nil for labels, shares, days, amounts).
        let count: Int?
        init(_ text: String, href: String? = nil, header: Bool = false, csv: String? = nil, count: Int? = nil) {
            self.text = text
            self.href = href
            self.isHeader = header
            self.csv = csv ?? text
            self.count = count
        }

        mutating func hide(_ text: String) {
            self.text = text
            csv = text
            href = nil
        }
    }
    struct Row: Sendable, Encodable { let cells: [Cell] }
    /// A table of the dashboard; the template reads stored properties only (see `ViewTree`), so the flags are stored.
    struct Table: Sendable, Encodable {
        let key: String
        let title: String
        let definition: String
        let columns: [String]
        let rows: [Row]
        let svg: String?
        var csvHref = ""
        let note: String?
        let hasRows: Bool
        let hasSVG: Bool
        let columnCount: Int
        /// The body's rows as HTML (`bodyHTML`): a table of every case worker has hundreds of rows,
        /// which the template engine's name look-ups made the dashboard's largest cost (issue 14).
        let rowsHTML: String

        /// The page reads the rows as HTML only; the CSV and the suppression read `rows`.
        enum CodingKeys: String, CodingKey { case key, title, definition, columns, svg, csvHref, note, hasRows, hasSVG, columnCount, rowsHTML }

        init(key: String, title: String, definition: String, columns: [String], rows: [Row], svg: String?, note: String? = nil) {
            self.key = key
            self.title = title
            self.definition = definition
            self.columns = columns
            self.rows = rows
            self.svg = svg
            self.note = note
            hasRows = !rows.isEmpty
            hasSVG = svg != nil
            columnCount = columns.count
            rowsHTML = Self.bodyHTML(rows)
        }

        /// The rows as the template wrote them, every value escaped as the template engine escapes it.
        static func bodyHTML(_ rows: [Row]) -> String {
            let e = HTMLEscaping()
            var out = ""
            out.reserveCapacity(rows.count * 120)
            for row in rows {
                out += "<tr>"
                for cell in row.cells {
                    if cell.isHeader {
                        out += "<th scope=\"row\">\(e.escapeText(cell.text))</th>"
                    } else if let href = cell.href {
                        out += "<td><a href=\"\(e.escapeText(href))\">\(e.escapeText(cell.text))</a></td>"
                    } else {
                        out += "<td>\(e.escapeText(cell.text))</td>"
                    }
                }
                out += "</tr>"
            }
            return out
        }

        /// The table as a role that may not see persons gets it (issue 20, statistical disclosure
        /// control): every count of 1 to `minimum − 1` shows as "< minimum"; then, so the shares and
        /// totals cannot give it back, the smallest other count of its column (and, in a cross table,
        /// of its row) is hidden too, until no column or row has exactly one hidden count; every share,
        /// duration or amount in a row with a hidden count becomes "—"; and the chart, which would show
        /// the values, is left out.
        func suppressed(below minimum: Int, note suppressionNote: String) -> Table {
            var cells = rows.map(\.cells)
            var hidden = Set<[Int]>()
            let hiddenText = "< \(minimum)"
            for (r, row) in cells.enumerated() {
                for (c, cell) in row.enumerated() where cell.count.map({ $0 > 0 && $0 < minimum }) == true { hidden.insert([r, c]) }
            }
            guard !hidden.isEmpty else { return self }
            // The groups a total or share could add up: each column of counts, and in a cross table each row.
            var groups: [[[Int]]] = (0..<(cells.first?.count ?? 0)).map { c in
                cells.indices.compactMap { r in c < cells[r].count && cells[r][c].count != nil ? [r, c] : nil }
            }
            if rows.first.map({ $0.cells.filter { $0.count != nil }.count > 1 }) ?? false {
                groups += cells.indices.map { r in cells[r].indices.compactMap { c in cells[r][c].count != nil ? [r, c] : nil } }
            }
            var changed = true
            while changed {
                changed = false
                for group in groups where group.filter({ hidden.contains($0) }).count == 1 {
                    let candidates = group.filter { !hidden.contains($0) && (cells[$0[0]][$0[1]].count ?? 0) > 0 }
                    if let smallest = candidates.min(by: { (cells[$0[0]][$0[1]].count ?? 0) < (cells[$1[0]][$1[1]].count ?? 0) }) {
                        hidden.insert(smallest)
                        changed = true
                    }
                }
            }
            for position in hidden { cells[position[0]][position[1]].hide(hiddenText) }
            for r in cells.indices where cells[r].indices.contains(where: { hidden.contains([r, $0]) }) {
                for c in cells[r].indices where !cells[r][c].isHeader && cells[r][c].count == nil { cells[r][c].hide("—") }
            }
            var table = Table(key: key, title: title, definition: definition, columns: columns, rows: cells.map { Row(cells: $0) }, svg: nil,
                              note: suppressionNote)
            table.csvHref = csvHref
            return table
        }
    }
    struct Tile: Encodable { let label: String; let value: String; let detail: String; let href: String? }

    /// Builds every table and tile of the dashboard for one selection.
    struct Builder: Sendable {
        let services: AppServices
        let locale: UILocale
        let selection: Selection
        let filter: FiguresFilter
        /// Links to the cases behind a number, or nil when the user may not see cases.
        let casesLink: (@Sendable (String, String) -> String)?
        /// For a role that may not see persons: the smallest count shown (smaller ones are suppressed).
        let minimumCell: Int?
        let names: [String: String]
        let settings: [String: MunicipalitySettings]

        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { services.catalogue.text("figures." + key, locale, arguments) }
        func number(_ n: Int, _ figure: Figure, _ part: String) -> Cell {
            Cell(String(n), href: n > 0 ? casesLink?(figure.rawValue, part) : nil, count: n)
        }
        /// A count without a link (a total, or a figure without a list of cases).
        func count(_ n: Int) -> Cell { Cell(String(n), count: n) }
        /// Whether `n` is a count too small to show to this role.
        func isSmall(_ n: Int) -> Bool { minimumCell.map { n > 0 && n < $0 } ?? false }
        /// A count for a sentence or a tile: "< 5" when too small to show.
        func shown(_ n: Int) -> String { isSmall(n) ? "< \(minimumCell ?? 0)" : String(n) }
        /// A share for a sentence or a tile: "—" when either count is too small to show.
        func shownPercent(_ part: Int, of whole: Int) -> String { isSmall(part) || isSmall(whole) ? "—" : percent(part, of: whole) }
        func percent(_ part: Int, of whole: Int) -> String { whole > 0 ? "\(Int((Double(part) * 100 / Double(whole)).rounded()))%" : "—" }
        /// The shares of parts that make up a whole, rounded so they add up to 100% (largest remainder).
        func shares<Key: Hashable>(_ parts: [(Key, Int)]) -> [Key: String] {
            Dictionary(uniqueKeysWithValues: zip(parts.map(\.0), FiguresController.largestRemainder(parts.map(\.1)).map { $0.map { "\($0)%" } ?? "—" }))
        }
        func percentValue(_ part: Int, of whole: Int) -> Double { whole > 0 ? Double(part) * 100 / Double(whole) : 0 }
        func days(_ value: Int?) -> String { value.map { t("days", ["n": String($0)]) } ?? "—" }
        /// A number of days for the page, and the bare number for the CSV.
        func dayCell(_ value: Int?) -> Cell { Cell(days(value), csv: value.map(String.init) ?? "") }
        func months(_ n: Int) -> String { FiguresController.months(n, Localizer(catalogue: services.catalogue, locale: locale)) }
        var store: FiguresStore { services.figures }

        func counts(_ figure: Figure) async throws -> [String: FigureCount] {
            Dictionary(try await store.counts(figure, filter).map { ($0.part, $0) }, uniquingKeysWith: { a, _ in a })
        }

        func obligation() async throws -> Table {
            let counts = try await store.counts(.obligation, filter)
            let total = counts.reduce(0) { $0 + $1.count }
            let label = { (part: String) in services.catalogue.text("doelgroepen.\(part)", locale) }
            let share = shares(counts.map { ($0.part, $0.count) })
            var rows = counts.map { Row(cells: [Cell(label($0.part), header: true), number($0.count, .obligation, $0.part), Cell(share[$0.part] ?? "—")]) }
            rows.append(Row(cells: [Cell(t("total"), header: true), count(total), Cell(total > 0 ? "100%" : "—")]))
            let chart = BarChart(title: t("tables.obligation"), rows: counts.map {
                .init(label: label($0.part), segments: [.init(value: Double($0.count), style: "a")], valueText: String($0.count))
            })
            return Table(key: "obligation", title: t("tables.obligation"), definition: t("defs.obligation"),
                         columns: [t("columns.doelgroep"), t("columns.people"), t("columns.share")], rows: rows, svg: counts.isEmpty ? nil : chart.svg)
        }

        func routes() async throws -> Table {
            let c = try await counts(.routes)
            let parts = Self.routeParts + c.keys.filter { !Self.routeParts.contains($0) }.sorted()
            let total = c.values.reduce(0) { $0 + $1.count }
            let share = shares(parts.map { ($0, c[$0]?.count ?? 0) })
            let rows = parts.map { part in
                Row(cells: [Cell(t("routeParts.\(part)"), header: true), number(c[part]?.count ?? 0, .routes, part), Cell(share[part] ?? "—")])
            }
            let chart = BarChart(title: t("tables.routes"), rows: parts.map {
                .init(label: t("routeParts.\($0)"), segments: [.init(value: Double(c[$0]?.count ?? 0), style: $0 == "geenPIP" ? "muted" : "a")],
                      valueText: String(c[$0]?.count ?? 0))
            })
            return Table(key: "routes", title: t("tables.routes"), definition: t("defs.routes"),
                         columns: [t("columns.route"), t("columns.people"), t("columns.share")], rows: rows, svg: total > 0 ? chart.svg : nil)
        }
        static let routeParts = ["b1", "onderwijs", "z", "geenPIP"]

        /// Financieel ontzorgen (R8, issue 7): of the people whose bijstand started in the period, how
        /// long they were ontzorgd; extensions, shortfalls and completed courses in the period.
        func ontzorgen() async throws -> Table {
            let f = try await services.ontzorgen.figures(filter)
            let parts: [(String, Int, String)] = [("nietOntzorgd", f.nietOntzorgd, "muted"), ("korter", f.korter, "a"), ("zesMaanden", f.zesMaanden, "good"),
                                                  ("langer", f.langer, "warn")]
            let share = shares(parts.map { ($0.0, $0.1) })
            var rows = parts.map { Row(cells: [Cell(t("ontzorgenParts.\($0.0)"), header: true), count($0.1), Cell(share[$0.0] ?? "—")]) }
            rows.append(Row(cells: [Cell(t("total"), header: true), count(f.total), Cell(f.total > 0 ? "100%" : "—")]))
            for (key, value) in [("verlengingen", f.verlengingen), ("tekorten", f.tekorten), ("cursussen", f.cursussenAfgerond)] {
                rows.append(Row(cells: [Cell(t("ontzorgenParts.\(key)"), header: true), count(value), Cell("—")]))
            }
            let chart = BarChart(title: t("tables.ontzorgen"), rows: parts.map {
                .init(label: t("ontzorgenParts.\($0.0)"), segments: [.init(value: Double($0.1), style: $0.2)], valueText: String($0.1))
            })
            return Table(key: "ontzorgen", title: t("tables.ontzorgen"), definition: t("defs.ontzorgen"),
                         columns: [t("columns.outcome"), t("columns.people"), t("columns.share")], rows: rows, svg: f.total > 0 ? chart.svg : nil)
        }
        static let chartLimit = 30

        func pipOnTime() async throws -> (Table, share: String) {
            let c = try await counts(.pipOnTime)
            let parts = ["opTijd", "teLaat", "ontbreekt", "lopend"]
            let value = { (part: String) in c[part]?.count ?? 0 }
            let decided = value("opTijd") + value("teLaat") + value("ontbreekt")
            let share = shares(["opTijd", "teLaat", "ontbreekt"].map { ($0, value($0)) })
            let rows = parts.map { part in
                Row(cells: [Cell(t("pipParts.\(part)"), header: true), number(value(part), .pipOnTime, part), Cell(share[part] ?? "—")])
            }
            let chart = BarChart(title: t("tables.pipOnTime"), rows: parts.map {
                .init(label: t("pipParts.\($0)"), segments: [.init(value: Double(value($0)), style: $0 == "opTijd" ? "good" : ($0 == "lopend" ? "muted" : "bad"))],
                      valueText: String(value($0)))
            })
            return (Table(key: "pipOnTime", title: t("tables.pipOnTime"), definition: t("defs.pipOnTime"),
                          columns: [t("columns.outcome"), t("columns.cases"), t("columns.share")], rows: rows,
                          svg: c.isEmpty ? nil : chart.svg, note: t("notes.pipOnTime", ["share": share["opTijd"] ?? "—", "n": String(decided)])),
                    // The headline is the table's own share, so the two never differ by a rounding.
                    isSmall(value("opTijd")) || isSmall(decided) ? "—" : share["opTijd"] ?? "—")
        }

        func delayReasons() async throws -> Table {
            let c = try await counts(.delayReasons)
            let parts = FiguresController.delayReasons + ["onbekend"]
            let shown = parts.filter { c[$0] != nil || $0 != "onbekend" }
            let share = shares(shown.map { ($0, c[$0]?.count ?? 0) })
            let rows = shown.map { part in
                Row(cells: [Cell(services.catalogue.text("pip.delayReasons.\(part)", locale), header: true), number(c[part]?.count ?? 0, .delayReasons, part),
                            Cell(share[part] ?? "—")])
            }
            return Table(key: "delayReasons", title: t("tables.delayReasons"), definition: t("defs.delayReasons"),
                         columns: [t("columns.reason"), t("columns.cases"), t("columns.share")], rows: rows, svg: nil)
        }

        func throughput() async throws -> (Table, brpToPIP: DayDistribution?) {
            var rows: [Row] = []
            var bars: [BarChart.Row] = []
            var brp: DayDistribution?
            for figure in Figure.throughput + [.brpToPIP] {
                let d = try await store.distributions(figure, filter).first
                if figure == .brpToPIP { brp = d }
                let n = d?.count ?? 0
                let spread = d.flatMap { d in d.quantile(0.25).flatMap { low in d.quantile(0.75).map { "\(low)–\($0)" } } } ?? "—"
                rows.append(Row(cells: [Cell(t("steps.\(figure.rawValue)"), header: true), number(n, figure, "alle"), dayCell(d?.median),
                                        Cell(spread, csv: spread.replacingOccurrences(of: "–", with: "-")), dayCell(d?.maximum)]))
                if let d, let median = d.median {
                    bars.append(.init(label: t("steps.\(figure.rawValue)"), segments: [.init(value: Double(median), style: "a")],
                                      valueText: days(median), whisker: (Double(d.quantile(0.25) ?? median), Double(d.quantile(0.75) ?? median))))
                }
            }
            return (Table(key: "throughput", title: t("tables.throughput"), definition: t("defs.throughput"),
                          columns: [t("columns.step"), t("columns.cases"), t("columns.median"), t("columns.spread"), t("columns.longest")], rows: rows,
                          svg: bars.isEmpty ? nil : BarChart(title: t("tables.throughput"), rows: bars).svg), brp)
        }

        func waits() async throws -> (Table, routeStart: Int) {
            let distributions = Dictionary(try await store.distributions(.waits, filter).map { ($0.part, $0) }, uniquingKeysWith: { a, _ in a })
            let parts = ["contact", "intake", "pip", "routeStart"]
            let rows = parts.map { part in
                Row(cells: [Cell(t("waits.\(part)"), header: true), number(distributions[part]?.count ?? 0, .waits, part),
                            dayCell(distributions[part]?.median), dayCell(distributions[part]?.maximum)])
            }
            let chart = BarChart(title: t("tables.waits"), rows: parts.map {
                .init(label: t("waits.\($0)"), segments: [.init(value: Double(distributions[$0]?.count ?? 0), style: "a")], valueText: String(distributions[$0]?.count ?? 0))
            })
            return (Table(key: "waits", title: t("tables.waits"), definition: t("defs.waits"),
                          columns: [t("columns.waitingFor"), t("columns.cases"), t("columns.medianWait"), t("columns.longest")], rows: rows,
                          svg: distributions.isEmpty ? nil : chart.svg), distributions["routeStart"]?.count ?? 0)
        }

        /// The contract view (issue 18 item 7): per provider the register's hours, the waiting list
        /// and wait, the referrals started, ended and refused, the advice to switch route and the exams passed.
        func contracts() async throws -> Table {
            let figures = try await store.contractFigures(filter)
            let rows = figures.map { c in
                Row(cells: [Cell(c.providerName, header: true), count(c.participants), Cell(String(c.hoursOffered)), Cell(String(c.hoursFollowed)),
                            Cell(String(c.hoursAbsent)), Cell(percent(c.hoursFollowed, of: c.hoursOffered)), count(c.waiting), dayCell(c.averageWait),
                            count(c.started), count(c.ended), count(c.refused), count(c.mismatch), count(c.examsPassed)])
            }
            let chart = BarChart(title: t("tables.contracts"), rows: figures.map {
                .init(label: $0.providerName, segments: [.init(value: Double($0.hoursFollowed), style: "a"), .init(value: Double($0.hoursAbsent), style: "muted")],
                      valueText: percent($0.hoursFollowed, of: $0.hoursOffered))
            }, legend: [(t("contractColumns.hoursFollowed"), "a"), (t("contractColumns.hoursAbsent"), "muted")])
            return Table(key: "contracts", title: t("tables.contracts"), definition: t("defs.contracts"),
                         columns: ["provider", "participants", "hoursOffered", "hoursFollowed", "hoursAbsent", "attendance", "waitingList", "averageWait",
                                   "started", "ended", "refused", "mismatch", "examsPassed"].map { t("contractColumns.\($0)") },
                         rows: rows, svg: figures.contains { $0.hoursOffered > 0 } ? chart.svg : nil)
        }

        func lbtRoute() async throws -> Table {
            let c = try await counts(.lbtRoute)
            let match = try await counts(.lbtMatch)
            let value = { (band: String, route: String) in c["\(band).\(route)"]?.count ?? 0 }
            let rows = FiguresController.bands.map { band in
                Row(cells: [Cell(t("bands.\(band)"), header: true)] + FiguresController.routes.map { route in number(value(band, route), .lbtRoute, "\(band).\(route)") }
                    + [count(FiguresController.routes.reduce(0) { $0 + value(band, $1) })])
            }
            let conform = match["conform"]?.count ?? 0
            let judged = conform + (match["omhoog"]?.count ?? 0) + (match["omlaag"]?.count ?? 0)
            let chart = BarChart(title: t("tables.lbtRoute"), rows: FiguresController.bands.map { band in
                .init(label: t("bands.\(band)"), segments: FiguresController.routes.map { .init(value: Double(value(band, $0)), style: "route-\($0)") },
                      valueText: String(FiguresController.routes.reduce(0) { $0 + value(band, $1) }))
            }, legend: FiguresController.routes.map { (t("routeParts.\($0)"), "route-\($0)") })
            return Table(key: "lbtRoute", title: t("tables.lbtRoute"), definition: t("defs.lbtRoute"),
                         columns: [t("columns.band")] + FiguresController.routes.map { t("routeParts.\($0)") } + [t("total")], rows: rows,
                         svg: c.isEmpty ? nil : chart.svg,
                         note: t("notes.match", ["share": shownPercent(conform, of: judged), "conform": shown(conform), "n": shown(judged),
                                                 "up": shown(match["omhoog"]?.count ?? 0), "down": shown(match["omlaag"]?.count ?? 0)]))
        }

        func routeMix() async throws -> Table {
            let c = try await counts(.routeMix)
            let total = c.values.reduce(0) { $0 + $1.count }
            // The plan: of the one municipality in view, or none when several are.
            let plan = filter.municipalityCodes.count == 1 ? settings[filter.municipalityCodes[0]]?.monitoring.routePlan ?? [:] : [:]
            let share = shares(FiguresController.routes.map { ($0, c[$0]?.count ?? 0) })
            let rows = FiguresController.routes.map { route in
                Row(cells: [Cell(t("routeParts.\(route)"), header: true), Cell(plan[route].map { "\($0)%" } ?? "—"),
                            number(c[route]?.count ?? 0, .routeMix, route), Cell(share[route] ?? "—")])
            }
            let chart = BarChart(title: t("tables.routeMix"), rows: FiguresController.routes.map { route in
                .init(label: t("routeParts.\(route)"), segments: [.init(value: percentValue(c[route]?.count ?? 0, of: total), style: "route-\(route)")],
                      valueText: percent(c[route]?.count ?? 0, of: total), marker: plan[route].map(Double.init))
            }, maximum: 100)
            return Table(key: "routeMix", title: t("tables.routeMix"), definition: t("defs.routeMix"),
                         columns: [t("columns.route"), t("columns.planned"), t("columns.pips"), t("columns.actual")], rows: rows,
                         svg: total > 0 || !plan.isEmpty ? chart.svg : nil, note: plan.isEmpty ? t("notes.noPlan") : t("notes.planMarker"))
        }

        func caseload() async throws -> Table {
            let c = try await store.counts(.caseload, filter)
            let norm = filter.municipalityCodes.compactMap { settings[$0]?.caseloadNorm }.max() ?? MunicipalitySettings.defaults.caseloadNorm
            let sorted = c.sorted { (names[$0.part] ?? "~") < (names[$1.part] ?? "~") }
            let unassigned = FiguresStore.unassigned
            let label = { (part: String) in part == unassigned ? t("unassigned") : names[part] ?? part }
            let rows = sorted.map { item in
                Row(cells: [Cell(label(item.part), header: true), number(item.count, .caseload, item.part),
                            Cell(item.part == unassigned ? "—" : String(norm)), Cell(item.part == unassigned ? "—" : percent(item.count, of: norm))])
            }
            // A chart of hundreds of bars says nothing: it shows the heaviest loads, the table everyone.
            var charted: [FigureCount] = sorted
            if sorted.count > Self.chartLimit {
                let heaviest = Set(sorted.sorted { $0.count > $1.count }.prefix(Self.chartLimit).map(\.part))
                charted = sorted.filter { heaviest.contains($0.part) }
            }
            var bars: [BarChart.Row] = []
            for item in charted {
                let style = item.part == unassigned ? "muted" : (item.count > norm ? "bad" : "a")
                bars.append(.init(label: label(item.part), segments: [.init(value: Double(item.count), style: style)],
                                  valueText: String(item.count), marker: item.part == unassigned ? nil : Double(norm)))
            }
            let chart = BarChart(title: t("tables.caseload"), rows: bars)
            return Table(key: "caseload", title: t("tables.caseload"), definition: t("defs.caseload", ["norm": String(norm)]),
                         columns: [t("columns.worker"), t("columns.openCases"), t("columns.norm"), t("columns.ofNorm")], rows: rows,
                         svg: c.isEmpty ? nil : chart.svg, note: sorted.count > Self.chartLimit ? t("notes.caseloadTop", ["n": String(Self.chartLimit)]) : nil)
        }

        func terms() async throws -> (Table, overdue: Int) {
            let c = try await counts(.terms)
            let kinds = TermKind.allCases.map(\.rawValue).filter { c["\($0).verlopen"] != nil || c["\($0).binnenkort"] != nil }
            let rows = kinds.map { kind in
                Row(cells: [Cell(services.catalogue.text("terms.\(kind)", locale), header: true), number(c["\(kind).verlopen"]?.count ?? 0, .terms, "\(kind).verlopen"),
                            number(c["\(kind).binnenkort"]?.count ?? 0, .terms, "\(kind).binnenkort")])
            }
            let overdue = c.filter { $0.key.hasSuffix(".verlopen") }.reduce(0) { $0 + $1.value.count }
            let chart = BarChart(title: t("tables.terms"), rows: kinds.map { kind in
                .init(label: services.catalogue.text("terms.\(kind)", locale),
                      segments: [.init(value: Double(c["\(kind).verlopen"]?.count ?? 0), style: "bad"), .init(value: Double(c["\(kind).binnenkort"]?.count ?? 0), style: "warn")],
                      valueText: "\(c["\(kind).verlopen"]?.count ?? 0) / \(c["\(kind).binnenkort"]?.count ?? 0)")
            })
            return (Table(key: "terms", title: t("tables.terms"), definition: t("defs.terms"),
                          columns: [t("columns.term"), t("columns.overdue"), t("columns.dueSoon")], rows: rows, svg: kinds.isEmpty ? nil : chart.svg), overdue)
        }

        func results() async throws -> Table {
            let c = try await counts(.results)
            let kinds = ["mapEindgesprek", "pvtOndertekend", "zRouteAfgerond"]
            return Table(key: "results", title: t("tables.results"), definition: t("defs.results"), columns: [t("columns.result"), t("columns.people")],
                         rows: kinds.map { Row(cells: [Cell(t("resultKinds.\($0)"), header: true), number(c[$0]?.count ?? 0, .results, $0)]) }, svg: nil)
        }

        func fines() async throws -> Table {
            let c = try await counts(.fines)
            let steps = ["waarschuwing", "boete", "boeteEnPIPZonderInbreng"]
            let euros = { (cents: Int) in Money.format(cents, locale) }
            return Table(key: "fines", title: t("tables.fines"), definition: t("defs.fines"),
                         columns: [t("columns.step"), t("columns.decisions"), t("columns.amount")],
                         rows: steps.map { step in
                             Row(cells: [Cell(services.catalogue.text("enforcement.steps.\(step)", locale), header: true), number(c[step]?.count ?? 0, .fines, step),
                                         Cell(step == "waarschuwing" ? "—" : euros(c[step]?.sum ?? 0), csv: step == "waarschuwing" ? "" : String(format: "%d.%02d", (c[step]?.sum ?? 0) / 100, (c[step]?.sum ?? 0) % 100))])
                         }, svg: nil)
        }

        func closures() async throws -> Table {
            let c = try await counts(.closures)
            let known = TrajectEinde.allCases.map(\.rawValue)
            let reasons = known.filter { c[$0] != nil } + c.keys.filter { !known.contains($0) }.sorted()
            let label = { (reason: String) in services.catalogue.text("closeReasons.\(reason)", locale) }
            let share = shares(reasons.map { ($0, c[$0]?.count ?? 0) })
            return Table(key: "closures", title: t("tables.closures"), definition: t("defs.closures"),
                         columns: [t("columns.reason"), t("columns.cases"), t("columns.share")],
                         rows: reasons.map { Row(cells: [Cell(label($0), header: true), number(c[$0]?.count ?? 0, .closures, $0), Cell(share[$0] ?? "—")]) },
                         svg: reasons.isEmpty ? nil : BarChart(title: t("tables.closures"), rows: reasons.map {
                             .init(label: label($0), segments: [.init(value: Double(c[$0]?.count ?? 0), style: "a")], valueText: String(c[$0]?.count ?? 0))
                         }).svg)
        }

        func targets(targetLink: (@Sendable (Int, String) -> String)?) async throws -> Table? {
            guard filter.municipalityCodes.count == 1, let targets = settings[filter.municipalityCodes[0]]?.monitoring.targets, !targets.isEmpty else { return nil }
            var rows: [Row] = []
            var bars: [BarChart.Row] = []
            // Each target reads its cohort from the cases: side by side, each on its own connection.
            let results = try await withThrowingTaskGroup(of: (Int, TargetResult).self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask { (index, try await store.target(target, filter)) }
                }
                return try await group.reduce(into: [Int: TargetResult]()) { $0[$1.0] = $1.1 }
            }
            for (index, target) in targets.enumerated() {
                guard let result = results[index] else { continue }
                let label = t("targetMetrics.\(target.metric)", ["months": months(target.months)])
                let gap = result.percent.map { $0 - target.percent }
                let gapText = gap.map { $0 >= 0 ? t("gapAbove", ["n": String($0)]) : t("gapBelow", ["n": String(-$0)]) } ?? "—"
                rows.append(Row(cells: [
                    Cell(label, header: true), Cell("\(target.percent)%"),
                    Cell(result.percent.map { "\($0)%" } ?? "—"),
                    Cell(String(result.met), href: result.met > 0 ? targetLink?(index, "gehaald") : nil, count: result.met),
                    Cell(String(result.total - result.met), href: result.total > result.met ? targetLink?(index, "nietGehaald") : nil, count: result.total - result.met),
                    Cell(gapText, csv: gap.map(String.init) ?? ""),
                ]))
                bars.append(.init(label: label, segments: [.init(value: Double(result.percent ?? 0), style: (gap ?? -1) >= 0 ? "good" : "bad")],
                                  valueText: result.percent.map { "\($0)%" } ?? "—", marker: Double(target.percent)))
            }
            return Table(key: "targets", title: t("tables.targets"), definition: t("defs.targets"),
                         columns: [t("columns.target"), t("columns.aim"), t("columns.achieved"), t("columns.met"), t("columns.notMet"), t("columns.gap")],
                         rows: rows, svg: BarChart(title: t("tables.targets"), rows: bars, maximum: 100).svg, note: t("notes.targetMarker"))
        }
    }

    // MARK: Pages

    struct DashboardView: Encodable {
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let periods: [[String: String]]
        let hasFigures: Bool
        let scopeText: String
        let tiles: [Tile]
        let tables: [Table]
        let councilHref: String
        let showCouncil: Bool
        let casesNote: String?
        /// R13: the quarterly delivery to CBS that is due now, or the next one.
        let cbs: String
    }

    /// R13: the delivery of the Statistiek Wet inburgering to CBS: open now for the last quarter, or
    /// the next window. Regie does not record the delivery itself, so it states the window, not a status.
    static func cbsText(today: CalendarDate, _ t: Localizer) -> String {
        let last = Kwartaal(containing: today).vorige
        let window = CBSLeveringRule.leverVenster(last)
        let date = { (day: CalendarDate) in DisplayDate.format(day.iso, t.locale) }
        let name = { (q: Kwartaal) in t("figures.cbs.quarter", ["number": String(q.nummer), "year": String(q.jaar)]) }
        if window.contains(today) {
            return t("figures.cbs.due", ["quarter": name(last), "end": date(window.end), "days": String(today.days(until: window.end))])
        }
        let current = Kwartaal(containing: today)
        let next = CBSLeveringRule.leverVenster(current)
        return t("figures.cbs.next", ["quarter": name(current), "start": date(next.start), "end": date(next.end)])
    }

    /// The builder for one selection; with `links`, numbers link to their cases for staff who may see them.
    func builder(_ selection: Selection, _ filter: FiguresFilter, _ principal: Principal, locale: UILocale, links: Bool) async throws -> Builder {
        let canSeeCases = links && Policy.allows(principal, .readPersons)
        let query = selection.query
        let users = try await services.users.listUsers(organisationId: principal.organisationId)
        let link: @Sendable (String, String) -> String = { figure, part in
            let value = QueryValue.encode(part)
            return SiteRoute.figuresCases.path + "?cijfer=\(figure)&deel=\(value)&" + query
        }
        // Roles that may not see persons get no count small enough to single someone out.
        let minimumCell = Policy.allows(principal, .readPersons) ? nil : try await services.users.fetchFiguresMinimumCell(organisationId: principal.organisationId)
        return Builder(
            services: services, locale: locale, selection: selection, filter: filter, casesLink: canSeeCases ? link : nil, minimumCell: minimumCell,
            names: Dictionary(users.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            settings: try await services.settings.fetch(filter.municipalityCodes))
    }

    func allTables(_ b: Builder) async throws -> (tiles: [Tile], tables: [Table]) {
        let query = b.selection.query
        let link: @Sendable (Int, String) -> String = { index, part in SiteRoute.figuresCases.path + "?doel=\(index)&deel=\(part)&" + query }
        let targetLink = b.casesLink == nil ? nil : link
        // The totals first take in every change committed so far, so the figures are exact.
        try await b.store.refreshTotals()
        // The figures are independent aggregates: they run side by side, each on its own connection.
        async let obligation = b.obligation()
        async let routes = b.routes()
        async let pipOnTime = b.pipOnTime()
        async let delayReasons = b.delayReasons()
        async let throughput = b.throughput()
        async let waits = b.waits()
        async let lbtRoute = b.lbtRoute()
        async let routeMix = b.routeMix()
        async let caseload = b.caseload()
        async let terms = b.terms()
        async let results = b.results()
        async let fines = b.fines()
        async let closures = b.closures()
        async let targets = b.targets(targetLink: targetLink)
        async let ontzorgen = b.ontzorgen()
        async let contracts = b.contracts()
        let (onTime, share) = try await pipOnTime
        let (throughputTable, brp) = try await throughput
        let (waitsTable, waitingRoute) = try await waits
        let (termsTable, overdue) = try await terms
        var tables = [try await obligation, try await routes, onTime, try await delayReasons, throughputTable, waitsTable,
                      try await lbtRoute, try await routeMix, try await caseload, termsTable, try await results, try await fines, try await closures,
                      try await ontzorgen, try await contracts]
        if let targets = try await targets { tables.append(targets) }
        for index in tables.indices {
            tables[index].csvHref = SiteRoute.figuresCSV.path + "?tabel=\(tables[index].key)&" + b.selection.query
            if let minimum = b.minimumCell {
                tables[index] = tables[index].suppressed(below: minimum, note: b.t("notes.suppressed", ["n": String(minimum)]))
            }
        }
        let brpCount = brp?.count ?? 0
        let tiles = [
            Tile(label: b.t("tiles.pipOnTime"), value: share, detail: b.t("tiles.pipOnTimeDetail"), href: "#pipOnTime"),
            Tile(label: b.t("tiles.brpToPIP"), value: b.isSmall(brpCount) ? "—" : b.days(brp?.median),
                 detail: b.t("tiles.brpToPIPDetail", ["n": b.shown(brpCount)]), href: "#throughput"),
            Tile(label: b.t("tiles.waitingRoute"), value: b.shown(waitingRoute), detail: b.t("tiles.waitingRouteDetail"), href: "#waits"),
            Tile(label: b.t("tiles.overdue"), value: b.shown(overdue), detail: b.t("tiles.overdueDetail"), href: "#terms"),
        ]
        return (tiles, tables)
    }

    func scopeText(_ s: Selection, _ principal: Principal, locale: UILocale) -> String {
        let t = Localizer(catalogue: services.catalogue, locale: locale)
        let place = s.municipality == "alle"
            ? t("figures.allMunicipalities", ["organisation": principal.organisationName])
            : principal.municipalities.first { $0.code == s.municipality }?.name ?? s.municipality
        var text = t("figures.scope", ["place": place, "from": DisplayDate.format(s.from, locale), "to": DisplayDate.format(s.to, locale)])
        if !s.doelgroep.isEmpty { text += " · " + doelgroepLabel(s.doelgroep, locale) }
        if !s.gender.isEmpty { text += " · " + t("figures.genders.\(s.gender)") }
        return text
    }

    func doelgroepLabel(_ value: String, _ locale: UILocale) -> String {
        value.hasPrefix("cat:") ? services.catalogue.text("figures.categories.\(value.dropFirst(4))", locale) : services.catalogue.text("doelgroepen.\(value)", locale)
    }

    func dashboard(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewFigures)
        let l = context.locale
        let t = services.localizer(context)
        let s = selection(context, principal)
        var tiles: [Tile] = [], tables: [Table] = []
        let canSeeCases = Policy.allows(principal, .readPersons)
        if let filter = s.filter {
            (tiles, tables) = try await allTables(try await builder(s, filter, principal, locale: l, links: true))
            try await services.record(.figuresView, context: context, permission: .viewFigures, detail: s.query)
        }
        var municipalities = principal.municipalities.map { ($0.code, $0.name) }
        if municipalities.count > 1 {
            municipalities.insert(("alle", t("figures.allMunicipalities", ["organisation": principal.organisationName])), at: 0)
        }
        let doelgroepen = [("", t("figures.allDoelgroepen"))]
            + DoelgroepCategorie.allCases.map { ("cat:\($0.rawValue)", t("figures.categories.\($0.rawValue)")) }
            + Choices.doelgroepen(t)
        let fields = [
            FieldView(.select, name: "gemeente", label: t("figures.municipality"), value: s.municipality, options: municipalities, errors: s.errors),
            FieldView(.input("date"), name: "van", label: t("figures.from"), value: s.from, required: true, errors: s.errors),
            FieldView(.input("date"), name: "tot", label: t("figures.to"), value: s.to, required: true, errors: s.errors),
            FieldView(.select, name: "doelgroep", label: t("figures.doelgroep"), value: s.doelgroep, options: doelgroepen, errors: s.errors),
            FieldView(.select, name: "geslacht", label: t("figures.gender"), value: s.gender,
                      options: [("", t("figures.allGenders"))] + Self.genders.map { ($0, t("figures.genders.\($0)")) }, errors: s.errors),
        ]
        let today = CalendarDate.today(now: services.clock.now())
        let (thisQuarter, _) = Self.quarter(of: today)
        let lastQuarter = Self.quarter(of: thisQuarter.adding(days: -1)).0
        let keep = [("gemeente", s.municipality), ("doelgroep", s.doelgroep), ("geslacht", s.gender)].filter { !$0.1.isEmpty }
            .map { "&\($0.0)=\(QueryValue.encode($0.1))" }.joined()
        let periods: [[String: String]] = [
            ["label": t("figures.periods.thisQuarter"), "href": "?van=\(thisQuarter.iso)&tot=\(today.iso)" + keep],
            ["label": t("figures.periods.lastQuarter"), "href": "?van=\(lastQuarter.iso)&tot=\(thisQuarter.adding(days: -1).iso)" + keep],
            ["label": t("figures.periods.thisYear"), "href": "?van=\(today.year)-01-01&tot=\(today.iso)" + keep],
            ["label": t("figures.periods.last12"), "href": "?van=\(today.adding(years: -1).adding(days: 1).iso)&tot=\(today.iso)" + keep],
        ]
        let quarterKey = "\(lastQuarter.year)-\((lastQuarter.month - 1) / 3 + 1)"
        return try services.views.render(
            "figures", titleKey: "figures.title",
            content: DashboardView(
                summary: ErrorSummary(s.errors), fields: fields, action: SiteRoute.figures.path, periods: periods, hasFigures: s.filter != nil,
                scopeText: scopeText(s, principal, locale: l), tiles: tiles, tables: tables,
                councilHref: SiteRoute.figuresCouncil.path + "?kwartaal=\(quarterKey)" + keep,
                showCouncil: s.filter != nil, casesNote: canSeeCases ? t("figures.casesNote") : t("figures.noCasesNote"),
                cbs: Self.cbsText(today: today, t)),
            context: context, current: SiteRoute.figures.path, status: s.filter == nil ? .badRequest : .ok)
    }

    func csv(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewFigures)
        let s = selection(context, principal)
        guard let filter = s.filter else { throw AppError.invalid(detail: s.errors.map(\.message).joined(separator: " "), fields: s.errors) }
        let (_, tables) = try await allTables(try await builder(s, filter, principal, locale: context.locale, links: false))
        guard let key = context.form["tabel"], let table = tables.first(where: { $0.key == key }) else { throw AppError.notFound }
        var out = table.columns.map(CSV.escape).joined(separator: ",") + "\r\n"
        for row in table.rows {
            out += row.cells.map { Int($0.csv) != nil ? $0.csv : CSV.escape($0.csv) }.joined(separator: ",") + "\r\n"
        }
        try await services.record(.figuresExport, context: context, permission: .viewFigures, detail: "\(key): \(s.query)")
        let name = "regie-\(key)-\(s.municipality)-\(filter.from.iso)-\(filter.to.iso).csv"
        return Response(status: .ok,
                        headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: out)))
    }

    struct CouncilView: Encodable {
        let title: String
        let scopeText: String
        let highlights: [String]
        let tables: [Table]
        let backHref: String
        let made: String
        /// The municipality's logo (one municipality chosen), as on its letters.
        let logo: String?
    }

    /// The quarterly overview for the council: the quarter's headline figures in sentences and the
    /// main tables, without links to cases, printable on A4.
    func council(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewFigures)
        let l = context.locale
        let t = services.localizer(context)
        let s = selection(context, principal)
        guard var filter = s.filter, let (quarter, _) = context.form["kwartaal"].flatMap(Self.parseQuarter) else {
            throw AppError.invalid(detail: t("figures.errors.quarter"), fields: [.init(name: "kwartaal", message: t("figures.errors.quarter"))])
        }
        // A past quarter is reported as it stood at its end: terms are judged on that day, and the figures
        // that only exist for today (who is waiting now, which terms are overdue now) are left out.
        let today = CalendarDate.today(now: services.clock.now())
        let past = filter.to < today
        if past { filter = filter.asAtEnd() }
        let (allTiles, tables) = try await allTables(try await builder(s, filter, principal, locale: l, links: false))
        let todayOnly: Set = ["#waits", "#terms"]
        let tiles = past ? allTiles.filter { !todayOnly.contains($0.href ?? "") } : allTiles
        var keys: Set = ["obligation", "routes", "pipOnTime", "throughput", "lbtRoute", "routeMix", "results", "fines", "closures", "targets"]
        if !past { keys.insert("waits") }
        let number = (quarter.month - 1) / 3 + 1
        let place = s.municipality == "alle"
            ? t("figures.allMunicipalities", ["organisation": principal.organisationName])
            : principal.municipalities.first { $0.code == s.municipality }?.name ?? s.municipality
        try await services.record(.figuresCouncil, context: context, permission: .viewFigures, detail: s.query)
        let logo = s.municipality == "alle" ? nil : try await services.settings.fetchLogo(s.municipality)
        return try services.views.render(
            "figures-council", titleKey: "figures.councilTitle", titleArguments: ["place": place, "quarter": String(number), "year": String(quarter.year)],
            content: CouncilView(
                title: t("figures.councilTitle", ["place": place, "quarter": String(number), "year": String(quarter.year)]),
                scopeText: scopeText(s, principal, locale: l) + (past ? " · " + t("figures.asAtEnd", ["date": DisplayDate.format(filter.to.iso, l)]) : ""),
                highlights: tiles.map { "\($0.label): \($0.value) (\($0.detail))" },
                tables: tables.filter { keys.contains($0.key) },
                backHref: SiteRoute.figures.path + "?" + s.query,
                made: t("figures.made", ["date": DisplayDate.format(CalendarDate.today(now: services.clock.now()).iso, l)]), logo: logo?.dataURI),
            context: context, current: SiteRoute.figures.path)
    }

    struct CasesView: Encodable {
        let title: String
        let scopeText: String
        let rows: [[String: String]]
        let hasRows: Bool
        let total: String
        let backHref: String
    }

    /// The cases behind one number: for staff who may see cases, within their organisation's
    /// municipalities, audited like any list of people.
    func cases(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewFigures)
        _ = try context.require(.readPersons)
        let l = context.locale
        let t = services.localizer(context)
        let s = selection(context, principal)
        guard let filter = s.filter, let part = context.form["deel"] else { throw AppError.notFound }
        let result: (rows: [FigureCase], total: Int)
        let label: String
        if let index = context.form["doel"].flatMap(Int.init) {
            guard index >= 0, filter.municipalityCodes.count == 1,
                  let target = try await services.settings.fetch(filter.municipalityCodes[0]).monitoring.targets.dropFirst(index).first,
                  ["gehaald", "nietGehaald"].contains(part) else { throw AppError.notFound }
            result = try await services.figures.targetCases(target, part: part, filter)
            label = t("figures.targetMetrics.\(target.metric)", ["months": Self.months(target.months, t)]) + " — " + t("figures.columns.\(part == "gehaald" ? "met" : "notMet")")
        } else {
            guard let figure = context.form.choice("cijfer", Figure.self) else { throw AppError.notFound }
            result = try await services.figures.cases(figure, part: part, filter)
            let worker = figure == .caseload && part != FiguresStore.unassigned
                ? try await services.users.listUsers(organisationId: principal.organisationId).first { $0.id == part }?.name : nil
            label = t("figures.figureNames.\(figure.rawValue)") + " — " + (worker ?? partLabel(figure, part, l))
        }
        try await services.record(.figuresCases, context: context, permission: .readPersons,
                                  detail: "\(context.form["cijfer"] ?? "doel \(context.form["doel"] ?? "")")/\(part): \(result.total) · \(s.query)")
        let names = Dictionary(principal.municipalities.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows: [[String: String]] = result.rows.map { row in
            ["name": row.detailsPending ? t("person.namePending") : "\(row.familyName), \(row.givenNames)",
             "href": SiteRoute.person(row.id).path, "municipality": names[row.municipalityCode] ?? row.municipalityCode,
             "phase": t("phases.\(row.phase.rawValue)"), "doelgroep": t("doelgroepen.\(row.doelgroep.rawValue)")]
        }
        return try services.views.render(
            "figures-cases", titleKey: "figures.casesTitle",
            content: CasesView(title: label, scopeText: scopeText(s, principal, locale: l), rows: rows, hasRows: !rows.isEmpty,
                               total: t(result.total > result.rows.count ? "figures.casesTruncated" : "figures.casesCount", ["n": String(result.total), "shown": String(result.rows.count)]),
                               backHref: SiteRoute.figures.path + "?" + s.query),
            context: context, current: SiteRoute.figures.path)
    }

    func partLabel(_ figure: Figure, _ part: String, _ l: UILocale) -> String {
        let t = Localizer(catalogue: services.catalogue, locale: l)
        switch figure {
        case .obligation: return t("doelgroepen.\(part)")
        case .routes, .routeMix: return t("figures.routeParts.\(part)")
        case .pipOnTime: return t("figures.pipParts.\(part)")
        case .delayReasons: return t("pip.delayReasons.\(part)")
        case .waits: return t("figures.waits.\(part)")
        case .lbtRoute:
            let pieces = part.split(separator: ".").map(String.init)
            return pieces.count == 2 ? t("figures.bands.\(pieces[0])") + ", " + t("figures.routeParts.\(pieces[1])") : part
        case .lbtMatch: return t("route.deviations.\(part)")
        case .caseload: return part == FiguresStore.unassigned ? t("figures.unassigned") : part
        case .terms:
            let pieces = part.split(separator: ".").map(String.init)
            return pieces.count == 2 ? t("terms.\(pieces[0])") + ", " + t("figures.columns.\(pieces[1] == "verlopen" ? "overdue" : "dueSoon")") : part
        case .results: return t("figures.resultKinds.\(part)")
        case .fines: return t("enforcement.steps.\(part)")
        case .closures: return t("closeReasons.\(part)")
        case .koppelingToContact, .contactToIntake, .intakeToPIP, .pipToRouteStart, .brpToPIP: return t("figures.steps.\(figure.rawValue)")
        }
    }
}
