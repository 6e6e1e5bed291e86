import Foundation
import SQLKit

/// Sessions live in the database so any instance can serve any request.
public struct SessionStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func insertSession(_ session: SessionRecord) async throws {
        try await database.sql.raw("""
            INSERT INTO sessions (token_hash, user_id, csrf_token, municipality_code, created_at, last_seen_at, expires_at)
            VALUES (\(bind: session.tokenHash), \(bind: session.userId), \(bind: session.csrfToken), \(bind: session.municipalityCode),
                \(bind: session.createdAt.epochSeconds), \(bind: session.lastSeenAt.epochSeconds), \(bind: session.expiresAt.epochSeconds))
            """).run()
    }

    public func touchSession(tokenHash: String, at now: Date) async throws {
        try await database.sql.raw("UPDATE sessions SET last_seen_at = \(bind: now.epochSeconds) WHERE token_hash = \(bind: tokenHash)").run()
    }

    public func updateMunicipality(tokenHash: String, code: String?) async throws {
        try await database.sql.raw("UPDATE sessions SET municipality_code = \(bind: code) WHERE token_hash = \(bind: tokenHash)").run()
    }

    public func deleteSession(tokenHash: String) async throws {
        try await database.sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    /// Removes sessions past their absolute expiry or idle for longer than `idleTimeout`.
    public func deleteExpiredSessions(now: Date, idleTimeout: TimeInterval) async throws {
        let idleCutoff = now.addingTimeInterval(-idleTimeout).epochSeconds
        try await database.sql.raw("""
            DELETE FROM sessions WHERE expires_at <= \(bind: now.epochSeconds) OR last_seen_at <= \(bind: idleCutoff)
            """).run()
    }

    // MARK: Login attempts (rate limiting across instances)

    public func recordLoginAttempt(username: String, address: String, succeeded: Bool, at now: Date) async throws {
        try await database.sql.raw("""
            INSERT INTO login_attempts (username, address, attempted_at, succeeded)
            VALUES (\(bind: username.lowercased()), \(bind: address), \(bind: now.epochSeconds), \(bind: succeeded ? 1 : 0))
            """).run()
    }

    /// The outcome of `reserveAttempt`.
    public enum AttemptReservation: Sendable, Equatable {
        /// The attempt is recorded as a failure; a success clears it (`clearFailedLogins`).
        case reserved
        /// Too many failures in the window; nothing was recorded. The next attempt may come at `retryAt`.
        case limited(retryAt: Date)
    }

    /// Counts the failures in the window and — only when they are under the limits — records this
    /// attempt as a failure, in one transaction that parallel attempts cannot interleave (SQLite: the
    /// write lock, `BEGIN IMMEDIATE`; PostgreSQL: advisory locks on the username and the address,
    /// always taken in that order). So 100 simultaneous wrong passwords for one account are checked
    /// at most `maxForUsername` times, wherever they come from.
    ///
    /// - `address` is the client's address, or `device:<id>` for a browser this account signed in
    ///   from before (a device cookie). Failures of a trusted device count for that device only; other
    ///   failures count for the username across addresses, and — when `maxForAddress` is given — for
    ///   the address across usernames.
    public func reserveAttempt(username: String, address: String, at now: Date, window: TimeInterval,
                               maxForUsername: Int, maxForAddress: Int?) async throws -> AttemptReservation {
        let user = username.lowercased()
        let cutoff = now.addingTimeInterval(-window).epochSeconds
        let device = address.hasPrefix("device:")
        let kind = database.kind
        return try await database.transaction { db in
            if kind == .postgres {
                // Both locks in one round trip; every attempt takes them in the same order.
                try await db.raw("""
                    SELECT pg_advisory_xact_lock(hashtext(\(bind: "regie-login-user:" + user))),
                           pg_advisory_xact_lock(hashtext(\(bind: "regie-login-address:" + address)))
                    """).run()
            }
            let byUser = device
                ? "username = \(bind: user) AND address = \(bind: address)" as SQLQueryString
                : "username = \(bind: user) AND address NOT LIKE 'device:%'" as SQLQueryString
            let row = try await db.raw("""
                SELECT
                    (SELECT COUNT(*) FROM login_attempts WHERE \(byUser) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS by_username,
                    (SELECT MIN(attempted_at) FROM login_attempts WHERE \(byUser) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS oldest_username,
                    (SELECT COUNT(*) FROM login_attempts WHERE address = \(bind: address) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS by_address,
                    (SELECT MIN(attempted_at) FROM login_attempts WHERE address = \(bind: address) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS oldest_address
                """).first()
            let byUsername = try row?.decode(column: "by_username", as: Int.self) ?? 0
            let byAddress = try row?.decode(column: "by_address", as: Int.self) ?? 0
            let userLimited = byUsername >= maxForUsername
            let addressLimited = !device && maxForAddress.map { byAddress >= $0 } == true
            if userLimited || addressLimited {
                // The next attempt may come when the later of the limiting windows has passed.
                let oldest = [userLimited ? try row?.decode(column: "oldest_username", as: Int64?.self) : nil,
                              addressLimited ? try row?.decode(column: "oldest_address", as: Int64?.self) : nil].compactMap { $0 }.max()
                return .limited(retryAt: (oldest.map(Date.init(epochSeconds:)) ?? now).addingTimeInterval(window))
            }
            try await db.raw("""
                INSERT INTO login_attempts (username, address, attempted_at, succeeded)
                VALUES (\(bind: user), \(bind: address), \(bind: now.epochSeconds), 0)
                """).run()
            return .reserved
        }
    }

    /// Failed attempts since `since` for the username and for the address, and the oldest of them
    /// (from which the wait until the next allowed attempt follows).
    public func countFailedLogins(username: String, address: String, since: Date) async throws -> (byUsername: Int, byAddress: Int, oldest: Date?) {
        let cutoff = since.epochSeconds
        let row = try await database.sql.raw("""
            SELECT
                (SELECT COUNT(*) FROM login_attempts WHERE username = \(bind: username.lowercased()) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS by_username,
                (SELECT COUNT(*) FROM login_attempts WHERE address = \(bind: address) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS by_address,
                (SELECT MIN(attempted_at) FROM login_attempts WHERE (username = \(bind: username.lowercased()) OR address = \(bind: address)) AND succeeded = 0 AND attempted_at >= \(bind: cutoff)) AS oldest
            """).first()
        let byUsername = try row?.decode(column: "by_username", as: Int.self) ?? 0
        let byAddress = try row?.decode(column: "by_address", as: Int.self) ?? 0
        let oldest = try row?.decode(column: "oldest", as: Int64?.self)
        return (byUsername, byAddress, oldest.map(Date.init(epochSeconds:)))
    }

    /// A successful login clears the username's failures (the address keeps its count).
    public func clearFailedLogins(username: String) async throws {
        try await database.sql.raw("DELETE FROM login_attempts WHERE username = \(bind: username.lowercased()) AND succeeded = 0").run()
    }

    public func deleteLoginAttempts(before: Date) async throws {
        try await database.sql.raw("DELETE FROM login_attempts WHERE attempted_at < \(bind: before.epochSeconds)").run()
    }
}
