import Foundation
import Hummingbird
import Logging
import RegieStorage

/// Sign-in through the organisation's identity provider (OpenID Connect, authorization code flow
/// with PKCE, state and nonce): `/inloggen/oidc` sends the browser to the provider, the provider
/// sends it back to `/inloggen/oidc/terug` with a code, and Regie exchanges the code, validates the
/// ID token, finds the account (by the provider's subject; on the first sign-in by a verified
/// e-mail address, or a new account when the organisation provisions) and starts an ordinary
/// session, with Regie's own idle and absolute limits.
struct OIDCController {
    let services: AppServices

    static let loginLifetime: TimeInterval = 10 * 60
    static let logger = Logger(label: "regie-oidc")

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.oidcStart.path), use: start)
        router.get(RouterPath(SiteRoute.oidcCallback.path), use: callback)
    }

    /// Where the provider sends the browser back: `PUBLIC_URL`, else the address the browser used.
    func origin(_ request: Request) -> String {
        services.config.publicURL ?? request.head.authority.map { (services.config.cookieSecure ? "https://" : "http://") + $0 } ?? ""
    }

    /// The provider the link names (`aanbieder`), or the only one.
    private func provider(_ key: String?) -> OIDCClient? {
        if let key { return services.oidc[key] }
        return services.oidc.count == 1 ? services.oidc.values.first : nil
    }

    func start(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard let provider = provider(context.form["aanbieder"]) else { throw AppError.notFound }
        let now = services.clock.now()
        let back = AuthController.safeBack(context.form["terug"])
        let metadata: OIDCClient.Metadata
        do {
            metadata = try await provider.discovery(now: now).0
        } catch {
            Self.logger.warning("identity provider unreachable", metadata: ["error": .string(String(describing: type(of: error)))])
            return try failed(context, provider.config, back: back, key: "login.oidcUnreachable", status: .badGateway)
        }
        let state = TokenHasher.randomToken(), nonce = TokenHasher.randomToken()
        let pkce = OIDCClient.pkce()
        try await services.oidcStore.insertLogin(stateHash: services.hasher.digest(state), provider: provider.config.key, nonce: nonce, codeVerifier: pkce.verifier, back: back,
                                                 now: now, expiresAt: now.addingTimeInterval(Self.loginLifetime))
        let url = provider.authorizationURL(metadata, redirectURI: origin(request) + SiteRoute.oidcCallback.path, state: state, nonce: nonce,
                                            challenge: pkce.challenge)
        return Response(status: .seeOther, headers: [.location: url])
    }

    private func failed(_ context: RegieRequestContext, _ config: OIDCConfig?, back: String = SiteRoute.home.path, key: String,
                        _ arguments: [String: String] = [:], status: HTTPResponse.Status) throws -> Response {
        var values = arguments
        values["organisation"] = config?.organisation ?? services.config.oidc.first?.organisation ?? ""
        return try AuthController.render(services, context, email: "", back: back, error: services.localizer(context)(key, values), notice: nil,
                                         status: status)
    }

    func callback(_ request: Request, context: RegieRequestContext) async throws -> Response {
        guard !services.oidc.isEmpty else { throw AppError.notFound }
        let now = services.clock.now()
        // The state is used once: a second callback (a replay) finds nothing.
        guard let state = context.form["state"], let pending = try await services.oidcStore.takeLogin(stateHash: services.hasher.digest(state), now: now),
              let provider = services.oidc[pending.provider] else {
            return try failed(context, nil, key: "login.oidcExpired", status: .badRequest)
        }
        let config = provider.config
        if context.form["error"] != nil {
            return try failed(context, config, back: pending.back, key: "login.oidcRefused", status: .unauthorized)
        }
        guard let code = context.form["code"] else { return try failed(context, config, back: pending.back, key: "login.oidcExpired", status: .badRequest) }
        let claims: IDTokenClaims
        let idToken: String
        do {
            var (metadata, keys) = try await provider.discovery(now: now)
            idToken = try await provider.exchange(code: code, verifier: pending.codeVerifier, redirectURI: origin(request) + SiteRoute.oidcCallback.path,
                                                  metadata: metadata)
            do {
                claims = try await provider.verify(idToken, nonce: pending.nonce, now: now, keys: keys)
            } catch OIDCError.token(let reason) where reason.hasPrefix("signature") {
                // The provider may have rolled its keys since they were fetched: once more with fresh ones.
                (metadata, keys) = try await provider.discovery(now: now, refresh: true)
                claims = try await provider.verify(idToken, nonce: pending.nonce, now: now, keys: keys)
            }
        } catch {
            Self.logger.warning("sign-in through the identity provider refused", metadata: ["reason": .string(Self.reason(error))])
            return try failed(context, config, back: pending.back, key: "login.oidcFailed", status: .unauthorized)
        }
        guard let organisation = try await services.users.fetchOrganisation(named: config.organisation) else {
            return try failed(context, config, back: pending.back, key: "login.oidcFailed", status: .unauthorized)
        }
        // The roles the provider gives, when Regie takes them from a claim.
        var mapped: [Role]?
        if let claim = config.rolesClaim {
            let groups = claims.lists[claim] ?? []
            mapped = Array(Set(groups.compactMap { config.roleMap[$0].flatMap(Role.init(rawValue:)) })).sorted { $0.rawValue < $1.rawValue }
        }
        // The account: by subject; on the first sign-in by a verified e-mail address; or a new one.
        var userId = try await services.oidcStore.user(issuer: config.issuer, subject: claims.sub.value)
        var created = false
        if userId == nil, let email = claims.email?.lowercased(), claims.emailVerified == true,
           let existing = try await services.users.fetchUserId(email: email),
           try await services.users.fetchUser(id: existing)?.organisationId == organisation.id {
            userId = existing
        }
        if userId == nil, config.provision, let email = claims.email?.lowercased(), claims.emailVerified == true, let roles = mapped, !roles.isEmpty {
            let id = UUID().uuidString.lowercased()
            // No password: this account signs in only through the provider (a beheerder can send a link).
            try await services.users.insertUser(.init(id: id, organisationId: organisation.id, email: email, name: claims.name ?? email,
                                                      passwordHash: "!", roles: roles), now: now)
            userId = id
            created = true
        }
        guard let userId, let user = try await services.users.fetchUser(id: userId), user.active, user.organisationId == organisation.id else {
            return try failed(context, config, back: pending.back, key: "login.oidcNoAccount", ["email": claims.email ?? claims.sub.value], status: .forbidden)
        }
        try await services.oidcStore.link(issuer: config.issuer, subject: claims.sub.value, userId: user.id, now: now)
        var signedInUser = user
        if let roles = mapped, !created {
            guard !roles.isEmpty else { return try failed(context, config, back: pending.back, key: "login.oidcNoRole", status: .forbidden) }
            if Set(roles) != Set(user.roles) {
                do {
                    try await services.users.updateRolesAndTeam(userId: user.id, organisationId: organisation.id, roles: roles, teamId: user.teamId)
                    signedInUser = try await services.users.fetchUser(id: user.id) ?? user
                } catch AccountChangeError.lastAdministrator {
                    // The organisation keeps its last beheerder; the roles stay as they were.
                }
            }
        }
        var response = Response(status: .seeOther, headers: [.location: pending.back])
        let session = try await AuthController.signIn(signedInUser, services: services, request: request, context: context,
                                                      detail: "via de identity provider" + (created ? ", account aangemaakt" : "")
                                                          + (Set(signedInUser.roles) != Set(user.roles) ? ", rollen: \(signedInUser.roles.map(\.rawValue).joined(separator: ","))" : ""),
                                                      into: &response)
        try await services.oidcStore.setIDToken(sessionTokenHash: session.tokenHash, provider: config.key, sealed: try services.config.fieldSeal.seal(idToken))
        return response
    }

    static func reason(_ error: any Error) -> String {
        if case let OIDCError.token(reason) = error { return "token: \(reason)" }
        if case let OIDCError.provider(reason) = error { return "provider: \(reason)" }
        return String(describing: type(of: error))
    }

    /// The provider's logout, back to Regie's login page afterwards.
    func endSessionURL(_ provider: OIDCClient, idToken: String, request: Request) async throws -> String? {
        guard let end = try await provider.discovery(now: services.clock.now()).0.end_session_endpoint else { return nil }
        let separator = end.contains("?") ? "&" : "?"
        return end + separator + OIDCClient.form([
            ("id_token_hint", idToken), ("client_id", provider.config.clientId),
            ("post_logout_redirect_uri", origin(request) + SiteRoute.login.path + "?reden=uitgelogd"),
        ])
    }
}
