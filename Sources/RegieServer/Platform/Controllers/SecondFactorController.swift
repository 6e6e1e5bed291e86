import Foundation
import Hummingbird
import RegieStorage

/// The second factor of local accounts (issue 17 item 2): a code from an authenticator app (TOTP,
/// RFC 6238) after the password, enrolment with a QR code, ten one-time recovery codes, and the
/// organisation's choice to require it. Between the password and the session stands a challenge:
/// a row (`login_challenges`) named by a random token in a cookie, valid for ten minutes and for
/// five wrong codes; every wrong code also counts as a failed login of the account.
struct SecondFactorController {
    let services: AppServices

    static let challengeCookie = "regie_challenge"
    static let challengeLifetime: TimeInterval = 10 * 60
    static let maximumAttempts = 5
    /// The issuer an authenticator app shows above the code.
    static let issuer = "Regie"

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.loginCode.path), use: showCode)
        router.post(RouterPath(SiteRoute.loginCode.path), use: submitCode)
        router.get(RouterPath(SiteRoute.secondFactorEnrol.path), use: showEnrol)
        router.post(RouterPath(SiteRoute.secondFactorEnrol.path), use: submitEnrol)
        router.post(RouterPath(SiteRoute.accountSecondFactor.path), use: startEnrolFromAccount)
        router.post(RouterPath(SiteRoute.accountSecondFactorOff.path), use: turnOff)
        router.post(RouterPath(SiteRoute.accountRecoveryCodes.path), use: newRecoveryCodes)
    }

    // MARK: Challenges

    /// Starts a challenge for `user` and sends the browser to its page: the code, or enrolment with a
    /// new secret. `signedIn`: enrolment asked for from the account page, with a session already.
    func challenge(_ purpose: SecondFactorStore.Purpose, user: User, back: String, signedIn: Bool = false,
                   context: RegieRequestContext) async throws -> Response {
        let now = services.clock.now()
        let token = TokenHasher.randomToken()
        let secret = purpose == .enrol ? try services.config.fieldSeal.seal(Base32.encode(TOTP.newSecret())) : nil
        try await services.secondFactor.insertChallenge(tokenHash: services.hasher.digest(token), userId: user.id, purpose: purpose, sealedSecret: secret,
                                                        back: back, signedIn: signedIn, now: now, expiresAt: now.addingTimeInterval(Self.challengeLifetime))
        var response = Response(status: .seeOther, headers: [.location: purpose == .code ? SiteRoute.loginCode.path : SiteRoute.secondFactorEnrol.path])
        response.setCookie(Cookie(name: Self.challengeCookie, value: token, maxAge: Int(Self.challengeLifetime), path: "/",
                                  secure: services.config.cookieSecure, httpOnly: true, sameSite: .strict))
        return response
    }

    /// The running challenge of this browser, with its account; nil when there is none (expired,
    /// used, or never started). One started from the account page belongs to that session's user only.
    private func current(_ request: Request, _ context: RegieRequestContext, _ purpose: SecondFactorStore.Purpose)
        async throws -> (tokenHash: String, challenge: SecondFactorStore.Challenge, user: User)? {
        guard let token = request.cookies[Self.challengeCookie]?.value, !token.isEmpty else { return nil }
        let tokenHash = services.hasher.digest(token)
        guard let challenge = try await services.secondFactor.fetchChallenge(tokenHash: tokenHash, now: services.clock.now()),
              challenge.purpose == purpose,
              let user = try await services.users.fetchUser(id: challenge.userId), user.active else { return nil }
        if challenge.signedIn, context.principal?.user?.id != user.id { return nil }
        if !challenge.signedIn, context.principal != nil { return nil }
        return (tokenHash, challenge, user)
    }

    /// Back to the login page when the challenge is gone, saying why.
    private func restart(_ reason: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: SiteRoute.login.path + "?reden=" + reason])
        response.setCookie(clearedCookie)
        return response
    }

    private var clearedCookie: Cookie {
        Cookie(name: Self.challengeCookie, value: "", maxAge: 0, path: "/", secure: services.config.cookieSecure, httpOnly: true, sameSite: .strict)
    }

    /// A wrong code: counted on the challenge (which ends after five) and as a failed login of the
    /// account, under the same limits as a wrong password. Nil while the user may try again.
    private func refuse(_ tokenHash: String, _ user: User, _ request: Request, _ context: RegieRequestContext) async throws -> Response? {
        let now = services.clock.now()
        let config = services.config
        let email = user.email.lowercased()
        let device = AuthController.trustedDevice(request.cookies[AuthController.deviceCookie]?.value, email: email, hasher: services.hasher)
        let reservation = try await services.sessions.reserveAttempt(
            username: email, address: device.map { "device:" + $0 } ?? context.remoteAddress, at: now, window: config.loginWindow,
            maxForUsername: config.loginMaxFailures, maxForAddress: config.loginMaxFailures * 4)
        let attempts = try await services.secondFactor.countAttempt(tokenHash: tokenHash)
        if case .limited = reservation { try await services.secondFactor.deleteChallenge(tokenHash: tokenHash); return restart("pogingen") }
        if attempts >= Self.maximumAttempts { try await services.secondFactor.deleteChallenge(tokenHash: tokenHash); return restart("pogingen") }
        return nil
    }

    // MARK: The code after the password

    struct CodeView: Encodable {
        let error: String?
        let action: String
        let loginHref: String
    }

    func showCode(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard try await current(request, context, .code) != nil else { return restart("codeVerlopen") }
        return try renderCode(context, error: nil, status: .ok)
    }

    private func renderCode(_ context: RegieRequestContext, error: String?, status: HTTPResponse.Status) throws -> Response {
        try services.views.render("login-code", titleKey: "secondFactor.codeTitle",
                                  content: CodeView(error: error, action: SiteRoute.loginCode.path, loginHref: SiteRoute.login.path),
                                  context: context, status: status)
    }

    /// A code from the app, or a recovery code (used once; the account page then says how many are left).
    func submitCode(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let t = services.localizer(context)
        guard let (tokenHash, challenge, user) = try await current(request, context, .code) else { return restart("codeVerlopen") }
        let typed = context.form["code"] ?? ""
        guard !typed.isEmpty else { return try renderCode(context, error: t("secondFactor.errors.missing"), status: .badRequest) }
        let now = services.clock.now()
        let state = try await services.secondFactor.state(userId: user.id)
        var how: String?
        if RecoveryCodes.looksLikeOne(typed) {
            if try await services.secondFactor.useRecoveryCode(userId: user.id, hash: RecoveryCodes.hash(typed, services.hasher), now: now) {
                how = "herstelcode"
            }
        } else if let sealed = state.sealedSecret, let secret = Base32.decode(try services.config.fieldSeal.open(sealed)),
                  let step = TOTP(secret: secret).matchingStep(typed, at: now, after: state.lastStep),
                  try await services.secondFactor.useStep(userId: user.id, step: step) {
            how = "app"
        }
        guard let how else {
            if let response = try await refuse(tokenHash, user, request, context) { return response }
            return try renderCode(context, error: t("secondFactor.errors.wrong"), status: .unauthorized)
        }
        // Of two requests with the same challenge only one signs in.
        guard try await services.secondFactor.deleteChallenge(tokenHash: tokenHash) else { return restart("codeVerlopen") }
        let back = how == "herstelcode" ? SiteRoute.account.path + "?melding=herstelcode#tweede-factor" : challenge.back
        var response = Response(status: .seeOther, headers: [.location: back])
        response.setCookie(clearedCookie)
        try await AuthController.signIn(user, services: services, request: request, context: context, detail: "tweede factor: \(how)", into: &response)
        return response
    }

    // MARK: Enrolment

    struct EnrolView: Encodable {
        let required: Bool
        let qr: String
        let key: String
        let error: String?
        let action: String
        let cancelHref: String
    }

    func showEnrol(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let (_, challenge, user) = try await current(request, context, .enrol) else {
            return context.principal == nil ? restart("codeVerlopen") : Response(status: .seeOther, headers: [.location: SiteRoute.account.path])
        }
        return try await renderEnrol(challenge, user, context: context, error: nil, status: .ok)
    }

    private func renderEnrol(_ challenge: SecondFactorStore.Challenge, _ user: User, context: RegieRequestContext, error: String?,
                             status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        guard let sealed = challenge.sealedSecret, let secret = Base32.decode(try services.config.fieldSeal.open(sealed)) else { throw AppError.notFound }
        let uri = TOTP(secret: secret).uri(account: user.email, issuer: Self.issuer)
        let qr = try QRCode.encode(text: uri, correction: .medium).svg(moduleSize: 4, title: t("secondFactor.qrTitle"))
        return try services.views.render(
            "login-enrol", titleKey: "secondFactor.enrolTitle",
            content: EnrolView(required: !challenge.signedIn, qr: qr, key: Base32.grouped(secret), error: error, action: SiteRoute.secondFactorEnrol.path,
                               cancelHref: challenge.signedIn ? SiteRoute.account.path : SiteRoute.login.path),
            context: context, status: status)
    }

    struct CodesView: Encodable {
        let codes: [String]
        let next: String
        let fresh: Bool
    }

    /// The first code from the app proves the secret arrived: the second factor is on, the ten
    /// recovery codes are shown this once, and at login the session starts.
    func submitEnrol(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let t = services.localizer(context)
        guard let (tokenHash, challenge, user) = try await current(request, context, .enrol) else { return restart("codeVerlopen") }
        let typed = context.form["code"] ?? ""
        let now = services.clock.now()
        guard let sealed = challenge.sealedSecret, let secret = Base32.decode(try services.config.fieldSeal.open(sealed)) else { throw AppError.notFound }
        guard let step = TOTP(secret: secret).matchingStep(typed, at: now, after: nil) else {
            if let response = try await refuse(tokenHash, user, request, context) { return response }
            return try await renderEnrol(challenge, user, context: context,
                                         error: t(typed.isEmpty ? "secondFactor.errors.missing" : "secondFactor.errors.wrongEnrol"), status: .badRequest)
        }
        guard try await services.secondFactor.deleteChallenge(tokenHash: tokenHash) else { return restart("codeVerlopen") }
        let codes = RecoveryCodes.generate()
        try await services.secondFactor.enable(userId: user.id, sealedSecret: sealed, step: step,
                                               recoveryHashes: codes.map { RecoveryCodes.hash($0, services.hasher) }, now: now)
        var signedIn = context
        if !challenge.signedIn {
            // The session first, so the audit entry and the page that follows are the user's.
            var cookies = Response(status: .ok)
            let session = try await AuthController.signIn(user, services: services, request: request, context: context,
                                                          detail: "tweede factor: ingesteld", into: &cookies)
            signedIn.principal = .user(user, session: session)
            var response = try renderCodes(codes, next: challenge.back, context: signedIn)
            for value in cookies.headers[values: .setCookie] { response.headers.append(.init(name: .setCookie, value: value)) }
            response.setCookie(clearedCookie)
            try await services.record(.userSecondFactorEnable, context: signedIn, permission: nil, detail: "gebruiker \(user.id), bij het inloggen")
            return response
        }
        try await services.record(.userSecondFactorEnable, context: context, permission: nil, detail: "gebruiker \(user.id)")
        var response = try renderCodes(codes, next: SiteRoute.account.path + "#tweede-factor", context: context)
        response.setCookie(clearedCookie)
        return response
    }

    private func renderCodes(_ codes: [String], next: String, fresh: Bool = true, context: RegieRequestContext) throws -> Response {
        var response = try services.views.render("recovery-codes", titleKey: "secondFactor.codesTitle",
                                                 content: CodesView(codes: codes, next: next, fresh: fresh), context: context)
        // Shown once: not kept by the browser's cache or history.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: From the account page

    func startEnrolFromAccount(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        if try await services.secondFactor.state(userId: user.id).enabled {
            return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "#tweede-factor"])
        }
        return try await challenge(.enrol, user: user, back: SiteRoute.account.path, signedIn: true, context: context)
    }

    /// Checks a current code from the app for an account change; the field error otherwise.
    private func confirmCode(_ user: User, _ context: RegieRequestContext) async throws -> AppError.FieldError? {
        let t = services.localizer(context)
        let typed = context.form["code"] ?? ""
        let state = try await services.secondFactor.state(userId: user.id)
        guard !typed.isEmpty else { return .init(name: "code", message: t("secondFactor.errors.missing")) }
        guard let sealed = state.sealedSecret, let secret = Base32.decode(try services.config.fieldSeal.open(sealed)),
              let step = TOTP(secret: secret).matchingStep(typed, at: services.clock.now(), after: state.lastStep),
              try await services.secondFactor.useStep(userId: user.id, step: step) else {
            return .init(name: "code", message: t("secondFactor.errors.wrong"))
        }
        return nil
    }

    /// Turns the account's own second factor off, with a current code; refused while the
    /// organisation requires it.
    func turnOff(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        let t = services.localizer(context)
        if try await services.secondFactor.organisationRequires(organisationId: user.organisationId) {
            return try await AccountController(services: services).page(context, errors: [.init(name: "code", message: t("secondFactor.errors.required"))],
                                                                     status: .conflict)
        }
        if let error = try await confirmCode(user, context) {
            return try await AccountController(services: services).page(context, errors: [error], status: .badRequest)
        }
        try await services.secondFactor.disable(userId: user.id, organisationId: user.organisationId)
        try await services.record(.userSecondFactorDisable, context: context, permission: nil, detail: "gebruiker \(user.id), door de gebruiker zelf")
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=tweedeFactorUit#tweede-factor"])
    }

    /// Ten new recovery codes (the old ones stop working), with a current code.
    func newRecoveryCodes(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        if let error = try await confirmCode(user, context) {
            return try await AccountController(services: services).page(context, errors: [error], status: .badRequest)
        }
        let codes = RecoveryCodes.generate()
        try await services.secondFactor.replaceRecoveryCodes(userId: user.id, hashes: codes.map { RecoveryCodes.hash($0, services.hasher) },
                                                             now: services.clock.now())
        try await services.record(.userSecondFactorRecoveryCodes, context: context, permission: nil, detail: "gebruiker \(user.id)")
        return try renderCodes(codes, next: SiteRoute.account.path + "#tweede-factor", fresh: false, context: context)
    }
}
