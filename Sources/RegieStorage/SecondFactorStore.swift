import Foundation
import SQLKit

/// The second factor of local accounts (M0026): the TOTP secret (sealed by the caller), the last
/// time step used, the recovery codes (keyed hashes), the organisation's requirement, and the
/// challenges that stand between a correct password and a session.
public struct SecondFactorStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct State: Sendable, Hashable {
        /// The sealed secret; nil when the account has no second factor.
        public let sealedSecret: String?
        public let enabledAt: Date?
        public let lastStep: Int64?
        public let recoveryCodesLeft: Int
        public var enabled: Bool { sealedSecret != nil }
    }

    public func state(userId: String) async throws -> State {
        let row = try await database.sql.raw("""
            SELECT u.totp_secret_sealed, u.totp_enabled_at, u.totp_last_step,
                   (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left
            FROM users u WHERE u.id = \(bind: userId)
            """).first()
        return State(sealedSecret: try row?.decode(column: "totp_secret_sealed", as: String?.self),
                     enabledAt: try row?.decode(column: "totp_enabled_at", as: Int64?.self).map { Date(timeIntervalSince1970: TimeInterval($0)) },
                     lastStep: try row?.decode(column: "totp_last_step", as: Int64?.self),
                     recoveryCodesLeft: try row?.decode(column: "codes_left", as: Int.self) ?? 0)
    }

    /// Turns the second factor on with a secret whose code was just typed (`step`, so that code is
    /// not accepted again) and a new set of recovery codes, replacing any earlier ones.
    public func enable(userId: String, sealedSecret: String, step: Int64, recoveryHashes: [String], now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE users SET totp_secret_sealed = \(bind: sealedSecret), totp_enabled_at = \(bind: now.epochSeconds), totp_last_step = \(bind: step)
                WHERE id = \(bind: userId)
                """).run()
            try await Self.replaceRecoveryCodes(userId: userId, hashes: recoveryHashes, now: now, on: db)
        }
    }

    /// Records `step` as used when it is later than the last one used: false when this code (or a
    /// later one) was used already, so a code seen over someone's shoulder cannot be replayed.
    public func useStep(userId: String, step: Int64) async throws -> Bool {
        try await database.sql.raw("""
            UPDATE users SET totp_last_step = \(bind: step)
            WHERE id = \(bind: userId) AND totp_secret_sealed IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
            RETURNING id
            """).first() != nil
    }

    /// Uses a recovery code once: false when it is unknown or used.
    public func useRecoveryCode(userId: String, hash: String, now: Date) async throws -> Bool {
        try await database.sql.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now.epochSeconds)
            WHERE user_id = \(bind: userId) AND code_hash = \(bind: hash) AND used_at IS NULL
            RETURNING user_id
            """).first() != nil
    }

    public func replaceRecoveryCodes(userId: String, hashes: [String], now: Date) async throws {
        try await database.transaction { db in
            try await Self.replaceRecoveryCodes(userId: userId, hashes: hashes, now: now, on: db)
        }
    }

    private static func replaceRecoveryCodes(userId: String, hashes: [String], now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userId)").run()
        for hash in hashes {
            try await db.raw("""
                INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (\(bind: userId), \(bind: hash), \(bind: now.epochSeconds))
                """).run()
        }
    }

    /// Turns the second factor off: the secret and the recovery codes go. For the account's own
    /// choice (when the organisation does not require it) and for a beheerder after a lost phone;
    /// `organisationId` keeps the latter inside the beheerder's organisation. False when no such account.
    @discardableResult
    public func disable(userId: String, organisationId: String) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE users SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_step = NULL
                WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId)
                RETURNING id
                """).first() != nil else { return false }
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userId)").run()
            try await db.raw("DELETE FROM login_challenges WHERE user_id = \(bind: userId)").run()
            return true
        }
    }

    // MARK: The organisation's requirement

    public func organisationRequires(organisationId: String) async throws -> Bool {
        try await database.sql.raw("SELECT require_second_factor FROM organisations WHERE id = \(bind: organisationId)").first()?
            .decode(column: "require_second_factor", as: Int.self) == 1
    }

    public func setOrganisationRequires(organisationId: String, _ required: Bool) async throws {
        try await database.sql.raw("UPDATE organisations SET require_second_factor = \(bind: required ? 1 : 0) WHERE id = \(bind: organisationId)").run()
    }

    // MARK: Challenges

    public enum Purpose: String, Sendable {
        /// The password was right; the account's code is asked.
        case code
        /// A new secret waits for its first code: at login (the organisation requires a second
        /// factor) or from the account page (`signedIn`).
        case enrol
    }

    public struct Challenge: Sendable, Hashable {
        public let userId: String
        public let purpose: Purpose
        public let sealedSecret: String?
        public let back: String
        public let signedIn: Bool
        public let attempts: Int
        public let expiresAt: Date
    }

    /// Starts a challenge, replacing the account's earlier ones (a second login attempt voids the first).
    public func insertChallenge(tokenHash: String, userId: String, purpose: Purpose, sealedSecret: String?, back: String, signedIn: Bool,
                                now: Date, expiresAt: Date) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM login_challenges WHERE user_id = \(bind: userId) OR expires_at <= \(bind: now.epochSeconds)").run()
            try await db.raw("""
                INSERT INTO login_challenges (token_hash, user_id, purpose, secret_sealed, back, signed_in, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: userId), \(bind: purpose.rawValue), \(bind: sealedSecret), \(bind: back), \(bind: signedIn ? 1 : 0),
                        \(bind: now.epochSeconds), \(bind: expiresAt.epochSeconds))
                """).run()
        }
    }

    /// The challenge, while it runs.
    public func fetchChallenge(tokenHash: String, now: Date) async throws -> Challenge? {
        guard let row = try await database.sql.raw("""
            SELECT user_id, purpose, secret_sealed, back, signed_in, attempts, expires_at FROM login_challenges
            WHERE token_hash = \(bind: tokenHash) AND expires_at > \(bind: now.epochSeconds)
            """).first(),
            let purpose = Purpose(rawValue: try row.decode(column: "purpose", as: String.self)) else { return nil }
        return Challenge(userId: try row.decode(column: "user_id", as: String.self), purpose: purpose,
                         sealedSecret: try row.decode(column: "secret_sealed", as: String?.self), back: try row.decode(column: "back", as: String.self),
                         signedIn: try row.decode(column: "signed_in", as: Int.self) == 1, attempts: try row.decode(column: "attempts", as: Int.self),
                         expiresAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "expires_at", as: Int64.self))))
    }

    /// Counts one wrong code; returns the attempts so far.
    public func countAttempt(tokenHash: String) async throws -> Int {
        try await database.sql.raw("UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = \(bind: tokenHash) RETURNING attempts").first()?
            .decode(column: "attempts", as: Int.self) ?? Int.max
    }

    /// Ends a challenge; true when it was still there (so of two requests at once only one goes on).
    @discardableResult
    public func deleteChallenge(tokenHash: String) async throws -> Bool {
        try await database.sql.raw("DELETE FROM login_challenges WHERE token_hash = \(bind: tokenHash) RETURNING user_id").first() != nil
    }
}
