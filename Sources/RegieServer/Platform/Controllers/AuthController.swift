import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import RegieStorage

/// Login, logout: bcrypt passwords, database sessions, rate-limited attempts.
struct AuthController {
    let services: AppServices

    /// A hash to verify against when the e-mail address is unknown, made with the cost of the real
    /// ones, so an unknown address takes as long to refuse as a known one (no account enumeration by
    /// timing; `bench/login_timing.py` measures the ratio).
    let timingDummyHash: String

    init(services: AppServices) {
        self.services = services
        self.timingDummyHash = Bcrypt.hash(TokenHasher.randomToken(bytes: 12), cost: services.bcryptCost)
    }

    /// The cookie that marks a browser this account signed in from before (OWASP's "device cookie"):
    /// its failures count for that browser only, so neither an attacker guessing the account's password
    /// elsewhere nor many failures from a shared address (a proxy, a town hall's NAT) lock out its owner.
    static let deviceCookie = "regie_device"
    static let deviceCookieLifetime = 180 * 24 * 3600

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.login.path), use: showLogin)
        router.post(RouterPath(SiteRoute.login.path), use: login)
        router.post(RouterPath(SiteRoute.logout.path), use: logout)
    }

    struct LoginView: Encodable {
        let email: String
        let back: String
        let error: String?
        let notice: String?
        let action: String
        /// Sign-in through each organisation's identity provider, when configured.
        let providers: [Provider]
        let hasProviders: Bool
    }

    struct Provider: Encodable {
        let href: String
        let label: String
    }

    func showLogin(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if context.principal != nil {
            return Response(status: .seeOther, headers: [.location: SiteRoute.home.path])
        }
        let t = services.localizer(context)
        let notice: String? = switch context.form["reden"] {
        case "verlopen": t("login.expired")
        case "uitgelogd": t("login.loggedOut")
        case "wachtwoord": t("login.passwordSet")
        case "codeVerlopen": t("secondFactor.expired")
        case "pogingen": t("secondFactor.tooMany")
        default: context.sessionExpired ? t("login.expired") : nil
        }
        return try render(context, email: "", back: Self.safeBack(context.form["terug"]), error: nil, notice: notice)
    }

    private func render(_ context: RegieRequestContext, email: String, back: String, error: String?, notice: String?, status: HTTPResponse.Status = .ok) throws -> Response {
        try Self.render(services, context, email: email, back: back, error: error, notice: notice, status: status)
    }

    static func render(_ services: AppServices, _ context: RegieRequestContext, email: String, back: String, error: String?, notice: String?,
                       status: HTTPResponse.Status = .ok) throws -> Response {
        let t = services.localizer(context)
        return try services.views.render(
            "login", titleKey: "login.title",
            content: LoginView(email: email, back: back, error: error, notice: notice, action: SiteRoute.login.path,
                               providers: services.config.oidc.map { provider in
                                   Provider(href: SiteRoute.oidcStart.path + "?aanbieder=\(provider.key)&terug=" + QueryValue.encode(back),
                                            label: t("login.oidc", ["organisation": provider.organisation]))
                               }, hasProviders: !services.config.oidc.isEmpty),
            context: context, status: status)
    }

    /// Only local paths are followed after login (no open redirect; `LocalPath`).
    static func safeBack(_ value: String?) -> String { LocalPath.safe(value, or: SiteRoute.home.path) }

    func login(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let t = services.localizer(context)
        let now = services.clock.now()
        let email = (context.form["email"] ?? "").lowercased()
        let password = context.form.raw("password") ?? ""
        let back = Self.safeBack(context.form["terug"])
        let config = services.config

        guard !email.isEmpty, !password.isEmpty else {
            return try render(context, email: email, back: back, error: t("login.missing"), notice: nil, status: .badRequest)
        }

        // Rate limit, counted and decided in one step before the password is checked: per account
        // (across addresses) and, more loosely, per client address — or, from a browser this account
        // signed in from before, per that browser only.
        let device = Self.trustedDevice(request.cookies[Self.deviceCookie]?.value, email: email, hasher: services.hasher)
        let reservation = try await services.sessions.reserveAttempt(
            username: email, address: device.map { "device:" + $0 } ?? context.remoteAddress, at: now, window: config.loginWindow,
            maxForUsername: config.loginMaxFailures, maxForAddress: config.loginMaxFailures * 4)
        if case .limited(let retryAt) = reservation {
            let minutes = Self.waitMinutes(until: retryAt, now: now)
            var response = try render(context, email: email, back: back, error: t("login.tooMany", ["minutes": String(minutes)]), notice: nil, status: .tooManyRequests)
            response.headers[.retryAfter] = String(minutes * 60)
            return response
        }

        let credentials = try await services.users.fetchCredentials(email: email)
        let hash = credentials?.passwordHash ?? timingDummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let credentials, credentials.active, matches else {
            // The reserved attempt stays as the failure.
            return try render(context, email: email, back: back, error: t("login.failed"), notice: nil, status: .unauthorized)
        }

        // A second factor, when the account has one or its organisation requires one: the session
        // starts only after the code (the reserved attempt stays counted until then).
        guard let user = try await services.users.fetchUser(id: credentials.userId) else {
            return try render(context, email: email, back: back, error: t("login.failed"), notice: nil, status: .unauthorized)
        }
        // An organisation that signs in through its identity provider may switch password login off;
        // its break-glass accounts keep it, and every use of one is audited.
        var detail = ""
        if let oidc = services.config.oidc.first(where: { $0.organisation == user.organisationName }) {
            if oidc.breakGlass.contains(email) {
                detail = "break-glass: met wachtwoord terwijl de organisatie via de identity provider inlogt"
            } else if !oidc.passwordLogin {
                return try render(context, email: email, back: back, error: t("login.passwordOff", ["organisation": oidc.organisation]), notice: nil,
                                  status: .forbidden)
            }
        }
        if try await services.secondFactor.state(userId: user.id).enabled {
            return try await SecondFactorController(services: services).challenge(.code, user: user, back: back, context: context)
        }
        if try await services.secondFactor.organisationRequires(organisationId: user.organisationId) {
            return try await SecondFactorController(services: services).challenge(.enrol, user: user, back: back, context: context)
        }
        var response = Response(status: .seeOther, headers: [.location: back])
        try await Self.signIn(user, services: services, request: request, context: context, detail: detail, into: &response)
        return response
    }

    /// Starts the session of an account whose password (and second factor, when it has one) was
    /// right: clears its failed attempts, audits the login (`detail` says how), and sets the session
    /// and device cookies on `response`.
    @discardableResult
    static func signIn(_ user: User, services: AppServices, request: Request, context: RegieRequestContext, detail: String = "",
                       into response: inout Response) async throws -> SessionRecord {
        let now = services.clock.now()
        let config = services.config
        let email = user.email.lowercased()
        try await services.sessions.recordLoginAttempt(username: email, address: context.remoteAddress, succeeded: true, at: now)
        try await services.sessions.clearFailedLogins(username: email)
        let token = TokenHasher.randomToken()
        let session = SessionRecord(
            tokenHash: services.hasher.digest(token), userId: user.id, csrfToken: TokenHasher.randomToken(),
            municipalityCode: nil, createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(config.sessionAbsoluteTimeout))
        try await services.sessions.insertSession(session)
        try await services.users.recordLogin(userId: user.id, at: now)
        var signedIn = context
        signedIn.principal = .user(user, session: session)
        try await services.record(.login, context: signedIn, permission: nil, detail: detail)
        // A session cookie (no Max-Age): it ends when the browser closes; the session row keeps the
        // idle and absolute limits.
        response.setCookie(Cookie(
            name: WebMiddleware.sessionCookie, value: token, path: "/", secure: config.cookieSecure, httpOnly: true, sameSite: .lax))
        let device = Self.trustedDevice(request.cookies[Self.deviceCookie]?.value, email: email, hasher: services.hasher)
        response.setCookie(Cookie(
            name: Self.deviceCookie, value: device.map { Self.deviceToken(nonce: $0, email: email, hasher: services.hasher) }
                ?? Self.deviceToken(nonce: TokenHasher.randomToken(bytes: 12), email: email, hasher: services.hasher),
            maxAge: Self.deviceCookieLifetime, path: SiteRoute.login.path, secure: config.cookieSecure, httpOnly: true, sameSite: .strict))
        return session
    }

    /// Whole minutes until a limited attempt may be made again (at least 1), for the message and `Retry-After`.
    static func waitMinutes(until retryAt: Date, now: Date) -> Int {
        max(1, Int((retryAt.timeIntervalSince(now) / 60).rounded(.up)))
    }

    /// `<nonce>.<HMAC of the account and the nonce>`: names no account, and only this server can make one.
    static func deviceToken(nonce: String, email: String, hasher: TokenHasher) -> String {
        nonce + "." + hasher.digest("device|" + email.lowercased() + "|" + nonce)
    }

    /// The device's nonce when `cookie` is a device cookie this server made for `email`.
    static func trustedDevice(_ cookie: String?, email: String, hasher: TokenHasher) -> String? {
        guard let cookie, let dot = cookie.firstIndex(of: "."), !email.isEmpty else { return nil }
        let nonce = String(cookie[..<dot])
        guard !nonce.isEmpty, TokenHasher.equal(deviceToken(nonce: nonce, email: email, hasher: hasher), cookie) else { return nil }
        return nonce
    }

    func logout(_ request: Request, context: RegieRequestContext) async throws -> Response {
        var location = SiteRoute.login.path + "?reden=uitgelogd"
        if let session = context.principal?.session {
            try await services.record(.logout, context: context, permission: nil)
            // Signed in through the identity provider: logged out there too (RP-initiated logout).
            if let (key, sealed) = try await services.oidcStore.idToken(sessionTokenHash: session.tokenHash), let provider = services.oidc[key],
               let end = try? await OIDCController(services: services).endSessionURL(provider, idToken: try services.config.fieldSeal.open(sealed), request: request) {
                location = end
            }
            try await services.sessions.deleteSession(tokenHash: session.tokenHash)
        }
        var response = Response(status: .seeOther, headers: [.location: location])
        response.setCookie(Cookie(name: WebMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: services.config.cookieSecure, httpOnly: true, sameSite: .lax))
        return response
    }
}
