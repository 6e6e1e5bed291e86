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
        router.get(RouterPath(SiteRoute.sentLettersPattern), use: list)
        router.post(RouterPath(SiteRoute.sentLettersPattern), use: markSent)
        router.get(RouterPath(SiteRoute.sentLetterPattern), use: show)
        router.get(RouterPath(SiteRoute.sentLetterStylePattern), use: style)
    }

    /// Marks a letter as sent today and keeps it as rendered: a fixed PIP version's beschikking
    /// (`soort=pip`, `versie`), an enforcement step's letter (`soort=handhaving`, `stap`) or an
    /// appointment's invitation (`soort=uitnodiging`, `afspraak`). Back to the page the button is on.
    func markSent(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let form = context.form
        let rendered: (html: String, reference: String, subject: String)
        let loaded: CaseLoader.Loaded
        let back: String
        switch form["soort"] {
        case "pip":
            let pip = PIPController(services: services)
            let c = try await pip.loadCase(context, permission: .editPersons)
            guard let number = form["versie"].flatMap(Int.init), let version = c.versions.first(where: { $0.version == number }) else { throw AppError.notFound }
            guard version.isFixed else {
                throw AppError.rejected(status: 409, detail: services.localizer(context)("sentLetters.errors.concept"), fields: [])
            }
            rendered = try await pip.letterHTML(c, version: version, annex: PIPController.annexLocale(context))
            (loaded, back) = (c.loaded, SiteRoute.pip(c.loaded.person.id).path)
        case "handhaving":
            loaded = try await CaseLoader(services: services).load(context, permission: .editPersons)
            let steps = try await services.casework.listHandhavingen(personId: loaded.person.id, scope: loaded.scope)
            guard let step = steps.first(where: { $0.id == form["stap"] }) else { throw AppError.notFound }
            rendered = try await EnforcementController(services: services).letterHTML(
                loaded, step: step, earlier: steps.filter { $0.overtreding == step.overtreding && $0.decidedDate < step.decidedDate })
            back = SiteRoute.enforcement(loaded.person.id).path
        case "uitnodiging":
            loaded = try await CaseLoader(services: services).load(context, permission: .editPersons)
            guard let id = form["afspraak"],
                  let afspraak = try await services.casework.fetchAfspraak(personId: loaded.person.id, id: id, scope: loaded.scope) else { throw AppError.notFound }
            rendered = try await AgendaController(services: services).letterHTML(loaded, afspraak)
            back = SiteRoute.afspraak(loaded.person.id, afspraak.id).path
        default:
            throw AppError.notFound
        }
        let id = UUID().uuidString.lowercased()
        let document = SentLetterStore.Document(html: Self.linkingOwnStyle(rendered.html, personId: loaded.person.id, letterId: id),
                                                css: try String(contentsOfFile: Views.publicDirectory + "/letter.css", encoding: .utf8))
        let event = services.auditEvent(.caseworkLetterSend, context: context, permission: .editPersons, person: loaded.person, detail: rendered.reference)
        guard try await services.letters.insert(id: id, personId: loaded.person.id, scope: loaded.scope, kind: form["soort"] ?? "", reference: rendered.reference,
                                                subject: rendered.subject, sentDate: CalendarDate.today(now: services.clock.now()), document: document,
                                                actor: CaseLoader.actor(loaded.principal), audit: event, now: services.clock.now()) != nil else {
            throw AppError.notFound
        }
        return Response(status: .seeOther, headers: [.location: back + "?melding=verzonden"])
    }

    struct Row: Encodable { let date: String; let subject: String; let reference: String; let who: String; let href: String }
    struct ListView: Encodable { let name: String; let backHref: String; let rows: [Row]; let hasRows: Bool }

    /// Every letter kept as sent for this person, newest first.
    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await CaseLoader(services: services).load(context, permission: .readCasework)
        try await services.record(.caseworkLetterView, context: context, permission: .readCasework, person: loaded.person, detail: "lijst")
        let t = services.localizer(context)
        let rows = try await Self.rows(services, loaded, locale: context.locale)
        return try services.views.render(
            "sent-letters", titleKey: "sentLetters.title", titleArguments: ["name": loaded.person.displayName(t)],
            content: ListView(name: loaded.person.displayName(t), backHref: SiteRoute.person(loaded.person.id).path, rows: rows, hasRows: !rows.isEmpty),
            context: context)
    }

    /// The sent letters as a list shows them (also on the PIP page).
    static func rows(_ services: AppServices, _ loaded: CaseLoader.Loaded, locale: UILocale) async throws -> [Row] {
        try await services.letters.list(personId: loaded.person.id, scope: loaded.scope).map { s in
            Row(date: DisplayDate.format(s.sentDate, locale), subject: s.subject, reference: s.reference, who: s.recordedBy,
                href: SiteRoute.sentLetter(loaded.person.id, s.id).path)
        }
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
