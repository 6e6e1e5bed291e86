import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The team lead's view: load per case worker against the caseload norm, overdue terms per case
/// worker, unassigned cases, and (re)assigning cases in bulk from the caseload (ui.md "Team lead").
struct TeamController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.team.path), use: show)
        router.post(RouterPath(SiteRoute.teamAssign.path), use: assign)
    }

    struct Row: Encodable { let name: String; let href: String; let open: Int; let overdue: Int; let hasOverdue: Bool; let soon: Int; let percent: Int; let over: Bool; let load: String; let parts: String }
    struct TeamView: Encodable { let rows: [Row]; let unassigned: Int; let unassignedHref: String; let scopeText: String; let norms: String }

    /// Each case counts against the norm of its own municipality: a case worker's load is the sum of
    /// their open cases over each municipality's norm (1.0 = exactly at the norm). With one
    /// municipality chosen in the header only its cases and its norm count.
    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.assignCases)
        let t = services.localizer(context)
        let l = context.locale
        let full = Policy.scope(for: principal)
        let chosen = principal.session?.municipalityCode.flatMap { code in principal.municipalities.first { $0.code == code } }
        let municipalities = chosen.map { [$0] } ?? principal.municipalities
        let scope = chosen.map { full.narrowed(toMunicipality: $0.code) } ?? full
        let today = CalendarDate.today(now: services.clock.now())
        let loads = try await services.persons.loadPerConsulent(scope: scope, today: today)
        let workers = try await services.users.listCaseWorkers(organisationId: principal.organisationId, teamId: principal.user?.teamId)
        var norms: [String: Int] = [:]
        for m in municipalities { norms[m.code] = try await services.settings.fetch(m.code).caseloadNorm }
        let name = { (code: String) in municipalities.first { $0.code == code }?.name ?? code }
        let byWorker = Dictionary(grouping: loads.filter { $0.consulentId != nil }, by: { $0.consulentId! })
        let rows = workers.map { worker -> Row in
            let parts = (byWorker[worker.id] ?? []).sorted { name($0.municipalityCode) < name($1.municipalityCode) }
            let (open, usage) = Self.load(parts, norms: norms)
            let percent = Int((usage * 100).rounded())
            return Row(name: worker.name, href: "/?consulent=\(worker.id)", open: open, overdue: parts.reduce(0) { $0 + $1.overdue },
                       hasOverdue: parts.contains { $0.overdue > 0 }, soon: parts.reduce(0) { $0 + $1.soon },
                       percent: min(100, percent) / 5 * 5, over: usage > 1,
                       load: t("team.load", ["open": String(open), "percent": String(percent)]),
                       parts: parts.count > 1 || chosen == nil
                           ? parts.map { t("team.part", ["municipality": name($0.municipalityCode), "open": String($0.open), "norm": String(norms[$0.municipalityCode] ?? 0)]) }.joined(separator: " · ")
                           : "")
        }
        try await services.record(.teamView, context: context, permission: .assignCases)
        let scopeText = chosen.map { t("team.scopeOne", ["municipality": $0.name]) } ?? t("team.scopeAll", ["count": String(municipalities.count)])
        return try services.views.render(
            "team", titleKey: "team.title",
            content: TeamView(rows: rows, unassigned: loads.filter { $0.consulentId == nil }.reduce(0) { $0 + $1.open }, unassignedHref: "/?consulent=geen",
                              scopeText: scopeText,
                              norms: municipalities.map { t("team.norm", ["municipality": $0.name, "norm": String(norms[$0.code] ?? 0)]) }.joined(separator: ", ")),
            context: context, current: SiteRoute.team.path,
            notice: context.form["toegewezen"].map { t("team.assigned", ["count": $0]) })
    }

    /// A case worker's open cases and their load: each case counts against the norm of its own
    /// municipality (1.0 = exactly at the norm).
    static func load(_ parts: [PersonStore.Load], norms: [String: Int]) -> (open: Int, usage: Double) {
        (parts.reduce(0) { $0 + $1.open },
         parts.reduce(0.0) { sum, part in sum + Double(part.open) / Double(max(norms[part.municipalityCode] ?? 1, 1)) })
    }

    /// Assigns the ticked cases of the caseload to one case worker (or to nobody). The worker is
    /// chosen in the select (or among the picker's matches), or typed by name (`naarnaam`, which
    /// wins when filled in): a name that fits several workers or none goes back to the list with
    /// the ticks and the name kept, to choose among the matches or correct it.
    func assign(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.assignCases)
        let ids = context.form.all("persoon").filter { !$0.isEmpty }
        var target = context.form.all("naar").first { !$0.isEmpty } ?? ""
        let back = LocalPath.safe(context.form["terug"], or: SiteRoute.home.path)
        // Back to the list with the ticked cases still ticked, so nothing chosen is lost.
        func backToList(_ state: String, typed: String? = nil) -> Response {
            let separator = back.contains("?") ? "&" : "?"
            let name = typed.map { "&naarnaam=" + QueryValue.encode($0) } ?? ""
            let ticked = ids.prefix(200).map { "&persoon=" + QueryValue.encode($0) }.joined()
            return Response(status: .seeOther, headers: [.location: back + separator + "toewijzen=" + state + name + ticked])
        }
        if let typed = context.form["naarnaam"] {
            switch try await WorkerPicker(users: services.users, principal: principal).find(typed) {
            case .one(let worker): target = worker.id
            case .several: return backToList("kies", typed: typed)
            case .none: return backToList("onbekend", typed: typed)
            }
        }
        let command = AssignCases(caseIds: ids, consulentId: target == "geen" ? nil : target, organisationId: principal.organisationId,
                                  teamId: principal.user?.teamId, nobody: services.catalogue.text("caseload.unassigned", context.locale),
                                  withHousehold: context.form["gezin"] == "ja")
        do {
            let count = try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .assignCases, context: context)
            // Back to the list the cases were chosen from, which says how many were assigned.
            return Response(status: .seeOther, headers: [.location: back + (back.contains("?") ? "&" : "?") + "toegewezen=\(count)"])
        } catch is FormErrors {
            return backToList("ongeldig")
        }
    }
}
