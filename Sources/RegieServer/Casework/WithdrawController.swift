import Foundation
import Hummingbird
import RegieCasework
import RegieStorage

/// Withdrawing an intake conversation or a progress meeting recorded by mistake (issue 15 item 3):
/// one route for both, back to the page the record is listed on.
struct WithdrawController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.post(RouterPath(SiteRoute.withdrawPattern), use: withdraw)
    }

    /// The page that lists each kind.
    static func page(_ kind: WithdrawableRecord, personId: String) -> String {
        switch kind {
        case .intakegesprek: SiteRoute.intake(personId).path
        case .voortgangsgesprek: SiteRoute.progress(personId).path
        }
    }

    func withdraw(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let kind = WithdrawableRecord(rawValue: try context.parameters.require("soort")) else { throw AppError.notFound }
        let record = try context.parameters.require("record")
        let loaded = try await loader.load(context, permission: .editPersons)
        let page = Self.page(kind, personId: loaded.person.id)
        do {
            try await services.run(WithdrawRecord(file: loaded.file, kind: kind, recordId: record, reason: context.form["reason"]), on: loaded, context: context)
        } catch is FormErrors {
            // Nothing was typed to keep: the record's form opens again with the message beside the reason.
            return Response(status: .seeOther, headers: [.location: page + "?intrekken=\(QueryValue.encode(record))#intrekken-\(QueryValue.encode(record))"])
        }
        return Response(status: .seeOther, headers: [.location: page + "?melding=ingetrokken"])
    }
}

/// What a listed record needs to be withdrawn: the form's action, and whether it comes back open
/// with the message that a reason is needed.
struct WithdrawView: Encodable {
    let id: String
    let action: String
    let open: Bool

    init(_ kind: WithdrawableRecord, personId: String, recordId: String, form: FormData) {
        id = recordId
        action = SiteRoute.withdraw(personId, kind.rawValue, recordId).path
        open = form["intrekken"] == recordId
    }
}

/// A withdrawn record in its page's list.
struct WithdrawnRow: Encodable {
    let date: String
    let note: String

    init(_ record: WithdrawnRecord, _ t: Localizer) {
        date = DisplayDate.format(record.date, t.locale)
        note = t("withdraw.note", ["at": DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(record.withdrawnAt))), "reason": record.reason])
    }
}
