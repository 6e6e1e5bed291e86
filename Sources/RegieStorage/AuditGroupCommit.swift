import Foundation
import NIOConcurrencyHelpers

/// Group commit for audit entries written after the fact (every read of personal data, and the
/// few changes recorded outside a unit of work): a request hands over its entry and waits; one
/// flusher takes every entry waiting at that moment, at most `maxBatch`, and appends them with
/// `AuditStore.append` in ONE transaction (same chain, same hashing, in the order they were handed
/// over), then resumes every waiter. Entries handed over while a flush runs form the next batch.
/// There is no timer: a lone entry is flushed at once. When the transaction fails, every waiter of
/// that batch gets the error and nothing of the batch is written (the transaction rolls back), so
/// the request fails as an append of its own would: a read whose entry is not durable is not served.
///
/// Entries of one request keep their order because each `append` returns only once its entry is
/// committed, so the next one is handed over after it. Changes made in a unit of work append their
/// entry inside their own transaction and never come here.
public final class AuditGroupCommit: Sendable {
    public typealias Write = @Sendable ([TimedAuditEvent]) async throws -> Void

    private struct Waiter {
        let entry: TimedAuditEvent
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiter] = []
        /// Entries in the flush now running.
        var writing = 0
        /// Whether a flusher runs; it stops when it finds nothing waiting.
        var running = false
        /// Transactions run, for tests and metrics.
        var batches = 0
        /// Callers of `drain()` waiting for the flusher to stop.
        var drains: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())
    private let write: Write
    public let maxBatch: Int

    /// Appends through `store`, at most a statement's worth of rows (500) per transaction.
    public convenience init(store: AuditStore, maxBatch: Int = AuditStore.rowsPerStatement) {
        self.init(maxBatch: maxBatch) { try await store.append($0) }
    }

    /// `write` appends one batch in one transaction (tests wrap the store's append).
    public init(maxBatch: Int = AuditStore.rowsPerStatement, write: @escaping Write) {
        precondition(maxBatch > 0, "a batch holds at least one entry")
        self.maxBatch = maxBatch
        self.write = write
    }

    /// Hands the entry over and returns once it is committed; throws the batch's error when it is not.
    ///
    /// Cancelling the calling task does not withdraw the entry: it is written with its batch, and
    /// the call still returns only then (one transaction at most). A read that was loaded is logged
    /// even when its request is abandoned, and a waiter is never left without an answer.
    public func append(_ event: AuditEvent, at now: Date) async throws {
        let entry = TimedAuditEvent(event, at: now)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLockedValue { state in
                state.waiting.append(Waiter(entry: entry, continuation: continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            // Detached: the flusher serves every request, so it takes no request's task-local values.
            if start { Task.detached { await self.flush() } }
        }
    }

    /// Flushes batch after batch until nothing waits.
    private func flush() async {
        while true {
            let (batch, drains) = state.withLockedValue { state -> ([Waiter], [CheckedContinuation<Void, Never>]) in
                guard !state.waiting.isEmpty else {
                    state.running = false
                    state.writing = 0
                    defer { state.drains = [] }
                    return ([], state.drains)
                }
                let batch = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(batch.count)
                state.writing = batch.count
                state.batches += 1
                return (batch, [])
            }
            if batch.isEmpty {
                for drain in drains { drain.resume() }
                return
            }
            do {
                try await write(batch.map(\.entry))
                for waiter in batch { waiter.continuation.resume() }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }

    /// Returns once every entry handed over so far is committed or refused (graceful shutdown).
    public func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state in
                guard state.running else { return true }
                state.drains.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Entries waiting for the next flush, entries in the running one, and transactions run so far.
    public var backlog: (waiting: Int, writing: Int, batches: Int) {
        state.withLockedValue { ($0.waiting.count, $0.writing, $0.batches) }
    }
}
