import Foundation
import SQLKit

/// What Regie keeps for sign-in through an identity provider (M0028).
public struct OIDCStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Pending: Sendable, Hashable {
        /// The provider's key in the configuration.
        public let provider: String
        public let nonce: String
        public let codeVerifier: String
        public let back: String
    }

    public func insertLogin(stateHash: String, provider: String, nonce: String, codeVerifier: String, back: String, now: Date, expiresAt: Date) async throws {
        try await database.sql.raw("DELETE FROM oidc_logins WHERE expires_at <= \(bind: now.epochSeconds)").run()
        try await database.sql.raw("""
            INSERT INTO oidc_logins (state_hash, provider, nonce, code_verifier, back, created_at, expires_at)
            VALUES (\(bind: stateHash), \(bind: provider), \(bind: nonce), \(bind: codeVerifier), \(bind: back), \(bind: now.epochSeconds), \(bind: expiresAt.epochSeconds))
            """).run()
    }

    /// Takes the sign-in of this state out, once: a second callback with the same state finds nothing.
    public func takeLogin(stateHash: String, now: Date) async throws -> Pending? {
        guard let row = try await database.sql.raw("""
            DELETE FROM oidc_logins WHERE state_hash = \(bind: stateHash) RETURNING provider, nonce, code_verifier, back, expires_at
            """).first(), try row.decode(column: "expires_at", as: Int64.self) > now.epochSeconds else { return nil }
        return Pending(provider: try row.decode(column: "provider", as: String.self), nonce: try row.decode(column: "nonce", as: String.self), codeVerifier: try row.decode(column: "code_verifier", as: String.self),
                       back: try row.decode(column: "back", as: String.self))
    }

    public func user(issuer: String, subject: String) async throws -> String? {
        try await database.sql.raw("SELECT user_id FROM user_identities WHERE issuer = \(bind: issuer) AND subject = \(bind: subject)").first()?
            .decode(column: "user_id", as: String.self)
    }

    public func link(issuer: String, subject: String, userId: String, now: Date) async throws {
        try await database.sql.raw("""
            INSERT INTO user_identities (issuer, subject, user_id, created_at, last_login_at)
            VALUES (\(bind: issuer), \(bind: subject), \(bind: userId), \(bind: now.epochSeconds), \(bind: now.epochSeconds))
            ON CONFLICT (issuer, subject) DO UPDATE SET last_login_at = excluded.last_login_at
            """).run()
    }

    public func hasIdentity(userId: String) async throws -> Bool {
        try await database.sql.raw("SELECT 1 AS x FROM user_identities WHERE user_id = \(bind: userId) LIMIT 1").first() != nil
    }

    public func setIDToken(sessionTokenHash: String, provider: String, sealed: String) async throws {
        try await database.sql.raw("""
            UPDATE sessions SET id_token_sealed = \(bind: sealed), oidc_provider = \(bind: provider) WHERE token_hash = \(bind: sessionTokenHash)
            """).run()
    }

    /// The provider and the sealed ID token of a session started through an identity provider.
    public func idToken(sessionTokenHash: String) async throws -> (provider: String, sealed: String)? {
        guard let row = try await database.sql.raw("SELECT oidc_provider, id_token_sealed FROM sessions WHERE token_hash = \(bind: sessionTokenHash)").first(),
              let provider = try row.decode(column: "oidc_provider", as: String?.self),
              let sealed = try row.decode(column: "id_token_sealed", as: String?.self) else { return nil }
        return (provider, sealed)
    }
}
