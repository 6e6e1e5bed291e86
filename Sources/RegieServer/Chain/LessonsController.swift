import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The attendance register as the provider's teacher keeps it (issue 18 item 4): `/aanbieder/lessen`
/// opens a lesson for a group (an offer, or one start moment of it); the lesson's page shows the
/// code for participants' phones and a sign-in form for the classroom screen, lists who confirmed,
/// lets the teacher strike a confirmation with a reason, cancel the lesson, or confirm the list,
/// after which the hours reach the cases. Only the people referred to the provider with a running
/// consent are on a list; every read and change is audited for the municipality.
struct LessonsController {
    let services: AppServices
    /// Checks a participant's own login on the classroom screen.
    let participants: ParticipantController

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.partnerLessons.path), use: list)
        router.post(RouterPath(SiteRoute.partnerLessons.path), use: open)
        router.get(RouterPath(SiteRoute.partnerLessonPattern), use: show)
        router.post(RouterPath(SiteRoute.partnerLessonActionPattern), use: act)
    }

    func partner(_ context: RegieRequestContext) throws -> (Principal, PartnerUser) {
        try PartnerController(services: services).partner(context)
    }

    struct Row: Encodable {
        let href: String
        let date: String
        let time: String
        let offer: String
        let hours: String
        let status: String
        let present: String
    }

    struct ListView: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let fields: [FieldView]
        let canOpen: Bool
        let action: String
        let summary: ErrorSummary
    }

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (_, partner) = try partner(context)
        return try await renderList(partner, input: FormData(), errors: [], context: context, status: .ok)
    }

    private func renderList(_ partner: PartnerUser, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                            status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let today = CalendarDate.today(now: services.clock.now())
        let lessons = try await services.providers.lessons(providerId: partner.providerId, from: today.adding(days: -56))
        let rows = lessons.map { s in
            Row(href: SiteRoute.partnerLesson(s.lesson.id).path, date: DisplayDate.format(s.lesson.date, l), time: s.lesson.startsAt, offer: s.offerName,
                hours: String(s.lesson.hours), status: t("lessons.statuses.\(s.lesson.status.rawValue)"),
                present: s.lesson.status == .cancelled ? "—" : String(s.present))
        }
        let groups = try await services.providers.lessonGroups(providerId: partner.providerId)
        var options: [(String, String)] = [("", t("common.choose"))]
        for group in groups {
            options.append((group.offer.id, t("lessons.wholeOffer", ["offer": group.offer.name])))
            for start in group.starts {
                options.append(("\(group.offer.id)/\(start.id)", t("lessons.startGroup", ["offer": group.offer.name, "date": DisplayDate.format(start.startsOn, l)])))
            }
        }
        func value(_ name: String, _ fallback: String) -> String { input.raw(name) ?? fallback }
        let fields = [
            FieldView(.select, name: "offer", label: t("lessons.offer"), value: value("offer", ""), options: options, required: true, errors: errors),
            FieldView(.input("date"), name: "date", label: t("lessons.date"), value: value("date", today.iso), required: true, errors: errors),
            FieldView(.input("time"), name: "startsAt", label: t("lessons.startsAt"), value: value("startsAt", "09:00"), required: true, errors: errors),
            FieldView(.input("number"), name: "hours", label: t("lessons.hours"), hint: t("lessons.hoursHint"), value: value("hours", "3"), required: true,
                      errors: errors, extra: "min=\"1\" max=\"8\" inputmode=\"numeric\""),
            FieldView(.select, name: "soort", label: t("lessons.soort"), value: value("soort", UrenSoort.cursus.rawValue),
                      options: UrenSoort.allCases.map { ($0.rawValue, t("progress.kinds.\($0.rawValue)")) }, required: true, errors: errors),
        ]
        try await services.record(.partnerLessonsView, context: context, permission: .readPersons, detail: "\(lessons.count) lessen")
        return try services.views.render(
            "partner-lessons", titleKey: "lessons.title",
            content: ListView(rows: rows, hasRows: !rows.isEmpty, fields: fields, canOpen: !groups.isEmpty, action: SiteRoute.partnerLessons.path,
                              summary: ErrorSummary(errors)),
            context: context, current: SiteRoute.partnerLessons.path, status: status)
    }

    func open(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner) = try partner(context)
        let input = context.form
        var r = InputReader()
        let group = r.text(input["offer"])?.split(separator: "/").map(String.init) ?? []
        let command = OpenLesson(providerId: partner.providerId, offerId: group.first, startId: group.count > 1 ? group[1] : nil,
                                 date: r.date("date", input["date"]), startsAt: r.text(input["startsAt"]),
                                 hours: r.integer("hours", input["hours"], range: OpenLesson.hoursRange),
                                 soort: r.choice("soort", input["soort"], as: UrenSoort.self), read: r.issues)
        do {
            let lesson = try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .readPersons, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.partnerLesson(lesson.id).path + "?melding=geopend"])
        } catch let invalid as FormErrors {
            return try await renderList(partner, input: input, errors: invalid.fields, context: context, status: invalid.status)
        }
    }

    // MARK: One lesson

    struct ParticipantRow: Encodable {
        let personId: String
        let name: String
        let state: String
        let confirmed: Bool
        let strikeAction: String
        let reasonField: FieldView
    }

    struct LessonView: Encodable {
        let backHref: String
        let heading: String
        let facts: [ProvidersController.Fact]
        let status: String
        let isOpen: Bool
        let isConfirmed: Bool
        let code: String
        let codeHint: String
        let participants: [ParticipantRow]
        let hasParticipants: Bool
        let confirmedCount: String
        let classroomAction: String
        let classroomFields: [FieldView]
        let confirmAction: String
        let cancelAction: String
        let cancelField: FieldView
        let summary: ErrorSummary
    }

    func load(_ context: RegieRequestContext) async throws -> (Principal, PartnerUser, LessonSummary) {
        let (principal, partner) = try partner(context)
        guard let lesson = try await services.providers.lesson(id: try context.parameters.require("lesson"), providerId: partner.providerId) else {
            throw AppError.notFound
        }
        return (principal, partner, lesson)
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, _, lesson) = try await load(context)
        try await services.record(.partnerLessonView, context: context, permission: .readPersons, detail: "les \(lesson.lesson.id)")
        return try await render(principal, lesson, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    private func render(_ principal: Principal, _ summary: LessonSummary, input: FormData, failed: String?, errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let lesson = summary.lesson
        let participants = try await services.providers.participants(of: lesson, scope: Policy.scope(for: principal))
        func errorsFor(_ form: String) -> [AppError.FieldError] { failed == form ? errors : [] }
        let rows = participants.map { p in
            let state: String
            if let present = p.present {
                state = present ? t("lessons.present", ["hours": String(lesson.hours)]) : t("lessons.absent")
            } else if let reason = p.struckReason {
                state = t("lessons.struck", ["reason": reason])
            } else if let channel = p.channel, let at = p.confirmedAt {
                state = t("lessons.confirmedVia.\(channel.rawValue)", ["time": DisplayDate.time(Date(timeIntervalSince1970: TimeInterval(at)))])
            } else {
                state = t("lessons.notConfirmed")
            }
            let key = "strike-\(p.personId)"
            return ParticipantRow(personId: p.personId, name: "\(p.givenNames) \(p.familyName)", state: state, confirmed: p.confirmed && lesson.status == .open,
                                  strikeAction: SiteRoute.partnerLessonAction(lesson.id, "doorhalen").path,
                                  reasonField: FieldView(.input("text"), name: "reason", id: "reason-\(p.personId)", label: t("lessons.strikeReason"),
                                                         value: failed == key ? input.raw("reason") ?? "" : "", required: true, errors: errorsFor(key)))
        }
        let confirmed = participants.filter(\.confirmed).count
        let facts = [
            ProvidersController.Fact(label: t("lessons.date"), value: DisplayDate.format(lesson.date, l)),
            ProvidersController.Fact(label: t("lessons.startsAt"), value: lesson.startsAt),
            ProvidersController.Fact(label: t("lessons.hours"), value: String(lesson.hours)),
            ProvidersController.Fact(label: t("lessons.soort"), value: t("progress.kinds.\(lesson.soort.rawValue)")),
        ] + (lesson.cancelledReason.map { [ProvidersController.Fact(label: t("lessons.cancelReason"), value: $0)] } ?? [])
        let summaryErrors = failed.map { $0.hasPrefix("strike-") ? ErrorSummary(errors, idSuffix: "-" + $0.dropFirst("strike-".count)) : ErrorSummary(errors) }
        return try services.views.render(
            "partner-lesson", titleKey: "lessons.lessonTitle", titleArguments: ["offer": summary.offerName, "date": DisplayDate.format(lesson.date, l)],
            content: LessonView(
                backHref: SiteRoute.partnerLessons.path, heading: summary.offerName, facts: facts, status: t("lessons.statuses.\(lesson.status.rawValue)"),
                isOpen: lesson.status == .open, isConfirmed: lesson.status == .confirmed, code: lesson.code.prefix(3) + " " + lesson.code.dropFirst(3),
                codeHint: t("lessons.codeHint", ["path": SiteRoute.participantHome.path]), participants: rows, hasParticipants: !rows.isEmpty,
                confirmedCount: t("lessons.confirmedCount", ["confirmed": String(confirmed), "total": String(rows.count)]),
                classroomAction: SiteRoute.partnerLessonAction(lesson.id, "aanwezig").path,
                classroomFields: [
                    FieldView(.input("text"), name: "login", label: t("participant.login"), value: "", required: true, errors: errorsFor("classroom"),
                              extra: "autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\""),
                    FieldView(.input("password"), name: "password", label: t("participant.password"), value: "", required: true, errors: errorsFor("classroom"),
                              extra: "autocomplete=\"off\""),
                ],
                confirmAction: SiteRoute.partnerLessonAction(lesson.id, "bevestigen").path,
                cancelAction: SiteRoute.partnerLessonAction(lesson.id, "vervallen").path,
                cancelField: FieldView(.input("text"), name: "reason", id: "reason-cancel", label: t("lessons.cancelReason"),
                                       value: failed == "cancel" ? input.raw("reason") ?? "" : "", required: true, errors: errorsFor("cancel")),
                summary: summaryErrors ?? ErrorSummary([])),
            context: context, current: SiteRoute.partnerLessons.path,
            notice: FormNotice.text(context, prefix: "lessons.saved", keys: ["geopend", "aanwezig", "doorgehaald", "bevestigd", "vervallen"], t),
            status: status)
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner, summary) = try await load(context)
        let lesson = summary.lesson
        let input = context.form
        let scope = Policy.scope(for: principal)
        let action = try context.parameters.require("action")
        let back = SiteRoute.partnerLesson(lesson.id).path
        func fail(_ form: String, _ error: FormErrors) async throws -> Response {
            try await render(principal, summary, input: input, failed: form, errors: error.fields, context: context, status: error.status)
        }
        switch action {
        case "aanwezig":
            // The classroom screen: the participant signs in with their own login for this one confirmation.
            switch try await participants.verify(login: input["login"], password: input.raw("password"), context: context) {
            case .refused(let message, let status):
                return try await fail("classroom", FormErrors([.init(name: "login", message: message)], status: status))
            case .verified(let account, let municipality):
                // The confirmation is the participant's own act: audited as theirs, within their own file.
                let participant = Principal.newcomer(personId: account.personId, municipality: municipality)
                var signedIn = context
                signedIn.principal = participant
                do {
                    try await services.run(ConfirmPresence(lessonId: lesson.id, personId: account.personId, channel: .classroom),
                                           principal: participant, scope: Policy.scope(for: participant), permission: .readPersons, context: signedIn)
                } catch let invalid as FormErrors {
                    return try await fail("classroom", invalid)
                }
                return Response(status: .seeOther, headers: [.location: back + "?melding=aanwezig"])
            }
        case "doorhalen":
            let personId = input["persoon"] ?? ""
            guard let person = try await services.persons.fetchCase(personId: personId, scope: scope)?.person else { throw AppError.notFound }
            do {
                try await services.run(StrikePresence(providerId: partner.providerId, lesson: lesson, person: person, reason: input["reason"]),
                                       principal: principal, scope: scope, permission: .readPersons, context: context)
            } catch let invalid as FormErrors {
                return try await fail("strike-\(personId)", invalid)
            }
            return Response(status: .seeOther, headers: [.location: back + "?melding=doorgehaald"])
        case "bevestigen":
            let settings = try await services.settings.fetch(partner.municipalities.first?.code ?? "")
            let absence = settings.law.aanwezigheid
            let title = services.catalogue.text("lessons.signalTask", .nl, ["n": String(absence.afwezigLessen), "weeks": String(absence.periodeWeken),
                                                                            "provider": summary.providerName])
            do {
                _ = try await services.run(ConfirmLesson(providerId: partner.providerId, lesson: lesson, absence: absence, signalTitle: title),
                                           principal: principal, scope: scope, permission: .readPersons, context: context)
            } catch let invalid as FormErrors {
                return try await fail("confirm", invalid)
            }
            return Response(status: .seeOther, headers: [.location: back + "?melding=bevestigd"])
        case "vervallen":
            do {
                try await services.run(CancelLesson(providerId: partner.providerId, lesson: lesson, reason: input["reason"]),
                                       principal: principal, scope: scope, permission: .readPersons, context: context)
            } catch let invalid as FormErrors {
                return try await fail("cancel", invalid)
            }
            return Response(status: .seeOther, headers: [.location: back + "?melding=vervallen"])
        default:
            throw AppError.notFound
        }
    }
}
