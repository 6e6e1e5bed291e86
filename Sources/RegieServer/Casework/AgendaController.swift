import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The agenda on a case (issue 15): appointments planned ahead — warm handover, intake conversation,
/// LBT, PIP meeting, progress meeting — their outcome after the time, and the invitation letter.
/// The week views are in `AgendaController+Week.swift`, the calendar feed in `AgendaFeed.swift`.
struct AgendaController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.afsprakenPattern), use: show)
        router.post(RouterPath(SiteRoute.afsprakenPattern), use: plan)
        router.get(RouterPath(SiteRoute.afspraakPattern), use: showOne)
        router.post(RouterPath(SiteRoute.afspraakActionPattern), use: act)
        router.get(RouterPath(SiteRoute.afspraakLetterPattern), use: letter)
        router.get(RouterPath(SiteRoute.myAgenda.path), use: mine)
        router.get(RouterPath(SiteRoute.teamAgenda.path), use: team)
        router.post(RouterPath(SiteRoute.agendaFeedCreate.path), use: createFeed)
        router.post(RouterPath(SiteRoute.agendaFeedRevoke.path), use: revokeFeed)
    }

    static let defaultDuration = 60

    // MARK: The case's appointments

    struct Row: Encodable { let href: String; let when: String; let kind: String; let place: String; let status: String; let statusClass: String }
    struct ListView: Encodable {
        let name: String
        let backHref: String
        let rows: [Row]
        let hasRows: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let proposal: String?
        let proposalHref: String?
        let closed: Bool
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.casework.createOutcomeTasks(now: services.clock.now())
        try await services.record(.caseworkAfspraakView, context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, input: context.form, errors: [], context: context, status: .ok, fresh: true)
    }

    func plan(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let saved: AfspraakRecord
        do {
            var r = InputReader()
            let f = context.form
            let input = AfspraakInput(kind: r.choice("kind", f["kind"], as: AfspraakSoort.self), date: r.date("date", f["date"]), time: f["time"],
                                      duration: r.integer("duration", f["duration"], range: 5...480), place: f["place"], videoLink: f["videoLink"],
                                      interpreter: f["interpreter"], attendees: f["attendees"])
            saved = try await services.run(PlanAfspraak(file: loaded.file, input: input, read: r.issues), on: loaded, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status, fresh: false)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.afspraak(loaded.person.id, saved.id).path + "?melding=gepland"])
    }

    /// The date the PIP's cadence gives for the next progress meeting (R5b), if there is a PIP.
    func proposedProgressDate(_ loaded: CaseLoader.Loaded) async throws -> CalendarDate? {
        let settings = try await services.settings.fetch(loaded.person.municipalityCode)
        return VoortgangRule.voorgesteldeDatum(for: loaded.traject.lawFacts(person: loaded.person), cadans: settings.law.voortgang, vandaag: loader.today)
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                        status: HTTPResponse.Status, fresh: Bool) async throws -> Response {
        let t = services.localizer(context)
        let person = loaded.person
        let list = try await services.casework.listAfspraken(personId: person.id, scope: loaded.scope)
        let rows = list.map { a in
            Row(href: SiteRoute.afspraak(person.id, a.id).path, when: Self.when(a, t), kind: t("agenda.kinds.\(a.kind.rawValue)"),
                place: Self.place(a, t), status: t("agenda.statuses.\(a.status.rawValue)"), statusClass: "afspraak--\(a.status.rawValue)")
        }
        let proposal = try await proposedProgressDate(loaded)
        let value = { (name: String) in input.raw(name) ?? "" }
        // A fresh form proposes: the kind asked for (`?kind=`), for a progress meeting the cadence's
        // date, an hour, and the interpreter the person needs.
        let kind = value("kind")
        var date = value("date")
        if fresh, date.isEmpty, kind == AfspraakSoort.voortgangsgesprek.rawValue, let proposal { date = proposal.iso }
        let interpreter = fresh && input.raw("interpreter") == nil && person.interpreterNeeded ? (person.interpreterLanguage ?? person.language) : value("interpreter")
        let fields = [
            FieldView(.select, name: "kind", label: t("agenda.kind"), value: kind,
                      options: Choices.withEmpty(AfspraakSoort.allCases.map { ($0.rawValue, t("agenda.kinds.\($0.rawValue)")) }, t), required: true, errors: errors),
            FieldView(.input("date"), name: "date", label: t("agenda.date"), value: date, required: true, errors: errors),
            FieldView(.input("time"), name: "time", label: t("agenda.time"), hint: t("agenda.timeHint"), value: value("time"), required: true, errors: errors),
            FieldView(.input("number"), name: "duration", label: t("agenda.duration"), hint: t("agenda.durationHint"),
                      value: fresh && input.raw("duration") == nil ? String(Self.defaultDuration) : value("duration"), required: true, errors: errors,
                      extra: "min=\"5\" max=\"480\" step=\"5\" inputmode=\"numeric\""),
            FieldView(.input("text"), name: "place", label: t("agenda.place"), hint: t("agenda.placeHint"), value: value("place"), errors: errors),
            FieldView(.input("url"), name: "videoLink", label: t("agenda.videoLink"), hint: t("agenda.videoLinkHint"), value: value("videoLink"), errors: errors),
            FieldView(.input("text"), name: "interpreter", label: t("agenda.interpreter"), hint: t("agenda.interpreterHint"), value: interpreter, errors: errors),
            FieldView(.textarea, name: "attendees", label: t("agenda.attendees"), hint: t("agenda.attendeesHint"), value: value("attendees"), errors: errors),
        ]
        let name = person.displayName(t)
        return try services.views.render(
            "afspraken", titleKey: "agenda.caseTitle", titleArguments: ["name": name],
            content: ListView(name: name, backHref: SiteRoute.person(person.id).path, rows: rows, hasRows: !rows.isEmpty, summary: ErrorSummary(errors),
                              fields: fields, action: SiteRoute.afspraken(person.id).path,
                              proposal: proposal.map { t("agenda.proposal", ["date": DisplayDate.format($0, context.locale)]) },
                              proposalHref: proposal.map { _ in SiteRoute.afspraken(person.id).path + "?kind=voortgangsgesprek#plannen" },
                              closed: loaded.traject.closedDate != nil),
            context: context, status: status)
    }

    /// "do 10 december 2026, 09:30–10:30".
    static func when(_ a: AfspraakRecord, _ t: Localizer) -> String {
        t("agenda.when", ["day": t("agenda.weekdaysShort.\(a.startsAt.date.isoWeekday)"), "date": DisplayDate.format(a.startsAt.date, t.locale),
                          "start": a.startsAt.time, "end": a.endsAt.time])
    }

    static func place(_ a: AfspraakRecord, _ t: Localizer) -> String {
        [a.place, a.videoLink.map { _ in t("agenda.video") }].compactMap { $0 }.joined(separator: " · ")
    }

    // MARK: One appointment

    struct Detail: Encodable { let label: String; let value: String }
    struct OneView: Encodable {
        let name: String
        let heading: String
        let backHref: String
        let listHref: String
        let details: [Detail]
        let videoLink: String?
        let status: String
        let statusClass: String
        let isPlanned: Bool
        let hasStarted: Bool
        let letterHref: String
        /// Where "Markeer als verzonden" posts (a consulent keeps the invitation as it was sent).
        let sendAction: String?
        let afspraakId: String
        let movedHref: String?
        let summary: ErrorSummary
        let outcomeAction: String
        let noShowAction: String
        let cancelAction: String
        let moveAction: String
        let cancelFields: [FieldView]
        let moveFields: [FieldView]
    }

    func showOne(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        let afspraak = try await find(loaded, context)
        try await services.record(.caseworkAfspraakView, context: context, permission: .readCasework, person: loaded.person, detail: afspraak.id)
        let t = services.localizer(context)
        let notice = FormNotice.text(context, prefix: "agenda.notices", keys: ["gepland", "verplaatst", "nietVerschenen", "geannuleerd", "verzonden"], t)
        return try renderOne(loaded, afspraak, input: FormData(), errors: [], context: context, notice: notice, status: .ok)
    }

    func find(_ loaded: CaseLoader.Loaded, _ context: RegieRequestContext) async throws -> AfspraakRecord {
        guard let afspraak = try await services.casework.fetchAfspraak(personId: loaded.person.id, id: try context.parameters.require("afspraak"),
                                                                      scope: loaded.scope) else { throw AppError.notFound }
        return afspraak
    }

    private func renderOne(_ loaded: CaseLoader.Loaded, _ a: AfspraakRecord, input: FormData, failed: Action? = nil, errors: [AppError.FieldError],
                           context: RegieRequestContext, notice: String?, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let person = loaded.person
        let id = person.id
        var details = [Detail(label: t("agenda.whenLabel"), value: Self.when(a, t)),
                       Detail(label: t("agenda.kind"), value: t("agenda.kinds.\(a.kind.rawValue)"))]
        if let place = a.place { details.append(Detail(label: t("agenda.place"), value: place)) }
        if let interpreter = a.interpreterLanguage { details.append(Detail(label: t("agenda.interpreter"), value: interpreter)) }
        if !a.attendees.isEmpty { details.append(Detail(label: t("agenda.attendees"), value: a.attendees)) }
        if let reason = a.outcomeReason { details.append(Detail(label: t("agenda.reason"), value: reason)) }
        let value = { (name: String) in input.raw(name) ?? "" }
        let name = person.displayName(t)
        let action = { (what: String) in SiteRoute.afspraakAction(id, a.id, what).path }
        // The cancel form's reason is `cancelReason` and the move form's fields are `move-…`, so the
        // summary links to the field of the form that failed.
        let cancelErrors = failed == .cancel ? errors.map { AppError.FieldError(name: $0.name == "reason" ? "cancelReason" : $0.name, message: $0.message) } : []
        let summary = failed == .move ? errors.map { AppError.FieldError(name: "move-" + $0.name, message: $0.message) } : failed == .cancel ? cancelErrors : errors
        return try services.views.render(
            "afspraak", titleKey: "agenda.oneTitle", titleArguments: ["kind": t("agenda.kinds.\(a.kind.rawValue)"), "name": name],
            content: OneView(
                name: name, heading: t("agenda.kinds.\(a.kind.rawValue)"), backHref: SiteRoute.person(id).path, listHref: SiteRoute.afspraken(id).path,
                details: details, videoLink: a.videoLink, status: t("agenda.statuses.\(a.status.rawValue)"), statusClass: "afspraak--\(a.status.rawValue)",
                isPlanned: a.status == .gepland, hasStarted: a.startsAt <= LocalDateTime.at(services.clock.now()),
                letterHref: SiteRoute.afspraakLetter(id, a.id).path,
                sendAction: Policy.allows(loaded.principal, .editPersons) ? SiteRoute.sentLetters(id).path : nil, afspraakId: a.id, movedHref: a.movedToId.map { SiteRoute.afspraak(id, $0).path },
                summary: ErrorSummary(summary), outcomeAction: action(Action.held.rawValue), noShowAction: action(Action.noShow.rawValue),
                cancelAction: action(Action.cancel.rawValue), moveAction: action(Action.move.rawValue),
                cancelFields: [FieldView(.input("text"), name: "cancelReason", label: t("agenda.cancelReason"), value: value("cancelReason"), required: true,
                                         errors: cancelErrors)],
                moveFields: [
                    FieldView(.input("date"), name: "date", id: "move-date", label: t("agenda.newDate"), value: value("date"), required: true,
                              errors: failed == .move ? errors : []),
                    FieldView(.input("time"), name: "time", id: "move-time", label: t("agenda.newTime"), value: value("time"), required: true,
                              errors: failed == .move ? errors : []),
                    FieldView(.input("text"), name: "reason", id: "move-reason", label: t("agenda.moveReason"), value: value("reason"),
                              errors: failed == .move ? errors : []),
                ]),
            context: context, notice: notice, status: status)
    }

    /// What can be done to a planned appointment (the last segment of its path).
    enum Action: String, CaseIterable {
        case held = "gehouden"
        case noShow = "niet-verschenen"
        case cancel = "annuleren"
        case move = "verplaatsen"
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        guard let action = Action(rawValue: try context.parameters.require("action")) else { throw AppError.notFound }
        let afspraak = try await find(loaded, context)
        let id = loaded.person.id
        let f = context.form
        do {
            switch action {
            case .move:
                var r = InputReader()
                let moved = try await services.run(MoveAfspraak(file: loaded.file, afspraakId: afspraak.id, date: r.date("date", f["date"]), time: f["time"],
                                                                reason: f["reason"], read: r.issues), on: loaded, context: context)
                return Response(status: .seeOther, headers: [.location: SiteRoute.afspraak(id, moved.id).path + "?melding=verplaatst"])
            case .cancel:
                // The cancel form names its field `cancelReason` so the move form's reason keeps apart.
                _ = try await services.run(CloseAfspraak(file: loaded.file, afspraakId: afspraak.id, outcome: .geannuleerd, reason: f["cancelReason"]),
                                           on: loaded, context: context)
                return Response(status: .seeOther, headers: [.location: SiteRoute.afspraak(id, afspraak.id).path + "?melding=geannuleerd"])
            case .noShow:
                _ = try await services.run(CloseAfspraak(file: loaded.file, afspraakId: afspraak.id, outcome: .nietVerschenen, reason: nil), on: loaded, context: context)
                return Response(status: .seeOther, headers: [.location: SiteRoute.afspraak(id, afspraak.id).path + "?melding=nietVerschenen"])
            case .held:
                let held = try await services.run(CloseAfspraak(file: loaded.file, afspraakId: afspraak.id, outcome: .gehouden, reason: nil), on: loaded, context: context)
                return Response(status: .seeOther, headers: [.location: Self.recordForm(held)])
            }
        } catch let invalid as FormErrors {
            return try renderOne(loaded, afspraak, input: f, failed: action, errors: invalid.fields, context: context, notice: nil, status: invalid.status)
        }
    }

    /// Where a held appointment is recorded, with its date filled in: the form of its kind.
    static func recordForm(_ a: AfspraakRecord) -> String {
        let id = a.personId, day = a.startsAt.date.iso
        switch a.kind {
        case .intakegesprek: return SiteRoute.intake(id).path + "?date=\(day)&melding=afspraak#nieuw-gesprek"
        case .lbt: return SiteRoute.lbt(id).path + "?testDate=\(day)&melding=afspraak#lbt-form"
        case .voortgangsgesprek: return SiteRoute.progress(id).path + "?heldDate=\(day)&melding=afspraak#form-gesprek"
        case .pipGesprek: return SiteRoute.pip(id).path
        case .warmeOverdracht: return SiteRoute.handover(id).path + "?meetingHeld=\(day)"
        }
    }
}
