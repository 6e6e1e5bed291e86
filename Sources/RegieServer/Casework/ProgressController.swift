import DUO
import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// After the PIP: the start of the route (R12), progress meetings (R5b), hours against the norms
/// (R7), the MAP final interview and PVT signing (R7d).
struct ProgressController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.progressPattern), use: show)
        router.post(RouterPath(SiteRoute.progressStartPattern), use: startRoute)
        router.post(RouterPath(SiteRoute.progressMeetingPattern), use: addMeeting)
        router.post(RouterPath(SiteRoute.progressHoursPattern), use: addHours)
        router.post(RouterPath(SiteRoute.progressHoursCorrectPattern), use: correctHours)
        router.post(RouterPath(SiteRoute.progressResultPattern), use: addResult)
    }

    static let outcomes = MeetingOutcome.allCases.map(\.rawValue)
    static let resultKinds = RouteResultKind.allCases.map(\.rawValue)

    struct Form: Encodable {
        let id: String
        let action: String
        let summary: ErrorSummary
        let fields: [FieldView]
        let submit: String
        /// The record this form corrects (`?corrigeer=`), posted with it.
        var correcting: String? = nil
    }
    struct ExamRow: Encodable { let date: String; let text: String; let withdrawn: String?; let withdraw: WithdrawView? }
    struct Meter: Encodable { let label: String; let value: Int; let max: Int; let hasNorm: Bool; let text: String; let met: Bool }
    struct MeetingRow: Encodable { let date: String; let outcome: String; let note: String?; let noShow: Bool; let withdraw: WithdrawView? }
    struct HoursRow: Encodable {
        let date: String; let kind: String; let hours: String; let provider: String
        /// Withdrawn: who, when and why (the row stays in the history, struck through).
        let withdrawn: String?
        /// The correction form of a row that still counts, for a case worker who may edit.
        let correction: Form?
        /// The correction form was sent and refused: it opens with the errors.
        let open: Bool
    }

    struct ProgressView: Encodable {
        let name: String
        let backHref: String
        let route: String
        let routeStart: String
        let hasPIP: Bool
        let meters: [Meter]
        let results: [String]
        let hasResults: Bool
        let meetings: [MeetingRow]
        let hasMeetings: Bool
        /// Meetings withdrawn with a reason (issue 15 item 3).
        let withdrawn: [WithdrawnRow]
        let hasWithdrawn: Bool
        let nextMeeting: String?
        /// The providers' progress reports (issue 18 item 6), newest first.
        let reports: [PartnerController.ReportRow]
        let hasReports: Bool
        /// Exam results the providers reported (issue 18 item 5), newest first; DUO's own are on the DUO page.
        let exams: [ExamRow]
        let hasExams: Bool
        let hours: [HoursRow]
        let hasHours: Bool
        let forms: [Form]
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkProgressView, context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, failed: nil, input: FormData(), errors: [], context: context, status: .ok, correct: CorrectionForm.requested(context))
    }

    /// `failed`: the form whose values come from `input` (with `errors`); `correct`: a meeting to
    /// correct, whose values fill the meeting form.
    private func render(_ loaded: CaseLoader.Loaded, failed: String?, input: FormData, errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status, correct: String? = nil) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        let traject = loaded.traject
        let meetings = try await services.casework.listVoortgangsgesprekken(personId: person.id, scope: loaded.scope)
        let hours = try await services.casework.listUren(personId: person.id, scope: loaded.scope)
        let results = try await services.casework.listResultaten(personId: person.id, scope: loaded.scope)
        let settings = try await services.settings.fetch(person.municipalityCode)
        let reports = try await services.casework.listProgressReports(personId: person.id, scope: loaded.scope)
        let exams = try await services.casework.listExamResults(personId: person.id, scope: loaded.scope)
        // The next meeting starts from the newest report made since the last meeting: its advice as the outcome, its levels as the note.
        let lastMeeting = meetings.map(\.heldDate).max()
        let prefill = reports.first.flatMap { report in lastMeeting.map { report.reportedOn.iso > $0 } ?? true ? report : nil }
        let prefillNote = prefill.map { r in
            t("progress.fromReport", ["provider": r.providerName, "date": DisplayDate.format(r.reportedOn, l), "levels": PartnerController.levelsText(r.levels, t),
                                      "advice": t("reports.advices.\(r.advice.rawValue)")]) + (r.note.isEmpty ? "" : "\n" + r.note)
        }
        let registraties = hours.compactMap(\.registratie)
        let date = { (kind: String) in results.first { $0.kind == kind }?.resultDate }
        let afronding = RouteAfronding(mapEindgesprek: date("mapEindgesprek"), pvtOndertekend: date("pvtOndertekend"), zRouteAfgerond: date("zRouteAfgerond"))
        func meter(_ key: String, _ value: Int, _ norm: Int) -> Meter {
            Meter(label: t("progress.meters.\(key)"), value: min(value, norm), max: norm, hasNorm: true,
                  text: t("progress.meterText", ["hours": String(value), "norm": String(norm)]), met: value >= norm)
        }
        var meters: [Meter] = []
        let route = traject.leerroute
        let categorie = person.doelgroep.categorie
        if route == .z {
            let z = UrenRules.zRouteVoortgang(registraties, categorie: categorie, settings: settings.law)
            meters.append(meter("zCursus", z.cursusuren, z.cursusNorm))
            if let norm = z.participatieNorm { meters.append(meter("zParticipatie", z.participatieuren, norm)) }
        } else {
            meters.append(Meter(label: t("progress.meters.cursus"), value: 0, max: 0, hasNorm: false,
                                text: t("progress.hoursOnly", ["hours": String(UrenRules.routeCursusuren(registraties))]), met: false))
        }
        if route != .onderwijs {
            let map = UrenRules.mapVoortgang(registraties, afronding: afronding)
            meters.append(meter("map", map.uren, map.minimum))
        }
        let pvt = UrenRules.pvtVoortgang(registraties, afronding: afronding)
        meters.append(meter("pvt", pvt.uren, pvt.minimum))
        let today = loader.today
        let next = StatutoryClock.terms(for: traject.lawFacts(person: person), settings: settings.law, on: today).first { $0.kind == .voortgangsgesprek }
        let value = { (name: String) in input.raw(name) ?? "" }
        let errorsFor = { (form: String) in failed == form ? errors : [] }
        let canEdit = Policy.allows(loaded.principal, .editPersons)
        var failed = failed, input = input
        if failed == nil, canEdit, correct != nil {
            CorrectionForm.prefill(&input, requested: correct, in: meetings, id: \.id) { m in
                [("heldDate", m.heldDate), ("outcome", m.outcome), ("noShow", m.noShow ? "ja" : ""), ("meetingNote", m.note)]
            }
            if input["correcting"] != nil { failed = "gesprek" }
        }
        let withdrawnMeetings = try await services.casework.listWithdrawn(.voortgangsgesprek, personId: person.id, scope: loaded.scope).map { WithdrawnRow($0, t) }
        // Hours above the plausible maximum come back with a box to confirm them.
        let implausible = errors.contains { ($0.name == "hours" || $0.name.hasPrefix("uren-")) && $0.message.hasPrefix(t("progress.implausiblePrefix")) }
        let confirmation = { (form: String) -> [FieldView] in
            failed == form && implausible ? [FieldView(.checkbox, name: "bevestigd", id: "bevestigd-\(form)", label: t("progress.confirmHours"), value: "", errors: [])] : []
        }
        let forms = [
            Form(id: "start", action: SiteRoute.progressStart(person.id).path, summary: ErrorSummary(errorsFor("start")), fields: [
                FieldView(.input("date"), name: "startDate", label: t("progress.startDate"), hint: t("progress.startDateHint"),
                          value: failed == "start" ? value("startDate") : (traject.routeStartDate?.iso ?? ""), required: true, errors: errorsFor("start")),
                FieldView(.input("text"), name: "instellingsnummer", label: t("progress.instellingsnummer"), hint: t("progress.instellingsnummerHint"),
                          value: failed == "start" ? value("instellingsnummer") : "", errors: errorsFor("start"), extra: "autocomplete=\"off\""),
                FieldView(.input("date"), name: "expectedEndDate", label: t("progress.expectedEndDate"), value: failed == "start" ? value("expectedEndDate") : "",
                          errors: errorsFor("start")),
                FieldView(.select, name: "literacy", label: t("progress.literacy"), value: failed == "start" ? value("literacy") : "NVT",
                          options: Alfabetiseringsonderwijs.allCases.map { ($0.rawValue, t("progress.literacyOptions.\($0.rawValue)")) }, errors: errorsFor("start")),
            ], submit: t("progress.saveStart")),
            Form(id: "gesprek", action: SiteRoute.progressMeeting(person.id).path, summary: ErrorSummary(errorsFor("gesprek")),
                 fields: (failed == "gesprek" ? CorrectionForm.fields(input, t, errors: errors) : []) + [
                FieldView(.input("date"), name: "heldDate", label: t("progress.heldDate"), value: failed == "gesprek" ? value("heldDate") : (context.form.date("heldDate")?.iso ?? today.iso), required: true, errors: errorsFor("gesprek")),
                FieldView(.select, name: "outcome", label: t("progress.outcome"),
                          hint: prefill.map { t("progress.prefilled", ["provider": $0.providerName, "date": DisplayDate.format($0.reportedOn, l)]) },
                          value: failed == "gesprek" ? value("outcome") : prefill.map { ReportProgress.meetingOutcome($0.advice).rawValue } ?? "",
                          options: Choices.withEmpty(Self.outcomes.map { ($0, t("progress.outcomes.\($0)")) }, t), required: true, errors: errorsFor("gesprek")),
                FieldView(.checkbox, name: "noShow", label: t("progress.noShow"), value: failed == "gesprek" ? value("noShow") : "", errors: errorsFor("gesprek")),
                FieldView(.textarea, name: "meetingNote", label: t("progress.note"), hint: t("intake.noteHint"),
                          value: failed == "gesprek" ? value("meetingNote") : prefillNote ?? "", errors: errorsFor("gesprek")),
            ], submit: failed == "gesprek" && input["correcting"] != nil ? t("progress.saveMeetingCorrection") : t("progress.saveMeeting"),
                 correcting: failed == "gesprek" ? input["correcting"] : nil),
            // One period, every kind at once (the hours grid): each kind's hours and its provider,
            // chosen from the municipality's list when it keeps one.
            Form(id: "uren", action: SiteRoute.progressHours(person.id).path, summary: ErrorSummary(errorsFor("uren")), fields: [
                FieldView(.input("date"), name: "periodEnd", label: t("progress.periodEnd"), hint: t("progress.periodEndHint"), value: failed == "uren" ? value("periodEnd") : today.iso, required: true, errors: errorsFor("uren")),
            ] + UrenSoort.allCases.flatMap { soort -> [FieldView] in
                let hours = RecordHoursGrid.hoursField(soort), provider = RecordHoursGrid.providerField(soort)
                let kind = t("progress.kinds.\(soort.rawValue)")
                return [
                    FieldView(.input("number"), name: hours, label: t("progress.hoursOf", ["kind": kind]), value: failed == "uren" ? value(hours) : "",
                              errors: errorsFor("uren"), extra: "min=\"1\" max=\"2000\""),
                    settings.providers.isEmpty
                        ? FieldView(.input("text"), name: provider, label: t("progress.providerOf", ["kind": kind]), value: failed == "uren" ? value(provider) : "", errors: errorsFor("uren"))
                        : FieldView(.select, name: provider, label: t("progress.providerOf", ["kind": kind]), value: failed == "uren" ? value(provider) : "",
                                    options: Choices.withEmpty(settings.providers.map { ($0, $0) }, t), errors: errorsFor("uren")),
                ]
            } + [
                FieldView(.checkbox, name: "duringIntake", label: t("progress.duringIntake"), hint: t("progress.duringIntakeHint"), value: failed == "uren" ? value("duringIntake") : "", errors: errorsFor("uren")),
            ] + confirmation("uren"), submit: t("progress.saveHours")),
            Form(id: "resultaat", action: SiteRoute.progressResult(person.id).path, summary: ErrorSummary(errorsFor("resultaat")), fields: [
                FieldView(.select, name: "kind", label: t("progress.resultKind"), value: failed == "resultaat" ? value("kind") : "",
                          options: Choices.withEmpty(Self.resultKinds.map { ($0, t("progress.results.\($0)")) }, t), required: true, errors: errorsFor("resultaat")),
                FieldView(.input("date"), name: "resultDate", label: t("progress.resultDate"), value: failed == "resultaat" ? value("resultDate") : today.iso, required: true, errors: errorsFor("resultaat")),
            ], submit: t("progress.saveResult")),
        ]
        return try services.views.render(
            "progress", titleKey: "progress.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: ProgressView(
                name: person.displayName(services.localizer(context)), backHref: SiteRoute.person(person.id).path,
                route: route.map { t("routes.\($0.rawValue)") } ?? t("progress.noRoute"),
                routeStart: traject.routeStartDate.map { DisplayDate.format($0, l) } ?? t("progress.notStarted"),
                hasPIP: traject.pipDate != nil, meters: meters,
                results: results.map { t("progress.results.\($0.kind)") + ": " + DisplayDate.format($0.resultDate, l) }, hasResults: !results.isEmpty,
                meetings: meetings.reversed().map { MeetingRow(date: DisplayDate.format($0.heldDate, l), outcome: $0.noShow ? t("progress.noShow") : t("progress.outcomes.\($0.outcome)"), note: $0.note.nonEmpty, noShow: $0.noShow,
                                                               withdraw: canEdit ? WithdrawView(.voortgangsgesprek, personId: person.id, recordId: $0.id, form: context.form,
                                                                                                  correctAnchor: "form-gesprek") : nil) },
                hasMeetings: !meetings.isEmpty, withdrawn: withdrawnMeetings, hasWithdrawn: !withdrawnMeetings.isEmpty,
                nextMeeting: next.map { t("progress.nextMeeting", ["date": DisplayDate.format($0.due.iso, l), "remaining": TermText.remaining($0, t)]) },
                reports: reports.map { PartnerController.ReportRow(date: DisplayDate.format($0.reportedOn, l), levels: "\($0.providerName): " + PartnerController.levelsText($0.levels, t),
                                                                  advice: t("reports.advices.\($0.advice.rawValue)"), note: $0.note) },
                hasReports: !reports.isEmpty,
                exams: exams.map { e in
                    ExamRow(date: DisplayDate.format(e.examDate, l),
                            text: "\(t("exams.onderdelen.\(e.onderdeel.rawValue)")) \(e.niveau.rawValue): \(t(e.passed ? "exams.yes" : "exams.no")) (\(e.providerName))",
                            withdrawn: e.withdrawnReason.map { t("exams.withdrawn", ["reason": $0]) },
                            withdraw: canEdit && e.withdrawnReason == nil
                                ? WithdrawView(.examenuitslag, personId: person.id, recordId: e.id, form: context.form) : nil)
                },
                hasExams: !exams.isEmpty,
                hours: hours.reversed().map { row in
                    let form = "correct-\(row.id)"
                    return HoursRow(
                        date: DisplayDate.format(row.periodEnd, l), kind: t("progress.kinds.\(row.soort)"), hours: String(row.hours), provider: row.provider,
                        withdrawn: row.withdrawnAt.map { at in
                            t(row.replacedBy == nil ? "progress.withdrawnNote" : "progress.correctedNote",
                              ["date": DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(at))), "reason": row.withdrawnReason ?? ""])
                        },
                        correction: row.isWithdrawn || !canEdit ? nil : Form(
                            id: form, action: SiteRoute.progressHoursCorrect(person.id, row.id).path, summary: ErrorSummary(errorsFor(form), idSuffix: "-\(row.id)"), fields: [
                                FieldView(.input("number"), name: "hours", id: "hours-\(row.id)", label: t("progress.correctHours"),
                                          hint: t("progress.correctHoursHint"), value: failed == form ? value("hours") : String(row.hours), errors: errorsFor(form),
                                          extra: "min=\"1\" max=\"2000\""),
                                FieldView(.input("text"), name: "reason", id: "reason-\(row.id)", label: t("progress.correctionReason"),
                                          value: failed == form ? value("reason") : "", required: true, errors: errorsFor(form)),
                            ] + confirmation(form), submit: t("progress.saveCorrection")),
                        open: failed == form)
                },
                hasHours: !hours.isEmpty, forms: forms),
            context: context, notice: FormNotice.text(context, prefix: "progress.saved", keys: ["start", "gesprek", "uren", "resultaat", "correctie", "ingetrokken", "gecorrigeerd", "afspraak"], t), status: status)
    }


    private func done(_ loaded: CaseLoader.Loaded, _ key: String) -> Response {
        Response(status: .seeOther, headers: [.location: SiteRoute.progress(loaded.person.id).path + "?melding=\(key)"])
    }

    /// Runs one of the progress actions for the web: on invalid input the page again with the
    /// errors beside the form that failed, else back to the page with a notice.
    private func web(_ context: RegieRequestContext, form: String, _ action: (CaseLoader.Loaded) async throws -> Void) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            try await action(loaded)
        } catch let invalid as FormErrors {
            return try await render(loaded, failed: form, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return done(loaded, form == "gesprek" && context.form["correcting"] != nil ? "gecorrigeerd" : form)
    }

    func startRoute(_ request: Request, context: RegieRequestContext) async throws -> Response {
        try await web(context, form: "start") { _ = try await recordStart($0, context.form, context: context) }
    }

    func addMeeting(_ request: Request, context: RegieRequestContext) async throws -> Response {
        try await web(context, form: "gesprek") { _ = try await recordMeeting($0, context.form, context: context) }
    }

    func addHours(_ request: Request, context: RegieRequestContext) async throws -> Response {
        try await web(context, form: "uren") { try await recordHours($0, context.form, context: context) }
    }

    /// Corrects (`actie=corrigeren`) or withdraws (`actie=intrekken`) one row of hours, with a reason.
    func correctHours(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let id = try context.parameters.require("uren")
        let input = context.form
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            var r = InputReader()
            let withdraw = input["actie"] == "intrekken"
            let command = CorrectHours(file: loaded.file, hoursId: id, hours: withdraw ? nil : r.integer("hours", input["hours"], range: RecordHours.hoursRange),
                                       withdraw: withdraw, reason: input["reason"], confirmed: r.flag(input["bevestigd"]), read: r.issues)
            _ = try await services.run(command, on: loaded, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, failed: "correct-\(id)", input: input, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.progress(loaded.person.id).path + "?melding=correctie#uren"])
    }

    func addResult(_ request: Request, context: RegieRequestContext) async throws -> Response {
        try await web(context, form: "resultaat") { _ = try await recordResult($0, context.form, context: context) }
    }

    /// The start of the learning route from the form (R12); throws `FormErrors`.
    func recordStart(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> CalendarDate {
        var r = InputReader()
        let command = StartRoute(file: loaded.file, startDate: r.date("startDate", input["startDate"]), instellingsnummer: input["instellingsnummer"],
                                 expectedEndDate: r.date("expectedEndDate", input["expectedEndDate"]),
                                 literacy: r.choice("literacy", input["literacy"], as: Alfabetiseringsonderwijs.self), read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }

    /// A progress meeting from the form (R5b); throws `FormErrors`.
    func recordMeeting(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> VoortgangsgesprekRecord {
        var r = InputReader()
        var command = RecordProgressMeeting(file: loaded.file, heldDate: r.date("heldDate", input["heldDate"]),
                                            outcome: r.choice("outcome", input["outcome"], as: MeetingOutcome.self), noShow: r.flag(input["noShow"]),
                                            note: input["meetingNote"], read: r.issues)
        command.correcting = CorrectionForm.read(input)
        return try await services.run(command, on: loaded, context: context)
    }

    /// Hours followed, from the grid (`uren-<kind>`, `aanbieder-<kind>`); throws `FormErrors`.
    func recordHours(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws {
        var r = InputReader()
        let rows = UrenSoort.allCases.compactMap { soort -> RecordHoursGrid.Row? in
            let field = RecordHoursGrid.hoursField(soort)
            guard input[field] != nil else { return nil }
            return RecordHoursGrid.Row(soort: soort, hours: r.integer(field, input[field], range: RecordHours.hoursRange),
                                       provider: input[RecordHoursGrid.providerField(soort)])
        }
        let grid = RecordHoursGrid(file: loaded.file, periodEnd: r.date("periodEnd", input["periodEnd"]), rows: rows,
                                   duringIntake: r.flag(input["duringIntake"]), confirmed: r.flag(input["bevestigd"]), read: r.issues)
        _ = try await services.run(grid, on: loaded, context: context)
    }

    /// A completed part of the route, from the form; throws `FormErrors`.
    func recordResult(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> RouteResultaatRecord {
        var r = InputReader()
        let command = RecordRouteResult(file: loaded.file, kind: r.choice("kind", input["kind"], as: RouteResultKind.self),
                                        resultDate: r.date("resultDate", input["resultDate"]), read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }
}
