import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// API keys for machine clients: created by the functioneel beheerder, shown once, stored as a
/// keyed hash, scoped to the organisation and one role, revocable.
struct APIKeysController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.apiKeys.path), use: list)
        router.post(RouterPath(SiteRoute.apiKeys.path), use: create)
        router.post(RouterPath(SiteRoute.apiKeyRevokePattern), use: revoke)
    }

    struct KeyRow: Encodable {
        let name: String
        let prefix: String
        let role: String
        let created: String
        let lastUsed: String
        let revoked: String?
        let revokeAction: String
        /// "Wacht op goedkeuring door een consulent" or "Goedgekeurd door …".
        let approval: String?
        let waiting: Bool
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }

    struct KeysView: Encodable {
        let keys: [KeyRow]
        let hasKeys: Bool
        let roles: [Option]
        let name: String
        let nameError: String?
        let roleError: String?
        let hasErrors: Bool
        let newKey: String?
        let newKeyWaits: String?
        let action: String
    }

    private func render(_ context: RegieRequestContext, principal: Principal, name: String = "", role: String? = nil, errors: [AppError.FieldError] = [],
                        newKey: String? = nil, newKeyRole: Role? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = services.localizer(context)
        let locale = context.locale
        let keys = try await services.apiKeys.listKeys(organisationId: principal.organisationId)
        let names = Dictionary(try await services.users.listUsers(organisationId: principal.organisationId).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let message = { (name: String) in errors.first { $0.name == name }?.message }
        // In a sentence: "door een teamleider".
        let roleName = { (role: Role) in t("roles.\(role.rawValue)").lowercased() }
        func approval(_ key: APIKeyRecord) -> String? {
            if let by = key.approvedBy, by != key.createdBy {
                return t("apiKeys.approvedBy", ["name": names[by] ?? by])
            }
            return Policy.awaitsApproval(key) ? t("apiKeys.waiting", ["role": roleName(key.role)]) : nil
        }
        return try services.views.render(
            "api-keys", titleKey: "apiKeys.title",
            content: KeysView(
                keys: keys.map { key in
                    KeyRow(name: key.name, prefix: key.prefix, role: t("roles.\(key.role.rawValue)"),
                           created: DisplayDate.formatMoment(key.createdAt), lastUsed: key.lastUsedAt.map(DisplayDate.formatMoment) ?? "—",
                           revoked: key.revokedAt.map(DisplayDate.formatMoment), revokeAction: SiteRoute.apiKeyRevoke(key.id).path,
                           approval: key.revokedAt == nil ? approval(key) : nil, waiting: key.revokedAt == nil && Policy.awaitsApproval(key))
                },
                hasKeys: !keys.isEmpty,
                roles: Role.allCases.map { Option(value: $0.rawValue, label: t("roles.\($0.rawValue)"), selected: $0.rawValue == role) },
                name: name, nameError: message("name"), roleError: message("role"), hasErrors: !errors.isEmpty, newKey: newKey,
                newKeyWaits: newKeyRole.flatMap { Policy.needsApproval($0) ? t("apiKeys.createdWaits", ["role": roleName($0)]) : nil },
                action: SiteRoute.apiKeys.path),
            context: context, current: SiteRoute.apiKeys.path,
            notice: context.form["melding"] == "ingetrokken" ? t("apiKeys.revoked") : nil, status: status)
    }

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageAPIKeys)
        return try await render(context, principal: principal)
    }

    func create(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageAPIKeys)
        let t = services.localizer(context)
        let name = context.form["name"] ?? ""
        let roleValue = context.form["role"]
        var errors: [AppError.FieldError] = []
        if name.isEmpty || !TextLength.fits(name, within: 100) { errors.append(.init(name: "name", message: t("apiKeys.errors.name"))) }
        let role = context.form.choice("role", Role.self)
        if role == nil { errors.append(.init(name: "role", message: t("apiKeys.errors.role"))) }
        // Nobody grants a key more than they hold: a key that reads personal data waits for a second
        // person who holds its role; any other key only for a maker who holds all its rights.
        if let role, !Policy.needsApproval(role), !Policy.holdsAllRights(of: role, principal) {
            errors.append(.init(name: "role", message: t("apiKeys.errors.moreThanHeld", ["role": t("roles.\(role.rawValue)")])))
        }
        guard errors.isEmpty, let role else {
            return try await render(context, principal: principal, name: name, role: roleValue, errors: errors, status: .badRequest)
        }
        let prefix = String(TokenHasher.randomToken(bytes: 9).prefix(12)).replacingOccurrences(of: "_", with: "x")
        let secret = TokenHasher.randomToken()
        let now = services.clock.now()
        let waits = Policy.needsApproval(role)
        let record = APIKeyRecord(id: UUID().uuidString.lowercased(), organisationId: principal.organisationId, name: name, prefix: prefix,
                                  role: role, createdBy: principal.actorId, createdAt: now, lastUsedAt: nil, revokedAt: nil,
                                  approvedBy: waits ? nil : principal.actorId, approvedAt: waits ? nil : now)
        try await services.apiKeys.insertKey(record, secretHash: services.hasher.digest(secret))
        try await services.record(.apikeyCreate, context: context, permission: .manageAPIKeys,
                                  detail: "key \(record.id) (\(prefix)), rol \(role.rawValue)" + (waits ? ", wacht op goedkeuring door een tweede persoon met die rol" : ""))
        return try await render(context, principal: principal, newKey: "regie_\(prefix)_\(secret)", newKeyRole: role, status: .created)
    }

    func revoke(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageAPIKeys)
        let id = try context.parameters.require("id")
        guard try await services.apiKeys.revokeKey(id: id, organisationId: principal.organisationId, at: services.clock.now()) else {
            throw AppError.notFound
        }
        try await services.record(.apikeyRevoke, context: context, permission: .manageAPIKeys, detail: "key \(id)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.apiKeys.path + "?melding=ingetrokken"])
    }
}
