import BRP
import Foundation
import Logging
import RegieStorage
import ServiceLifecycle

/// Looks persons up in the BRP in the background: a case opened on a DUO signal at once, open cases
/// again after `BRP_REFRESH_DAYS`, and what a consulent asked for while the BRP could not be reached.
/// At most `BRP_PER_MINUTE` lookups a minute; a failed lookup is tried again later (1, 2, 4 … minutes,
/// at most 6 hours apart; a refusal after a day), never dropped.
public struct BRPWorker: Service, CustomStringConvertible {
    public var description: String { "BRPWorker" }

    let services: AppServices
    let client: BRPClient
    let logger: Logger
    let interval: Duration

    public init(services: AppServices, client: BRPClient, logger: Logger, interval: Duration = .seconds(5)) {
        self.services = services
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        var lastScan = Date.distantPast
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let now = services.clock.now()
                if now.timeIntervalSince(lastScan) >= 60 {
                    try await scan(now: now)
                    lastScan = now
                }
                try await runOnce()
            } catch {
                logger.warning("BRP worker round failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        await client.shutdown()
    }

    /// Queues what is due: new cases from DUO signals, and stale open cases (at most an hour's worth).
    func scan(now: Date) async throws {
        let config = services.config.brp
        let queued = try await services.brp.enqueueDue(staleBefore: now.addingTimeInterval(-Double(config.refreshDays) * 86_400),
                                                      limit: config.perMinute * 60, now: now)
        if queued > 0 { logger.info("BRP lookups queued", metadata: ["count": .stringConvertible(queued)]) }
    }

    /// One round: as many due lookups as the rate allows for the interval. Returns how many were done.
    @discardableResult
    public func runOnce() async throws -> Int {
        let perRound = max(1, services.config.brp.perMinute * Int(interval.components.seconds) / 60)
        let due = try await services.brp.claim(now: services.clock.now(), limit: perRound)
        let service = BRPService(services: services, client: client)
        for item in due {
            do {
                guard let owner = try await services.brp.owner(personId: item.personId) else {
                    try await services.brp.done(personId: item.personId)
                    continue
                }
                try await service.lookup(personId: item.personId, purpose: item.purpose, who: .system(organisationId: owner.organisationId),
                                         scope: AccessScope(municipalityCodes: [owner.municipalityCode]))
                try await services.brp.done(personId: item.personId)
            } catch let error as BRPCallError {
                let now = services.clock.now()
                let wait = error.isRetryable ? min(21_600, 60 * pow(2, Double(min(item.attempts, 12)))) : 86_400
                try await services.brp.retry(personId: item.personId, error: Self.describe(error), retryAt: now.addingTimeInterval(wait))
            } catch is BRPService.NoBSN {
                try await services.brp.done(personId: item.personId)
            } catch {
                // Kept for the next try; what went wrong by its kind only (no personal data in logs).
                try await services.brp.retry(personId: item.personId, error: "other", retryAt: services.clock.now().addingTimeInterval(3_600))
            }
        }
        return due.count
    }

    /// What went wrong, as a code the BRP page puts in the reader's words (`brp.errors.*`, after
    /// "De BRP was …"); no technical error names, no personal data.
    static func describe(_ error: BRPCallError) -> String {
        switch error {
        case .unavailable: "unavailable"
        case .rejected(let status, _): "rejected:\(status)"
        case .unreadable: "unreadable"
        }
    }
}
