import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// Letters marked as sent: the rendered document is kept in the person's file exactly as it was sent
/// (with the stylesheet of that day), so the file shows what the newcomer received even after the
/// settings or templates change. Keeping and opening are audited.
struct SentLettersController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.post(RouterPath(SiteRoute.sentLettersPattern), use: markSent)
        router.get(RouterPath(SiteRoute.sentLetterPattern), use: show)
        router.get(RouterPath(SiteRoute.sentLetterStylePattern), use: style)
    }

    /// Marks a fixed PIP version's beschikking as sent today and keeps it.
    func markSent(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let pip = PIPController(services: services)
        let c = try await pip.loadCase(context, permission: .editPersons)
        let t = services.localizer(context)
        guard context.form["soort"] == "pip", let number = context.form["versie"].flatMap(Int.init),
              let version = c.versions.first(where: { $0.version == number }) else { throw AppError.notFound }
        guard version.isFixed else {
            throw AppError.rejected(status: 409, detail: t("sentLetters.errors.concept"), fields: [])
        }
        let rendered = try await pip.letterHTML(c, version: version, annex: PIPController.annexLocale(context))
        let id = UUID().uuidString.lowercased()
        let document = SentLetterStore.Document(html: Self.linkingOwnStyle(rendered.html, personId: c.loaded.person.id, letterId: id),
                                                css: try String(contentsOfFile: Views.publicDirectory + "/letter.css", encoding: .utf8))
        let event = services.auditEvent(.caseworkLetterSend, context: context, permission: .editPersons, person: c.loaded.person, detail: rendered.reference)
        guard try await services.letters.insert(id: id, personId: c.loaded.person.id, scope: c.loaded.scope, kind: "pip", reference: rendered.reference,
                                                subject: rendered.subject, sentDate: CalendarDate.today(now: services.clock.now()), document: document,
                                                actor: CaseLoader.actor(c.loaded.principal), audit: event, now: services.clock.now()) != nil else {
            throw AppError.notFound
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.pip(c.loaded.person.id).path + "?melding=verzonden"])
    }

    /// The kept document links to the stylesheet kept with it, not to today's.
    static func linkingOwnStyle(_ html: String, personId: String, letterId: String) -> String {
        html.replacingOccurrences(of: "href=\"/static/letter.css\"", with: "href=\"\(SiteRoute.sentLetterStyle(personId, letterId).path)\"")
    }

    private func load(_ context: RegieRequestContext) async throws -> (PersonRecord, SentLetterStore.Summary, SentLetterStore.Document) {
        let loaded = try await CaseLoader(services: services).load(context, permission: .readCasework)
        guard let (summary, document) = try await services.letters.fetch(id: try context.parameters.require("letter"), personId: loaded.person.id,
                                                                         scope: loaded.scope) else { throw AppError.notFound }
        return (loaded.person, summary, document)
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (person, summary, document) = try await load(context)
        try await services.record(.caseworkLetterView, context: context, permission: .readCasework, person: person, detail: summary.reference)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: document.html)))
    }

    func style(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (_, _, document) = try await load(context)
        return Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: document.css)))
    }
}
