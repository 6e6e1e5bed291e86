import Foundation
import Hummingbird
import HummingbirdBcrypt
import Inburgering
import NIOPosix
import RegieStorage

/// The signed-in user's own account: language, password, and the municipality they work in.
struct AccountController {
    let services: AppServices

    static let minimumPasswordLength = 12

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.account.path), use: show)
        router.post(RouterPath(SiteRoute.accountPassword.path), use: changePassword)
        router.post(RouterPath(SiteRoute.accountLocale.path), use: changeLocale)
        router.post(RouterPath(SiteRoute.accountPhone.path), use: changePhone)
        router.post(RouterPath(SiteRoute.switchMunicipality.path), use: switchMunicipality)
        router.post(RouterPath(SiteRoute.apiKeyApprovePattern), use: approveKey)
    }

    /// An API key waiting for this user: of their organisation, with a role they hold, made by someone else.
    struct Approval: Encodable { let name: String; let prefix: String; let role: String; let madeBy: String; let created: String; let action: String }

    struct AccountView: Encodable {
        struct RoleItem: Encodable { let label: String }
        struct Option: Encodable { let value: String; let label: String; let selected: Bool }
        let name: String
        let email: String
        let organisation: String
        let roles: [RoleItem]
        let municipalities: String
        /// A member of the municipality's staff (not a provider's): roles, municipalities and the letters' phone apply.
        let isStaff: Bool
        let locales: [Option]
        let passwordAction: String
        let localeAction: String
        let errors: [FieldMessage]
        let hasErrors: Bool
        let currentError: String?
        let newError: String?
        let confirmError: String?
        let minimumLength: Int
        let approvals: [Approval]
        let hasApprovals: Bool
        /// The phone number letters give for this user as contact person.
        let phone: String
        let phoneError: String?
        let phoneAction: String
        /// The agenda feed (issue 15): since when the user has a link, and where to make or revoke it.
        let feedSince: String?
        let canHaveFeed: Bool
        let feedCreateAction: String
        let feedRevokeAction: String
        /// The second factor: on since, recovery codes left, whether the organisation requires it.
        let secondFactor: SecondFactorView
    }

    struct SecondFactorView: Encodable {
        let enabled: Bool
        let status: String
        let required: Bool
        let fewCodes: Bool
        let codeError: String?
        let startAction: String
        let offAction: String
        let codesAction: String
    }

    struct FieldMessage: Encodable { let field: String; let message: String }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        var notice = context.form["melding"].flatMap { key -> String? in
            ["wachtwoord": "account.passwordChanged", "taal": "account.localeChanged", "sleutel": "account.keyApproved", "telefoon": "account.phoneSaved",
             "agendaIngetrokken": "account.agendaRevoked", "tweedeFactorUit": "secondFactor.turnedOff"][key].map { services.catalogue.text($0, context.locale) }
        }
        if context.form["melding"] == "herstelcode", let user = try context.requirePrincipal().user {
            let left = try await services.secondFactor.state(userId: user.id).recoveryCodesLeft
            notice = services.catalogue.text("secondFactor.usedRecoveryCode", context.locale, ["n": String(left)])
        }
        return try await render(context, errors: [], notice: notice, status: .ok)
    }

    /// The account page with errors (from another controller's form on it).
    func page(_ context: RegieRequestContext, errors: [AppError.FieldError], status: HTTPResponse.Status) async throws -> Response {
        try await render(context, errors: errors, notice: nil, status: status)
    }

    private func render(_ context: RegieRequestContext, errors: [AppError.FieldError], notice: String?, status: HTTPResponse.Status,
                        typedPhone: String? = nil) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        var phone = typedPhone ?? ""
        if typedPhone == nil { phone = try await services.users.fetchLetterContact(userId: user.id)?.phone ?? "" }
        let t = services.localizer(context)
        let message = { (name: String) in errors.first { $0.name == name }?.message }
        let waiting = try await services.apiKeys.listAwaitingApproval(organisationId: user.organisationId, roles: user.roles.filter(Policy.needsApproval),
                                                                      excludingCreator: user.id)
        let names = waiting.isEmpty ? [:] : Dictionary(try await services.users.listUsers(organisationId: user.organisationId).map { ($0.id, $0.name) },
                                                       uniquingKeysWith: { a, _ in a })
        let approvals = waiting.map { key in
            Approval(name: key.name, prefix: key.prefix, role: t("roles.\(key.role.rawValue)"), madeBy: names[key.createdBy] ?? key.createdBy,
                     created: DisplayDate.formatMoment(key.createdAt), action: SiteRoute.apiKeyApprove(key.id).path)
        }
        return try services.views.render(
            "account", titleKey: "account.title",
            content: AccountView(
                name: user.name, email: user.email, organisation: user.organisationName,
                roles: user.roles.map { .init(label: t("roles.\($0.rawValue)")) },
                municipalities: user.municipalities.map(\.name).joined(separator: ", "), isStaff: user.providerId == nil,
                locales: UILocale.allCases.map { .init(value: $0.rawValue, label: t("locales.\($0.rawValue)"), selected: $0 == context.locale) },
                passwordAction: SiteRoute.accountPassword.path, localeAction: SiteRoute.accountLocale.path,
                errors: errors.map { FieldMessage(field: $0.name, message: $0.message) }, hasErrors: !errors.isEmpty,
                currentError: message("current"), newError: message("new"), confirmError: message("confirm"),
                minimumLength: Self.minimumPasswordLength, approvals: approvals, hasApprovals: !approvals.isEmpty,
                phone: phone, phoneError: message("phone"), phoneAction: SiteRoute.accountPhone.path,
                feedSince: try await services.casework.feedCreatedAt(userId: user.id).map {
                    t("agenda.feedSince", ["date": DisplayDate.format(CalendarDate.today(now: Date(timeIntervalSince1970: TimeInterval($0))), context.locale)])
                },
                canHaveFeed: Policy.allows(try context.requirePrincipal(), .editPersons),
                feedCreateAction: SiteRoute.agendaFeedCreate.path, feedRevokeAction: SiteRoute.agendaFeedRevoke.path,
                secondFactor: try await secondFactor(user, errors: errors, t, context.locale)),
            context: context, current: SiteRoute.account.path, notice: notice, status: status)
    }

    private func secondFactor(_ user: User, errors: [AppError.FieldError], _ t: Localizer, _ l: UILocale) async throws -> SecondFactorView {
        let state = try await services.secondFactor.state(userId: user.id)
        let required = try await services.secondFactor.organisationRequires(organisationId: user.organisationId)
        let status = state.enabledAt.map {
            t("secondFactor.onSince", ["date": DisplayDate.format(CalendarDate.today(now: $0).iso, l), "n": String(state.recoveryCodesLeft)])
        } ?? t(required ? "secondFactor.offRequired" : "secondFactor.off")
        return SecondFactorView(enabled: state.enabled, status: status, required: required, fewCodes: state.enabled && state.recoveryCodesLeft <= 3,
                                codeError: errors.first { $0.name == "code" }?.message, startAction: SiteRoute.accountSecondFactor.path,
                                offAction: SiteRoute.accountSecondFactorOff.path, codesAction: SiteRoute.accountRecoveryCodes.path)
    }

    /// Approves an API key as the second person: only someone of the key's organisation who holds its
    /// role and did not make it. The audit entry names both: the approver as actor, the maker in the detail.
    func approveKey(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        let id = try context.parameters.require("id")
        guard let key = try await services.apiKeys.approveKey(id: id, organisationId: user.organisationId, approver: user.id,
                                                                roles: user.roles.filter(Policy.needsApproval), at: services.clock.now()) else {
            throw AppError.notFound
        }
        let maker = try await services.users.fetchUser(id: key.createdBy)?.name ?? key.createdBy
        try await services.record(.apikeyApprove, context: context, permission: nil,
                                  detail: "key \(key.id) (\(key.prefix)), rol \(key.role.rawValue), aangemaakt door \(maker) (\(key.createdBy)), goedgekeurd door \(user.name) (\(user.id))")
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=sleutel"])
    }

    func changePassword(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let user = principal.user, let session = principal.session else { throw AppError.forbidden }
        let t = services.localizer(context)
        let locale = context.locale
        let current = context.form.raw("current") ?? ""
        let new = context.form.raw("new") ?? ""
        let confirm = context.form.raw("confirm") ?? ""
        var errors: [AppError.FieldError] = []
        // Wrong guesses at the current password are limited like logins (someone at an unlocked
        // screen must not be able to try passwords without end): counted before the check, per account.
        let now = services.clock.now()
        let config = services.config
        let attemptKey = "password-change:" + user.id
        if case .limited(let retryAt) = try await services.sessions.reserveAttempt(
            username: attemptKey, address: "account", at: now, window: config.loginWindow, maxForUsername: config.loginMaxFailures, maxForAddress: nil) {
            let minutes = AuthController.waitMinutes(until: retryAt, now: now)
            errors.append(.init(name: "current", message: t("account.errors.tooMany", ["minutes": String(minutes)])))
            var response = try await render(context, errors: errors, notice: nil, status: .tooManyRequests)
            response.headers[.retryAfter] = String(minutes * 60)
            return response
        }
        let storedHash = try await services.users.fetchPasswordHash(userId: user.id) ?? ""
        let currentMatches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(current, hash: storedHash) }
        if !currentMatches {
            errors.append(.init(name: "current", message: t("account.errors.currentWrong")))
        } else {
            try await services.sessions.clearFailedLogins(username: attemptKey)
        }
        if new == current && new.count >= Self.minimumPasswordLength {
            errors.append(.init(name: "new", message: t("account.errors.notNew")))
        }
        errors += Self.newPasswordErrors(new: new, confirm: confirm, email: user.email, localizer: t)
            .filter { error in !errors.contains { $0.name == error.name } }
        guard errors.isEmpty else {
            return try await render(context, errors: errors, notice: nil, status: .badRequest)
        }
        let cost = services.bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(new, cost: cost) }
        try await services.users.updatePassword(userId: user.id, passwordHash: hash, now: services.clock.now(), keepSession: session.tokenHash)
        try await services.record(.accountPasswordChange, context: context, permission: nil)
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=wachtwoord"])
    }

    /// The rules every new password meets, here and on the password-set page: long enough, not the
    /// e-mail address, typed the same twice.
    static func newPasswordErrors(new: String, confirm: String, email: String, localizer t: Localizer,
                                  notEmailKey: String = "account.errors.notNew") -> [AppError.FieldError] {
        var errors: [AppError.FieldError] = []
        if new.count < minimumPasswordLength {
            errors.append(.init(name: "new", message: t("account.errors.tooShort", ["min": String(minimumPasswordLength)])))
        } else if new.lowercased() == email.lowercased() {
            errors.append(.init(name: "new", message: t(notEmailKey)))
        }
        if confirm != new { errors.append(.init(name: "confirm", message: t("account.errors.mismatch"))) }
        return errors
    }

    func changeLocale(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        guard let locale = context.form.choice("locale", UILocale.self) else {
            throw AppError.invalid(detail: services.catalogue.text("account.errors.locale", context.locale), fields: [.init(name: "locale", message: "")])
        }
        try await services.users.updateLocale(userId: user.id, locale: locale.rawValue)
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=taal"])
    }

    /// The user's own work phone number, which letters give with their name as contact person.
    func changePhone(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let user = try context.requirePrincipal().user else { throw AppError.forbidden }
        let typed = context.form["phone"] ?? ""
        let digits = typed.filter(\.isNumber).count
        guard typed.isEmpty || (typed.allSatisfy({ $0.isNumber || " +-()".contains($0) }) && (10...15).contains(digits)) else {
            let error = AppError.FieldError(name: "phone", message: services.catalogue.text("contact.errors.phone", context.locale))
            return try await render(context, errors: [error], notice: nil, status: .badRequest, typedPhone: typed)
        }
        try await services.users.updatePhone(userId: user.id, phone: typed.isEmpty ? nil : typed)
        try await services.record(.accountPhoneChange, context: context, permission: nil)
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=telefoon"])
    }

    /// Narrows the interface to one municipality of the organisation (or back to all).
    func switchMunicipality(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let user = principal.user, let session = principal.session else { throw AppError.forbidden }
        let code = context.form["gemeente"]
        if let code, !user.municipalities.contains(where: { $0.code == code }) {
            throw AppError.notFound
        }
        try await services.sessions.updateMunicipality(tokenHash: session.tokenHash, code: code)
        let back = AuthController.safeBack(context.form["terug"])
        return Response(status: .seeOther, headers: [.location: back])
    }
}
