import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// Closing a case with its reason (R11 for the AOW age).
struct CloseController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.closePattern), use: showClose)
        router.post(RouterPath(SiteRoute.closePattern), use: close)
    }

    struct CloseView: Encodable { let name: String; let backHref: String; let summary: ErrorSummary; let fields: [FieldView]; let action: String; let closed: String? }

    func showClose(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        return try renderClose(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    private func renderClose(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let closed = loaded.traject.closedReason.map { t("person.closedAs", ["reason": t("closeReasons.\($0.rawValue)"), "date": loaded.traject.closedDate.map { DisplayDate.format($0, l) } ?? ""]) }
        return try services.views.render(
            "close", titleKey: "close.title", titleArguments: ["name": loaded.person.displayName(services.localizer(context))],
            content: CloseView(name: loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.person(loaded.person.id).path, summary: ErrorSummary(errors), fields: [
                FieldView(.select, name: "reason", label: t("close.reason"), value: input.raw("reason") ?? "",
                          options: Choices.withEmpty(TrajectEinde.allCases.map { ($0.rawValue, t("closeReasons.\($0.rawValue)")) }, t), required: true, errors: errors),
                FieldView(.input("date"), name: "closeDate", label: t("close.date"), value: input.raw("closeDate") ?? loader.today.iso, required: true, errors: errors),
            ], action: SiteRoute.close(loaded.person.id).path, closed: closed),
            context: context, status: status)
    }

    func close(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordClose(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try renderClose(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=afgesloten"])
    }

    /// Closes the case with its reason, from the form; throws `FormErrors`.
    func recordClose(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> TrajectEinde {
        var r = InputReader()
        let command = CloseCase(file: loaded.file, reason: r.choice("reason", input["reason"], as: TrajectEinde.self),
                                closeDate: r.date("closeDate", input["closeDate"]), read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }
}
