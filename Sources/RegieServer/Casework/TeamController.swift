import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The team lead's view: load per case worker against the caseload norm, overdue terms per case
/// worker, unassigned cases, and (re)assigning cases in bulk from the caseload (ui.md "Team lead").
struct TeamController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.team.path), use: show)
        router.post(RouterPath(SiteRoute.teamAssign.path), use: assign)
    }

    struct Row { let name: String; let href: String; let open: Int; let overdue: Int; let hasOverdue: Bool; let soon: Int; let norm: Int; let percent: Int; let over: Bool; let load: String }
    struct TeamView { let rows: [Row]; let unassigned: Int; let unassignedHref: String; let norm: Int; let normMunicipality: String }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.assignCases)
        let t = services.catalogue
        let l = context.locale
        let scope = Policy.scope(for: principal)
        let today = CalendarDate.today(now: services.clock.now())
        let loads = try await services.persons.loadPerConsulent(scope: scope, today: today)
        let workers = try await services.users.listCaseWorkers(organisationId: principal.organisationId, teamId: principal.user?.teamId)
        // The norm of the municipality in view, else of the organisation's first municipality.
        let code = principal.session?.municipalityCode ?? principal.municipalities.first?.code ?? ""
        let norm = try await services.settings.fetch(code).caseloadNorm
        let byId = Dictionary(loads.compactMap { load in load.consulentId.map { ($0, load) } }, uniquingKeysWith: { a, _ in a })
        let rows = workers.map { worker -> Row in
            let load = byId[worker.id]
            let open = load?.open ?? 0
            return Row(name: worker.name, href: "/?consulent=\(worker.id)", open: open, overdue: load?.overdue ?? 0, hasOverdue: (load?.overdue ?? 0) > 0, soon: load?.soon ?? 0, norm: norm,
                       percent: norm > 0 ? min(100, open * 100 / norm) / 5 * 5 : 0, over: open > norm,
                       load: t.text("team.load", l, ["open": String(open), "norm": String(norm)]))
        }
        try await services.record("team.view", context: context, permission: .assignCases)
        return try services.views.render(
            "team", titleKey: "team.title",
            content: TeamView(rows: rows, unassigned: loads.first { $0.consulentId == nil }?.open ?? 0, unassignedHref: "/?consulent=geen", norm: norm,
                              normMunicipality: principal.municipalities.first { $0.code == code }?.name ?? code),
            context: context, current: SiteRoute.team.path,
            notice: context.form["toegewezen"].map { t.text("team.assigned", l, ["count": $0]) })
    }

    /// Assigns the ticked cases of the caseload to one case worker (or to nobody).
    func assign(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.assignCases)
        let ids = context.form.all("persoon").filter { !$0.isEmpty }
        let target = context.form["naar"] ?? ""
        let workers = try await services.users.listCaseWorkers(organisationId: principal.organisationId)
        let back = LocalPath.safe(context.form["terug"], or: SiteRoute.home.path)
        guard !ids.isEmpty, target == "geen" || workers.contains(where: { $0.id == target }) else {
            let separator = back.contains("?") ? "&" : "?"
            // Back to the list with the ticked cases still ticked, so nothing chosen is lost.
            let ticked = ids.prefix(200).map { "&persoon=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined()
            return Response(status: .seeOther, headers: [.location: back + separator + "toewijzen=ongeldig" + ticked])
        }
        let worker = workers.first { $0.id == target }
        let name = worker?.name ?? services.catalogue.text("caseload.unassigned", context.locale)
        let event = services.auditEvent("team.assign", context: context, permission: .assignCases,
                                        detail: "naar: \(worker?.id ?? "niemand"); personen: " + ids.joined(separator: ","))
        let count = try await services.casework.assign(personIds: ids, to: worker?.id, consulentName: name, scope: Policy.scope(for: principal),
                                                       actor: CaseLoader.actor(principal), audit: event, now: services.clock.now())
        return Response(status: .seeOther, headers: [.location: SiteRoute.team.path + "?toegewezen=\(count)"])
    }
}
