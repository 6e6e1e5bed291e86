import AsyncHTTPClient
import Configuration
import Crypto
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOHTTP1
import RegieStorage

/// Staff sign in through their organisation's identity provider over OpenID Connect (issue 17
/// item 1), one provider per organisation (README, configuration):
/// - `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_ORGANISATION`: one provider; or
///   `OIDC_PROVIDERS=weert,venlo` with `OIDC_WEERT_ISSUER`, `OIDC_WEERT_CLIENT_ID`, … for several.
/// - `…ORGANISATION`: the organisation (by name) whose staff sign in there.
/// - `…ROLES_CLAIM` and `…ROLE_MAP` (`group=role,…`): roles from a claim; unset, roles stay managed
///   in Regie.
/// - `…PROVISION`: make an account on a first sign-in that matches none (needs a mapped role).
/// - `…PASSWORD_LOGIN`: `false` refuses password login for the organisation, except for the
///   break-glass accounts in `…BREAK_GLASS` (e-mail addresses; every use audited).
/// Production refuses an issuer over plain HTTP.
public struct OIDCConfig: Sendable {
    /// The provider's name in the configuration (`default` for the unnamed `OIDC_*` one).
    public var key: String = "default"
    public var issuer: String
    public var clientId: String
    public var clientSecret: String
    public var organisation: String
    public var scopes: String
    public var rolesClaim: String?
    public var roleMap: [String: String]
    public var provision: Bool
    public var passwordLogin: Bool
    public var breakGlass: Set<String>

    public init(issuer: String, clientId: String, clientSecret: String, organisation: String, scopes: String = "openid email profile",
                rolesClaim: String? = nil, roleMap: [String: String] = [:], provision: Bool = false, passwordLogin: Bool = true,
                breakGlass: Set<String> = []) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.organisation = organisation
        self.scopes = scopes
        self.rolesClaim = rolesClaim
        self.roleMap = roleMap
        self.provision = provision
        self.passwordLogin = passwordLogin
        self.breakGlass = breakGlass
    }

    /// Every configured provider: the unnamed one (`OIDC_*`) and the named ones (`OIDC_PROVIDERS`).
    /// Two providers for one organisation are refused.
    static func read(_ reader: ConfigReader, mode: AppConfig.Mode) throws -> [OIDCConfig] {
        var result: [OIDCConfig] = []
        if let single = try read(reader, mode: mode, key: "default", prefix: "oidc", env: "OIDC") { result.append(single) }
        for name in (reader.string(forKey: "oidc.providers") ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard !name.isEmpty, name != "default", name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw AppConfig.ConfigError.invalid(key: "OIDC_PROVIDERS", value: name)
            }
            guard let provider = try read(reader, mode: mode, key: name, prefix: "oidc.\(name)", env: "OIDC_\(name.uppercased())") else {
                throw AppConfig.ConfigError.invalid(key: "OIDC_\(name.uppercased())_ISSUER", value: "(missing)")
            }
            result.append(provider)
        }
        if Set(result.map(\.organisation)).count != result.count || Set(result.map(\.key)).count != result.count {
            throw AppConfig.ConfigError.invalid(key: "OIDC_PROVIDERS", value: "one provider per organisation")
        }
        return result
    }

    private static func read(_ reader: ConfigReader, mode: AppConfig.Mode, key: String, prefix: String, env: String) throws -> OIDCConfig? {
        func value(_ name: String) -> String? { reader.string(forKey: ConfigKey("\(prefix).\(name)")).flatMap { $0.isEmpty ? nil : $0 } }
        guard let issuer = value("issuer") else { return nil }
        guard let url = URL(string: issuer), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw AppConfig.ConfigError.invalid(key: "\(env)_ISSUER", value: issuer)
        }
        if mode == .production, scheme != "https" {
            throw AppConfig.ConfigError.invalid(key: "\(env)_ISSUER", value: "\(issuer) (an identity provider only over https)")
        }
        guard let clientId = value("client.id") else { throw AppConfig.ConfigError.invalid(key: "\(env)_CLIENT_ID", value: "(missing)") }
        guard let organisation = value("organisation") else { throw AppConfig.ConfigError.invalid(key: "\(env)_ORGANISATION", value: "(missing)") }
        var map: [String: String] = [:]
        for pair in (value("role.map") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, Role(rawValue: parts[1]) != nil else {
                throw AppConfig.ConfigError.invalid(key: "\(env)_ROLE_MAP", value: String(pair))
            }
            map[parts[0]] = parts[1]
        }
        var config = OIDCConfig(issuer: issuer, clientId: clientId, clientSecret: reader.string(forKey: ConfigKey("\(prefix).client.secret"), isSecret: true) ?? "",
                                organisation: organisation, scopes: value("scopes") ?? "openid email profile", rolesClaim: value("roles.claim"), roleMap: map,
                                provision: reader.bool(forKey: ConfigKey("\(prefix).provision"), default: false),
                                passwordLogin: reader.bool(forKey: ConfigKey("\(prefix).password.login"), default: true),
                                breakGlass: Set((value("break.glass") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }))
        config.key = key
        return config
    }
}

/// The claims Regie reads from an ID token. Any claim holding a list of texts is kept too, for the
/// roles claim, whose name is configured.
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim?
    var nonce: String?
    var email: String?
    var emailVerified: Bool?
    var name: String?
    var lists: [String: [String]] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(iss: String, sub: String, aud: [String], exp: Date, nonce: String?, email: String?, emailVerified: Bool?, name: String?, lists: [String: [String]] = [:]) {
        self.iss = IssuerClaim(value: iss)
        self.sub = SubjectClaim(value: sub)
        self.aud = AudienceClaim(value: aud)
        self.exp = ExpirationClaim(value: exp)
        self.nonce = nonce
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.lists = lists
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        iss = try c.decode(IssuerClaim.self, forKey: Key(stringValue: "iss"))
        sub = try c.decode(SubjectClaim.self, forKey: Key(stringValue: "sub"))
        aud = try c.decode(AudienceClaim.self, forKey: Key(stringValue: "aud"))
        exp = try c.decode(ExpirationClaim.self, forKey: Key(stringValue: "exp"))
        iat = try c.decodeIfPresent(IssuedAtClaim.self, forKey: Key(stringValue: "iat"))
        nonce = try c.decodeIfPresent(String.self, forKey: Key(stringValue: "nonce"))
        email = try c.decodeIfPresent(String.self, forKey: Key(stringValue: "email"))
        // Some providers send "true" as text.
        emailVerified = (try? c.decodeIfPresent(Bool.self, forKey: Key(stringValue: "email_verified")))
            ?? (try? c.decodeIfPresent(String.self, forKey: Key(stringValue: "email_verified"))).flatMap { $0.map { $0 == "true" } }
        name = try c.decodeIfPresent(String.self, forKey: Key(stringValue: "name"))
        for key in c.allKeys {
            if let list = try? c.decode([String].self, forKey: key) { lists[key.stringValue] = list }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(iss, forKey: Key(stringValue: "iss"))
        try c.encode(sub, forKey: Key(stringValue: "sub"))
        try c.encode(aud, forKey: Key(stringValue: "aud"))
        try c.encode(exp, forKey: Key(stringValue: "exp"))
        try c.encodeIfPresent(iat, forKey: Key(stringValue: "iat"))
        try c.encodeIfPresent(nonce, forKey: Key(stringValue: "nonce"))
        try c.encodeIfPresent(email, forKey: Key(stringValue: "email"))
        try c.encodeIfPresent(emailVerified, forKey: Key(stringValue: "email_verified"))
        try c.encodeIfPresent(name, forKey: Key(stringValue: "name"))
        for (key, list) in lists { try c.encode(list, forKey: Key(stringValue: key)) }
    }

    /// The signature is checked by the key collection; the claims against Regie's clock and
    /// registration in `OIDCClient.verify`.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Why a sign-in through the provider was refused: the reason goes to the log and the audit entry,
/// the user sees a plain Dutch message.
enum OIDCError: Error, Equatable {
    case provider(String)
    case token(String)
}

/// The relying party: discovery, the authorization request (state, nonce, PKCE), the code exchange
/// and the ID token's validation against the provider's keys (signature, issuer, audience, expiry,
/// nonce).
final class OIDCClient: Sendable {
    struct Metadata: Decodable, Sendable {
        let issuer: String
        let authorization_endpoint: String
        let token_endpoint: String
        let jwks_uri: String
        let end_session_endpoint: String?
    }

    let config: OIDCConfig
    let logger: Logger
    private let cache = Cache()
    /// Leeway for the clocks of Regie and the provider.
    static let leeway: TimeInterval = 60

    actor Cache {
        var metadata: Metadata?
        var keys: JWTKeyCollection?
        var fetchedAt: Date?
        func set(_ metadata: Metadata, _ keys: JWTKeyCollection, _ at: Date) { self.metadata = metadata; self.keys = keys; fetchedAt = at }
        func get(now: Date) -> (Metadata, JWTKeyCollection)? {
            guard let metadata, let keys, let fetchedAt, now.timeIntervalSince(fetchedAt) < 3_600 else { return nil }
            return (metadata, keys)
        }
        func clear() { metadata = nil; keys = nil; fetchedAt = nil }
    }

    init(config: OIDCConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// One request with a client of its own (no redirects followed), shut down after: a sign-in is
    /// rare enough, and nothing is left to shut down when Regie stops.
    private func send(_ request: HTTPClientRequest) async throws -> (status: UInt, body: Data) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        configuration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            var body = try await response.body.collect(upTo: 1 << 20)
            let data = Data(body.readBytes(length: body.readableBytes) ?? [])
            try await http.shutdown()
            return (response.status.code, data)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func get(_ url: String) async throws -> Data {
        let (status, body) = try await send(HTTPClientRequest(url: url))
        guard status == 200 else { throw OIDCError.provider("HTTP \(status) from \(url)") }
        return body
    }

    /// The provider's metadata and keys, fetched once an hour (and again when a token names a key
    /// Regie does not have: the provider rolled its keys).
    func discovery(now: Date, refresh: Bool = false) async throws -> (Metadata, JWTKeyCollection) {
        if !refresh, let cached = await cache.get(now: now) { return cached }
        let metadata = try JSONDecoder().decode(Metadata.self, from: try await get(config.issuer + "/.well-known/openid-configuration"))
        guard metadata.issuer == config.issuer else { throw OIDCError.provider("issuer \(metadata.issuer) is not \(config.issuer)") }
        let jwks = String(decoding: try await get(metadata.jwks_uri), as: UTF8.self)
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
        await cache.set(metadata, keys, now)
        return (metadata, keys)
    }

    /// A random code verifier and its S256 challenge (RFC 7636).
    static func pkce() -> (verifier: String, challenge: String) {
        let verifier = TokenHasher.randomToken(bytes: 32)
        let digest = Data(SHA256.hash(data: Data(verifier.utf8)))
        return (verifier, base64URL(digest))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func form(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }

    func authorizationURL(_ metadata: Metadata, redirectURI: String, state: String, nonce: String, challenge: String) -> String {
        let separator = metadata.authorization_endpoint.contains("?") ? "&" : "?"
        return metadata.authorization_endpoint + separator + Self.form([
            ("response_type", "code"), ("client_id", config.clientId), ("redirect_uri", redirectURI), ("scope", config.scopes),
            ("state", state), ("nonce", nonce), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ])
    }

    /// Exchanges the code for tokens (client authentication with the secret, HTTP Basic) and returns
    /// the ID token, unverified.
    func exchange(code: String, verifier: String, redirectURI: String, metadata: Metadata) async throws -> String {
        var request = HTTPClientRequest(url: metadata.token_endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = Data("\(Self.formComponent(config.clientId)):\(Self.formComponent(config.clientSecret))".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.body = .bytes(ByteBuffer(string: Self.form([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                                                            ("code_verifier", verifier), ("client_id", config.clientId)])))
        let (status, data) = try await send(request)
        guard status == 200 else { throw OIDCError.provider("token endpoint answered HTTP \(status)") }
        struct Tokens: Decodable { let id_token: String? }
        guard let token = try JSONDecoder().decode(Tokens.self, from: data).id_token else { throw OIDCError.provider("no id_token in the answer") }
        return token
    }

    /// `application/x-www-form-urlencoded` for the Basic credentials (RFC 6749 §2.3.1).
    static func formComponent(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Verifies the ID token: the signature with the provider's keys (fetched again once for an
    /// unknown key), the issuer, Regie as an audience, not expired by Regie's clock, the nonce of
    /// this sign-in.
    func verify(_ token: String, nonce: String, now: Date, keys: JWTKeyCollection) async throws -> IDTokenClaims {
        let claims: IDTokenClaims
        do {
            claims = try await keys.verify(token, as: IDTokenClaims.self)
        } catch {
            throw OIDCError.token("signature: \(String(describing: type(of: error)))")
        }
        try Self.check(claims, issuer: config.issuer, clientId: config.clientId, nonce: nonce, now: now)
        return claims
    }

    static func check(_ claims: IDTokenClaims, issuer: String, clientId: String, nonce: String, now: Date) throws {
        guard claims.iss.value == issuer else { throw OIDCError.token("issuer \(claims.iss.value)") }
        guard claims.aud.value.contains(clientId) else { throw OIDCError.token("audience \(claims.aud.value.joined(separator: ","))") }
        guard claims.exp.value.addingTimeInterval(leeway) > now else { throw OIDCError.token("expired at \(claims.exp.value)") }
        guard let given = claims.nonce, TokenHasher.equal(given, nonce) else { throw OIDCError.token("nonce") }
    }
}
