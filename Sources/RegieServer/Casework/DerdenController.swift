import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// Information asked of third parties for the PIP (R1a; Besluit inburgering 2021 art. 5.3): a request
/// made within the 10 weeks holds the PIP term until the answer arrives, and the PIP is then due at
/// most 2 weeks later. Each request names with whom and about what; arrival can be corrected and a
/// mistaken request withdrawn with a reason (the timeline keeps the old values).
struct DerdenController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.derdenPattern), use: show)
        router.post(RouterPath(SiteRoute.derdenPattern), use: add)
        router.post(RouterPath(SiteRoute.derdenActionPattern), use: act)
    }

    struct Row: Encodable {
        let party: String
        let subject: String
        let requested: String
        let received: String?
        let withdrawn: String?
        let open: Bool
        let receiveAction: String
        let withdrawAction: String
        let receiveField: FieldView
        let reasonField: FieldView
    }

    struct DerdenView: Encodable {
        let name: String
        let backHref: String
        let term: String
        let rows: [Row]
        let hasRows: Bool
        let canEdit: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkDerdenView, context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, failed: String?, errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let id = loaded.person.id
        let requests = try await services.casework.listDerdenVerzoeken(personId: id, scope: loaded.scope)
        let canEdit = Policy.allows(loaded.principal, .editPersons) && loaded.traject.closedDate == nil
        let errorsFor = { (form: String) in failed == form ? errors : [] }
        let rows = requests.map { r in
            Row(party: r.party, subject: r.subject, requested: DisplayDate.format(r.requestedOn, l),
                received: r.receivedOn.map { DisplayDate.format($0, l) },
                withdrawn: r.withdrawnReason.map { t("derden.withdrawnBecause", ["reason": $0]) },
                open: canEdit && r.withdrawnReason == nil,
                receiveAction: SiteRoute.derdenAction(id, r.id, "ontvangen").path, withdrawAction: SiteRoute.derdenAction(id, r.id, "intrekken").path,
                receiveField: FieldView(.input("date"), name: "receivedOn", id: "receivedOn-\(r.id)", label: t("derden.receivedOn"),
                                        value: failed == r.id ? input.raw("receivedOn") ?? "" : (r.receivedOn ?? loader.today.iso), required: true, errors: errorsFor(r.id)),
                reasonField: FieldView(.input("text"), name: "reason", id: "reason-\(r.id)", label: t("derden.reason"),
                                       value: failed == "w-" + r.id ? input.raw("reason") ?? "" : "", required: true, errors: errorsFor("w-" + r.id)))
        }
        // What the clock makes of the requests (R1a), in the words of the case file.
        let today = loader.today
        let settings = try await services.settings.fetch(loaded.person.municipalityCode)
        let pipTerm = StatutoryClock.terms(for: loaded.traject.lawFacts(person: loaded.person), settings: settings.law, on: today)
            .first { $0.kind == .pipVaststelling }
        let term = pipTerm.map { term in
            t("derden.term", ["date": DisplayDate.format(term.due.iso, l), "status": TermText.status(term, t)])
                + (term.flags.contains(.wachtOpDerden) ? " " + t("terms.flags.wachtOpDerden") : "")
        } ?? t("derden.noTerm")
        let value = { (name: String) in failed == "new" ? input.raw(name) ?? "" : "" }
        let fields = [
            FieldView(.input("text"), name: "party", label: t("derden.party"), hint: t("derden.partyHint"), value: value("party"),
                      required: true, errors: errorsFor("new")),
            FieldView(.input("text"), name: "subject", label: t("derden.subject"), value: value("subject"), required: true, errors: errorsFor("new")),
            FieldView(.input("date"), name: "requestedOn", label: t("derden.requestedOn"),
                      value: failed == "new" ? input.raw("requestedOn") ?? "" : today.iso, required: true, errors: errorsFor("new")),
        ]
        return try services.views.render(
            "derden", titleKey: "derden.title", titleArguments: ["name": loaded.person.displayName(t)],
            content: DerdenView(name: loaded.person.displayName(t), backHref: SiteRoute.person(id).path, term: term, rows: rows, hasRows: !rows.isEmpty,
                                canEdit: canEdit, summary: ErrorSummary(errors), fields: fields, action: SiteRoute.derden(id).path),
            context: context, notice: FormNotice.text(context, prefix: "derden.saved", keys: ["gevraagd", "ontvangen", "ingetrokken"], t), status: status)
    }

    func add(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordRequest(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: context.form, failed: "new", errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.derden(loaded.person.id).path + "?melding=gevraagd"])
    }

    /// Records a request to a third party from the form; throws `FormErrors`.
    func recordRequest(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> DerdenVerzoekRecord {
        var r = InputReader()
        let command = RequestFromThirdParty(file: loaded.file, party: input["party"], subject: input["subject"],
                                            requestedOn: r.date("requestedOn", input["requestedOn"]), read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let requestId = try context.parameters.require("request")
        let action = try context.parameters.require("action")
        guard action == "ontvangen" || action == "intrekken" else { throw AppError.notFound }
        var r = InputReader()
        let outcome: SettleThirdPartyRequest.Outcome = action == "ontvangen"
            ? .received(r.date("receivedOn", context.form["receivedOn"])) : .withdrawn(reason: context.form["reason"])
        do {
            try await services.run(SettleThirdPartyRequest(file: loaded.file, requestId: requestId, outcome: outcome, read: r.issues), on: loaded, context: context)
        } catch let invalid as FormErrors {
            let failed = action == "ontvangen" ? requestId : "w-" + requestId
            return try await render(loaded, input: context.form, failed: failed, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.derden(loaded.person.id).path + "?melding=" + (action == "ontvangen" ? "ontvangen" : "ingetrokken")])
    }
}
