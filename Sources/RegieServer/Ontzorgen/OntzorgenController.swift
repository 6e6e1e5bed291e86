import Foundation
import Hummingbird
import Inburgering
import RegieCasework
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
    static let reasons = OntzorgenChange.reasons
    static let outcomes = OntzorgenChange.outcomes
    static let closeReasons = OntzorgenChange.closeReasons
    static let skills = OntzorgenChange.skills

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

    /// The form's values as the change they ask for.
    func change(_ form: String, _ input: FormData, reader r: inout InputReader, locale l: UILocale) -> OntzorgenChange? {
        let t = Localizer(catalogue: services.catalogue, locale: l)
        let reviewTitle: @Sendable (CalendarDate) -> String = { t("ontzorgen.reviewTask", ["date": DisplayDate.format($0.iso, l)]) }
        switch form {
        case "besluit":
            return .decide(bijstandStart: r.date("bijstandStart", input["bijstandStart"]), decisionDate: r.date("decisionDate", input["decisionDate"]),
                           ontzorgd: input["ontzorgd"].flatMap { ["ja": true, "nee": false][$0] }, reason: input["reason"], note: input["note"],
                           mandate: r.date("mandate", input["mandate"]), leefgeldIban: input["leefgeldIban"], leefgeldName: input["leefgeldName"],
                           reviewTitle: reviewTitle)
        case "uitkering":
            return .benefit(from: r.date("benefitFrom", input["benefitFrom"]), amount: r.amount("benefitAmount", input["benefitAmount"]))
        case "post":
            // Stopping a payee needs only which one and from when.
            if input["stop"] == "ja" { return .endPayee(postId: input["postId"], from: r.date("from", input["from"])) }
            return .payee(postId: input["postId"], soort: input["soort"], payee: input["payee"], iban: input["iban"], reference: input["reference"],
                          amount: r.amount("amount", input["amount"]), from: r.date("from", input["from"]))
        case "evaluatie":
            return .review(heldOn: r.date("heldOn", input["heldOn"]), outcome: input["outcome"], note: input["reviewNote"])
        case "verlenging":
            return .extend(decided: r.date("extensionDecided", input["extensionDecided"]), until: r.date("extendedUntil", input["extendedUntil"]),
                           reason: input["extensionReason"], reviewTitle: reviewTitle)
        case "beeindigen":
            return .close(lastDay: r.date("closedOn", input["closedOn"]), reason: input["closeReason"], handover: input["handover"])
        case "zelfredzaamheid":
            return .selfReliance(intake: r.date("skillsIntake", input["skillsIntake"]), intakeResult: input["skillsResult"], course: input["courseName"],
                                 courseStart: r.date("courseStart", input["courseStart"]), courseEnd: r.date("courseEnd", input["courseEnd"]),
                                 completed: r.date("courseCompleted", input["courseCompleted"]), retest: r.date("retestDate", input["retestDate"]),
                                 retestResult: input["retestResult"])
        default:
            return nil
        }
    }

    func apply(_ form: String, _ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws {
        var r = InputReader()
        guard let change = change(form, input, reader: &r, locale: context.locale) else { throw AppError.notFound }
        try await services.run(ChangeOntzorgen(file: loaded.file, change: change, read: r.issues), on: loaded, permission: .manageOntzorgen, context: context)
    }

}
