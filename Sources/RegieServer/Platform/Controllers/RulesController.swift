import Hummingbird
import Inburgering

/// The rules of the law as Regie applies them, generated from the law module so it cannot drift.
struct RulesController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.rules.path), use: list)
    }

    struct Row: Encodable { let id: String; let title: String; let text: String; let source: String }
    struct RulesView: Encodable { let rules: [Row] }

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let english = context.locale == .en
        let rows = RuleDescription.catalogue.map {
            Row(id: $0.id.rawValue, title: $0.title, text: english ? $0.textEnglish : $0.text, source: $0.source)
        }
        return try services.views.render("rules", titleKey: "rules.title", content: RulesView(rules: rows), context: context, current: SiteRoute.rules.path)
    }
}
