import Foundation
import Hummingbird
import Inburgering
import RegieStorage

extension LBTRecord {
    /// The test as the law module reads it.
    var toets: Leerbaarheidstoets {
        Leerbaarheidstoets(datumAfname: testDate.flatMap(CalendarDate.init(iso:)), score: score.flatMap { LBTScore($0) },
                           vrijstelling: exemption.flatMap(LBTVrijstelling.init(rawValue:)))
    }

    /// Taken (with a score) or exempted: a result to decide the route on.
    var isResult: Bool { score != nil || exemption != nil }
}

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

    struct LBTRow { let invited: String; let tested: String; let administrator: String; let conditions: String?; let score: String; let verdict: String; let band: String; let verdictClass: String }
    struct AdviesRow { let date: String; let school: String; let route: String; let note: String? }

    struct LBTView {
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
    }

    /// "26/40 — B1-route niet haalbaar (drempel 28 op de toetsdatum)".
    func verdict(_ record: LBTRecord, _ l: UILocale) -> (text: String, band: String, cssClass: String) {
        let t = services.catalogue
        if let exemption = record.exemption { return (t.text("lbt.exemptions.\(exemption)", l), "", "") }
        guard let score = record.score, let date = record.testDate.flatMap(CalendarDate.init(iso:)), let lbtScore = LBTScore(score) else {
            return (t.text("lbt.pending", l), "", "")
        }
        let uitslag = LeerbaarheidstoetsRule.uitslag(score: lbtScore, afname: date)
        let threshold = LeerbaarheidstoetsRule.drempel(op: date).map { "\($0.hundredths / 100)" } ?? "—"
        let key = switch uitslag { case .b1RouteHaalbaar: "haalbaar"; case .b1RouteNietHaalbaar: "nietHaalbaar"; case .onbekend: "onbekend" }
        return (t.text("lbt.verdicts.\(key)", l, ["threshold": threshold]), LBTScoreBand(lbtScore).rawValue, "verdict--\(key)")
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record("casework.lbt.view", context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, lbtInput: FormData(), lbtErrors: [], adviesInput: FormData(), adviesErrors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, lbtInput: FormData, lbtErrors: [AppError.FieldError], adviesInput: FormData,
                        adviesErrors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.catalogue
        let l = context.locale
        let person = loaded.person
        let tests = try await services.casework.listLBT(personId: person.id, scope: loaded.scope)
        let adviezen = try await services.casework.listAdviezen(personId: person.id, scope: loaded.scope)
        let dash = "—"
        let rows = tests.reversed().map { r in
            let v = verdict(r, l)
            return LBTRow(invited: r.invitedDate.map { DisplayDate.format($0, l) } ?? dash, tested: r.testDate.map { DisplayDate.format($0, l) } ?? dash,
                          administrator: r.administrator.isEmpty ? dash : r.administrator, conditions: r.conditions.nonEmpty,
                          score: r.score.map { "\($0)/40" } ?? dash, verdict: v.text, band: v.band, verdictClass: v.cssClass)
        }
        let adviesRows = adviezen.reversed().map { a in
            AdviesRow(date: DisplayDate.format(a.adviceDate, l), school: a.school,
                      route: t.text("routes.\(a.leerroute)", l) + (a.niveau.map { " (\($0))" } ?? ""), note: a.note.nonEmpty)
        }
        let lv = { (name: String) in lbtInput.raw(name) ?? "" }
        let av = { (name: String) in adviesInput.raw(name) ?? "" }
        let lbtFields: [FieldView] = [
            FieldView(.input("date"), name: "invitedDate", label: t.text("lbt.invitedDate", l), value: lv("invitedDate"), errors: lbtErrors),
            FieldView(.input("date"), name: "testDate", label: t.text("lbt.testDate", l), hint: t.text("lbt.testDateHint", l), value: lv("testDate"), errors: lbtErrors),
            FieldView(.input("text"), name: "administrator", label: t.text("lbt.administrator", l), hint: t.text("lbt.administratorHint", l), value: lv("administrator"), errors: lbtErrors),
            FieldView(.textarea, name: "conditions", label: t.text("lbt.conditions", l), hint: t.text("lbt.conditionsHint", l), value: lv("conditions"), errors: lbtErrors),
            FieldView(.input("number"), name: "score", label: t.text("lbt.score", l), hint: t.text("lbt.scoreHint", l), value: lv("score"), errors: lbtErrors, extra: "min=\"0\" max=\"40\" inputmode=\"numeric\""),
            FieldView(.select, name: "exemption", label: t.text("lbt.exemption", l), hint: t.text("lbt.exemptionHint", l), value: lv("exemption"),
                      options: [("", t.text("lbt.noExemption", l))] + LBTVrijstelling.allCases.map { ($0.rawValue, t.text("lbt.exemptions.\($0.rawValue)", l)) }, errors: lbtErrors),
        ]
        let adviesFields: [FieldView] = [
            FieldView(.input("date"), name: "adviceDate", label: t.text("advies.date", l), value: adviesInput.raw("adviceDate") ?? loader.today.iso, required: true, errors: adviesErrors),
            FieldView(.input("text"), name: "school", label: t.text("advies.school", l), value: av("school"), required: true, errors: adviesErrors),
            FieldView(.select, name: "adviesRoute", label: t.text("advies.route", l), value: av("adviesRoute"), options: Choices.withEmpty(Choices.routes(t, l), t, l), required: true, errors: adviesErrors),
            FieldView(.select, name: "adviesNiveau", label: t.text("advies.level", l), value: av("adviesNiveau"), options: Choices.withEmpty(Choices.levels(Taalniveau.allCases), t, l), errors: adviesErrors),
            FieldView(.textarea, name: "adviesNote", label: t.text("advies.note", l), value: av("adviesNote"), errors: adviesErrors),
        ]
        return try services.views.render(
            "lbt", titleKey: "lbt.title", titleArguments: ["name": person.displayName(services.catalogue, context.locale)],
            content: LBTView(name: person.displayName(services.catalogue, context.locale), backHref: SiteRoute.person(person.id).path, tests: rows, hasTests: !rows.isEmpty,
                             adviezen: adviesRows, hasAdviezen: !adviesRows.isEmpty, lbtSummary: ErrorSummary(lbtErrors), lbtFields: lbtFields,
                             lbtAction: SiteRoute.lbt(person.id).path, adviesSummary: ErrorSummary(adviesErrors), adviesFields: adviesFields,
                             adviesAction: SiteRoute.lbtAdvies(person.id).path, routeHref: SiteRoute.route(person.id).path),
            context: context, notice: FormNotice.text(context, prefix: "lbt.saved", keys: ["lbt", "advies"], t), status: status)
    }

    func addLBT(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordLBT(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, lbtInput: context.form, lbtErrors: invalid.fields, adviesInput: FormData(), adviesErrors: [], context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.lbt(loaded.person.id).path + "?melding=lbt"])
    }

    /// Validates and stores an LBT invitation, result or exemption (R3); throws `FormErrors`.
    func recordLBT(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> LBTRecord {
        let today = loader.today
        var v = Validator(services.catalogue, context.locale)
        let invited = v.date("invitedDate", input["invitedDate"], label: "lbt.invitedDate", required: false)
        let tested = v.date("testDate", input["testDate"], label: "lbt.testDate", required: false, notAfter: today, notBefore: invited)
        let administrator = v.text("administrator", input["administrator"], label: "lbt.administrator", required: false, maxLength: 120) ?? ""
        let conditions = v.text("conditions", input["conditions"], label: "lbt.conditions", required: false, maxLength: 2000) ?? ""
        let score = v.integer("score", input["score"], label: "lbt.score", range: 0...LBTScore.maximumQuestions, required: false)
        let exemption = v.choice("exemption", input["exemption"], label: "lbt.exemption", as: LBTVrijstelling.self, required: false)
        if score != nil && exemption != nil { v.fail("exemption", "lbt.errors.scoreAndExemption") }
        if score != nil && input["testDate"] == nil { v.fail("testDate", "lbt.errors.scoreWithoutDate") }
        if score != nil && administrator.isEmpty { v.fail("administrator", "lbt.errors.administrator") }
        if score == nil && exemption == nil && invited == nil && input["testDate"] == nil { v.fail("invitedDate", "lbt.errors.empty") }
        guard v.isValid else { throw FormErrors(v.errors) }
        let record = LBTRecord(id: CaseLoader.newID(), personId: loaded.person.id, invitedDate: invited?.iso, testDate: tested?.iso,
                               administrator: administrator, conditions: conditions, score: score, exemption: exemption?.rawValue,
                               createdBy: loaded.principal.actorId, createdAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.lbt.record", context: context, permission: .editPersons, person: loaded.person,
                                        detail: score.map { "score: \($0)/40" } ?? (exemption.map { "vrijstelling: \($0.rawValue)" } ?? "uitnodiging"))
        guard let saved = try await services.casework.insertLBT(record, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }

    func addAdvies(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordAdvies(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, lbtInput: FormData(), lbtErrors: [], adviesInput: context.form, adviesErrors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.lbt(loaded.person.id).path + "?melding=advies"])
    }

    /// Validates and stores the language school's advice; throws `FormErrors`.
    func recordAdvies(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> TaalschoolAdviesRecord {
        var v = Validator(services.catalogue, context.locale)
        let date = v.date("adviceDate", input["adviceDate"], label: "advies.date", notAfter: loader.today)
        let school = v.text("school", input["school"], label: "advies.school", maxLength: 120)
        let route = v.choice("adviesRoute", input["adviesRoute"], label: "advies.route", as: Leerroute.self)
        let level = v.choice("adviesNiveau", input["adviesNiveau"], label: "advies.level", as: Taalniveau.self, required: false)
        let note = v.text("adviesNote", input["adviesNote"], label: "advies.note", required: false, maxLength: 2000) ?? ""
        guard v.isValid, let date, let school, let route else { throw FormErrors(v.errors) }
        let record = TaalschoolAdviesRecord(id: CaseLoader.newID(), personId: loaded.person.id, adviceDate: date.iso, school: school,
                                            leerroute: route.rawValue, niveau: level?.rawValue, note: note, createdBy: loaded.principal.actorId,
                                            createdAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.advies.record", context: context, permission: .editPersons, person: loaded.person, detail: "route: \(route.rawValue)")
        guard let saved = try await services.casework.insertAdvies(record, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                   now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }

    // MARK: Route decision

    struct RouteView {
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
    struct DecisionRow { let date: String; let route: String; let deviation: String; let considerations: String; let reason: String? }

    func showRoute(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record("casework.route.view", context: context, permission: .readCasework, person: loaded.person)
        return try await renderRoute(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    /// The LBT result the route is weighed against: the latest test taken or exemption.
    func currentLBT(_ loaded: CaseLoader.Loaded) async throws -> LBTRecord? {
        try await services.casework.listLBT(personId: loaded.person.id, scope: loaded.scope).last { $0.isResult }
    }

    private func renderRoute(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                             status: HTTPResponse.Status) async throws -> Response {
        let t = services.catalogue
        let l = context.locale
        let person = loaded.person
        let lbt = try await currentLBT(loaded)
        let advies = try await services.casework.listAdviezen(personId: person.id, scope: loaded.scope).last
        let decisions = try await services.casework.listRouteBesluiten(personId: person.id, scope: loaded.scope)
        let lbtText = lbt.map { r in (r.score.map { "\($0)/40 — " } ?? "") + verdict(r, l).text } ?? t.text("route.noLBT", l)
        let adviesText = advies.map { "\($0.school): " + t.text("routes.\($0.leerroute)", l) + ($0.niveau.map { " (\($0))" } ?? "") } ?? t.text("route.noAdvies", l)
        let value = { (name: String) in input.raw(name) ?? "" }
        let fields: [FieldView] = [
            FieldView(.radios, name: "leerroute", label: t.text("route.leerroute", l), value: value("leerroute"), options: Choices.routes(t, l), required: true, errors: errors),
            FieldView(.select, name: "niveau", label: t.text("route.level", l), hint: t.text("route.levelHint", l), value: value("niveau"),
                      options: Choices.withEmpty(Choices.levels(Taalniveau.allCases), t, l), errors: errors),
            FieldView(.checkboxes, name: "considered", label: t.text("route.considered", l), values: input.all("considered"), options: Choices.routes(t, l), errors: errors),
            FieldView(.textarea, name: "considerations", label: t.text("route.considerations", l), hint: t.text("route.considerationsHint", l), value: value("considerations"), required: true, errors: errors),
            FieldView(.textarea, name: "deviationReason", label: t.text("route.deviationReason", l), hint: t.text("route.deviationReasonHint", l), value: value("deviationReason"), errors: errors),
        ]
        let rows = decisions.reversed().map { d in
            DecisionRow(date: DisplayDate.format(d.decidedDate, l), route: t.text("routes.\(d.leerroute)", l) + (d.niveau.map { " (\($0))" } ?? ""),
                        deviation: t.text("route.deviations.\(d.deviation)", l), considerations: d.considerations, reason: d.deviationReason)
        }
        let suggested = lbt.flatMap { r -> String? in
            switch LeerbaarheidstoetsRule.uitslag(r.toets) {
            case .b1RouteHaalbaar: t.text("route.suggestsB1", l)
            case .b1RouteNietHaalbaar: t.text("route.suggestsZ", l)
            case .onbekend: nil
            }
        }
        return try services.views.render(
            "route", titleKey: "route.title", titleArguments: ["name": person.displayName(services.catalogue, context.locale)],
            content: RouteView(name: person.displayName(services.catalogue, context.locale), backHref: SiteRoute.person(person.id).path, lbt: lbtText, advies: adviesText,
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

    /// Validates and stores the route decision with the law's checks (R4 reason for a deviation from
    /// the LBT, R6 level per route); throws `FormErrors`.
    func recordRoute(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> RouteBesluitRecord {
        let t = services.catalogue
        var v = Validator(t, context.locale)
        let route = v.choice("leerroute", input["leerroute"], label: "route.leerroute", as: Leerroute.self)
        let level = v.choice("niveau", input["niveau"], label: "route.level", as: Taalniveau.self, required: false)
        let considered = input.all("considered")
        if considered.contains(where: { Leerroute(rawValue: $0) == nil }) { v.fail("considered", "validation.choose", ["field": t.text("route.considered", context.locale)]) }
        let considerations = v.text("considerations", input["considerations"], label: "route.considerations", maxLength: 5000)
        let reason = v.text("deviationReason", input["deviationReason"], label: "route.deviationReason", required: false, maxLength: 5000)
        let lbt = try await currentLBT(loaded)
        var deviation = RouteAfwijking.geenUitslag
        if let route {
            // R4: a route other than the LBT suggests needs a written reason (Besluit, toelichting art. 2.3.3).
            deviation = RouteDeviationRule.afwijking(route: route, toets: lbt?.toets)
            if deviation.vereistMotivering && reason == nil { v.fail("deviationReason", "route.errors.reasonRequired.\(deviation.rawValue)") }
            // R6: the level must fit the route as DUO accepts it on a PIP.
            if let level, !LeerrouteRules.toegestaneNiveaus(route, eerstePIP: loaded.traject.pipDate == nil).contains(level) {
                v.fail("niveau", "route.errors.level", ["route": t.text("routes.\(route.rawValue)", context.locale), "level": level.rawValue])
            }
        }
        guard v.isValid, let route, let considerations else { throw FormErrors(v.errors) }
        let consideredSet = Set(considered + [route.rawValue])
        let record = RouteBesluitRecord(
            id: CaseLoader.newID(), personId: loaded.person.id, decidedDate: loader.today.iso, leerroute: route.rawValue, niveau: level?.rawValue,
            considered: Leerroute.allCases.map(\.rawValue).filter(consideredSet.contains).joined(separator: ","), considerations: considerations,
            deviation: deviation.rawValue, deviationReason: reason, lbtScore: lbt?.score,
            createdBy: loaded.principal.actorId, createdAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.route.decide", context: context, permission: .editPersons, person: loaded.person,
                                        detail: "route: \(route.rawValue), afwijking: \(deviation.rawValue)")
        guard let saved = try await services.casework.insertRouteBesluit(record, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                         now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }
}
