import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The consulent's day and week ("Mijn agenda") and the team lead's view of the team's weeks.
/// `?week=2026-W50` picks a week, `?datum=2026-12-10` one day; both lead to the previous and next.
extension AgendaController {
    struct Item: Encodable {
        let time: String
        let kind: String
        let name: String
        let href: String
        let place: String?
        let interpreter: String?
        let status: String
        let statusClass: String
        let isPlanned: Bool
        /// Planned and over: its outcome is still to be recorded.
        let needsOutcome: Bool
    }
    struct Day: Encodable { let heading: String; let isToday: Bool; let items: [Item]; let hasItems: Bool }
    struct Group: Encodable { let name: String?; let days: [Day]; let count: String }
    struct WeekView: Encodable {
        let heading: String
        let range: String
        let prevHref: String
        let nextHref: String
        let currentHref: String
        let prevLabel: String
        let nextLabel: String
        let currentLabel: String
        let otherHref: String
        let otherLabel: String
        let groups: [Group]
        let isTeam: Bool
        let feedHref: String
    }

    /// The days asked for: one day (`datum`) or a week (`week`, else the current one).
    struct Span {
        let first: CalendarDate
        let days: Int
        let week: ISOWeek?
    }

    func span(_ context: RegieRequestContext) -> Span {
        if let day = context.form.date("datum") { return Span(first: day, days: 1, week: nil) }
        let week = context.form["week"].flatMap(ISOWeek.init(text:)) ?? Self.workingWeek(loader.today)
        return Span(first: week.monday, days: 7, week: week)
    }

    /// The week a consulent means by "this week": the current one, and on a Saturday or Sunday the
    /// one about to start (the week that ends today is over).
    static func workingWeek(_ today: CalendarDate) -> ISOWeek {
        ISOWeek(containing: today.isoWeekday >= 6 ? today.adding(days: 8 - today.isoWeekday) : today)
    }

    /// The principal's scope, within the municipality chosen in the header (as the team page counts).
    static func chosenScope(_ principal: Principal) -> TenantScope {
        let full = Policy.scope(for: principal)
        guard let code = principal.session?.municipalityCode, principal.municipalities.contains(where: { $0.code == code }) else { return full }
        return full.narrowed(toMunicipality: code)
    }

    func mine(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        try await services.casework.createOutcomeTasks(now: services.clock.now())
        let span = span(context)
        let entries = try await services.casework.listAgenda(ownerIds: [principal.actorId], from: span.first, until: span.first.adding(days: span.days),
                                                             scope: Policy.scope(for: principal))
        try await recordView(entries, context: context, permission: .editPersons)
        return try renderWeek(span, groups: [(nil, entries)], path: SiteRoute.myAgenda.path, isTeam: false, context: context)
    }

    func team(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.assignCases)
        try await services.casework.createOutcomeTasks(now: services.clock.now())
        let span = span(context)
        let workers = try await services.users.listCaseWorkers(organisationId: principal.organisationId, teamId: principal.user?.teamId)
        let entries = try await services.casework.listAgenda(ownerIds: workers.map(\.id), from: span.first, until: span.first.adding(days: span.days),
                                                             scope: Self.chosenScope(principal))
        try await recordView(entries, context: context, permission: .assignCases)
        let byOwner = Dictionary(grouping: entries, by: { $0.afspraak.ownerId ?? "" })
        return try renderWeek(span, groups: workers.map { ($0.name, byOwner[$0.id] ?? []) }, path: SiteRoute.teamAgenda.path, isTeam: true, context: context)
    }

    /// An agenda shows names: the read is audited with the persons it showed.
    private func recordView(_ entries: [AgendaEntry], context: RegieRequestContext, permission: Permission) async throws {
        guard !entries.isEmpty else { return }
        try await services.record(.agendaView, context: context, permission: permission,
                                  detail: "personen: " + Set(entries.map(\.afspraak.personId)).sorted().joined(separator: ","))
    }

    private func renderWeek(_ span: Span, groups: [(String?, [AgendaEntry])], path: String, isTeam: Bool, context: RegieRequestContext) throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let today = loader.today
        let now = LocalDateTime.at(services.clock.now())
        let dayLabel = { (d: CalendarDate) in "\(t("agenda.weekdays.\(d.isoWeekday)")) \(DisplayDate.format(d, l))" }
        let views = groups.map { name, entries -> Group in
            let byDay = Dictionary(grouping: entries, by: { $0.afspraak.startsAt.date })
            let days = (0..<span.days).map { span.first.adding(days: $0) }
                // The weekend shows only when something is planned in it.
                .filter { span.days == 1 || $0.isoWeekday <= 5 || byDay[$0] != nil }
                .map { day in
                    let items = (byDay[day] ?? []).map { e in
                        let a = e.afspraak
                        return Item(time: "\(a.startsAt.time)–\(a.endsAt.time)", kind: t("agenda.kinds.\(a.kind.rawValue)"),
                                    name: "\(e.familyName), \(e.givenNames)", href: SiteRoute.afspraak(a.personId, a.id).path, place: Self.place(a, t).nonEmpty,
                                    interpreter: a.interpreterLanguage.map { t("agenda.withInterpreter", ["language": $0]) },
                                    status: t("agenda.statuses.\(a.status.rawValue)"), statusClass: "afspraak--\(a.status.rawValue)", isPlanned: a.status == .gepland,
                                    needsOutcome: a.status == .gepland && a.endsAt <= now)
                    }
                    return Day(heading: dayLabel(day), isToday: day == today, items: items, hasItems: !items.isEmpty)
                }
            return Group(name: name, days: days, count: t("agenda.count", ["count": String(entries.count)]))
        }
        let view: WeekView
        if let week = span.week {
            let last = week.monday.adding(days: 6)
            view = WeekView(
                heading: t("agenda.weekHeading", ["title": t(isTeam ? "agenda.teamTitle" : "agenda.title"), "week": String(week.week)]),
                range: "\(DisplayDate.format(week.monday, l)) – \(DisplayDate.format(last, l))",
                prevHref: path + "?week=" + week.previous.text, nextHref: path + "?week=" + week.next.text, currentHref: path,
                prevLabel: t("agenda.prevWeek"), nextLabel: t("agenda.nextWeek"), currentLabel: t("agenda.thisWeek"),
                otherHref: path + "?datum=" + (today >= week.monday && today <= last ? today : week.monday).iso, otherLabel: t("agenda.dayView"),
                groups: views, isTeam: isTeam, feedHref: SiteRoute.account.path + "#agenda-feed")
        } else {
            let day = span.first
            view = WeekView(
                heading: t("agenda.dayHeading", ["title": t(isTeam ? "agenda.teamTitle" : "agenda.title"), "day": dayLabel(day)]), range: "",
                prevHref: path + "?datum=" + day.adding(days: -1).iso, nextHref: path + "?datum=" + day.adding(days: 1).iso, currentHref: path + "?datum=" + today.iso,
                prevLabel: t("agenda.prevDay"), nextLabel: t("agenda.nextDay"), currentLabel: t("agenda.today"),
                otherHref: path + "?week=" + ISOWeek(containing: day).text, otherLabel: t("agenda.weekView"),
                groups: views, isTeam: isTeam, feedHref: SiteRoute.account.path + "#agenda-feed")
        }
        return try services.views.render("agenda", titleKey: isTeam ? "agenda.teamTitle" : "agenda.title", content: view, context: context, current: path)
    }
}
