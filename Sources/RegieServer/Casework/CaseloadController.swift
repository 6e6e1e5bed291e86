import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The home page: the caseload for staff who work with people, the figures for those who may
/// only see figures, the administration for the functioneel beheerder.
struct CaseloadController {
    let services: AppServices
    static let pageSize = 50
    /// The page sizes a case worker can choose.
    static let pageSizes = [25, 50, 100]

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.home.path), use: home)
    }

    struct Row {
        let id: String
        let href: String
        let name: String
        /// Compact (26-09-1990) so a row stays on one line; with the BSN's last three digits it
        /// tells namesakes apart.
        let birthDate: String
        let bsnEnd: String
        let phase: String
        let municipality: String
        let consulent: String
        let nextTerm: String
        let nextTermDue: String
        let nextTermRemaining: String
        let nextTermClass: String
        /// The next step (`NextStepRule`), its date and, when it is past, the days over.
        let nextStep: String
        /// The step's date and days over, left out when they are the next term's (shown beside it).
        let nextStepDue: String?
        let nextStepOver: String?
        let nextStepClass: String
        let lastContact: String
        /// Ticked for bulk assignment (kept when an assignment was refused).
        let checked: Bool
    }

    /// The caseload table's rows, as the template wrote them: every value escaped as the template
    /// engine escapes it (`HTMLEscaping`), the labels from the catalogue.
    static func rowsHTML(_ rows: [Row], canAssign: Bool, showMunicipality: Bool, showConsulent: Bool, _ t: Localizer) -> String {
        let e = HTMLEscaping()
        func x(_ text: String) -> String { e.escapeText(text) }
        let select = x(t("caseload.select")), birth = x(t("caseload.birthDate")), bsn = x(t("caseload.bsnEnd")), phase = x(t("caseload.phase"))
        let step = x(t("caseload.nextStep")), term = x(t("caseload.nextTerm")), municipality = x(t("caseload.municipality"))
        let consulent = x(t("caseload.consulent")), contact = x(t("caseload.lastContact"))
        var out = ""
        out.reserveCapacity(rows.count * 1_200)
        for r in rows {
            out += "\n    <tr>"
            if canAssign {
                let id = x(r.id)
                out += "<td class=\"caseload__select\"><input type=\"checkbox\" name=\"persoon\" value=\"\(id)\" id=\"kies-\(id)\"\(r.checked ? " checked" : "")>"
                out += "<label for=\"kies-\(id)\" class=\"visually-hidden\">\(select) \(x(r.name))</label></td>"
            }
            out += "<th scope=\"row\" class=\"caseload__name\"><a href=\"\(x(r.href))\">\(x(r.name))</a></th>"
            out += "<td data-label=\"\(birth)\" class=\"nowrap\">\(x(r.birthDate))</td><td data-label=\"\(bsn)\" class=\"nowrap\">\(x(r.bsnEnd))</td>"
            out += "<td data-label=\"\(phase)\" class=\"nowrap\">\(x(r.phase))</td>"
            out += "<td data-label=\"\(step)\" class=\"nowrap \(x(r.nextStepClass))\"><span>\(x(r.nextStep))"
            if let due = r.nextStepDue { out += " <span class=\"nowrap\">\(x(due))</span>" }
            if let over = r.nextStepOver { out += " <strong class=\"nowrap\">\(x(over))</strong>" }
            out += "</span></td>"
            out += "<td data-label=\"\(term)\" class=\"nowrap \(x(r.nextTermClass))\"><span>\(x(r.nextTerm)) <span class=\"nowrap\">\(x(r.nextTermDue))</span>"
            out += " <span class=\"term-status nowrap\">\(x(r.nextTermRemaining))</span></span></td>"
            if showMunicipality { out += "<td data-label=\"\(municipality)\">\(x(r.municipality))</td>" }
            if showConsulent { out += "<td data-label=\"\(consulent)\" class=\"nowrap\">\(x(r.consulent))</td>" }
            out += "<td data-label=\"\(contact)\" class=\"nowrap\">\(x(r.lastContact))</td></tr>"
        }
        return out
    }

    struct Tile: Encodable { let label: String; let count: String; let href: String; let cssClass: String }

    struct CaseloadView: Encodable {
        /// The table's rows as HTML (`rowsHTML`): the page's hottest loop, written without the
        /// template engine's name look-ups (issue 14 item 1).
        let rowsHTML: String
        let hasRows: Bool
        let query: String
        let filters: [FieldView]
        let tiles: [Tile]
        /// The case worker filter: a select, or the picker for a large team.
        let consulent: WorkerPickerView
        let nextHref: String?
        let firstHref: String?
        let action: String
        let registerHref: String
        let canRegister: Bool
        let showMunicipality: Bool
        /// Under "Mijn dossiers" every row is the user's own: the column would repeat their name.
        let showConsulent: Bool
        /// The filter bar opens by itself when a filter is set (else as the user left it).
        let filtersOpen: Bool
        let activeFilters: String?
        let sortLinks: [SortLink]
        let pageSizeLinks: [SortLink]
        /// The sort and page size a search keeps.
        let hidden: [Hidden]
        let canAssign: Bool
        let assign: WorkerPickerView?
        /// "Also the household": each ticked case's household members with an open case go with it.
        let household: FieldView?
        let assignAction: String
        let currentURL: String
        /// Why the last assignment did not happen (or which worker to choose), linking to the field.
        let assignError: Bool
        let assignMessage: String
        let assignField: String
    }
    struct SortLink: Encodable { let label: String; let href: String; let current: Bool }
    struct Hidden: Encodable { let name: String; let value: String }

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
        /// A case worker's name as a team lead typed it in the picker (resolved into `consulent`).
        var consulentName: String?
        var closed: Bool
        var sort: PersonStore.CaseloadSort
        var step: NextStepKind?
        var perPage: Int

        init(_ form: FormData) {
            q = form["q"]
            phase = form.choice("fase", TrajectFase.self)
            term = form.choice("termijn", PersonStore.TermFilter.self)
            groep = form.choice("groep", DoelgroepCategorie.self)
            route = form.choice("route", Leerroute.self)
            gemeente = form["gemeente"]
            consulent = form["consulent"]
            consulentName = form["consulentnaam"]
            closed = form["afgesloten"] == "ja"
            sort = form.choice("sort", PersonStore.CaseloadSort.self) ?? .termijn
            step = form.choice("stap", NextStepKind.self)
            perPage = form["per"].flatMap(Int.init).flatMap { CaseloadController.pageSizes.contains($0) ? $0 : nil } ?? CaseloadController.pageSize
        }

        /// How many of the folded filters are set (the search and the sort are outside the fold).
        var activeFilters: Int {
            [phase != nil, term != nil, groep != nil, route != nil, gemeente != nil, step != nil, closed,
             consulent.map { $0 != "mij" && $0 != "alle" } ?? false].filter { $0 }.count
        }

        /// The query string for these filters, without the cursor.
        func queryString(sort override: PersonStore.CaseloadSort? = nil, perPage perOverride: Int? = nil) -> String {
            var items: [URLQueryItem] = []
            if let q { items.append(.init(name: "q", value: q)) }
            if let phase { items.append(.init(name: "fase", value: phase.rawValue)) }
            if let term { items.append(.init(name: "termijn", value: term.rawValue)) }
            if let groep { items.append(.init(name: "groep", value: groep.rawValue)) }
            if let route { items.append(.init(name: "route", value: route.rawValue)) }
            if let gemeente { items.append(.init(name: "gemeente", value: gemeente)) }
            if let consulent { items.append(.init(name: "consulent", value: consulent)) }
            if let step { items.append(.init(name: "stap", value: step.rawValue)) }
            if closed { items.append(.init(name: "afgesloten", value: "ja")) }
            let chosenSort = override ?? sort
            if chosenSort != .termijn { items.append(.init(name: "sort", value: chosenSort.rawValue)) }
            let chosenSize = perOverride ?? perPage
            if chosenSize != CaseloadController.pageSize { items.append(.init(name: "per", value: String(chosenSize))) }
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
        var query = Query(context.form)
        // A team lead filters and assigns among their case workers: all of them in a select for a
        // small team, else a typed name the server resolves (`WorkerPicker`).
        let isLead = principal.roles.contains(.teamleider)
        let picker = WorkerPicker(users: services.users, principal: principal)
        let team = isLead ? try await picker.smallTeam() : []
        let filterPick = isLead ? try await pickFilterWorker(&query, picker: picker, team: team, t: t) : FilterPick()
        // A consulent starts with their own cases; a team lead with everyone's.
        let consulentChoice = query.consulent ?? (isConsulent ? "mij" : "alle")
        var filter = PersonStore.ListFilter(
            municipalityCode: query.gemeente.flatMap { code in principal.municipalities.contains { $0.code == code } ? code : nil } ?? principal.session?.municipalityCode,
            phase: query.phase, leerroute: query.route,
            doelgroepen: query.groep.map { groep in Doelgroep.allCases.filter { $0.categorie == groep } } ?? [],
            term: query.term, includeClosed: query.closed, search: query.q, sort: query.sort, nextStep: query.step)
        switch consulentChoice {
        case "mij": filter.consulentId = principal.actorId
        case "alle": break
        case "geen": filter.unassigned = true
        default: filter.consulentId = consulentChoice
        }
        let today = CalendarDate.today(now: services.clock.now())
        let page = try await services.persons.listPersons(scope: scope, filter: filter, after: context.form["na"], limit: query.perPage, today: today)
        let canAssign = Policy.allows(principal, .assignCases)
        let due = try await services.persons.countDue(scope: scope, filter: filter, today: today, unassigned: canAssign)

        let names = Dictionary(uniqueKeysWithValues: principal.municipalities.map { ($0.code, $0.name) })
        // The next term of each row comes from the law module's statutory clock.
        let ticked = Set(context.form.all("persoon"))
        let rows = page.rows.map { row in
            // The terms and the next step on the day the list is read, from the facts and the
            // recorded work stored with the case.
            let terms = row.lawFacts.map { StatutoryClock.terms(for: $0, on: today) } ?? []
            let next = TermText.next(terms)
            let step = row.lawFacts.flatMap { facts in row.progress.flatMap { NextStepRule.next(facts: facts, progress: $0, terms: terms) } }
            let stepDate = step?.due == next?.due ? nil : step?.due
            return Row(
                id: row.id, href: SiteRoute.person(row.id).path, name: row.detailsPending && row.familyName.isEmpty ? t("person.namePending") : "\(row.familyName), \(row.givenNames)",
                birthDate: row.dateOfBirth.map(DisplayDate.compact) ?? "—", bsnEnd: row.bsnEnd.map { "…" + $0 } ?? "—",
                phase: row.phase.map { t("phases.\($0.rawValue)") } ?? "—",
                municipality: names[row.municipalityCode] ?? row.municipalityCode, consulent: row.consulentName ?? t("caseload.unassigned"),
                nextTerm: next.map { t("caseload.termKinds.\($0.kind.rawValue)") } ?? t("caseload.noTerm"),
                nextTermDue: next.map { DisplayDate.compact($0.due) } ?? "",
                nextTermRemaining: next.map { Self.remaining($0, t) } ?? "",
                nextTermClass: next.map { "term--\($0.status.rawValue)" } ?? "",
                nextStep: step.map { t("nextSteps.\($0.kind.rawValue)") } ?? "—",
                nextStepDue: stepDate.map { t("caseload.stepBy", ["date": DisplayDate.compact($0)]) },
                nextStepOver: stepDate.flatMap { due in step?.status == .overdue ? t("caseload.daysLate", ["days": String(due.days(until: today))]) : nil },
                nextStepClass: step.map { "term--\($0.status.rawValue)" } ?? "",
                lastContact: row.lastContactDate.map(DisplayDate.compact) ?? "—", checked: ticked.contains(row.id))
        }
        if !page.rows.isEmpty {
            try await services.record(.caseloadView, context: context, permission: .readPersons,
                                      detail: "personen: " + page.rows.map(\.id).joined(separator: ","))
        }
        var consulentOptions: [(String, String)] = [("alle", t("caseload.consulentAll")), ("geen", t("caseload.unassigned"))]
        if isConsulent { consulentOptions.insert(("mij", t("caseload.consulentMine")), at: 0) }
        // A team lead works with their own team (all of the organisation's when they have none).
        let workerOptions = (team ?? filterPick.chosen.map { [$0] } ?? []).map { ($0.id, $0.name) }
        let base = query.queryString()
        let consulentFilter = filterView(
            FieldView(.select, name: "consulent", label: t("caseload.consulent"), value: consulentChoice, options: consulentOptions + workerOptions,
                      errors: filterPick.unknown.map { [AppError.FieldError(name: "consulent", message: $0)] } ?? []),
            pick: filterPick, picker: team == nil, query: query, t: t)
        let any = t("caseload.any")
        var filters: [FieldView] = [
            FieldView(.select, name: "termijn", label: t("caseload.termFilter"), value: query.term?.rawValue ?? "",
                      options: [("", any)] + PersonStore.TermFilter.allCases.map { ($0.rawValue, t("caseload.termFilters.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "fase", label: t("caseload.phase"), value: query.phase?.rawValue ?? "",
                      options: [("", any)] + TrajectFase.allCases.map { ($0.rawValue, t("phases.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "groep", label: t("caseload.doelgroep"), value: query.groep?.rawValue ?? "",
                      options: [("", any)] + DoelgroepCategorie.allCases.map { ($0.rawValue, t("categories.\($0.rawValue)")) }, errors: []),
            FieldView(.select, name: "route", label: t("caseload.leerroute"), value: query.route?.rawValue ?? "",
                      options: [("", any)] + Choices.routes(t), errors: []),
            FieldView(.select, name: "stap", label: t("caseload.nextStep"), value: query.step?.rawValue ?? "",
                      options: [("", any)] + NextStepKind.allCases.map { ($0.rawValue, t("nextSteps.\($0.rawValue)")) }, errors: []),
        ]
        if principal.municipalities.count > 1 && principal.session?.municipalityCode == nil {
            filters.append(FieldView(.select, name: "gemeente", label: t("caseload.municipality"), value: query.gemeente ?? "",
                                     options: [("", any)] + principal.municipalities.map { ($0.code, $0.name) }, errors: []))
        }
        filters.append(FieldView(.checkbox, name: "afgesloten", label: t("caseload.includeClosed"), value: query.closed ? "ja" : "", errors: []))
        let withBase = { (extra: String) in "/?" + [base, extra].filter { !$0.isEmpty }.joined(separator: "&") }
        let link = { (query: Query) in query.queryString().isEmpty ? "/" : "/?" + query.queryString() }
        // The tiles count the filters' workload without the search (`countDue`), and lead there.
        var overdueQuery = query
        overdueQuery.term = .overdue
        overdueQuery.q = nil
        var soonQuery = query
        soonQuery.term = .soon
        soonQuery.q = nil
        // Each count stops after `PersonStore.stripCap`: above it the tile says "10.000+".
        let dueCount = { (count: Int) in
            count > PersonStore.stripCap ? t("caseload.tiles.more", ["count": DisplayNumber.format(PersonStore.stripCap, l)]) : DisplayNumber.format(count, l)
        }
        var tiles = [
            Tile(label: t("caseload.tiles.overdue"), count: dueCount(due.overdue), href: link(overdueQuery), cssClass: "tile--overdue"),
            Tile(label: t("caseload.tiles.soon", ["days": String(PersonStore.soonDays)]), count: dueCount(due.soon), href: link(soonQuery), cssClass: "tile--soon"),
        ]
        if canAssign {
            // New signals nobody works on yet, oldest signal first.
            var nobody = Query(FormData())
            nobody.consulent = "geen"
            nobody.sort = .signaal
            tiles.append(Tile(label: t("caseload.tiles.unassigned"), count: dueCount(due.unassigned), href: link(nobody), cssClass: "tile--unassigned"))
        }
        if Policy.allows(principal, .editPersons) {
            let open = try await services.casework.countOpenTaken(assigneeId: principal.actorId, scope: scope)
            tiles.append(Tile(label: t("caseload.tiles.tasks"), count: String(open), href: SiteRoute.myTasks.path, cssClass: "tile--tasks"))
        }
        if Policy.allows(principal, .readCasework) {
            let signals = try await services.duoStore.countNotifications(scope: scope, since: services.clock.now().addingTimeInterval(-7 * 86_400))
            tiles.append(Tile(label: t("caseload.tiles.duo"), count: String(signals), href: SiteRoute.duo.path, cssClass: "tile--duo"))
        }
        let loads = try await canAssign && team != nil ? workerLoads(team ?? [], principal: principal, scope: scope, today: today, t: t) : [:]
        let assignState = try await canAssign ? assignView(team: team, loads: loads, picker: picker, form: context.form, t: t) : nil
        let currentQuery = [base, context.form["na"].map { "na=\($0)" }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "&")
        let sortLinks = PersonStore.CaseloadSort.allCases.map { sort in
            SortLink(label: t("caseload.sorts.\(sort.rawValue)"), href: "/" + { $0.isEmpty ? "" : "?" + $0 }(query.queryString(sort: sort)), current: sort == query.sort)
        }
        let pageSizeLinks = Self.pageSizes.map { size in
            SortLink(label: String(size), href: "/" + { $0.isEmpty ? "" : "?" + $0 }(query.queryString(perPage: size)), current: size == query.perPage)
        }
        return try services.views.render(
            "home", titleKey: "caseload.title",
            content: CaseloadView(
                rowsHTML: Self.rowsHTML(rows, canAssign: canAssign, showMunicipality: principal.municipalities.count > 1,
                                        showConsulent: consulentChoice != "mij", t),
                hasRows: !rows.isEmpty, query: query.q ?? "", filters: filters, tiles: tiles, consulent: consulentFilter,
                nextHref: page.next.map { withBase("na=\($0)") }, firstHref: context.form["na"] != nil ? (base.isEmpty ? "/" : "/?" + base) : nil,
                action: SiteRoute.home.path, registerHref: SiteRoute.registerPerson.path, canRegister: Policy.allows(principal, .registerPersons),
                showMunicipality: principal.municipalities.count > 1, showConsulent: consulentChoice != "mij",
                filtersOpen: query.activeFilters > 0 || filterPick.unknown != nil || filterPick.notFound != nil || !filterPick.matches.isEmpty,
                activeFilters: query.activeFilters == 0 ? nil : t("caseload.activeFilters", ["count": String(query.activeFilters)]),
                sortLinks: sortLinks, pageSizeLinks: pageSizeLinks,
                hidden: (query.sort == .termijn ? [] : [Hidden(name: "sort", value: query.sort.rawValue)])
                    + (query.perPage == Self.pageSize ? [] : [Hidden(name: "per", value: String(query.perPage))]),
                canAssign: canAssign, assign: assignState?.view,
                household: canAssign ? FieldView(.checkbox, name: "gezin", label: t("caseload.withHousehold"), hint: t("caseload.withHouseholdHint"),
                                                 value: context.form["gezin"] ?? "", errors: []) : nil,
                assignAction: SiteRoute.teamAssign.path, currentURL: "/" + (currentQuery.isEmpty ? "" : "?" + currentQuery),
                assignError: assignState?.message != nil, assignMessage: assignState?.message ?? "", assignField: assignState?.field ?? "naar"),
            context: context, current: SiteRoute.home.path,
            notice: context.form["toegewezen"].flatMap(Int.init).map { t("team.assigned", ["count": String($0)]) })
    }

    /// A term's days left or over, short enough to keep a row on one line ("nog 12 d", "3 d te laat").
    static func remaining(_ term: Term, _ t: Localizer) -> String {
        switch term.status {
        case .overdue: t("caseload.daysLate", ["days": String(-term.daysLeft)])
        case .open, .dueSoon: t("caseload.daysLeft", ["days": String(term.daysLeft)])
        case .met, .notApplicable: ""
        }
    }

    /// What a team lead's consulent filter chose: the worker shown in the select, the matches of a
    /// typed name, and why a typed name or an id was not used.
    struct FilterPick {
        var chosen: WorkerPicker.Worker?
        var typed = ""
        var matches: [WorkerPicker.Worker] = []
        var more = false
        var notFound: String?
        var unknown: String?
    }

    /// Resolves the filter's typed name (`consulentnaam`) into `query.consulent`, and checks an id
    /// given in the link (`?consulent=<id>`) is one of the lead's case workers; anyone else is
    /// refused with a message and the list shows everyone.
    private func pickFilterWorker(_ query: inout Query, picker: WorkerPicker, team: [WorkerPicker.Worker]?, t: Localizer) async throws -> FilterPick {
        var pick = FilterPick()
        if let typed = query.consulentName {
            pick.typed = typed
            switch try await picker.find(typed) {
            case .one(let worker): query.consulent = worker.id; pick.chosen = worker; pick.typed = ""
            case .several(let workers, let more): pick.matches = workers; pick.more = more
            case .none: pick.notFound = t("caseload.picker.none", ["query": typed])
            }
        }
        if pick.chosen == nil, let id = query.consulent, !["mij", "alle", "geen"].contains(id) {
            // A small team is on the page already; a large one is asked for this one worker.
            let found = if let team { team.first { $0.id == id } } else { try await picker.worker(id: id) }
            if let worker = found {
                pick.chosen = worker
            } else {
                query.consulent = nil
                pick.unknown = t("caseload.picker.unknown")
            }
        }
        return pick
    }

    /// The filter's select, and for a large team the text field with what the typed name found.
    private func filterView(_ select: FieldView, pick: FilterPick, picker: Bool, query: Query, t: Localizer) -> WorkerPickerView {
        let links = pick.matches.map { worker in
            var chosen = query
            chosen.consulent = worker.id
            return WorkerPickerView.Link(label: worker.name, href: "/?" + chosen.queryString())
        }
        // A small team's page has no name field, unless a link brought a name that found nobody or several.
        let search = picker || !pick.typed.isEmpty ? FieldView(
            .input("search"), name: "consulentnaam", label: t("caseload.picker.search"), hint: t("caseload.picker.searchHint"), value: pick.typed,
            errors: pick.notFound.map { [AppError.FieldError(name: "consulentnaam", message: $0)] } ?? []) : nil
        return WorkerPickerView(select: select, search: search, links: links,
                                linksMessage: links.isEmpty ? "" : t("caseload.picker.several", ["query": pick.typed]),
                                more: pick.more ? t("caseload.picker.more", ["count": String(WorkerPicker.matchLimit)]) : "")
    }

    /// The assignment target: the select (every worker of a small team), else "nobody" and a text
    /// field; after a typed name found several workers (`toewijzen=kies`) they are radio buttons in
    /// the form, after it found none (`onbekend`) the field keeps it with the message beside it.
    /// Each case worker of a small team with their open cases against the norm, for the assignment
    /// list ("Fatima el Amrani — 82 dossiers, 117% van de norm").
    private func workerLoads(_ team: [WorkerPicker.Worker], principal: Principal, scope: TenantScope, today: CalendarDate, t: Localizer) async throws -> [String: String] {
        let loads = try await services.persons.loadPerConsulent(scope: scope, today: today, consulentIds: team.map(\.id))
        var norms: [String: Int] = [:]
        for m in principal.municipalities { norms[m.code] = try await services.settings.fetch(m.code).caseloadNorm }
        let byWorker = Dictionary(grouping: loads, by: { $0.consulentId ?? "" })
        return Dictionary(uniqueKeysWithValues: team.map { worker in
            let (open, usage) = TeamController.load(byWorker[worker.id] ?? [], norms: norms)
            return (worker.id, t("caseload.workerLoad", ["name": worker.name, "open": String(open), "percent": String(Int((usage * 100).rounded()))]))
        })
    }

    private func assignView(team: [WorkerPicker.Worker]?, loads: [String: String], picker: WorkerPicker, form: FormData, t: Localizer) async throws
        -> (view: WorkerPickerView, message: String?, field: String) {
        let state = form["toewijzen"]
        let refused = state == "ongeldig" ? t("caseload.assignError") : nil
        let targets = [("geen", t("caseload.unassigned"))] + (team ?? []).map { ($0.id, loads[$0.id] ?? $0.name) }
        let select = FieldView(.select, name: "naar", label: t("caseload.assignTo"), value: "", options: Choices.withEmpty(targets, t), errors: [])
        guard team == nil else { return (WorkerPickerView(select: select), refused, "naar") }
        var typed = ""
        var choices: FieldView?
        var moreText = ""
        var notFound: String?
        if let name = form["naarnaam"], state == "kies" || state == "onbekend" {
            // One match here means the workers changed since the name was typed: it is offered to tick.
            let found = try await picker.find(name)
            var matches: [WorkerPicker.Worker] = []
            switch found {
            case .one(let worker): matches = [worker]
            case .several(let workers, let more):
                matches = workers
                moreText = more ? t("caseload.picker.more", ["count": String(WorkerPicker.matchLimit)]) : ""
            case .none:
                typed = name
                notFound = t("caseload.picker.none", ["query": name])
            }
            if !matches.isEmpty {
                choices = FieldView(.radios, name: "naar", id: "naar-keuze", label: t("caseload.picker.several", ["query": name]),
                                    options: matches.map { ($0.id, $0.name) }, errors: [])
            }
        }
        let search = FieldView(.input("search"), name: "naarnaam", label: t("caseload.picker.assignSearch"), hint: t("caseload.picker.searchHint"),
                               value: typed, errors: notFound.map { [AppError.FieldError(name: "naarnaam", message: $0)] } ?? [])
        let view = WorkerPickerView(select: select, search: search, choices: choices, more: moreText)
        if let notFound { return (view, notFound, "naarnaam") }
        if let choices { return (view, choices.label, "naar-keuze") }
        return (view, refused, "naar")
    }
}
