import Foundation
import Hummingbird
import Inburgering
import HummingbirdBcrypt
import Logging
import NIOPosix
import RegieStorage

/// The functioneel beheerder's accounts of their own organisation (issue 16, item 3): create, set
/// roles and team, switch off and on with a reason, and hand out a one-time password-set link.
/// Staff data only; no newcomer's data is shown or touched. Every change is audited.
struct UsersController {
    let services: AppServices

    /// How long a password-set link works.
    static let linkLifetime: TimeInterval = 72 * 3600
    static let maximumReasonLength = 500

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.users.path), use: list)
        router.post(RouterPath(SiteRoute.users.path), use: create)
        router.get(RouterPath(SiteRoute.userPattern), use: show)
        router.post(RouterPath(SiteRoute.userPattern), use: update)
        router.post(RouterPath(SiteRoute.userActionPattern), use: act)
    }

    // MARK: View models

    struct Row: Encodable {
        let name: String
        let email: String
        let roles: String
        let team: String
        let active: Bool
        let status: String
        let lastLogin: String
        let href: String
    }

    struct ListView: Encodable {
        let rows: [Row]
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
    }

    struct UserView: Encodable {
        let name: String
        let email: String
        let status: String
        let active: Bool
        let deactivation: String?
        let lastLogin: String
        let isSelf: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let reasonField: FieldView
        let deactivateAction: String
        let reactivateAction: String
        let linkAction: String
        /// The password-set link, shown this once and never stored in the clear.
        let link: String?
        let linkExpires: String?
        /// The link went out by e-mail to this address (it is not shown).
        let mailedTo: String?
        /// Sending it failed: why (the link is shown instead, to hand over).
        let mailError: String?
        let back: String
        /// The second factor: on since when, or off; a reset for a lost phone when it is on.
        let secondFactor: String
        let resetSecondFactorAction: String?
    }

    // MARK: List and create

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageUsers)
        return try await renderList(principal, input: [:], roles: [], errors: [], context: context, status: .ok)
    }

    private func renderList(_ principal: Principal, input: [String: String], roles: [String], errors: [AppError.FieldError],
                            context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let accounts = try await services.users.listAccounts(organisationId: principal.organisationId)
        let rows = accounts.map { account in
            Row(name: account.name, email: account.email, roles: account.roles.map { t("roles.\($0.rawValue)") }.joined(separator: ", "),
                team: account.teamName ?? "—", active: account.active,
                status: t(account.active ? "users.active" : "users.deactivated"),
                lastLogin: account.lastLoginAt.map(DisplayDate.formatMoment) ?? t("users.never"), href: SiteRoute.user(account.id).path)
        }
        let fields = [
            FieldView(.input("text"), name: "name", label: t("users.name"), value: input["name"] ?? "", required: true, errors: errors,
                      extra: "maxlength=\"200\" autocomplete=\"off\""),
            FieldView(.input("email"), name: "email", label: t("users.email"), hint: t("users.emailHint"), value: input["email"] ?? "",
                      required: true, errors: errors, extra: "maxlength=\"254\" autocomplete=\"off\""),
        ] + (try await roleAndTeamFields(principal, team: input["team"] ?? "", roles: roles, errors: errors, context: context))
        return try services.views.render(
            "users", titleKey: "users.title",
            content: ListView(rows: rows, summary: ErrorSummary(errors), fields: fields, action: SiteRoute.users.path),
            context: context, current: SiteRoute.users.path, notice: notice(context), status: status)
    }

    private func notice(_ context: RegieRequestContext) -> String? {
        context.form["melding"].flatMap { key in
            ["opgeslagen": "users.saved", "gedeactiveerd": "users.deactivatedNotice", "geactiveerd": "users.reactivatedNotice",
             "tweedeFactorHersteld": "users.secondFactorResetNotice"][key]
        }.map { services.catalogue.text($0, context.locale) }
    }

    private func roleAndTeamFields(_ principal: Principal, team: String, roles: [String], errors: [AppError.FieldError],
                                   context: RegieRequestContext) async throws -> [FieldView] {
        let t = services.localizer(context)
        let l = context.locale
        let teams = try await services.users.listTeams(organisationId: principal.organisationId)
        return [
            FieldView(.checkboxes, name: "roles", label: t("users.roles"), hint: t("users.rolesHint"), values: roles,
                      options: Role.allCases.map { ($0.rawValue, t("roles.\($0.rawValue)")) }, errors: errors),
            FieldView(.select, name: "team", label: t("users.team"), value: team,
                      options: [("", t("users.noTeam"))] + teams.map { ($0.id, $0.name) }, errors: errors),
        ]
    }

    /// Roles and team from the form, checked against the organisation's teams.
    private func readRolesAndTeam(_ principal: Principal, _ context: RegieRequestContext, _ v: inout Validator) async throws -> (roles: [Role], team: String?) {
        let roles = context.form.choices("roles", Role.self) ?? []
        if roles.isEmpty { v.fail("roles", "users.errors.roles") }
        let team = context.form["team"]?.nonEmpty
        if let team, !(try await services.users.listTeams(organisationId: principal.organisationId)).contains(where: { $0.id == team }) {
            v.fail("team", "users.errors.team")
        }
        return (roles, team)
    }

    /// A plausible address: one `@`, something before it, a dotted domain after it, no spaces.
    static func isPlausibleEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, value.count <= 254, !value.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }

    func create(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageUsers)
        var v = Validator(services.localizer(context))
        let (name, email) = try await readNewAccount(name: ("name", "users.name"), email: ("email", "users.email"), &v, context: context)
        let (roles, team) = try await readRolesAndTeam(principal, context, &v)
        guard v.isValid, let name else {
            let input = ["name": context.form["name"] ?? "", "email": context.form["email"] ?? "", "team": context.form["team"] ?? ""]
            return try await renderList(principal, input: input, roles: context.form.all("roles"), errors: v.errors, context: context, status: .badRequest)
        }
        let id = try await insertWithoutPassword(organisationId: principal.organisationId, teamId: team, email: email, name: name, roles: roles)
        try await services.record(.userCreate, context: context, permission: .manageUsers,
                                  detail: "gebruiker \(id), rollen \(roles.map(\.rawValue).sorted().joined(separator: ", ")), team \(team ?? "-")")
        let link = try await issueLink(userId: id, principal: principal, request: request, context: context)
        let delivery = await deliver(link, to: email, name: name, principal: principal, context: context)
        return try await renderUser(principal, id: id, input: [:], roles: nil, errors: [], link: link, delivery: delivery, context: context, status: .created)
    }

    /// A new account's name and e-mail address from the form's fields (`name`, `email`: the field and
    /// its label): a name, and a plausible address no account has yet. Here and for a provider's staff.
    func readNewAccount(name: (field: String, label: String), email: (field: String, label: String), _ v: inout Validator,
                        context: RegieRequestContext) async throws -> (name: String?, email: String) {
        let typedName = v.text(name.field, context.form[name.field]?.trimmingCharacters(in: .whitespaces), label: name.label, characters: .name)
        let address = (context.form[email.field] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if address.isEmpty {
            v.fail(email.field, "validation.required", ["field": services.catalogue.text(email.label, context.locale)])
        } else if !Self.isPlausibleEmail(address) {
            v.fail(email.field, "users.errors.email")
        } else if try await services.users.fetchUserId(email: address) != nil {
            v.fail(email.field, "users.errors.emailTaken")
        }
        return (typedName, address)
    }

    /// Inserts an account with a password nobody knows: it is usable only after its link to set a
    /// password is used. Returns its id.
    func insertWithoutPassword(organisationId: String, teamId: String?, email: String, name: String, roles: [Role]) async throws -> String {
        let cost = services.bcryptCost
        let unusable = TokenHasher.randomToken()
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(unusable, cost: cost) }
        let id = UUID().uuidString.lowercased()
        try await services.users.insertUser(.init(id: id, organisationId: organisationId, teamId: teamId, email: email, name: name, passwordHash: hash,
                                                  roles: roles), now: services.clock.now())
        return id
    }

    // MARK: One account

    private func account(_ principal: Principal, _ context: RegieRequestContext) async throws -> AccountSummary {
        let id = try context.parameters.require("id")
        // Another organisation's account is not found: its existence is not revealed.
        guard let account = try await services.users.fetchAccount(id: id, organisationId: principal.organisationId) else { throw AppError.notFound }
        return account
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageUsers)
        let account = try await account(principal, context)
        return try await renderUser(principal, id: account.id, input: [:], roles: nil, errors: [], link: nil, context: context, status: .ok)
    }

    private func renderUser(_ principal: Principal, id: String, input: [String: String], roles: [String]?, errors: [AppError.FieldError],
                            link: (url: String, expires: Date)?, delivery: Delivery? = nil, context: RegieRequestContext,
                            status: HTTPResponse.Status) async throws -> Response {
        guard let account = try await services.users.fetchAccount(id: id, organisationId: principal.organisationId) else { throw AppError.notFound }
        let t = services.localizer(context)
        let l = context.locale
        let secondFactor = try await services.secondFactor.state(userId: account.id)
        let deactivation = account.deactivatedAt.map { at in
            t("users.deactivatedOn", ["date": DisplayDate.formatMoment(at), "reason": account.deactivationReason ?? "—"])
        }
        let fields = try await roleAndTeamFields(principal, team: input["team"] ?? account.teamId ?? "", roles: roles ?? account.roles.map(\.rawValue),
                                                 errors: errors, context: context)
        let reasonField = FieldView(.textarea, name: "reason", label: t(account.active ? "users.deactivateReason" : "users.reactivateReason"),
                                    hint: t("users.reasonHint"), value: input["reason"] ?? "", required: true, errors: errors,
                                    extra: "maxlength=\"\(Self.maximumReasonLength)\"")
        return try services.views.render(
            "user", titleKey: "users.userTitle", titleArguments: ["name": account.name],
            content: UserView(
                name: account.name, email: account.email, status: t(account.active ? "users.active" : "users.deactivated"),
                active: account.active, deactivation: deactivation,
                lastLogin: account.lastLoginAt.map(DisplayDate.formatMoment) ?? t("users.never"),
                isSelf: account.id == principal.user?.id, summary: ErrorSummary(errors), fields: fields, action: SiteRoute.user(account.id).path,
                reasonField: reasonField, deactivateAction: SiteRoute.userAction(account.id, .deactivate).path,
                reactivateAction: SiteRoute.userAction(account.id, .reactivate).path, linkAction: SiteRoute.userAction(account.id, .passwordLink).path,
                link: delivery?.mailed == true ? nil : link?.url, linkExpires: link.map { DisplayDate.formatMoment($0.expires) },
                mailedTo: delivery?.mailed == true ? account.email : nil, mailError: delivery?.error, back: SiteRoute.users.path,
                secondFactor: secondFactor.enabledAt.map { t("users.secondFactorOn", ["date": DisplayDate.format(CalendarDate.today(now: $0).iso, l)]) }
                    ?? t("users.secondFactorOff"),
                resetSecondFactorAction: secondFactor.enabled ? SiteRoute.userAction(account.id, .resetSecondFactor).path : nil),
            context: context, current: SiteRoute.users.path, notice: status == .created ? t("users.created") : notice(context), status: status)
    }

    func update(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageUsers)
        let account = try await account(principal, context)
        var v = Validator(services.localizer(context))
        let (roles, team) = try await readRolesAndTeam(principal, context, &v)
        let retry = { (errors: [AppError.FieldError]) in
            try await renderUser(principal, id: account.id, input: ["team": context.form["team"] ?? ""], roles: context.form.all("roles"),
                                 errors: errors, link: nil, context: context, status: .badRequest)
        }
        guard v.isValid else { return try await retry(v.errors) }
        do {
            try await services.users.updateRolesAndTeam(userId: account.id, organisationId: principal.organisationId, roles: roles, teamId: team)
        } catch AccountChangeError.lastAdministrator {
            return try await retry([.init(name: "roles", message: services.catalogue.text("users.errors.lastAdministrator", context.locale))])
        } catch AccountChangeError.notFound {
            throw AppError.notFound
        }
        try await services.record(.userUpdate, context: context, permission: .manageUsers,
                                  detail: "gebruiker \(account.id), rollen \(account.roles.map(\.rawValue).joined(separator: ", ")) → "
                                      + "\(roles.map(\.rawValue).sorted().joined(separator: ", ")), team \(account.teamId ?? "-") → \(team ?? "-")")
        return Response(status: .seeOther, headers: [.location: SiteRoute.user(account.id).path + "?melding=opgeslagen"])
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageUsers)
        guard let action = context.parameters.get("action", as: SiteRoute.UserAction.self) else { throw AppError.notFound }
        let account = try await account(principal, context)
        let t = services.localizer(context)
        switch action {
        case .passwordLink:
            guard account.active else { throw AppError.notFound }
            let link = try await issueLink(userId: account.id, principal: principal, request: request, context: context)
            let delivery = await deliver(link, to: account.email, name: account.name, principal: principal, context: context)
            return try await renderUser(principal, id: account.id, input: [:], roles: nil, errors: [], link: link, delivery: delivery, context: context, status: .ok)
        case .resetSecondFactor:
            // After a lost phone: the account enrols again at its next login (or leaves it off,
            // where the organisation does not require it). Inside the beheerder's organisation only.
            guard try await services.secondFactor.disable(userId: account.id, organisationId: principal.organisationId) else { throw AppError.notFound }
            try await services.record(.userSecondFactorReset, context: context, permission: .manageUsers, detail: "gebruiker \(account.id)")
            return Response(status: .seeOther, headers: [.location: SiteRoute.user(account.id).path + "?melding=tweedeFactorHersteld"])
        case .deactivate, .reactivate:
            var v = Validator(t)
            let reason = v.text("reason", context.form["reason"]?.trimmingCharacters(in: .whitespacesAndNewlines), label: "users.reason",
                                maxLength: Self.maximumReasonLength)
            if action == .deactivate && account.id == principal.user?.id { v.fail("reason", "users.errors.self") }
            let retry = { (errors: [AppError.FieldError]) in
                try await renderUser(principal, id: account.id, input: ["reason": context.form["reason"] ?? ""], roles: nil, errors: errors,
                                     link: nil, context: context, status: .badRequest)
            }
            guard v.isValid, let reason else { return try await retry(v.errors) }
            do {
                if action == .deactivate {
                    try await services.users.deactivate(userId: account.id, organisationId: principal.organisationId, reason: reason, at: services.clock.now())
                } else {
                    try await services.users.reactivate(userId: account.id, organisationId: principal.organisationId)
                }
            } catch AccountChangeError.lastAdministrator {
                return try await retry([.init(name: "reason", message: t("users.errors.lastAdministrator"))])
            } catch AccountChangeError.notFound {
                // Already in the state asked for (a second click): show the page as it is now.
                return Response(status: .seeOther, headers: [.location: SiteRoute.user(account.id).path])
            }
            try await services.record(action == .deactivate ? .userDeactivate : .userReactivate, context: context, permission: .manageUsers,
                                      detail: "gebruiker \(account.id), reden: \(reason)")
            return Response(status: .seeOther, headers: [.location: SiteRoute.user(account.id).path
                                + (action == .deactivate ? "?melding=gedeactiveerd" : "?melding=geactiveerd")])
        }
    }

    /// Makes a new one-time link (voiding earlier unused ones), stores only its keyed hash, audits
    /// that it was made (never the token), and returns it to be shown once.
    func issueLink(userId: String, principal: Principal, request: Request, context: RegieRequestContext) async throws -> (url: String, expires: Date) {
        let token = TokenHasher.randomToken()
        let now = services.clock.now()
        let expires = now.addingTimeInterval(Self.linkLifetime)
        try await services.users.insertPasswordLink(tokenHash: services.hasher.digest(token), userId: userId, createdBy: principal.actorId,
                                                    at: now, expiresAt: expires)
        try await services.record(.userPasswordLink, context: context, permission: .manageUsers,
                                  detail: "gebruiker \(userId), geldig tot \(DisplayDate.formatMoment(expires))")
        let path = SiteRoute.passwordSet(token).path
        let origin = services.config.publicURL ?? request.head.authority.map { (services.config.cookieSecure ? "https://" : "http://") + $0 } ?? ""
        return (origin + path, expires)
    }

    /// What became of a link: sent by e-mail, or (no mail server, or sending failed: why) to be shown.
    struct Delivery { let mailed: Bool; let error: String? }

    /// Sends the link to the account's own address when a mail server is configured. The message is
    /// Dutch and names no one but the recipient; a failure is logged and the link shown instead, so
    /// it is never lost. Nil without a mail server.
    func deliver(_ link: (url: String, expires: Date), to email: String, name: String, principal: Principal,
                         context: RegieRequestContext) async -> Delivery? {
        guard let mailer = services.mailer else { return nil }
        let t = Localizer(catalogue: services.catalogue, locale: .nl)
        let message = MailMessage(to: email, subject: t("users.mail.subject"),
                                  body: t("users.mail.body", ["name": name, "organisation": principal.organisationName, "link": link.url,
                                                              "expires": DisplayDate.formatMoment(link.expires)]))
        do {
            try await mailer.send(message)
            try? await services.record(.userPasswordLink, context: context, permission: .manageUsers, detail: "per e-mail verstuurd aan \(email)")
            return Delivery(mailed: true, error: nil)
        } catch {
            Logger(label: "regie-mail").error("password-set link not mailed", metadata: ["error": .string(String(describing: error))])
            // A refusal names the server's step and reply; anything else is the connection, said in words.
            let reason = (error as? SMTPMailer.Failure)?.description
                ?? services.localizer(context)("users.mailUnreachable", ["server": "\(mailer.config.host):\(mailer.config.port)"])
            return Delivery(mailed: false, error: reason)
        }
    }
}
