import Foundation
import Hummingbird
import HummingbirdBcrypt
import Inburgering
import NIOPosix
import RegieCasework
import RegieStorage

/// The newcomer's own pages for the attendance register (issue 18 item 4), on `/deelnemer`: they
/// sign in with the login name and password of their own (issued by their consulent, the start
/// password replaced at the first sign-in), see today's lessons of their groups and confirm their
/// presence with the code shown in the classroom, and see their last lessons. Built for a phone.
/// Nothing else of Regie opens with this session, and no staff session opens these pages.
struct ParticipantController: Sendable {
    let services: AppServices
    /// A hash to verify against when the login name is unknown, so an unknown name takes as long.
    let timingDummyHash: String

    init(services: AppServices) {
        self.services = services
        self.timingDummyHash = Bcrypt.hash(TokenHasher.randomToken(bytes: 12), cost: services.bcryptCost)
    }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.participantLogin.path), use: showLogin)
        router.post(RouterPath(SiteRoute.participantLogin.path), use: login)
        router.post(RouterPath(SiteRoute.participantLogout.path), use: logout)
        router.get(RouterPath(SiteRoute.participantHome.path), use: home)
        router.post(RouterPath(SiteRoute.participantLessonPattern), use: confirm)
        router.get(RouterPath(SiteRoute.participantPassword.path), use: showPassword)
        router.post(RouterPath(SiteRoute.participantPassword.path), use: changePassword)
    }

    // MARK: Signing in

    enum Verification {
        case verified(ParticipantAccount, Municipality)
        case refused(message: String, status: HTTPResponse.Status)
    }

    /// Checks a participant's login name and password, limited like staff logins (per login name and,
    /// more loosely, per address) and counted before the check. Used by the sign-in page and by the
    /// classroom screen, where a participant confirms once without a session.
    func verify(login raw: String?, password: String?, context: RegieRequestContext) async throws -> Verification {
        let t = services.localizer(context)
        let login = (raw ?? "").lowercased().trimmingCharacters(in: .whitespaces)
        let password = password ?? ""
        guard !login.isEmpty, !password.isEmpty else { return .refused(message: t("participant.errors.missing"), status: .badRequest) }
        let now = services.clock.now()
        let config = services.config
        if case .limited(let retryAt) = try await services.sessions.reserveAttempt(
            username: "deelnemer:" + login, address: context.remoteAddress, at: now, window: config.loginWindow,
            maxForUsername: config.loginMaxFailures, maxForAddress: config.loginMaxFailures * 4) {
            return .refused(message: t("login.tooMany", ["minutes": String(AuthController.waitMinutes(until: retryAt, now: now))]), status: .tooManyRequests)
        }
        let found = try await services.participants.credentials(login: login)
        let hash = found?.passwordHash ?? timingDummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let found, found.account.active, matches else { return .refused(message: t("participant.errors.failed"), status: .unauthorized) }
        try await services.sessions.clearFailedLogins(username: "deelnemer:" + login)
        return .verified(found.account, found.municipality)
    }

    struct LoginView: Encodable {
        let action: String
        let fields: [FieldView]
        let summary: ErrorSummary
        let notice: String?
    }

    func showLogin(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if context.principal != nil { return Response(status: .seeOther, headers: [.location: SiteRoute.participantHome.path]) }
        let t = services.localizer(context)
        let notice: String? = switch context.form["reden"] {
        case "verlopen": t("participant.expired")
        case "uitgelogd": t("participant.loggedOut")
        default: nil
        }
        return try renderLogin(context, login: "", errors: [], notice: notice, status: .ok)
    }

    private func renderLogin(_ context: RegieRequestContext, login: String, errors: [AppError.FieldError], notice: String?,
                             status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        return try services.views.render(
            "participant-login", titleKey: "participant.loginTitle",
            content: LoginView(
                action: SiteRoute.participantLogin.path,
                fields: [
                    FieldView(.input("text"), name: "login", label: t("participant.login"), hint: t("participant.loginHint"), value: login, required: true,
                              errors: errors, extra: "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\""),
                    FieldView(.input("password"), name: "password", label: t("participant.password"), required: true, errors: errors,
                              extra: "autocomplete=\"current-password\""),
                ],
                summary: ErrorSummary(errors), notice: notice),
            context: context, status: status)
    }

    func login(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let typed = context.form["login"] ?? ""
        switch try await verify(login: typed, password: context.form.raw("password"), context: context) {
        case .refused(let message, let status):
            var response = try renderLogin(context, login: typed, errors: [.init(name: "login", message: message)], notice: nil, status: status)
            if status == .tooManyRequests { response.headers[.retryAfter] = "60" }
            return response
        case .verified(let account, let municipality):
            let now = services.clock.now()
            let token = TokenHasher.randomToken()
            let csrf = TokenHasher.randomToken()
            try await services.participants.startSession(tokenHash: services.hasher.digest("deelnemer|" + token), accountId: account.id, csrfToken: csrf,
                                                         now: now, lifetime: services.config.sessionAbsoluteTimeout)
            var signedIn = context
            signedIn.principal = .newcomer(personId: account.personId, municipality: municipality)
            try await services.record(.participantLogin, context: signedIn, permission: nil)
            var response = Response(status: .seeOther, headers: [.location: account.mustChange ? SiteRoute.participantPassword.path : SiteRoute.participantHome.path])
            response.setCookie(Cookie(name: WebMiddleware.participantCookie, value: token, path: SiteRoute.participantHome.path,
                                      secure: services.config.cookieSecure, httpOnly: true, sameSite: .lax))
            return response
        }
    }

    func logout(_ request: Request, context: RegieRequestContext) async throws -> Response {
        if let session = context.participant {
            try await services.record(.participantLogout, context: context, permission: nil)
            try await services.participants.endSession(tokenHash: session.tokenHash)
        }
        var response = Response(status: .seeOther, headers: [.location: SiteRoute.participantLogin.path + "?reden=uitgelogd"])
        response.setCookie(Cookie(name: WebMiddleware.participantCookie, value: "", maxAge: 0, path: SiteRoute.participantHome.path,
                                  secure: services.config.cookieSecure, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The signed-in participant; one who still has the start password goes to choose their own.
    func participant(_ context: RegieRequestContext) throws -> (Principal, ParticipantSession) {
        guard let principal = context.principal, case .newcomer = principal, let session = context.participant else { throw AppError.unauthenticated }
        return (principal, session)
    }

    // MARK: Today's lessons

    struct TodayLesson: Encodable {
        let id: String
        let title: String
        let time: String
        let confirmed: Bool
        let struck: Bool
        let action: String
        let field: FieldView
    }

    struct RecentLesson: Encodable { let date: String; let title: String; let state: String; let present: Bool }

    struct HomeView: Encodable {
        let today: [TodayLesson]
        let hasToday: Bool
        let recent: [RecentLesson]
        let hasRecent: Bool
        let summary: ErrorSummary
    }

    func home(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, session) = try participant(context)
        if session.account.mustChange { return Response(status: .seeOther, headers: [.location: SiteRoute.participantPassword.path]) }
        try await services.record(.participantView, context: context, permission: .readPersons)
        return try await renderHome(principal, session, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    private func renderHome(_ principal: Principal, _ session: ParticipantSession, input: FormData, failed: String?, errors: [AppError.FieldError],
                            context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let today = CalendarDate.today(now: services.clock.now())
        let lessons = try await services.providers.participantLessons(personId: session.account.personId, today: today)
        let todays = lessons.today.map { item in
            let lesson = item.0.lesson
            return TodayLesson(
                id: lesson.id, title: "\(item.0.offerName) · \(item.0.providerName)", time: t("participant.lessonTime", ["time": lesson.startsAt,
                                                                                                                       "hours": String(lesson.hours)]),
                confirmed: item.confirmed && !item.struck, struck: item.struck, action: SiteRoute.participantLesson(lesson.id).path,
                field: FieldView(.input("text"), name: "code", id: "code-\(lesson.id)", label: t("participant.code"), hint: t("participant.codeHint"),
                                 value: failed == lesson.id ? input.raw("code") ?? "" : "", required: true, errors: failed == lesson.id ? errors : [],
                                 extra: "inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"7\""))
        }
        let recent = lessons.recent.map { item in
            RecentLesson(date: DisplayDate.format(item.0.lesson.date, l), title: item.0.offerName,
                         state: t(item.present ? "participant.wasPresent" : "participant.wasAbsent"), present: item.present)
        }
        return try services.views.render(
            "participant", titleKey: "participant.title",
            content: HomeView(today: todays, hasToday: !todays.isEmpty, recent: recent, hasRecent: !recent.isEmpty,
                              summary: ErrorSummary(errors, idSuffix: failed.map { "-" + $0 } ?? "")),
            context: context, current: SiteRoute.participantHome.path,
            notice: FormNotice.text(context, prefix: "participant.saved", keys: ["aanwezig", "wachtwoord"], t), status: status)
    }

    func confirm(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, session) = try participant(context)
        if session.account.mustChange { return Response(status: .seeOther, headers: [.location: SiteRoute.participantPassword.path]) }
        let lessonId = try context.parameters.require("lesson")
        do {
            try await services.run(ConfirmPresence(lessonId: lessonId, personId: session.account.personId, channel: .phone, code: context.form["code"]),
                                   principal: principal, scope: Policy.scope(for: principal), permission: .readPersons, context: context)
        } catch let invalid as FormErrors {
            return try await renderHome(principal, session, input: context.form, failed: lessonId, errors: invalid.fields, context: context,
                                        status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.participantHome.path + "?melding=aanwezig"])
    }

    // MARK: Their own password

    struct PasswordView: Encodable {
        let action: String
        let intro: String
        let fields: [FieldView]
        let summary: ErrorSummary
    }

    func showPassword(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (_, session) = try participant(context)
        return try renderPassword(session, errors: [], context: context, status: .ok)
    }

    private func renderPassword(_ session: ParticipantSession, errors: [AppError.FieldError], context: RegieRequestContext,
                                status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let min = String(AccountController.minimumPasswordLength)
        return try services.views.render(
            "participant-password", titleKey: "participant.passwordTitle",
            content: PasswordView(
                action: SiteRoute.participantPassword.path,
                intro: t(session.account.mustChange ? "participant.passwordFirst" : "participant.passwordIntro", ["min": min]),
                fields: [
                    FieldView(.input("password"), name: "current", label: t(session.account.mustChange ? "participant.startPassword" : "participant.currentPassword"),
                              required: true, errors: errors, extra: "autocomplete=\"current-password\""),
                    FieldView(.input("password"), name: "new", label: t("participant.newPassword"), hint: t("account.newHint"),
                              required: true, errors: errors, extra: "autocomplete=\"new-password\" minlength=\"\(min)\""),
                    FieldView(.input("password"), name: "confirm", label: t("participant.confirmPassword"), required: true, errors: errors,
                              extra: "autocomplete=\"new-password\""),
                ],
                summary: ErrorSummary(errors)),
            context: context, current: SiteRoute.participantPassword.path, status: status)
    }

    func changePassword(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (_, session) = try participant(context)
        let t = services.localizer(context)
        let current = context.form.raw("current") ?? ""
        let new = context.form.raw("new") ?? ""
        var errors: [AppError.FieldError] = []
        switch try await verify(login: session.account.login, password: current, context: context) {
        case .refused(let message, let status):
            let text = status == .unauthorized ? t("account.errors.currentWrong") : message
            return try renderPassword(session, errors: [.init(name: "current", message: text)], context: context,
                                      status: status == .tooManyRequests ? .tooManyRequests : .badRequest)
        case .verified: break
        }
        if new == current { errors.append(.init(name: "new", message: t("account.errors.notNew"))) }
        errors += AccountController.newPasswordErrors(new: new, confirm: context.form.raw("confirm") ?? "", email: session.account.login, localizer: t)
            .filter { error in !errors.contains { $0.name == error.name } }
        guard errors.isEmpty else { return try renderPassword(session, errors: errors, context: context, status: .badRequest) }
        let cost = services.bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(new, cost: cost) }
        try await services.participants.setPassword(accountId: session.account.id, passwordHash: hash,
                                                    audit: services.auditEvent(.participantPassword, context: context, permission: nil), now: services.clock.now())
        return Response(status: .seeOther, headers: [.location: SiteRoute.participantHome.path + "?melding=wachtwoord"])
    }
}
