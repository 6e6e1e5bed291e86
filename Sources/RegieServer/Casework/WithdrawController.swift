import Foundation
import Hummingbird
import RegieCasework
import RegieStorage

/// Withdrawing a record entered by mistake (issue 15 item 3) — an intake conversation, a progress
/// meeting, an LBT, a school advice, an enforcement step, a task, a document: one route for all,
/// back to the page the record is listed on.
struct WithdrawController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.post(RouterPath(SiteRoute.withdrawPattern), use: withdraw)
    }

    /// The page that lists each kind (a task: its own page, where it is edited or withdrawn).
    static func page(_ kind: WithdrawableRecord, personId: String, recordId: String) -> String {
        switch kind {
        case .intakegesprek: SiteRoute.intake(personId).path
        case .voortgangsgesprek, .examenuitslag: SiteRoute.progress(personId).path
        case .lbt, .advies: SiteRoute.lbt(personId).path
        case .handhaving: SiteRoute.enforcement(personId).path
        case .taak: SiteRoute.task(personId, recordId).path
        case .document: SiteRoute.documents(personId).path
        }
    }

    /// Where the person lands once it is withdrawn.
    static func done(_ kind: WithdrawableRecord, personId: String, recordId: String) -> String {
        kind == .taak ? SiteRoute.person(personId).path + "?melding=taakIngetrokken#taken"
            : page(kind, personId: personId, recordId: recordId) + "?melding=ingetrokken"
    }

    func withdraw(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let kind = WithdrawableRecord(rawValue: try context.parameters.require("soort")) else { throw AppError.notFound }
        let record = try context.parameters.require("record")
        let loaded = try await loader.load(context, permission: .editPersons)
        let page = Self.page(kind, personId: loaded.person.id, recordId: record)
        do {
            try await services.run(WithdrawRecord(file: loaded.file, kind: kind, recordId: record, reason: context.form["reason"]), on: loaded, context: context)
        } catch is FormErrors {
            // Nothing was typed to keep: the record's form opens again with the message beside the reason.
            return Response(status: .seeOther, headers: [.location: page + "?intrekken=\(QueryValue.encode(record))#intrekken-\(QueryValue.encode(record))"])
        }
        return Response(status: .seeOther, headers: [.location: Self.done(kind, personId: loaded.person.id, recordId: record)])
    }
}

/// What a listed record needs to be corrected or withdrawn: the link to its form filled with the
/// record (kinds a new record replaces), the withdraw form's action, and whether that form comes
/// back open with the message that a reason is needed.
struct WithdrawView: Encodable {
    let id: String
    let action: String
    let open: Bool
    let correctHref: String?

    init(_ kind: WithdrawableRecord, personId: String, recordId: String, form: FormData, correctAnchor: String = "corrigeren") {
        id = recordId
        action = SiteRoute.withdraw(personId, kind.rawValue, recordId).path
        open = form["intrekken"] == recordId
        correctHref = kind.isReplaceable
            ? WithdrawController.page(kind, personId: personId, recordId: recordId) + "?corrigeer=\(QueryValue.encode(recordId))#\(correctAnchor)" : nil
    }
}

/// A withdrawn record in its page's list.
struct WithdrawnRow: Encodable {
    let date: String
    let note: String

    init(_ record: WithdrawnRecord, _ t: Localizer) {
        let day = record.date.isEmpty ? "" : DisplayDate.format(record.date, t.locale)
        date = [day, record.label].filter { !$0.isEmpty }.joined(separator: " — ")
        note = t(record.replacedBy == nil ? "withdraw.note" : "correction.note",
                 ["at": DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(record.withdrawnAt))), "reason": record.reason])
    }
}

/// The correcting part of a record's form (issue 15 item 3): opened with `?corrigeer=<id>` it is
/// filled with that record; it posts the record's id (`correcting`) and a required reason.
enum CorrectionForm {
    /// The record a form corrects, as the command reads it.
    static func read(_ input: FormData) -> Correcting? {
        input["correcting"].map { Correcting(recordId: $0, reason: input[Correcting.reasonField]) }
    }

    /// The id of the record to correct: asked for on the page (`?corrigeer=`) or posted with the form.
    static func requested(_ context: RegieRequestContext) -> String? {
        context.form["corrigeer"]
    }

    /// The reason field, first in a correcting form; none for a new record.
    static func fields(_ input: FormData, _ t: Localizer, errors: [AppError.FieldError], id: String? = nil) -> [FieldView] {
        guard input["correcting"] != nil else { return [] }
        return [FieldView(.input("text"), name: Correcting.reasonField, id: id, label: t("correction.reason"), hint: t("correction.hint"),
                          value: input.raw(Correcting.reasonField) ?? "", required: true, errors: errors, extra: "maxlength=\"500\"")]
    }

    /// `input` with the record to correct, when it is one of `records` (found by `id`).
    static func prefill<R>(_ input: inout FormData, requested: String?, in records: [R], id: (R) -> String, values: (R) -> [(String, String)]) {
        guard let requested, let record = records.first(where: { id($0) == requested }) else { return }
        input = FormData(pairs: values(record) + [("correcting", requested)])
    }
}
