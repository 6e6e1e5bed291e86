import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import RegieStorage

/// The page behind a password-set link (`UsersController` hands them out): no login needed, the
/// token is the authority. Used once, within its lifetime, for an active account; the password
/// rules are the account page's. Attempts are limited per client address like logins.
struct PasswordSetController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.passwordSetPattern), use: show)
        router.post(RouterPath(SiteRoute.passwordSetPattern), use: save)
    }

    struct View: Encodable {
        let valid: Bool
        let problem: String?
        let email: String
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let loginPath: String
        let minimumLength: Int
    }

    /// Counts the request against the client's address; the message and wait when it is over the limit.
    private func limited(_ context: RegieRequestContext) async throws -> Int? {
        let now = services.clock.now()
        let config = services.config
        let key = "password-set:" + context.remoteAddress
        if case .limited(let retryAt) = try await services.sessions.reserveAttempt(
            username: key, address: key, at: now, window: config.loginWindow, maxForUsername: config.loginMaxFailures * 4, maxForAddress: nil) {
            return AuthController.waitMinutes(until: retryAt, now: now)
        }
        return nil
    }

    private func linkState(_ context: RegieRequestContext) async throws -> (tokenHash: String, state: PasswordLinkState) {
        let token = try context.parameters.require("token")
        let tokenHash = services.hasher.digest(token)
        return (tokenHash, try await services.users.checkPasswordLink(tokenHash: tokenHash, at: services.clock.now()))
    }

    private func render(_ context: RegieRequestContext, state: PasswordLinkState, email: String, errors: [AppError.FieldError],
                        tooManyMinutes: Int? = nil, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let problem = tooManyMinutes.map { t("passwordSet.tooMany", ["minutes": String($0)]) } ?? Self.problemKey(state).map { t($0) }
        let fields = [
            FieldView(.input("password"), name: "new", label: t("passwordSet.new"),
                      hint: t("passwordSet.newHint", ["min": String(AccountController.minimumPasswordLength)]), required: true, errors: errors,
                      extra: "autocomplete=\"new-password\" minlength=\"\(AccountController.minimumPasswordLength)\""),
            FieldView(.input("password"), name: "confirm", label: t("passwordSet.confirm"), required: true, errors: errors,
                      extra: "autocomplete=\"new-password\""),
        ]
        var response = try services.views.render(
            "password-set", titleKey: "passwordSet.title",
            content: View(valid: problem == nil, problem: problem, email: email, summary: ErrorSummary(errors), fields: fields,
                          // The form posts to the address it was opened at; the token is not put in the page a second time.
                          action: "", loginPath: SiteRoute.login.path, minimumLength: AccountController.minimumPasswordLength),
            context: context, status: status)
        // The token is in the address: keep it out of any Referer sent from this page.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if let tooManyMinutes { response.headers[.retryAfter] = String(tooManyMinutes * 60) }
        return response
    }

    /// The message for a link that does not work (nil for one that does).
    static func problemKey(_ state: PasswordLinkState) -> String? {
        switch state {
        case .valid: nil
        case .expired: "passwordSet.expired"
        case .used: "passwordSet.used"
        case .unknown: "passwordSet.unknown"
        }
    }

    /// 200 for a link that works, 410 for one that did (used or expired), 404 for one that never did.
    static func status(_ state: PasswordLinkState) -> HTTPResponse.Status {
        switch state {
        case .valid: .ok
        case .expired, .used: .gone
        case .unknown: .notFound
        }
    }

    private func email(_ state: PasswordLinkState) async throws -> String {
        guard case .valid(let userId) = state else { return "" }
        return try await services.users.fetchUser(id: userId)?.email ?? ""
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if let minutes = try await limited(context) {
            return try render(context, state: .unknown, email: "", errors: [], tooManyMinutes: minutes, status: .tooManyRequests)
        }
        let (_, state) = try await linkState(context)
        if case .valid = state { try await services.sessions.clearFailedLogins(username: "password-set:" + context.remoteAddress) }
        return try render(context, state: state, email: try await email(state), errors: [], status: Self.status(state))
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if let minutes = try await limited(context) {
            return try render(context, state: .unknown, email: "", errors: [], tooManyMinutes: minutes, status: .tooManyRequests)
        }
        let (tokenHash, state) = try await linkState(context)
        guard case .valid(let userId) = state else {
            return try render(context, state: state, email: "", errors: [], status: Self.status(state))
        }
        try await services.sessions.clearFailedLogins(username: "password-set:" + context.remoteAddress)
        guard let user = try await services.users.fetchUser(id: userId) else {
            return try render(context, state: .unknown, email: "", errors: [], status: .notFound)
        }
        let new = context.form.raw("new") ?? ""
        let confirm = context.form.raw("confirm") ?? ""
        let errors = AccountController.newPasswordErrors(new: new, confirm: confirm, email: user.email, localizer: services.localizer(context),
                                                               notEmailKey: "passwordSet.notEmail")
        guard errors.isEmpty else {
            return try render(context, state: state, email: user.email, errors: errors, status: .badRequest)
        }
        let cost = services.bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(new, cost: cost) }
        guard try await services.users.consumePasswordLink(tokenHash: tokenHash, passwordHash: hash, at: services.clock.now()) != nil else {
            // Used or expired between the check and now.
            return try render(context, state: try await linkState(context).state, email: "", errors: [], status: .gone)
        }
        // Nobody is signed in: the entry names the account whose password was set, by the link.
        try await services.auditCommit.append(AuditEvent(
            actorId: user.id, actorName: user.name, actorRole: user.roles.first?.rawValue ?? "-", organisationId: user.organisationId,
            action: AuditAction.userPasswordSet.rawValue, purpose: "beheer", requestId: context.requestID, detail: "wachtwoord ingesteld met een eenmalige link"),
            at: services.clock.now())
        return Response(status: .seeOther, headers: [.location: SiteRoute.login.path + "?reden=wachtwoord"])
    }
}
