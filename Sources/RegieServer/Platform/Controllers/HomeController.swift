import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The home page: the caseload for staff who work with people, the figures for those who may
/// only see figures, the administration for the functioneel beheerder.
struct HomeController {
    let services: AppServices
    static let pageSize = 50

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.home.path), use: home)
        router.get(RouterPath(SiteRoute.figures.path), use: figures)
    }

    struct Row {
        let href: String
        let name: String
        let doelgroep: String
        let phase: String
        let municipality: String
        let consulent: String
        let nextTerm: String
        let nextTermDue: String
        let nextTermRemaining: String
        let nextTermClass: String

        /// Templates read a dictionary much faster than a reflected struct; lists of rows use this.
        var fields: [String: String] {
            ["href": href, "name": name, "doelgroep": doelgroep, "phase": phase, "municipality": municipality, "consulent": consulent,
             "nextTerm": nextTerm, "nextTermDue": nextTermDue, "nextTermRemaining": nextTermRemaining, "nextTermClass": nextTermClass]
        }
    }

    struct CaseloadView {
        let rows: [[String: String]]
        let hasRows: Bool
        let query: String
        let mine: Bool
        let canFilterMine: Bool
        let nextHref: String?
        let firstHref: String?
        let action: String
    }

    func home(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard Policy.allows(principal, .readPersons) else {
            let target = Policy.allows(principal, .viewFigures) ? SiteRoute.figures : (Policy.allows(principal, .viewAuditLog) ? .auditLog : .account)
            return Response(status: .seeOther, headers: [.location: target.path])
        }
        let scope = Policy.scope(for: principal)
        let municipalityCode = principal.session?.municipalityCode
        let isConsulent = principal.roles.contains(.consulent)
        // A consulent starts with their own cases; "alle" shows the team's.
        let mine = isConsulent && context.form["alle"] == nil
        let query = context.form["q"]
        let filter = PersonStore.ListFilter(municipalityCode: municipalityCode, consulentId: mine ? principal.actorId : nil, search: query)
        let page = try await services.persons.listPersons(scope: scope, filter: filter, after: context.form["na"], limit: Self.pageSize)

        let t = services.catalogue
        let locale = context.locale
        let names = Dictionary(uniqueKeysWithValues: principal.municipalities.map { ($0.code, $0.name) })
        // The next term of each row comes from the law module's statutory clock.
        let today = CalendarDate.today(now: services.clock.now())
        let rows = page.rows.map { row in
            let next = row.lawFacts.flatMap { TermText.next(StatutoryClock.terms(for: $0, on: today)) }
            return Row(
                href: SiteRoute.person(row.id).path, name: "\(row.familyName), \(row.givenNames)",
                doelgroep: t.text("doelgroepen.\(row.doelgroep)", locale), phase: row.phase.map { t.text("phases.\($0)", locale) } ?? "—",
                municipality: names[row.municipalityCode] ?? row.municipalityCode, consulent: row.consulentName ?? t.text("caseload.unassigned", locale),
                nextTerm: next.map { t.text("terms.\($0.kind.rawValue)", locale) } ?? t.text("caseload.noTerm", locale),
                nextTermDue: next.map { DisplayDate.format($0.due.iso, locale) } ?? "",
                nextTermRemaining: next.map { TermText.remaining($0, t, locale) } ?? "",
                nextTermClass: next.map { "term--\($0.status.rawValue)" } ?? "")
        }
        if !page.rows.isEmpty {
            try await services.record("caseload.view", context: context, permission: .readPersons,
                                      detail: "personen: " + page.rows.map(\.id).joined(separator: ","))
        }
        var base = "?"
        if let query { base += "q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&" }
        if !mine && isConsulent { base += "alle=1&" }
        return try services.views.render(
            "home", titleKey: "caseload.title",
            content: CaseloadView(
                rows: rows.map(\.fields), hasRows: !rows.isEmpty, query: query ?? "", mine: mine, canFilterMine: isConsulent,
                nextHref: page.next.map { base + "na=\($0)" }, firstHref: context.form["na"] != nil ? (base == "?" ? "/" : String(base.dropLast())) : nil,
                action: SiteRoute.home.path),
            context: context, current: SiteRoute.home.path)
    }

    struct FiguresView {
        struct Line { let municipality: String; let counts: [Int]; let total: Int }
        let phases: [String]
        let lines: [Line]
    }

    /// Figures only: counts per municipality and phase, never a person.
    func figures(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewFigures)
        let t = services.catalogue
        var lines: [FiguresView.Line] = []
        for municipality in principal.municipalities {
            let counts = try await services.persons.countByPhase(scope: TenantScope(municipalityCodes: [municipality.code]), consulentId: nil)
            let values = PhaseOrder.all.map { counts[$0] ?? 0 }
            lines.append(.init(municipality: municipality.name, counts: values, total: values.reduce(0, +)))
        }
        return try services.views.render(
            "figures", titleKey: "figures.title",
            content: FiguresView(phases: PhaseOrder.all.map { t.text("phases.\($0)", context.locale) }, lines: lines),
            context: context, current: SiteRoute.figures.path)
    }
}

/// The phases of a traject in the order of the chain (domain.md §3).
enum PhaseOrder {
    static let all = ["signaal", "gekoppeld", "gehuisvest", "bredeIntake", "pipVastgesteld", "inLeerroute", "afgerond", "beeindigd"]
}
