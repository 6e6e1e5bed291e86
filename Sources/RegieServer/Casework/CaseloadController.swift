import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The home page: the caseload for staff who work with people, the figures for those who may
/// only see figures, the administration for the functioneel beheerder.
struct CaseloadController {
    let services: AppServices
    static let pageSize = 50

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.home.path), use: home)
    }

    struct Row: Encodable {
        let id: String
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
        let leerroute: String
        let lastContact: String
        /// Ticked for bulk assignment (kept when an assignment was refused).
        let checked: Bool
    }

    struct Tile: Encodable { let label: String; let count: String; let href: String; let cssClass: String }

    struct CaseloadView: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let query: String
        let filters: [FieldView]
        let tiles: [Tile]
        let nextHref: String?
        let firstHref: String?
        let action: String
        let registerHref: String
        let canRegister: Bool
        let showMunicipality: Bool
        let sortLinks: [SortLink]
        let canAssign: Bool
        let assign: FieldView?
        let assignAction: String
        let currentURL: String
        let assignError: Bool
    }
    struct SortLink: Encodable { let label: String; let href: String; let current: Bool }

    /// The caseload's filters as typed in the query string; unknown values are ignored, not errors.
    struct Query {
        var q: String?
        var phase: TrajectFase?
        var term: PersonStore.TermFilter?
        var groep: DoelgroepCategorie?
        var route: Leerroute?
        var gemeente: String?
        /// "mij" (my cases), "alle", "geen" (unassigned) or a consulent's id.
        var consulent: String?
        var closed: Bool
        var sort: PersonStore.CaseloadSort

        init(_ form: FormData) {
            q = form["q"]
            phase = form.choice("fase", TrajectFase.self)
            term = form.choice("termijn", PersonStore.TermFilter.self)
            groep = form.choice("groep", DoelgroepCategorie.self)
            route = form.choice("route", Leerroute.self)
            gemeente = form["gemeente"]
            consulent = form["consulent"]
            closed = form["afgesloten"] == "ja"
            sort = form.choice("sort", PersonStore.CaseloadSort.self) ?? .termijn
        }

        /// The query string for these filters, without the cursor.
        func queryString(sort override: PersonStore.CaseloadSort? = nil) -> String {
            var items: [URLQueryItem] = []
            if let q { items.append(.init(name: "q", value: q)) }
            if let phase { items.append(.init(name: "fase", value: phase.rawValue)) }
            if let term { items.append(.init(name: "termijn", value: term.rawValue)) }
            if let groep { items.append(.init(name: "groep", value: groep.rawValue)) }
            if let route { items.append(.init(name: "route", value: route.rawValue)) }
            if let gemeente { items.append(.init(name: "gemeente", value: gemeente)) }
            if let consulent { items.append(.init(name: "consulent", value: consulent)) }
            if closed { items.append(.init(name: "afgesloten", value: "ja")) }
            let chosenSort = override ?? sort
            if chosenSort != .termijn { items.append(.init(name: "sort", value: chosenSort.rawValue)) }
            var components = URLComponents()
            components.queryItems = items
            return items.isEmpty ? "" : (components.percentEncodedQuery ?? "")
        }
    }

    func home(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        // A budget manager works in Ontzorgen, not in the integration werkvoorraad.
        if Policy.ontzorgenOnly(principal) { return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgen.path]) }
        guard Policy.allows(principal, .readPersons) else {
            let target = Policy.allows(principal, .viewFigures) ? SiteRoute.figures : (Policy.allows(principal, .viewAuditLog) ? .auditLog : .account)
            return Response(status: .seeOther, headers: [.location: target.path])
        }
        let t = services.localizer(context)
        let l = context.locale
        let scope = Policy.scope(for: principal)
        let isConsulent = principal.roles.contains(.consulent)
        let query = Query(context.form)
        // A consulent starts with their own cases; a team lead with everyone's.
        let consulentChoice = query.consulent ?? (isConsulent ? "mij" : "alle")
        var filter = PersonStore.ListFilter(
            municipalityCode: query.gemeente.flatMap { code in principal.municipalities.contains { $0.code == code } ? code : nil } ?? principal.session?.municipalityCode,
            phase: query.phase, leerroute: query.route,
            doelgroepen: query.groep.map { groep in Doelgroep.allCases.filter { $0.categorie == groep } } ?? [],
            term: query.term, includeClosed: query.closed, search: query.q, sort: query.sort)
        switch consulentChoice {
        case "mij": filter.consulentId = principal.actorId
        case "alle": break
        case "geen": filter.unassigned = true
        default: filter.consulentId = consulentChoice
        }
        let today = CalendarDate.today(now: services.clock.now())
        let page = try await services.persons.listPersons(scope: scope, filter: filter, after: context.form["na"], limit: Self.pageSize, today: today)
        let due = try await services.persons.countDue(scope: scope, filter: filter, today: today)

        let names = Dictionary(uniqueKeysWithValues: principal.municipalities.map { ($0.code, $0.name) })
        // The next term of each row comes from the law module's statutory clock.
        let ticked = Set(context.form.all("persoon"))
        let rows = page.rows.map { row in
            let next = row.lawFacts.flatMap { TermText.next(StatutoryClock.terms(for: $0, on: today)) }
            return Row(
                id: row.id, href: SiteRoute.person(row.id).path, name: row.detailsPending && row.familyName.isEmpty ? t("person.namePending") : "\(row.familyName), \(row.givenNames)",
                doelgroep: t("doelgroepen.\(row.doelgroep.rawValue)"), phase: row.phase.map { t("phases.\($0.rawValue)") } ?? "—",
                municipality: names[row.municipalityCode] ?? row.municipalityCode, consulent: row.consulentName ?? t("caseload.unassigned"),
                nextTerm: next.map { t("terms.\($0.kind.rawValue)") } ?? t("caseload.noTerm"),
                nextTermDue: next.map { DisplayDate.format($0.due.iso, l) } ?? "",
                nextTermRemaining: next.map { TermText.remaining($0, t) } ?? "",
                nextTermClass: next.map { "term--\($0.status.rawValue)" } ?? "",
                leerroute: row.leerroute.map { t("routes.\($0.rawValue)") } ?? "—",
                lastContact: row.lastContactDate.map { DisplayDate.format($0, l) } ?? "—", checked: ticked.contains(row.id))
        }
        if !page.rows.isEmpty {
            try await services.record(.caseloadView, context: context, permission: .readPersons,
                                      detail: "personen: " + page.rows.map(\.id).joined(separator: ","))
        }
        var consulentOptions: [(String, String)] = [("alle", t("caseload.consulentAll")), ("geen", t("caseload.unassigned"))]
        if isConsulent { consulentOptions.insert(("mij", t("caseload.consulentMine")), at: 0) }
        if principal.roles.contains(.teamleider) {
            // A team lead works with their own team (all of the organisation's when they have none).
            consulentOptions += try await services.users.listCaseWorkers(organisationId: principal.organisationId, teamId: principal.user?.teamId).map { ($0.id, $0.name) }
        }
        let any = t("caseload.any")
        var filters: [FieldView] = [
            FieldView(.select, name: "consulent", label: t("caseload.consulent"), value: consulentChoice, options: consulentOptions, errors: []),
            FieldView(.select, name: "termijn", label: t("caseload.termFilter"), value: query.term?.rawValue ?? "",
                      options: [("", any)] + PersonStore.TermFilter.allCases.map { ($0.rawValue, t("caseload.termFilters.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "fase", label: t("caseload.phase"), value: query.phase?.rawValue ?? "",
                      options: [("", any)] + TrajectFase.allCases.map { ($0.rawValue, t("phases.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "groep", label: t("caseload.doelgroep"), value: query.groep?.rawValue ?? "",
                      options: [("", any)] + DoelgroepCategorie.allCases.map { ($0.rawValue, t("categories.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "route", label: t("caseload.leerroute"), value: query.route?.rawValue ?? "",
                      options: [("", any)] + Choices.routes(t), errors: []),
        ]
        if principal.municipalities.count > 1 && principal.session?.municipalityCode == nil {
            filters.append(FieldView(.select, name: "gemeente", label: t("caseload.municipality"), value: query.gemeente ?? "",
                                     options: [("", any)] + principal.municipalities.map { ($0.code, $0.name) }, errors: []))
        }
        filters.append(FieldView(.checkbox, name: "afgesloten", label: t("caseload.includeClosed"), value: query.closed ? "ja" : "", errors: []))
        let base = query.queryString()
        let withBase = { (extra: String) in "/?" + [base, extra].filter { !$0.isEmpty }.joined(separator: "&") }
        var overdueQuery = query
        overdueQuery.term = .overdue
        var soonQuery = query
        soonQuery.term = .soon
        var tiles = [
            Tile(label: t("caseload.tiles.overdue"), count: String(due.overdue), href: "/?" + overdueQuery.queryString(), cssClass: "tile--overdue"),
            Tile(label: t("caseload.tiles.soon", ["days": String(PersonStore.soonDays)]), count: String(due.soon), href: "/?" + soonQuery.queryString(), cssClass: "tile--soon"),
        ]
        if Policy.allows(principal, .editPersons) {
            let open = try await services.casework.countOpenTaken(assigneeId: principal.actorId, scope: scope)
            tiles.append(Tile(label: t("caseload.tiles.tasks"), count: String(open), href: SiteRoute.myTasks.path, cssClass: "tile--tasks"))
        }
        if Policy.allows(principal, .readCasework) {
            let signals = try await services.duoStore.countNotifications(scope: scope, since: services.clock.now().addingTimeInterval(-7 * 86_400))
            tiles.append(Tile(label: t("caseload.tiles.duo"), count: String(signals), href: SiteRoute.duo.path, cssClass: "tile--duo"))
        }
        let canAssign = Policy.allows(principal, .assignCases)
        let assign: FieldView? = canAssign ? FieldView(
            .select, name: "naar", label: t("caseload.assignTo"), value: "",
            options: Choices.withEmpty(consulentOptions.filter { $0.0 != "mij" && $0.0 != "alle" }, t), errors: []) : nil
        let currentQuery = [base, context.form["na"].map { "na=\($0)" }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "&")
        let sortLinks = PersonStore.CaseloadSort.allCases.map { sort in
            SortLink(label: t("caseload.sorts.\(sort.rawValue)"), href: "/" + { $0.isEmpty ? "" : "?" + $0 }(query.queryString(sort: sort)), current: sort == query.sort)
        }
        return try services.views.render(
            "home", titleKey: "caseload.title",
            content: CaseloadView(
                rows: rows, hasRows: !rows.isEmpty, query: query.q ?? "", filters: filters, tiles: tiles,
                nextHref: page.next.map { withBase("na=\($0)") }, firstHref: context.form["na"] != nil ? (base.isEmpty ? "/" : "/?" + base) : nil,
                action: SiteRoute.home.path, registerHref: SiteRoute.registerPerson.path, canRegister: Policy.allows(principal, .registerPersons),
                showMunicipality: principal.municipalities.count > 1, sortLinks: sortLinks, canAssign: canAssign, assign: assign,
                assignAction: SiteRoute.teamAssign.path, currentURL: "/" + (currentQuery.isEmpty ? "" : "?" + currentQuery),
                assignError: context.form["toewijzen"] == "ongeldig"),
            context: context, current: SiteRoute.home.path)
    }
}
