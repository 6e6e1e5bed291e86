import DUO
import DUOClient
import Foundation
import Inburgering
import Logging
import RegieStorage
import ServiceLifecycle

/// Processes stored notifications (pull → plan → apply) and sends the outbox — one outbox for every
/// destination, each claimed message handed to its destination's sender (`deliver`) — claiming each row in
/// the database so that several Regie instances on one PostgreSQL each handle it once. A failed
/// call to DUO is retried with backoff, never dropped; a restart resumes where it stopped (a claim
/// is a short lease, `DUOStore.leaseSeconds`, that the worker renews while it works: a heartbeat).
/// A message whose outcome is unknown (the instance died while sending it, or DUO's answer was
/// lost) is not simply sent again: DUO's specs do not say that DUO drops a repeated BerichtId, so
/// the worker first asks DUO what it holds, where DUO's interface allows asking (`alreadyAtDUO`).
public struct DUOWorker: Service, CustomStringConvertible {
    public var description: String { "DUOWorker" }

    let services: AppServices
    let store: DUOStore
    let client: DUOClient?
    let workerId: String
    let logger: Logger

    public init(services: AppServices, client: DUOClient?, workerId: String = UUID().uuidString.lowercased(), logger: Logger) {
        self.services = services
        store = DUOStore(database: services.database)
        self.client = client
        self.workerId = workerId
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var handled = 0
            do { handled = try await runOnce() } catch {
                logger.warning("DUO worker round failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            if handled == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: services.config.duo.pollInterval) }
            }
        }
        await client?.shutdown()
    }

    /// One round: due notifications first, then due outbox messages. Returns how many were handled.
    @discardableResult
    public func runOnce() async throws -> Int {
        let now = services.clock.now()
        let notifications = try await store.claimNotifications(worker: workerId, now: now, leaseSeconds: DUOStore.leaseSeconds)
        await withHeartbeat({ try await store.renewNotificationClaims(notifications.map(\.id), worker: workerId, now: $0, leaseSeconds: DUOStore.leaseSeconds) }) {
            for notification in notifications { await process(notification) }
        }
        let messages = try await store.claimOutbox(worker: workerId, now: services.clock.now(), leaseSeconds: DUOStore.leaseSeconds)
        await withHeartbeat({ try await store.renewOutboxClaims(messages.map(\.id), worker: workerId, now: $0, leaseSeconds: DUOStore.leaseSeconds) }) {
            for message in messages { await deliver(message) }
        }
        return notifications.count + messages.count
    }

    /// How often the claims of a batch are renewed while it is worked on: three beats per lease.
    static let heartbeat: Duration = .seconds(DUOStore.leaseSeconds) / 3

    /// Runs `work` while renewing this worker's claims every `heartbeat` (only rows it still holds are
    /// extended; a finished one has no claim left). A worker that dies stops beating, and its claims
    /// run out within the lease.
    func withHeartbeat(_ renew: @escaping @Sendable (Date) async throws -> Void, _ work: () async -> Void) async {
        let clock = services.clock
        let logger = logger
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.heartbeat)
                guard !Task.isCancelled else { return }
                do { try await renew(clock.now()) } catch {
                    logger.warning("renewing DUO claims failed", metadata: ["error": .string(String(describing: type(of: error)))])
                }
            }
        }
        await work()
        beat.cancel()
    }

    /// Retry delay: 5 s, 10 s, 20 s … at most an hour.
    static func backoff(attempts: Int) -> TimeInterval {
        min(5 * pow(2, Double(max(attempts - 1, 0))), 3600)
    }

    func bron(for municipality: String) -> String? {
        services.config.duo.oin(for: municipality, mode: services.config.mode)
    }

    // MARK: Notifications

    func process(_ n: DUONotificationRecord) async {
        let now = services.clock.now()
        // The claimed row's `attempts` counts the earlier ones: this is attempt attempts + 1.
        let retryAt = now.addingTimeInterval(Self.backoff(attempts: n.attempts + 1))
        guard let event = Gebeurtenis(id: n.gebeurtenisId) else {
            // Kept and shown on the DUO page (with the case, when the person is known), never dropped.
            let known = try? await store.caseState(bsn: n.bsn, vNummer: n.vNummer)
            try? await store.finish(n.id, status: "unknown", personId: known?.personId, now: now)
            return
        }
        do {
            let known = try await store.caseState(bsn: n.bsn, vNummer: n.vNummer)
            guard let bsn = n.bsn ?? known?.bsn else {
                try await store.finish(n.id, status: "failed", error: "noBSN", now: now)
                return
            }
            guard let client, let bron = bron(for: n.municipalityCode) else {
                // No DUO configured: look again in five minutes rather than rewriting the row every few seconds.
                try await store.postpone(n.id, status: "received", error: "noConnection", retryAt: now.addingTimeInterval(300))
                return
            }
            let pulled: DUOPulled
            do {
                pulled = try await client.pull(event.pulls, bsn: bsn, bron: bron)
            } catch let error as DUOCallError {
                if error.isRetryable {
                    try await store.postpone(n.id, status: "received", error: "unavailable", retryAt: retryAt)
                } else {
                    try await store.finish(n.id, status: "failed", error: Self.describe(error), now: now)
                }
                return
            }
            let notified = Self.day(of: n.registeredAt) ?? CalendarDate.today(now: now)
            switch DUOVerwerking.plan(event, notified: notified, pulled: pulled, current: known?.state ?? .none) {
            case .waitForCase:
                try await store.postpone(n.id, status: "waiting", error: "noCase", retryAt: now.addingTimeInterval(max(Self.backoff(attempts: n.attempts + 1), 60)))
            case .nothingToDo:
                try await store.finish(n.id, status: "processed", now: now)
            case .apply(let updates):
                let titles = Dictionary(uniqueKeysWithValues: DUOTaak.allCases.map { ($0, services.catalogue.text("duo.task.\($0.rawValue)", .nl)) })
                _ = try await store.apply(notification: n, updates: updates, pulled: pulled, notified: notified, taskTitles: titles, now: now)
            }
        } catch DUOApplyError.personOfOtherOrganisation {
            try? await store.finish(n.id, status: "failed", error: "otherOrganisation", now: now)
        } catch {
            logger.warning("processing a DUO notification failed", metadata: ["error": .string(String(describing: type(of: error)))])
            try? await store.postpone(n.id, status: "received", error: "internal", retryAt: retryAt)
        }
    }

    /// The day of DUO's `registratieDatumTijd`: the Europe/Amsterdam calendar day of the instant
    /// (Notificatie API 1.8.0: an RFC 3339 date-time with a zone), never its first ten characters.
    static func day(of dateTime: String) -> CalendarDate? {
        DUODateTime.amsterdamDay(dateTime)
    }

    static func describe(_ error: DUOCallError) -> String {
        switch error {
        case .unavailable(let why): "unavailable: \(why)"
        case .noAnswer(let why): "noAnswer: \(why)"
        case .rejected(let status, let fouten): "HTTP \(status)" + (fouten.isEmpty ? "" : ": " + fouten.map(\.fouttekst).joined(separator: "; "))
        case .unreadable(let what): "unreadable: \(what)"
        }
    }

    // MARK: Outbox

    /// Hands a claimed message to its destination's sender. Every sender keeps the row's lease,
    /// retries with `backoff`, and never sends blind a message whose outcome is unknown.
    func deliver(_ m: OutboxRecord) async {
        switch m.destination {
        case .duo: await send(m)
        }
    }

    /// Sends a message to DUO.
    func send(_ m: OutboxRecord) async {
        let now = services.clock.now()
        let retryAt = now.addingTimeInterval(Self.backoff(attempts: m.attempts + 1))
        // Set once the request may have left: from then on a failure leaves the outcome unknown.
        var attempted = false
        do {
            guard let push = m.duoPush else {
                try await store.refuse(m, status: "stopped", reasons: [services.catalogue.text("duo.stopped.unknownKind", .nl)], now: now)
                return
            }
            guard let bsn = m.bsn else {
                try await store.refuse(m, status: "stopped", reasons: [services.catalogue.text("duo.stopped.noBSN", .nl)], now: now)
                return
            }
            // A message that may be at DUO already is checked against the law after asking DUO (below).
            if !m.outcomeUnknown, push == .pip, let reasons = try await pipViolations(m), !reasons.isEmpty {
                try await store.refuse(m, status: "stopped", reasons: reasons, now: now)
                return
            }
            guard let client, let bron = bron(for: m.municipalityCode) else {
                if m.outcomeUnknown {
                    try await store.markUnknown(m.id, error: "noConnection", retryAt: now.addingTimeInterval(60))
                } else {
                    try await store.markRetry(m.id, error: "noConnection", retryAt: now.addingTimeInterval(60))
                }
                return
            }
            if m.outcomeUnknown {
                do {
                    if try await alreadyAtDUO(m, push: push, bsn: bsn, client: client, bron: bron) {
                        try await store.markSent(m, reference: nil, now: services.clock.now())
                        return
                    }
                } catch let error as DUOCallError where error.isRetryable {
                    // DUO cannot say now: never send blind, ask again later.
                    try await store.markUnknown(m.id, error: Self.describe(error), retryAt: retryAt)
                    return
                } catch is DUOCallError {
                    // DUO refused the question (e.g. 403 after a move): the POST gets DUO's own answer.
                }
            }
            if m.outcomeUnknown, push == .pip, let reasons = try await pipViolations(m), !reasons.isEmpty {
                try await store.refuse(m, status: "stopped", reasons: reasons, now: now)
                return
            }
            do {
                attempted = true
                let reference = try await client.push(push, bsn: bsn, body: Data(m.body.utf8), bron: bron,
                                                      berichtId: UUID(uuidString: m.berichtId) ?? UUID(), reference: m.reference,
                                                      created: { [store] id in try await store.saveReference(m.id, reference: id) })
                try await store.markSent(m, reference: reference, now: services.clock.now())
            } catch let error as DUOCallError {
                switch error {
                case .rejected(let status, let fouten):
                    // DUO's own words when it gave them; otherwise a sentence a case worker can act on.
                    let reasons = fouten.isEmpty ? [services.catalogue.text("duo.rejectedWithoutReason", .nl, ["status": String(status)])] : fouten.map(\.fouttekst)
                    try await store.refuse(m, status: "rejected", reasons: reasons, now: services.clock.now(),
                                           taskTitle: services.catalogue.text("duo.task.rejected", .nl, ["kind": services.catalogue.text("duo.kinds.\(m.kind)", .nl)]))
                case .noAnswer:
                    try await store.markUnknown(m.id, error: Self.describe(error), retryAt: retryAt)
                case .unavailable, .unreadable:
                    try await store.markRetry(m.id, error: Self.describe(error), retryAt: retryAt)
                }
            }
        } catch {
            logger.warning("sending a DUO message failed", metadata: ["error": .string(String(describing: type(of: error)))])
            // After the request may have left (e.g. DUO accepted it and recording that failed) the
            // outcome is unknown: the next attempt asks DUO first.
            if attempted || m.outcomeUnknown {
                try? await store.markUnknown(m.id, error: "internal", retryAt: retryAt)
            } else {
                try? await store.markRetry(m.id, error: "internal", retryAt: retryAt)
            }
        }
    }

    /// Whether DUO already holds what an earlier attempt of `m` sent, as far as DUO's published
    /// interface lets Regie ask:
    /// - PIP: `GET /personen/{bsn}/PIP` (PIP API 1.2.0) gives the PIP DUO holds and the municipality
    ///   that sent it; the same PIP from this municipality means the earlier attempt arrived.
    /// - Inburgeringsaanbod: DUO offers no way to read a person's offers (Inburgeringsaanbod API
    ///   1.2.0 has only `GET /instellingen`). It is sent again: DUO keeps one current offer per
    ///   institution ("Per instelling wordt er één actueel inburgeringsaanbod geaccepteerd"), so a
    ///   repeat cannot give a second one.
    /// - Contactpersoon: DUO offers no way to read contact persons (Contactpersoon API 1.0.0 has no
    ///   GET). The id DUO gave for a created contact person is kept at once (`saveReference`), so only
    ///   a create whose own answer was lost is sent again, which may leave an unlinked second contact
    ///   person at DUO; linking the same contact person to the same person again changes nothing.
    /// - MAP, PVT, Z-route and hours are PUTs: sending the same value again leaves the same state.
    func alreadyAtDUO(_ m: DUOOutboxRecord, push: DUOPush, bsn: String, client: DUOClient, bron: String) async throws -> Bool {
        switch push {
        case .pip:
            guard let sent = try? DUOJSON.decode(DUOPIPBericht.self, from: Data(m.body.utf8)) else { return false }
            let held = try await client.pull([.pip], bsn: bsn, bron: bron).pip
            return held?.gemeentecode == String(m.municipalityCode.suffix(4)) && held?.pip == sent
        case .inburgeringsaanbod, .contactpersoon, .map, .pvt, .zroute, .urenTaallesKNM, .urenParticipatie, .urenParticipatieTaalles:
            return false
        }
    }

    /// DUO's PIP rules (R6), checked again just before sending with what DUO last told Regie:
    /// a PIP that would be refused is stopped here with the reasons, in Dutch, from the catalogue.
    func pipViolations(_ m: DUOOutboxRecord) async throws -> [String]? {
        guard let bericht = try? DUOJSON.decode(DUOPIPBericht.self, from: Data(m.body.utf8)) else { return nil }
        guard let submission = bericht.submission else { return [services.catalogue.text("duo.stopped.unreadable", .nl)] }
        let context = try await store.pipContext(personId: m.personId, excludingSource: m.sourceId)
        return PIPValidator.validate(submission, context: context).map { LawText.violation($0, Localizer(catalogue: services.catalogue, locale: .nl)) }
    }
}
