import Foundation
import Hummingbird
import Mustache
import RegieStorage

/// Server-rendered HTML: logic-less Mustache templates fed by view models prepared in Swift.
public struct Views: Sendable {
    let library: MustacheLibrary
    public let catalogue: Catalogue

    public init(library: MustacheLibrary, catalogue: Catalogue) {
        self.library = library
        self.catalogue = catalogue
    }

    /// Loads templates and the catalogue from the module's resources.
    public static func load() async throws -> Views {
        guard let resources = resourcesDirectory else {
            throw AppStartError("The RegieServer resources are missing.")
        }
        let library = try loadTemplates(from: resources.appendingPathComponent("Templates"))
        let catalogue = try Catalogue.load(from: resources.appendingPathComponent("Locales"))
        return Views(library: library, catalogue: catalogue)
    }

    /// Every `.mustache` file of `directory`, named by its file name, each escaping with `HTMLEscaping`
    /// (the library's own escaper walks grapheme clusters and looks each up in a dictionary; this one
    /// scans bytes and returns the string untouched when nothing needs escaping, as most values do).
    static func loadTemplates(from directory: URL) throws -> MustacheLibrary {
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            do {
                try library.register("{{% CONTENT_TYPE: \(HTMLEscaping.name) }}\n" + text, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw AppStartError("Template \(file) does not parse: \(error)")
            }
        }
        return library
    }

    /// The copied `Resources` folder of this module (its location differs per platform, so ask the bundle).
    static var resourcesDirectory: URL? {
        Bundle.module.url(forResource: "Resources", withExtension: nil)
    }

    public static var publicDirectory: String {
        resourcesDirectory?.appendingPathComponent("Public").path ?? "Public"
    }

    /// The frame around every page: header, navigation by role, language, CSRF token.
    struct Chrome: Encodable {
        struct NavItem: Encodable {
            let href: String
            let label: String
            let current: Bool
        }

        struct MunicipalityOption: Encodable {
            let code: String
            let name: String
            let selected: Bool
        }

        let title: String
        let lang: String
        let signedIn: Bool
        let userName: String
        let organisationName: String
        let municipalityName: String
        let municipalities: [MunicipalityOption]
        let hasSwitcher: Bool
        let nav: [NavItem]
        let csrf: String
        let notice: String?
        let switchPath: String
        let logoutPath: String
        /// Where the brand leads: the start page of whoever is signed in.
        let homePath: String
    }

    func chrome(title: String, context: RegieRequestContext, current: String?, notice: String?) -> Chrome {
        let locale = context.locale
        var nav: [Chrome.NavItem] = []
        var userName = "", organisationName = "", municipalityName = ""
        var options: [Chrome.MunicipalityOption] = []
        if let principal = context.principal {
            func add(_ route: SiteRoute, _ key: String) {
                nav.append(.init(href: route.path, label: catalogue.text(key, locale), current: current == route.path))
            }
            if case .newcomer(_, let municipality) = principal {
                // A newcomer in the attendance register: their lessons and their password, nothing else.
                add(.participantHome, "nav.participant")
                add(.participantPassword, "nav.participantPassword")
                return Chrome(
                    title: title, lang: locale.rawValue, signedIn: true, userName: context.participant?.account.login ?? "", organisationName: "",
                    municipalityName: municipality.name, municipalities: [], hasSwitcher: false, nav: nav, csrf: context.csrfToken, notice: notice,
                    switchPath: SiteRoute.switchMunicipality.path, logoutPath: SiteRoute.participantLogout.path,
                    homePath: SiteRoute.participantHome.path)
            }
            if case .partner(let partner) = principal {
                // A provider's staff: their referrals and lessons, the rules and their account; nothing of the municipality's casework.
                add(.partnerHome, "nav.partner")
                add(.partnerLessons, "nav.partnerLessons")
                if partner.isAdmin { add(.partnerAccounts, "nav.partnerAccounts") }
                organisationName = partner.organisationName
            } else if Policy.allows(principal, .readPersons) && !Policy.ontzorgenOnly(principal) { add(.home, "nav.caseload") }
            if Policy.allows(principal, .editPersons) { add(.myTasks, "nav.tasks") }
            if Policy.allows(principal, .editPersons) { add(.myAgenda, "nav.agenda") }
            if Policy.allows(principal, .assignCases) { add(.teamAgenda, "nav.teamAgenda") }
            if Policy.allows(principal, .assignCases) { add(.team, "nav.team") }
            if Policy.allows(principal, .readCasework) { add(.duo, "nav.duo") }
            if Policy.allows(principal, .manageOntzorgen) { add(.ontzorgen, "nav.ontzorgen") }
            if Policy.allows(principal, .viewFigures) { add(.figures, "nav.figures") }
            if Policy.allows(principal, .viewAuditLog) { add(.auditLog, "nav.auditLog") }
            if Policy.allows(principal, .manageUsers) { add(.users, "nav.users") }
            if Policy.allows(principal, .manageAPIKeys) { add(.apiKeys, "nav.apiKeys") }
            if Policy.allows(principal, .manageSettings) { add(.providers, "nav.providers") }
            if Policy.allows(principal, .manageSettings) { add(.settings, "nav.settings") }
            add(.rules, "nav.rules")
            add(.account, "nav.account")
            userName = principal.user?.name ?? principal.displayName
            if case .user(let user, let session) = principal {
                organisationName = user.organisationName
                let selected = session.municipalityCode
                options = user.municipalities.map { .init(code: $0.code, name: $0.name, selected: $0.code == selected) }
                if let selected, let municipality = user.municipalities.first(where: { $0.code == selected }) {
                    municipalityName = municipality.name
                } else if user.municipalities.count == 1 {
                    municipalityName = user.municipalities[0].name
                } else {
                    municipalityName = catalogue.text("header.allMunicipalities", locale, ["count": String(user.municipalities.count)])
                }
            }
        }
        return Chrome(
            title: title, lang: locale.rawValue, signedIn: context.principal != nil, userName: userName,
            organisationName: organisationName, municipalityName: municipalityName, municipalities: options,
            hasSwitcher: options.count > 1, nav: nav, csrf: context.csrfToken, notice: notice,
            switchPath: SiteRoute.switchMunicipality.path, logoutPath: SiteRoute.logout.path,
            homePath: SiteRoute.home.path)
    }

    /// Renders `template` inside the layout. `titleKey` is a catalogue key; `content` is the page's
    /// own view model, read by the template as `content.…` beside `t` (the catalogue of the
    /// request's language) and `page` (the chrome).
    func render<Content: Encodable>(_ template: String, titleKey: String, titleArguments: [String: String] = [:], content: Content,
                                    context: RegieRequestContext, current: String? = nil, notice: String? = nil,
                                    status: HTTPResponse.Status = .ok) throws -> Response {
        try render(template, titleKey: titleKey, titleArguments: titleArguments, tree: ViewTree.make(content),
                   context: context, current: current, notice: notice, status: status)
    }

    /// The same for a view model written as a dictionary.
    func render(_ template: String, titleKey: String, titleArguments: [String: String] = [:], content: [String: Any],
                context: RegieRequestContext, current: String? = nil, notice: String? = nil,
                status: HTTPResponse.Status = .ok) throws -> Response {
        try render(template, titleKey: titleKey, titleArguments: titleArguments, tree: ViewTree.make(content),
                   context: context, current: current, notice: notice, status: status)
    }

    private func render(_ template: String, titleKey: String, titleArguments: [String: String], tree: Any,
                        context: RegieRequestContext, current: String?, notice: String?, status: HTTPResponse.Status) throws -> Response {
        let title = catalogue.text(titleKey, context.locale, titleArguments)
        let chrome = try ViewTree.make(chrome(title: title, context: context, current: current, notice: notice))
        let html = try html(template, ["t": catalogue.root(context.locale), "page": chrome, "content": tree])
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Renders a plain tree (see `ViewTree`); a debug build refuses anything Mustache would reflect on.
    private func html(_ template: String, _ tree: [String: Any]) throws -> String {
        assert(ViewTree.reflected(in: tree) == nil, "The view of \(template) holds a value Mustache would read by reflection: \(ViewTree.reflected(in: tree) ?? "")")
        guard let html = library.render(tree, withTemplate: template) else {
            throw AppStartError("Template \(template) is missing.")
        }
        return html
    }
}

extension Views {
    /// Renders a page without the site's frame (a printable letter): `t` and `content` only.
    func renderStandalone(_ template: String, content: [String: Any], context: RegieRequestContext, locale: UILocale? = nil) throws -> Response {
        let html = try standaloneHTML(template, tree: ViewTree.make(content), locale: locale ?? context.locale)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The HTML of a page without the site's frame, e.g. to keep a letter as it was sent.
    func renderStandaloneHTML<Content: Encodable>(_ template: String, content: Content, locale: UILocale) throws -> String {
        try standaloneHTML(template, tree: ViewTree.make(content), locale: locale)
    }

    private func standaloneHTML(_ template: String, tree: Any, locale: UILocale) throws -> String {
        try html(template, ["t": catalogue.root(locale), "content": tree])
    }
}

public struct AppStartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// HTML escaping for templates: the same five characters as Mustache's own (`<`, `>`, `&`, `"`,
/// `'`), found by scanning UTF-8 bytes (none of them occurs inside a multi-byte character).
struct HTMLEscaping: MustacheContentType {
    static let name = "REGIE_HTML"

    func escapeText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: Self.needsEscape) else { return nil as String? }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            out.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
