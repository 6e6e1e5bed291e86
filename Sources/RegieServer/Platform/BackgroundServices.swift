import Foundation
import Logging
import RegieStorage
import ServiceLifecycle

/// Removes expired sessions and old login attempts every few minutes, keeps the planner's
/// statistics fresh (SQLite; PostgreSQL's autovacuum does its own), and takes the changes of the
/// last minutes into the figures' totals, so the next dashboard finds little to do.
struct SessionSweeper: Service, CustomStringConvertible {
    // Service lifecycle logs services by description: name them, never dump their configuration.
    var description: String { "SessionSweeper" }

    let services: AppServices
    let logger: Logger

    func run() async throws {
        var rounds = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if rounds % 12 == 0 {
                do { try await services.database.refreshStatistics() } catch {
                    logger.warning("refreshing statistics failed", metadata: ["error": .string(String(describing: type(of: error)))])
                }
            }
            rounds += 1
            let now = services.clock.now()
            do {
                try await services.sessions.deleteExpiredSessions(now: now, idleTimeout: services.config.sessionIdleTimeout)
                try await services.sessions.deleteLoginAttempts(before: now.addingTimeInterval(-86_400))
            } catch {
                logger.warning("session sweep failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            // Passed appointments without an outcome become a task for their consulent (issue 15).
            do { try await services.casework.createOutcomeTasks(now: now) } catch {
                logger.warning("making the agenda's outcome tasks failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            do { try await services.figures.refreshTotals() } catch {
                logger.warning("refreshing the figures' totals failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            // Wakes at once when the application shuts down, so SIGTERM stops Regie promptly.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(300)) }
        }
    }
}

/// On shutdown, waits until every audit entry handed to the group commit is written (or refused)
/// before the database closes: the server stops first and the pool closes after this (services stop
/// in reverse order). A request already waits for its own entry, so after the server has stopped
/// this finds nothing left unless an entry was handed over outside a request.
struct AuditFlusher: Service, CustomStringConvertible {
    var description: String { "AuditFlusher" }

    let auditCommit: AuditGroupCommit

    func run() async throws {
        try? await gracefulShutdown()
        await auditCommit.drain()
    }
}

/// Closes the database pool when the application stops.
struct DatabaseCloser: Service, CustomStringConvertible {
    var description: String { "DatabaseCloser" }

    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}
