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
        let library = try await MustacheLibrary(directory: resources.appendingPathComponent("Templates").path)
        let catalogue = try Catalogue.load(from: resources.appendingPathComponent("Locales"))
        return Views(library: library, catalogue: catalogue)
    }

    /// The copied `Resources` folder of this module (its location differs per platform, so ask the bundle).
    static var resourcesDirectory: URL? {
        Bundle.module.url(forResource: "Resources", withExtension: nil)
    }

    public static var publicDirectory: String {
        resourcesDirectory?.appendingPathComponent("Public").path ?? "Public"
    }

    /// The frame around every page: header, navigation by role, language, CSRF token.
    struct Chrome {
        struct NavItem {
            let href: String
            let label: String
            let current: Bool
        }

        struct MunicipalityOption {
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
    }

    /// One rendered page: `t` is the catalogue of the request's language, `page` the chrome,
    /// `content` the page's own view model.
    struct Page<Content> {
        let t: Catalogue.Node
        let page: Chrome
        let content: Content
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
            if Policy.allows(principal, .readPersons) && !Policy.ontzorgenOnly(principal) { add(.home, "nav.caseload") }
            if Policy.allows(principal, .editPersons) { add(.myTasks, "nav.tasks") }
            if Policy.allows(principal, .assignCases) { add(.team, "nav.team") }
            if Policy.allows(principal, .readCasework) { add(.duo, "nav.duo") }
            if Policy.allows(principal, .manageOntzorgen) { add(.ontzorgen, "nav.ontzorgen") }
            if Policy.allows(principal, .viewFigures) { add(.figures, "nav.figures") }
            if Policy.allows(principal, .viewAuditLog) { add(.auditLog, "nav.auditLog") }
            if Policy.allows(principal, .manageUsers) { add(.users, "nav.users") }
            if Policy.allows(principal, .manageAPIKeys) { add(.apiKeys, "nav.apiKeys") }
            if Policy.allows(principal, .manageSettings) { add(.settings, "nav.settings") }
            add(.rules, "nav.rules")
            add(.account, "nav.account")
            userName = principal.displayName
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
            switchPath: SiteRoute.switchMunicipality.path, logoutPath: SiteRoute.logout.path)
    }

    /// Renders `template` inside the layout. `titleKey` is a catalogue key.
    func render<Content>(_ template: String, titleKey: String, titleArguments: [String: String] = [:], content: Content,
                         context: RegieRequestContext, current: String? = nil, notice: String? = nil,
                         status: HTTPResponse.Status = .ok) throws -> Response {
        let title = catalogue.text(titleKey, context.locale, titleArguments)
        let page = Page(t: catalogue.root(context.locale), page: chrome(title: title, context: context, current: current, notice: notice), content: content)
        guard let html = library.render(page, withTemplate: template) else {
            throw AppStartError("Template \(template) is missing.")
        }
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension Views {
    /// Renders a page without the site's frame (a printable letter): `t` and `content` only.
    func renderStandalone<Content>(_ template: String, content: Content, context: RegieRequestContext, locale: UILocale? = nil) throws -> Response {
        let html = try renderStandaloneHTML(template, content: content, locale: locale ?? context.locale)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension Views {
    /// The HTML of a page without the site's frame, e.g. to keep a letter as it was sent.
    func renderStandaloneHTML<Content>(_ template: String, content: Content, locale: UILocale) throws -> String {
        guard let html = library.render(StandalonePage(t: catalogue.root(locale), content: content), withTemplate: template) else {
            throw AppStartError("Template \(template) is missing.")
        }
        return html
    }
}

/// A page without the site's frame.
struct StandalonePage<Content> {
    let t: Catalogue.Node
    let content: Content
}

public struct AppStartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
