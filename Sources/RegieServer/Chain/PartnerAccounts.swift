import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The accounts of a provider's staff (issue 18 item 3), kept by the municipality's functioneel
/// beheerder on the provider's page and by the provider's own administrator on `/aanbieder/accounts`,
/// never more than the municipality allows (`ProviderRecord.maxAccounts`). A new account gets a
/// one-time link to set its password (e-mailed when a mail server is set, else shown once) and must
/// set up a second factor at its first sign-in; switching one off ends its sessions at once.
struct PartnerAccounts {
    let services: AppServices

    enum Outcome {
        /// The form's errors, by field (`accountName`, `accountEmail`, `reason`).
        case invalid([AppError.FieldError])
        /// Done; for a new account, the link to show (empty when mailed) and what became of the mail.
        case done(link: (url: String, mailed: String?)?)
    }

    /// Adds an account; `admin` makes it one of the provider's administrators (only the municipality does that).
    func add(provider: ProviderRecord, municipalityName: String, admin: Bool, principal: Principal, permission: Permission, request: Request,
             context: RegieRequestContext) async throws -> Outcome {
        let t = services.localizer(context)
        let now = services.clock.now()
        var v = Validator(t)
        let users = UsersController(services: services)
        let (name, email) = try await users.readNewAccount(name: ("accountName", "providers.accounts.name"), email: ("accountEmail", "providers.accounts.email"),
                                                           &v, context: context)
        let existing = try await services.users.partnerOrganisation(providerId: provider.id)
        var active = 0
        if let existing { active = try await services.users.listAccounts(organisationId: existing).filter(\.active).count }
        if active >= provider.maxAccounts { v.fail("accountName", "providers.accounts.limit", ["max": String(provider.maxAccounts)]) }
        guard v.isValid, let name else { return .invalid(v.errors) }
        let organisation = try await services.users.ensurePartnerOrganisation(
            providerId: provider.id, name: t("providers.accounts.organisationName", ["provider": provider.name, "municipality": municipalityName]), now: now)
        let id = try await users.insertWithoutPassword(organisationId: organisation, teamId: nil, email: email, name: name, roles: [])
        if admin { try await services.users.setPartnerAdmin(userId: id, organisationId: organisation, true) }
        try await services.record(.providerAccountCreate, context: context, permission: permission,
                                  detail: "account \(id) van aanbieder \(provider.name)" + (admin ? " (beheerder)" : ""))
        let link = try await users.issueLink(userId: id, principal: principal, request: request, context: context)
        let delivery = await users.deliver(link, to: email, name: name, principal: principal, context: context)
        return .done(link: delivery?.mailed == true
            ? ("", t("providers.accounts.mailed", ["email": email]))
            : (link.url, delivery?.error.map { t("providers.accounts.notMailed", ["reason": $0]) }))
    }

    /// Switches off the account named in the form (404 when it is not one of the provider's), with a reason.
    func switchOff(provider: ProviderRecord, except: String? = nil, permission: Permission, context: RegieRequestContext) async throws -> Outcome {
        let t = services.localizer(context)
        let id = context.form["account"] ?? ""
        guard id != except, let organisation = try await services.users.partnerOrganisation(providerId: provider.id),
              try await services.users.listAccounts(organisationId: organisation).contains(where: { $0.id == id }) else { throw AppError.notFound }
        let reason = (context.form["reason"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { return .invalid([.init(name: "reason", message: t("validation.required", ["field": t("providers.accounts.reason")]))]) }
        _ = try await services.users.deactivatePartnerAccount(userId: id, organisationId: organisation, reason: reason, at: services.clock.now())
        try await services.record(.userDeactivate, context: context, permission: permission, detail: "account \(id) van aanbieder \(provider.name): \(reason)")
        return .done(link: nil)
    }

    /// After a lost phone: the account's second factor is wiped (404 when the account is not one of
    /// the provider's); it sets one up again at its next sign-in, as its organisation requires.
    func resetSecondFactor(provider: ProviderRecord, except: String? = nil, permission: Permission, context: RegieRequestContext) async throws {
        let id = context.form["account"] ?? ""
        guard id != except, let organisation = try await services.users.partnerOrganisation(providerId: provider.id),
              try await services.secondFactor.disable(userId: id, organisationId: organisation) else { throw AppError.notFound }
        try await services.record(.userSecondFactorReset, context: context, permission: permission, detail: "account \(id) van aanbieder \(provider.name)")
    }
}

