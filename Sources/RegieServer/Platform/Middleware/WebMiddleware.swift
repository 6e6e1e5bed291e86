import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import NIOCore
import RegieStorage

/// The web interface's middleware: finds the session behind the cookie (idle and absolute
/// expiry), picks the language, decodes forms, checks the CSRF token on every state-changing
/// request, and turns errors into pages with the layout.
struct WebMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let services: AppServices

    static let sessionCookie = "regie_session"
    static let csrfCookie = "regie_csrf"
    /// `last_seen_at` is written at most this often, so reads stay reads.
    static let touchInterval: TimeInterval = 60

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        var newAnonymousToken: String?
        // The sealed temporary files of a streamed upload go when the request ends, however it ends.
        var streamed: [StreamedUpload] = []
        defer { for upload in streamed { upload.remove() } }
        do {
            try await authenticate(request, &context)
            if case .newcomer = context.principal, !Self.isParticipantPath(request.uri.path) { throw AppError.notFound }
            if case .partner = context.principal, !Self.partnerMayOpen(request.uri.path) {
                if request.uri.path == "/" { return Response(status: .seeOther, headers: [.location: SiteRoute.partnerHome.path]) }
                throw AppError.forbidden
            }
            if context.principal == nil {
                if let token = request.cookies[Self.csrfCookie]?.value, !token.isEmpty {
                    context.anonymousCSRF = token
                } else {
                    let token = TokenHasher.randomToken()
                    context.anonymousCSRF = token
                    newAnonymousToken = token
                }
            }
            if let query = request.uri.query {
                context.form = FormData(urlEncoded: query)
            }
            if Self.isStateChanging(request.method) {
                if let boundary = Self.multipartBoundary(request.headers[.contentType]) {
                    // A form with a file (a document of up to 20 MiB, a scanned letter) streams to sealed chunks
                    // on disk, never whole in memory — and only for someone signed in, so nobody else makes the
                    // server seal 20 MiB.
                    guard context.principal != nil else { throw AppError.unauthenticated }
                    (context.form, context.streamedUploads) = try await StreamedMultipart.parse(
                        request.body, boundary: boundary, seal: services.config.fieldSeal, fileLimit: AddDocument.maximumStreamedBytes)
                    streamed = Array(context.streamedUploads.values)
                } else {
                    let body = try await request.collectBody(upTo: context.maxUploadSize)
                    context.form = FormData(urlEncoded: String(buffer: body))
                }
                try verifyCSRF(context)
            }
            try checkCharacters(&context)
            var response = try await next(request, context)
            if let newAnonymousToken {
                response.setCookie(csrfCookie(newAnonymousToken))
            }
            return response
        } catch {
            var response = try errorResponse(error, request: request, context: context)
            if let newAnonymousToken {
                response.setCookie(csrfCookie(newAnonymousToken))
            }
            return response
        }
    }

    /// The boundary of a `multipart/form-data` body, if it is one.
    static func multipartBoundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func isStateChanging(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch || method == .delete
    }

    private func csrfCookie(_ token: String) -> Cookie {
        Cookie(name: Self.csrfCookie, value: token, path: "/", secure: services.config.cookieSecure, httpOnly: true, sameSite: .strict)
    }

    /// Loads the session and its user; an expired session is deleted and remembered so the login
    /// page can say why.
    private func authenticate(_ request: Request, _ context: inout Context) async throws {
        let now = services.clock.now()
        if let user = context.principal?.user {
            context.locale = UILocale(rawValue: user.locale) ?? .nl
            return
        }
        context.locale = Self.preferredLocale(request)
        // The attendance register's own pages know only the newcomer's own session, never staff's.
        if Self.isParticipantPath(request.uri.path) {
            try await authenticateParticipant(request, &context, now: now)
            return
        }
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { return }
        let tokenHash = services.hasher.digest(token)
        guard let (session, user) = try await services.users.fetchSignedIn(tokenHash: tokenHash) else { return }
        let idleDeadline = session.lastSeenAt.addingTimeInterval(services.config.sessionIdleTimeout)
        guard now < session.expiresAt, now < idleDeadline else {
            try await services.sessions.deleteSession(tokenHash: tokenHash)
            context.sessionExpired = true
            return
        }
        guard user.active else {
            try await services.sessions.deleteSession(tokenHash: tokenHash)
            return
        }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            try await services.sessions.touchSession(tokenHash: tokenHash, at: now)
        }
        context.locale = UILocale(rawValue: user.locale) ?? .nl
        guard let providerId = user.providerId else {
            context.principal = .user(user, session: session)
            return
        }
        // A provider's staff: the people referred to the provider, each with what they consented to,
        // read afresh on every request so a revoked consent counts at once. An inactive provider's
        // staff have no session.
        guard let home = try await services.providers.partnerHome(providerId: providerId), home.provider.active else { return }
        let grants = try await services.providers.partnerGrants(providerId: providerId, today: CalendarDate.today(now: now))
        context.principal = .partner(PartnerUser(id: user.id, name: user.name, organisationId: user.organisationId, organisationName: user.organisationName,
                                                 municipalities: [home.municipality], grants: grants, providerId: providerId, isAdmin: user.partnerAdmin,
                                                 account: user, session: session))
    }

    static let participantCookie = "regie_deelnemer"

    /// The newcomer's own pages: the attendance register (`/deelnemer`).
    static func isParticipantPath(_ path: String) -> Bool {
        path == SiteRoute.participantHome.path || path.hasPrefix(SiteRoute.participantHome.path + "/")
    }

    /// A newcomer's session for the attendance register: idle and absolute expiry as staff's; an
    /// account switched off has none.
    private func authenticateParticipant(_ request: Request, _ context: inout Context, now: Date) async throws {
        guard let token = request.cookies[Self.participantCookie]?.value, !token.isEmpty else { return }
        let tokenHash = services.hasher.digest("deelnemer|" + token)
        guard let session = try await services.participants.session(tokenHash: tokenHash) else { return }
        let idleDeadline = session.lastSeenAt.addingTimeInterval(services.config.sessionIdleTimeout)
        guard now < session.expiresAt, now < idleDeadline, session.account.active else {
            try await services.participants.endSession(tokenHash: tokenHash)
            context.sessionExpired = true
            return
        }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            try await services.participants.touch(tokenHash: tokenHash, now: now)
        }
        context.participant = session
        context.principal = .newcomer(personId: session.account.personId, municipality: session.municipality)
    }

    /// What a provider's staff may open: their own pages, their account, signing in and out, and the
    /// rules. Every page of the municipality's casework is closed to them, whatever it would show.
    static func partnerMayOpen(_ path: String) -> Bool {
        ["/aanbieder", "/account", "/uitloggen", "/inloggen", "/regels", "/wachtwoord-instellen"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// No field of any form or query holds a control character (`TextCharacters`): a NUL byte would
    /// fail in PostgreSQL and be stored by SQLite. Page and line breaks pasted from a document become
    /// line breaks first. Names and file names are checked further by their forms.
    private func checkCharacters(_ context: inout Context) throws {
        context.form.values = context.form.values.mapValues { $0.map(TextCharacters.normalizingBreaks) }
        let fields = context.form.values.filter { $0.value.contains { !TextCharacters.isClean($0) } }.keys.sorted()
            + context.streamedUploads.filter { !TextCharacters.isClean($0.value.filename, as: .name) }.keys.sorted()
        guard let field = fields.first else { return }
        throw AppError.invalid(detail: services.catalogue.text("errors.controlCharacter", context.locale), fields: [.init(name: field, message: "")])
    }

    private func verifyCSRF(_ context: Context) throws {
        let expected = context.csrfToken
        guard !expected.isEmpty, let given = context.form.raw("_csrf"), TokenHasher.equal(given, expected) else {
            throw AppError.csrfRejected
        }
    }

    /// Dutch unless the browser prefers English (signed-in users choose on their account page).
    static func preferredLocale(_ request: Request) -> UILocale {
        guard let header = request.headers[.acceptLanguage]?.lowercased() else { return .nl }
        let first = header.split(separator: ",").first.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) } ?? ""
        return first.hasPrefix("en") ? .en : .nl
    }

    private func errorResponse(_ error: any Error, request: Request, context: Context) throws -> Response {
        let catalogue = services.catalogue
        let locale = context.locale
        let appError: AppError
        switch error {
        case let error as AppError: appError = error
        case let error as HTTPError where error.status == .notFound: appError = .notFound
        case is NIOTooManyBytesError:
            appError = .rejected(status: 413, detail: catalogue.text("errors.tooLarge", locale, ["max": "10 MB"]), fields: [])
        case let error as HTTPError where error.status == .contentTooLarge:
            appError = .rejected(status: 413, detail: catalogue.text("errors.tooLarge", locale, ["max": "10 MB"]), fields: [])
        case let error where DatabaseError.isBusy(error):
            context.logger.warning("database busy", metadata: ["error": .string(String(describing: error))])
            var response = try page(503, "errors.busyTitle", "errors.busy", context)
            response.headers[.retryAfter] = "5"
            return response
        default:
            context.logger.error("unhandled error", metadata: ["error": .string(String(describing: type(of: error)))])
            return try services.views.render(
                "error", titleKey: "errors.serverTitle",
                content: ErrorView(heading: catalogue.text("errors.serverTitle", locale), message: catalogue.text("errors.server", locale, ["id": context.requestID])),
                context: context, status: .internalServerError)
        }
        switch appError {
        case .unauthenticated where Self.isParticipantPath(request.uri.path):
            let reason = context.sessionExpired ? "?reden=verlopen" : ""
            return Response(status: .seeOther, headers: [.location: SiteRoute.participantLogin.path + reason])
        case .unauthenticated:
            let back = request.method == .get ? request.uri.path : SiteRoute.home.path
            let reason = context.sessionExpired ? "&reden=verlopen" : ""
            let target = SiteRoute.login.path + "?terug=" + QueryValue.encode(back) + reason
            return Response(status: .seeOther, headers: [.location: target])
        case .notFound:
            return try page(404, "errors.notFoundTitle", "errors.notFound", context)
        case .forbidden:
            return try page(403, "errors.forbiddenTitle", "errors.forbidden", context)
        case .csrfRejected:
            return try page(403, "errors.csrfTitle", "errors.csrf", context)
        case .invalid(let detail, _):
            return try services.views.render("error", titleKey: "errors.invalidTitle",
                content: ErrorView(heading: catalogue.text("errors.invalidTitle", locale), message: detail), context: context, status: .badRequest)
        case .rejected(let status, let detail, _):
            return try services.views.render("error", titleKey: "errors.invalidTitle",
                content: ErrorView(heading: catalogue.text("errors.invalidTitle", locale), message: detail), context: context, status: HTTPResponse.Status(code: status))
        }
    }

    private func page(_ status: Int, _ titleKey: String, _ messageKey: String, _ context: Context) throws -> Response {
        let catalogue = services.catalogue
        return try services.views.render(
            "error", titleKey: titleKey,
            content: ErrorView(heading: catalogue.text(titleKey, context.locale), message: catalogue.text(messageKey, context.locale)),
            context: context, status: HTTPResponse.Status(code: status))
    }
}

struct ErrorView: Encodable {
    let heading: String
    let message: String
}
