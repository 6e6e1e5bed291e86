import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The leerbaarheidstoets (R3) with its verdict by the rule, the language school's advice, and the
/// route decision (R4) that weighs them: a deviation from the LBT cannot be saved without a reason.
struct LBTController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.lbtPattern), use: show)
        router.post(RouterPath(SiteRoute.lbtPattern), use: addLBT)
        router.post(RouterPath(SiteRoute.lbtAdviesPattern), use: addAdvies)
        router.get(RouterPath(SiteRoute.routePattern), use: showRoute)
        router.post(RouterPath(SiteRoute.routePattern), use: decideRoute)
    }

    struct LBTRow: Encodable {
        let invited: String; let tested: String; let administrator: String; let conditions: String?; let score: String; let verdict: String; let band: String
        let verdictClass: String; let withdraw: WithdrawView?
    }
    struct AdviesRow: Encodable { let date: String; let school: String; let route: String; let note: String?; let withdraw: WithdrawView? }

    struct LBTView: Encodable {
        let name: String
        let backHref: String
        let tests: [LBTRow]
        let hasTests: Bool
        let adviezen: [AdviesRow]
        let hasAdviezen: Bool
        let lbtSummary: ErrorSummary
        let lbtFields: [FieldView]
        let lbtAction: String
        let adviesSummary: ErrorSummary
        let adviesFields: [FieldView]
        let adviesAction: String
        let routeHref: String
        /// The test or advice the form corrects (`?corrigeer=`), posted with it.
        let lbtCorrecting: String?
        let adviesCorrecting: String?
        let withdrawn: [WithdrawnRow]
        let hasWithdrawn: Bool
        let canEdit: Bool
        let cancelHref: String
    }

    /// "26/40 — B1-route niet haalbaar (drempel 28 op de toetsdatum)".
    func verdict(_ record: LBTRecord, _ l: UILocale) -> (text: String, band: String, cssClass: String) {
        let t = Localizer(catalogue: services.catalogue, locale: l)
        if let exemption = record.exemption { return (t("lbt.exemptions.\(exemption)"), "", "") }
        guard let score = record.score, let date = record.testDate, let lbtScore = LBTScore(score) else {
            return (t("lbt.pending"), "", "")
        }
        let uitslag = LeerbaarheidstoetsRule.uitslag(score: lbtScore, afname: date)
        let threshold = LeerbaarheidstoetsRule.drempel(op: date).map { "\($0.hundredths / 100)" } ?? "—"
        let key = switch uitslag { case .b1RouteHaalbaar: "haalbaar"; case .b1RouteNietHaalbaar: "nietHaalbaar"; case .onbekend: "onbekend" }
        return (t("lbt.verdicts.\(key)", ["threshold": threshold]), LBTScoreBand(lbtScore).rawValue, "verdict--\(key)")
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkLbtView, context: context, permission: .readCasework, person: loaded.person)
        // A held appointment leads here with its date (`?testDate=`, the agenda).
        var lbtInput = FormData()
        if let date = context.form.date("testDate") { lbtInput.values["testDate"] = [date.iso] }
        return try await render(loaded, lbtInput: lbtInput, lbtErrors: [], adviesInput: FormData(), adviesErrors: [], context: context, status: .ok,
                                correct: CorrectionForm.requested(context))
    }

    private func render(_ loaded: CaseLoader.Loaded, lbtInput: FormData, lbtErrors: [AppError.FieldError], adviesInput: FormData,
                        adviesErrors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status,
                        correct: String? = nil) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        let canEdit = Policy.allows(loaded.principal, .editPersons)
        let tests = try await services.casework.listLBT(personId: person.id, scope: loaded.scope)
        let adviezen = try await services.casework.listAdviezen(personId: person.id, scope: loaded.scope)
        let withdrawn = try await services.casework.listWithdrawn(.lbt, personId: person.id, scope: loaded.scope).map { WithdrawnRow($0, t) }
            + (try await services.casework.listWithdrawn(.advies, personId: person.id, scope: loaded.scope)).map { WithdrawnRow($0, t) }
        var lbtInput = lbtInput, adviesInput = adviesInput
        if canEdit {
            CorrectionForm.prefill(&lbtInput, requested: correct, in: tests, id: \.id) { r in
                [("invitedDate", r.invitedDate?.iso ?? ""), ("testDate", r.testDate?.iso ?? ""), ("administrator", r.administrator),
                 ("conditions", r.conditions), ("score", r.score.map(String.init) ?? ""), ("exemption", r.exemption ?? "")]
            }
            CorrectionForm.prefill(&adviesInput, requested: correct, in: adviezen, id: \.id) { a in
                [("adviceDate", a.adviceDate), ("school", a.school), ("adviesRoute", a.leerroute), ("adviesNiveau", a.niveau ?? ""), ("adviesNote", a.note)]
            }
        }
        let withdraw = { (kind: WithdrawableRecord, id: String) in
            canEdit ? WithdrawView(kind, personId: person.id, recordId: id, form: context.form, correctAnchor: kind == .lbt ? "lbt-form" : "advies-form") : nil
        }
        let dash = "—"
        let rows = tests.reversed().map { r in
            let v = verdict(r, l)
            return LBTRow(invited: r.invitedDate.map { DisplayDate.format($0, l) } ?? dash, tested: r.testDate.map { DisplayDate.format($0, l) } ?? dash,
                          administrator: r.administrator.isEmpty ? dash : r.administrator, conditions: r.conditions.nonEmpty,
                          score: r.score.map { "\($0)/40" } ?? dash, verdict: v.text, band: v.band, verdictClass: v.cssClass, withdraw: withdraw(.lbt, r.id))
        }
        let adviesRows = adviezen.reversed().map { a in
            AdviesRow(date: DisplayDate.format(a.adviceDate, l), school: a.school,
                      route: t("routes.\(a.leerroute)") + (a.niveau.map { " (\($0))" } ?? ""), note: a.note.nonEmpty, withdraw: withdraw(.advies, a.id))
        }
        let lv = { (name: String) in lbtInput.raw(name) ?? "" }
        let av = { (name: String) in adviesInput.raw(name) ?? "" }
        let lbtFields: [FieldView] = CorrectionForm.fields(lbtInput, t, errors: lbtErrors) + [
            FieldView(.input("date"), name: "invitedDate", label: t("lbt.invitedDate"), value: lv("invitedDate"), errors: lbtErrors),
            FieldView(.input("date"), name: "testDate", label: t("lbt.testDate"), hint: t("lbt.testDateHint"), value: lv("testDate"), errors: lbtErrors),
            FieldView(.input("text"), name: "administrator", label: t("lbt.administrator"), hint: t("lbt.administratorHint"), value: lv("administrator"), errors: lbtErrors),
            FieldView(.textarea, name: "conditions", label: t("lbt.conditions"), hint: t("lbt.conditionsHint"), value: lv("conditions"), errors: lbtErrors),
            FieldView(.input("number"), name: "score", label: t("lbt.score"), hint: t("lbt.scoreHint"), value: lv("score"), errors: lbtErrors, extra: "min=\"0\" max=\"40\" inputmode=\"numeric\""),
            FieldView(.select, name: "exemption", label: t("lbt.exemption"), hint: t("lbt.exemptionHint"), value: lv("exemption"),
                      options: [("", t("lbt.noExemption"))] + LBTVrijstelling.allCases.map { ($0.rawValue, t("lbt.exemptions.\($0.rawValue)")) }, errors: lbtErrors),
        ]
        let adviesFields: [FieldView] = CorrectionForm.fields(adviesInput, t, errors: adviesErrors, id: "correctionReason-advies") + [
            FieldView(.input("date"), name: "adviceDate", label: t("advies.date"), value: adviesInput.raw("adviceDate") ?? loader.today.iso, required: true, errors: adviesErrors),
            FieldView(.input("text"), name: "school", label: t("advies.school"), value: av("school"), required: true, errors: adviesErrors),
            FieldView(.select, name: "adviesRoute", label: t("advies.route"), value: av("adviesRoute"), options: Choices.withEmpty(Choices.routes(t), t), required: true, errors: adviesErrors),
            FieldView(.select, name: "adviesNiveau", label: t("advies.level"), value: av("adviesNiveau"), options: Choices.withEmpty(Choices.levels(Taalniveau.allCases), t), errors: adviesErrors),
            FieldView(.textarea, name: "adviesNote", label: t("advies.note"), value: av("adviesNote"), errors: adviesErrors),
        ]
        return try services.views.render(
            "lbt", titleKey: "lbt.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: LBTView(name: person.displayName(services.localizer(context)), backHref: SiteRoute.person(person.id).path, tests: rows, hasTests: !rows.isEmpty,
                             adviezen: adviesRows, hasAdviezen: !adviesRows.isEmpty, lbtSummary: ErrorSummary(lbtErrors), lbtFields: lbtFields,
                             lbtAction: SiteRoute.lbt(person.id).path, adviesSummary: ErrorSummary(adviesErrors), adviesFields: adviesFields,
                             adviesAction: SiteRoute.lbtAdvies(person.id).path, routeHref: SiteRoute.route(person.id).path,
                             lbtCorrecting: lbtInput["correcting"], adviesCorrecting: adviesInput["correcting"], withdrawn: withdrawn,
                             hasWithdrawn: !withdrawn.isEmpty, canEdit: canEdit, cancelHref: SiteRoute.lbt(person.id).path),
            context: context, notice: FormNotice.text(context, prefix: "lbt.saved", keys: ["lbt", "advies", "ingetrokken", "gecorrigeerd", "afspraak"], t), status: status)
    }

    func addLBT(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordLBT(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, lbtInput: context.form, lbtErrors: invalid.fields, adviesInput: FormData(), adviesErrors: [], context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.lbt(loaded.person.id).path + (context.form["correcting"] == nil ? "?melding=lbt" : "?melding=gecorrigeerd")])
    }

    /// Stores an LBT invitation, result or exemption from the form (R3); throws `FormErrors`.
    func recordLBT(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> LBTRecord {
        var r = InputReader()
        var command = RecordLBT(
            file: loaded.file, invitedDate: r.date("invitedDate", input["invitedDate"]), testDate: r.date("testDate", input["testDate"]),
            administrator: input["administrator"], conditions: input["conditions"], score: r.integer("score", input["score"], range: RecordLBT.scoreRange),
            exemption: r.choice("exemption", input["exemption"], as: LBTVrijstelling.self), read: r.issues)
        command.correcting = CorrectionForm.read(input)
        return try await services.run(command, on: loaded, context: context)
    }

    func addAdvies(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordAdvies(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, lbtInput: FormData(), lbtErrors: [], adviesInput: context.form, adviesErrors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.lbt(loaded.person.id).path + (context.form["correcting"] == nil ? "?melding=advies" : "?melding=gecorrigeerd")])
    }

    /// Stores the language school's advice from the form; throws `FormErrors`.
    func recordAdvies(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> TaalschoolAdviesRecord {
        var r = InputReader()
        var command = RecordSchoolAdvice(
            file: loaded.file, date: r.date("adviceDate", input["adviceDate"]), school: input["school"],
            route: r.choice("adviesRoute", input["adviesRoute"], as: Leerroute.self), level: r.choice("adviesNiveau", input["adviesNiveau"], as: Taalniveau.self),
            note: input["adviesNote"], read: r.issues)
        command.correcting = CorrectionForm.read(input)
        return try await services.run(command, on: loaded, context: context)
    }

    // MARK: Route decision

    struct RouteView: Encodable {
        let name: String
        let backHref: String
        let lbt: String
        let advies: String
        let decisions: [DecisionRow]
        let hasDecisions: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let deviationNotice: String?
    }
    struct DecisionRow: Encodable { let date: String; let route: String; let deviation: String; let considerations: String; let reason: String? }

    func showRoute(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkRouteView, context: context, permission: .readCasework, person: loaded.person)
        return try await renderRoute(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    /// The LBT result the route is weighed against: the latest test taken or exemption.
    func currentLBT(_ loaded: CaseLoader.Loaded) async throws -> LBTRecord? {
        try await DecideRoute.currentLBT(loaded.file, scope: loaded.scope, stores: services.stores)
    }

    private func renderRoute(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                             status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        let lbt = try await currentLBT(loaded)
        let advies = try await services.casework.listAdviezen(personId: person.id, scope: loaded.scope).last
        let decisions = try await services.casework.listRouteBesluiten(personId: person.id, scope: loaded.scope)
        let lbtText = lbt.map { r in (r.score.map { "\($0)/40 — " } ?? "") + verdict(r, l).text } ?? t("route.noLBT")
        let adviesText = advies.map { "\($0.school): " + t("routes.\($0.leerroute)") + ($0.niveau.map { " (\($0))" } ?? "") } ?? t("route.noAdvies")
        let value = { (name: String) in input.raw(name) ?? "" }
        let fields: [FieldView] = [
            FieldView(.radios, name: "leerroute", label: t("route.leerroute"), value: value("leerroute"), options: Choices.routes(t), required: true, errors: errors),
            FieldView(.select, name: "niveau", label: t("route.level"), hint: t("route.levelHint"), value: value("niveau"),
                      options: Choices.withEmpty(Choices.levels(Taalniveau.allCases), t), errors: errors),
            FieldView(.checkboxes, name: "considered", label: t("route.considered"), values: input.all("considered"), options: Choices.routes(t), errors: errors),
            FieldView(.textarea, name: "considerations", label: t("route.considerations"), hint: t("route.considerationsHint"), value: value("considerations"), required: true, errors: errors),
            FieldView(.textarea, name: "deviationReason", label: t("route.deviationReason"), hint: t("route.deviationReasonHint"), value: value("deviationReason"), errors: errors),
        ]
        let rows = decisions.reversed().map { d in
            DecisionRow(date: DisplayDate.format(d.decidedDate, l), route: t("routes.\(d.leerroute)") + (d.niveau.map { " (\($0))" } ?? ""),
                        deviation: t("route.deviations.\(d.deviation)"), considerations: d.considerations, reason: d.deviationReason)
        }
        let suggested = lbt.flatMap { r -> String? in
            switch LeerbaarheidstoetsRule.uitslag(r.toets) {
            case .b1RouteHaalbaar: t("route.suggestsB1")
            case .b1RouteNietHaalbaar: t("route.suggestsZ")
            case .onbekend: nil
            }
        }
        return try services.views.render(
            "route", titleKey: "route.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: RouteView(name: person.displayName(services.localizer(context)), backHref: SiteRoute.person(person.id).path, lbt: lbtText, advies: adviesText,
                               decisions: rows, hasDecisions: !rows.isEmpty, summary: ErrorSummary(errors), fields: fields,
                               action: SiteRoute.route(person.id).path, deviationNotice: suggested),
            context: context, status: status)
    }

    func decideRoute(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordRoute(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await renderRoute(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.pip(loaded.person.id).path + "?melding=route"])
    }

    /// Stores the route decision from the form; throws `FormErrors`.
    func recordRoute(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> RouteBesluitRecord {
        var r = InputReader()
        let command = DecideRoute(
            file: loaded.file, leerroute: r.choice("leerroute", input["leerroute"], as: Leerroute.self), niveau: r.choice("niveau", input["niveau"], as: Taalniveau.self),
            considered: r.choices("considered", input.all("considered"), as: Leerroute.self), considerations: input["considerations"],
            deviationReason: input["deviationReason"], read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }
}
