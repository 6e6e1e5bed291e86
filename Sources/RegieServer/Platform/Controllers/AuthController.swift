import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import RegieStorage

/// Login, logout: bcrypt passwords, database sessions, rate-limited attempts.
struct AuthController {
    let services: AppServices

    /// A hash to verify against when the e-mail address is unknown, so both answers take as long.
    static let timingDummyHash = Bcrypt.hash("regie-timing-dummy", cost: 4)

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.login.path), use: showLogin)
        router.post(RouterPath(SiteRoute.login.path), use: login)
        router.post(RouterPath(SiteRoute.logout.path), use: logout)
    }

    struct LoginView {
        let email: String
        let back: String
        let error: String?
        let notice: String?
        let action: String
    }

    func showLogin(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if context.principal != nil {
            return Response(status: .seeOther, headers: [.location: SiteRoute.home.path])
        }
        let t = services.catalogue
        let notice: String? = switch context.form["reden"] {
        case "verlopen": t.text("login.expired", context.locale)
        case "uitgelogd": t.text("login.loggedOut", context.locale)
        default: context.sessionExpired ? t.text("login.expired", context.locale) : nil
        }
        return try render(context, email: "", back: Self.safeBack(context.form["terug"]), error: nil, notice: notice)
    }

    private func render(_ context: RegieRequestContext, email: String, back: String, error: String?, notice: String?, status: HTTPResponse.Status = .ok) throws -> Response {
        try services.views.render(
            "login", titleKey: "login.title",
            content: LoginView(email: email, back: back, error: error, notice: notice, action: SiteRoute.login.path),
            context: context, status: status)
    }

    /// Only local paths are followed after login (no open redirect).
    static func safeBack(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\") else { return SiteRoute.home.path }
        return value
    }

    func login(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let t = services.catalogue
        let now = services.clock.now()
        let email = (context.form["email"] ?? "").lowercased()
        let password = context.form.raw("password") ?? ""
        let back = Self.safeBack(context.form["terug"])
        let config = services.config

        // Rate limit: per e-mail address and, more loosely, per client address.
        let failures = try await services.sessions.countFailedLogins(username: email, address: context.remoteAddress, since: now.addingTimeInterval(-config.loginWindow))
        if failures.byUsername >= config.loginMaxFailures || failures.byAddress >= config.loginMaxFailures * 4 {
            let retryAt = (failures.oldest ?? now).addingTimeInterval(config.loginWindow)
            let minutes = max(1, Int((retryAt.timeIntervalSince(now) / 60).rounded(.up)))
            var response = try render(context, email: email, back: back, error: t.text("login.tooMany", context.locale, ["minutes": String(minutes)]), notice: nil, status: .tooManyRequests)
            response.headers[.retryAfter] = String(minutes * 60)
            return response
        }

        guard !email.isEmpty, !password.isEmpty else {
            return try render(context, email: email, back: back, error: t.text("login.missing", context.locale), notice: nil, status: .badRequest)
        }

        let credentials = try await services.users.fetchCredentials(email: email)
        let hash = credentials?.passwordHash ?? Self.timingDummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let credentials, credentials.active, matches else {
            try await services.sessions.recordLoginAttempt(username: email, address: context.remoteAddress, succeeded: false, at: now)
            return try render(context, email: email, back: back, error: t.text("login.failed", context.locale), notice: nil, status: .unauthorized)
        }

        try await services.sessions.recordLoginAttempt(username: email, address: context.remoteAddress, succeeded: true, at: now)
        try await services.sessions.clearFailedLogins(username: email)
        let token = TokenHasher.randomToken()
        let session = SessionRecord(
            tokenHash: services.hasher.digest(token), userId: credentials.userId, csrfToken: TokenHasher.randomToken(),
            municipalityCode: nil, createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(config.sessionAbsoluteTimeout))
        try await services.sessions.insertSession(session)
        if let user = try await services.users.fetchUser(id: credentials.userId) {
            var signedIn = context
            signedIn.principal = .user(user, session: session)
            try await services.record("login", context: signedIn, permission: nil)
        }
        var response = Response(status: .seeOther, headers: [.location: back])
        response.setCookie(Cookie(
            name: WebMiddleware.sessionCookie, value: token, maxAge: Int(config.sessionAbsoluteTimeout), path: "/",
            secure: config.cookieSecure, httpOnly: true, sameSite: .lax))
        return response
    }

    func logout(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if let session = context.principal?.session {
            try await services.record("logout", context: context, permission: nil)
            try await services.sessions.deleteSession(tokenHash: session.tokenHash)
        }
        var response = Response(status: .seeOther, headers: [.location: SiteRoute.login.path + "?reden=uitgelogd"])
        response.setCookie(Cookie(name: WebMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: services.config.cookieSecure, httpOnly: true, sameSite: .lax))
        return response
    }
}
