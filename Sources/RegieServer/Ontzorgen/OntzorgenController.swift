import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// One person's financieel ontzorgen (R8): the decision from the law and the municipality's policy,
/// the mandate and accounts, the benefit and bills over time, reviews, extension or closing, the
/// way to self-reliance, and the payments with the monthly statement. The budget manager changes
/// it; case workers and team leads read it. Every read and change is audited.
struct OntzorgenController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }
    var store: OntzorgenStore { services.ontzorgen }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personOntzorgenPattern), use: show)
        router.post(RouterPath(SiteRoute.personOntzorgenFormPattern), use: save)
        router.get(RouterPath(SiteRoute.ontzorgenStatementPattern), use: statement)
    }

    static let forms = ["besluit", "uitkering", "post", "evaluatie", "verlenging", "beeindigen", "zelfredzaamheid"]
    static let reasons = ["beleid", "nodig", "eigenKeuze", "zelfredzaam", "anders"]
    static let outcomes = ["doorgaan", "verlengen", "afbouwen"]
    static let closeReasons = ["einde", "zelfredzaam", "bijstandBeeindigd", "verhuisd", "eigenVerzoek"]
    static let skills = ["zelfredzaam", "deels", "nietZelfredzaam"]

    // MARK: Page

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readOntzorgen)
        let dossier = try await store.dossier(personId: loaded.person.id, scope: loaded.scope)
        try await services.record(.ontzorgenView, context: context, permission: .readOntzorgen, person: loaded.person)
        return try await render(loaded, dossier, form: nil, input: FormData(), errors: [], context: context, status: .ok)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .manageOntzorgen)
        let form = try context.parameters.require("form")
        guard Self.forms.contains(form) else { throw AppError.notFound }
        let input = context.form
        do {
            try await apply(form, loaded, input, context: context)
        } catch let invalid as FormErrors {
            let dossier = try await store.dossier(personId: loaded.person.id, scope: loaded.scope)
            return try await render(loaded, dossier, form: form, input: input, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.personOntzorgen(loaded.person.id).path + "?melding=\(form)#\(form)"])
    }

    // MARK: Changes

    func apply(_ form: String, _ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws {
        var v = Validator(services.catalogue, context.locale)
        let t = services.catalogue, l = context.locale
        let p = loaded.person
        let actor = CaseLoader.actor(loaded.principal)
        let today = loader.today
        let now = services.clock.now()
        let event = { (action: AuditAction) in self.services.auditEvent(action, context: context, permission: .manageOntzorgen, person: p) }
        let dossier = try await store.dossier(personId: p.id, scope: loaded.scope)
        func need(_ ok: Bool, _ field: String, _ key: String) {
            if !ok { v.fail(field, key) }
        }
        var stored: Bool?
        switch form {
        case "besluit":
            let start = v.date("bijstandStart", input["bijstandStart"], label: "ontzorgen.bijstandStart", notAfter: today.adding(months: 3))
            let decided = v.date("decisionDate", input["decisionDate"], label: "ontzorgen.decisionDate", notAfter: today)
            let choice = input["ontzorgd"]
            if choice != "ja" && choice != "nee" { v.fail("ontzorgd", "validation.choose", ["field": t.text("ontzorgen.decision", l)]) }
            let reason = v.text("reason", input["reason"], label: "ontzorgen.reason", maxLength: 40).flatMap { Self.reasons.contains($0) ? $0 : nil }
            if input["reason"] != nil && reason == nil { v.fail("reason", "validation.choose", ["field": t.text("ontzorgen.reason", l)]) }
            let note = v.text("note", input["note"], label: "ontzorgen.note", required: reason == "anders", maxLength: 2000)
            let mandate = v.date("mandate", input["mandate"], label: "ontzorgen.mandate", required: false, notAfter: today)
            let leefgeldIban = v.iban("leefgeldIban", input["leefgeldIban"], label: "ontzorgen.leefgeldIban", required: false)
            let leefgeldName = v.text("leefgeldName", input["leefgeldName"], label: "ontzorgen.leefgeldName", required: leefgeldIban != nil, maxLength: 70)
            guard v.isValid, let start, let decided, let reason else { throw FormErrors(v.errors) }
            let ontzorgd = choice == "ja"
            // R8: eligibility and the period come from the law module, with the policy in force on the first day of bijstand.
            guard let doelgroep = Doelgroep(rawValue: p.doelgroep) else { throw FormErrors([.init(name: "bijstandStart", message: t.text("ontzorgen.errors.notEligible", l))]) }
            let policy = try await store.policy(municipalityCode: p.municipalityCode, on: start.iso)
            var settings = MunicipalityLawSettings.standaard
            if let policy { settings.ontzorgen = policy.lawSettings }
            guard let plan = OntzorgenRule.plan(bijstandStart: start, categorie: doelgroep.categorie, settings: settings) else {
                throw FormErrors([.init(name: "bijstandStart", message: t.text("ontzorgen.errors.notEligible", l))], status: .unprocessableContent)
            }
            if plan.regime == .ruimereUitleg && policy == nil {
                throw FormErrors([.init(name: "bijstandStart", message: t.text("ontzorgen.errors.noPolicy", l, ["date": DisplayDate.format(start.iso, l)]))], status: .unprocessableContent)
            }
            if !ontzorgd && !OntzorgenRule.magNietOntzorgen(regime: plan.regime, opEigenVerzoek: reason == "eigenKeuze") {
                throw FormErrors([.init(name: "ontzorgd", message: t.text("ontzorgen.errors.standardRegime", l))], status: .unprocessableContent)
            }
            let besluit = OntzorgenStore.Besluit(
                bijstandStart: start, beleidId: policy?.id, regime: plan.regime.rawValue, ontzorgd: ontzorgd, decisionDate: decided, reason: reason,
                note: note, plannedEnd: plan.periode.end, reviews: plan.evaluaties, mandateSignedOn: mandate,
                leefgeldName: leefgeldName, leefgeldIban: leefgeldIban)
            stored = try await store.decide(personId: p.id, besluit, reviewTitle: { t.text("ontzorgen.reviewTask", l, ["date": DisplayDate.format($0.iso, l)]) },
                                            scope: loaded.scope, actor: actor, audit: event(.ontzorgenDecide), now: now)
        case "uitkering":
            try requireOntzorgd(dossier, context)
            let from = v.date("benefitFrom", input["benefitFrom"], label: "ontzorgen.validFrom")
            let amount = v.amount("benefitAmount", input["benefitAmount"], label: "ontzorgen.benefitAmount", minimum: 0)
            guard v.isValid, let from, let amount else { throw FormErrors(v.errors) }
            stored = try await store.setUitkering(personId: p.id, validFrom: from, amountCents: amount, scope: loaded.scope, actor: actor,
                                                  audit: event(.ontzorgenBenefit), now: now)
        case "post":
            try requireOntzorgd(dossier, context)
            let existing = input["postId"].flatMap { id in dossier.currentPosten.first { $0.postId == id } }
            if input["postId"] != nil && existing == nil { throw AppError.notFound }
            // Stopping a payee needs only which one and from when.
            if input["stop"] == "ja" {
                let from = v.date("from", input["from"], label: "ontzorgen.validFrom")
                if existing == nil { v.fail("postId", "ontzorgen.errors.choosePayee") }
                guard v.isValid, let existing, let from else { throw FormErrors(v.errors) }
                stored = try await store.endPost(personId: p.id, postId: existing.postId, lastDay: from.adding(days: -1), scope: loaded.scope,
                                                 actor: actor, audit: event(.ontzorgenPayeeEnd), now: now)
                break
            }
            let soorten = (dossier.beleid?.soortenList ?? OntzorgSoort.standaard).map(\.code)
            let soort = v.text("soort", input["soort"] ?? existing?.soort, label: "ontzorgen.soort", maxLength: 40)
            if let soort, !soorten.contains(soort) { v.fail("soort", "ontzorgen.errors.soortNotInPolicy") }
            let payee = v.text("payee", input["payee"], label: "ontzorgen.payee", maxLength: 70)
            let iban = v.iban("iban", input["iban"], label: "ontzorgen.iban")
            let reference = v.text("reference", input["reference"], label: "ontzorgen.reference", maxLength: 140)
            let amount = v.amount("amount", input["amount"], label: "ontzorgen.amount")
            let from = v.date("from", input["from"], label: "ontzorgen.validFrom")
            guard v.isValid, let soort, let payee, let iban, let reference, let amount, let from else { throw FormErrors(v.errors) }
            stored = try await store.savePost(personId: p.id, postId: existing?.postId,
                                              .init(soort: soort, payeeName: payee, iban: iban, reference: reference, amountCents: amount, validFrom: from),
                                              scope: loaded.scope, actor: actor, audit: event(existing == nil ? .ontzorgenPayeeAdd : .ontzorgenPayeeChange), now: now)
        case "evaluatie":
            try requireOntzorgd(dossier, context)
            let held = v.date("heldOn", input["heldOn"], label: "ontzorgen.heldOn", notAfter: today)
            let outcome = v.text("outcome", input["outcome"], label: "ontzorgen.outcome", maxLength: 20).flatMap { Self.outcomes.contains($0) ? $0 : nil }
            if input["outcome"] != nil && outcome == nil { v.fail("outcome", "validation.choose", ["field": t.text("ontzorgen.outcome", l)]) }
            let note = v.text("reviewNote", input["reviewNote"], label: "ontzorgen.note", required: false, maxLength: 2000)
            guard v.isValid, let held, let outcome else { throw FormErrors(v.errors) }
            stored = try await store.addEvaluatie(personId: p.id, heldOn: held, outcome: outcome, note: note, scope: loaded.scope, actor: actor,
                                                  audit: event(.ontzorgenReview), now: now)
        case "verlenging":
            let record = try requireOntzorgd(dossier, context)
            let decided = v.date("extensionDecided", input["extensionDecided"], label: "ontzorgen.decisionDate", notAfter: today)
            let currentEnd = record.lastDay ?? today
            let until = v.date("extendedUntil", input["extendedUntil"], label: "ontzorgen.extendedUntil", notBefore: currentEnd.adding(days: 1))
            let reason = v.text("extensionReason", input["extensionReason"], label: "ontzorgen.extensionReason", maxLength: 500)
            if let until, let start = CalendarDate(iso: record.bijstandStart),
               !OntzorgenRule.verlengingToegestaan(bijstandStart: start, huidigEinde: currentEnd, tot: until) {
                v.fail("extendedUntil", "ontzorgen.errors.tooLong")
            }
            guard v.isValid, let decided, let until, let reason else { throw FormErrors(v.errors) }
            let reviewDue = OntzorgenRule.evaluatieNaVerlenging(besluit: decided, tot: until)
            stored = try await store.extend(personId: p.id, decidedOn: decided, until: until, reason: reason, reviewDue: reviewDue,
                                            reviewTitle: t.text("ontzorgen.reviewTask", l, ["date": DisplayDate.format(reviewDue.iso, l)]),
                                            scope: loaded.scope, actor: actor, audit: event(.ontzorgenExtend), now: now)
        case "beeindigen":
            let record = try requireOntzorgd(dossier, context)
            let start = CalendarDate(iso: record.bijstandStart) ?? today
            let last = v.date("closedOn", input["closedOn"], label: "ontzorgen.closedOn", notBefore: start)
            if let last, let end = record.lastDay, last > end { v.fail("closedOn", "ontzorgen.errors.closeAfterEnd", ["date": DisplayDate.format(end.iso, l)]) }
            let reason = v.text("closeReason", input["closeReason"], label: "ontzorgen.closeReason", maxLength: 40).flatMap { Self.closeReasons.contains($0) ? $0 : nil }
            if input["closeReason"] != nil && reason == nil { v.fail("closeReason", "validation.choose", ["field": t.text("ontzorgen.closeReason", l)]) }
            let handover = v.text("handover", input["handover"], label: "ontzorgen.handover", maxLength: 2000)
            guard v.isValid, let last, let reason, let handover else { throw FormErrors(v.errors) }
            stored = try await store.close(personId: p.id, closedOn: last, reason: reason, handover: handover, scope: loaded.scope, actor: actor,
                                           audit: event(.ontzorgenClose), now: now)
        case "zelfredzaamheid":
            try requireArrangement(dossier, context)
            let intake = v.date("skillsIntake", input["skillsIntake"], label: "ontzorgen.skillsIntake", required: false, notAfter: today)
            let intakeResult = input["skillsResult"]?.nonEmpty.flatMap { Self.skills.contains($0) ? $0 : nil }
            if input["skillsResult"]?.nonEmpty != nil && intakeResult == nil { v.fail("skillsResult", "validation.choose", ["field": t.text("ontzorgen.skillsResult", l)]) }
            let course = v.text("courseName", input["courseName"], label: "ontzorgen.courseName", required: false, maxLength: 120)
            let courseStart = v.date("courseStart", input["courseStart"], label: "ontzorgen.courseStart", required: false)
            let courseEnd = v.date("courseEnd", input["courseEnd"], label: "ontzorgen.courseEnd", required: false, notBefore: courseStart)
            let completed = v.date("courseCompleted", input["courseCompleted"], label: "ontzorgen.courseCompleted", required: false, notAfter: today)
            let retest = v.date("retestDate", input["retestDate"], label: "ontzorgen.retestDate", required: false, notAfter: today)
            let retestResult = input["retestResult"]?.nonEmpty.flatMap { Self.skills.contains($0) ? $0 : nil }
            if input["retestResult"]?.nonEmpty != nil && retestResult == nil { v.fail("retestResult", "validation.choose", ["field": t.text("ontzorgen.retestResult", l)]) }
            if (courseStart != nil || courseEnd != nil || completed != nil) && course == nil { v.fail("courseName", "validation.required", ["field": t.text("ontzorgen.courseName", l)]) }
            if retest != nil && retestResult == nil { v.fail("retestResult", "validation.choose", ["field": t.text("ontzorgen.retestResult", l)]) }
            guard v.isValid else { throw FormErrors(v.errors) }
            stored = try await store.saveZelfredzaamheid(personId: p.id, .init(intakeDate: intake, intakeResult: intakeResult, courseName: course,
                                                                                courseStart: courseStart, courseEnd: courseEnd, completedOn: completed,
                                                                                retestDate: retest, retestResult: retestResult),
                                                         scope: loaded.scope, actor: actor, audit: event(.ontzorgenSelfReliance), now: now)
        default:
            throw AppError.notFound
        }
        guard stored != nil else { throw AppError.notFound }
    }

    @discardableResult
    func requireArrangement(_ dossier: OntzorgenDossier, _ context: RegieRequestContext) throws -> OntzorgingRecord {
        guard let record = dossier.ontzorging else {
            throw FormErrors([.init(name: "bijstandStart", message: services.catalogue.text("ontzorgen.errors.decideFirst", context.locale))], status: .conflict)
        }
        return record
    }

    @discardableResult
    func requireOntzorgd(_ dossier: OntzorgenDossier, _ context: RegieRequestContext) throws -> OntzorgingRecord {
        let record = try requireArrangement(dossier, context)
        guard record.ontzorgd == 1, record.closedOn == nil else {
            throw FormErrors([.init(name: "bijstandStart", message: services.catalogue.text("ontzorgen.errors.notOntzorgd", context.locale))], status: .conflict)
        }
        return record
    }
}
