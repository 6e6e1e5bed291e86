import AsyncHTTPClient
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import RegieServer
import RegieStorage
import ServiceLifecycle
import Synchronization
import Testing

/// Issue 14: the entries of concurrent reads are committed together, each response still waits for
/// its own entry, nothing is lost and the chain holds.
@Suite("Audit group commit: concurrent reads share a transaction, each waits for its own entry")
struct AuditGroupCommitTests {
    @Test("64 concurrent reads from four sessions write exactly 64 entries, each with its actor, action and person; the chain verifies",
          arguments: Engine.available)
    func concurrentReads(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let w = app.world
            // Who reads what: a file of their own organisation, or the teamleider's caseload.
            let sessions: [(email: String, actor: String, path: String, action: String, person: String?)] = [
                (World.email(.consulent), "a-consulent", "/personen/\(w.personA)", "person.view", w.personA),
                (World.email(.budgetbeheerder), "a-budgetbeheerder", "/personen/\(w.personA)", "person.view", w.personA),
                (World.email(.teamleider), "a-teamleider", "/?consulent=alle", "caseload.view", nil),
                (World.email(.consulent, "b"), "b-consulent", "/personen/\(w.personB)", "person.view", w.personB),
            ]
            var cookies: [String] = []
            for session in sessions {
                let browser = Browser(client)
                _ = try await browser.login(session.email)
                cookies.append(try #require(browser.cookies["regie_session"]))
            }
            let start = try await app.services.audit.count()
            let batchesBefore = app.services.auditCommit.backlog.batches
            let cookieList = cookies
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<64 {
                    let session = sessions[index % sessions.count], cookie = cookieList[index % sessions.count]
                    group.addTask {
                        try await client.execute(uri: session.path, method: .get, headers: [.cookie: "regie_session=\(cookie)"], body: nil).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 64 && statuses.allSatisfy { $0 == .ok })
            let entries = try await Self.entries(app.database, after: start)
            #expect(entries.count == 64, "one entry per read, none lost, none twice")
            #expect(Set(entries.map(\.requestId)).count == 64, "each entry is its own request's")
            for session in sessions {
                let own = entries.filter { $0.actorId == session.actor }
                #expect(own.count == 16, "\(session.actor) read 16 times")
                #expect(own.allSatisfy { $0.action == session.action && $0.personId == session.person }, "\(session.actor)'s entries name what was read")
            }
            #expect(try await app.services.audit.verify() == .intact(entries: start + 64))
            let batches = app.services.auditCommit.backlog.batches - batchesBefore
            print("64 concurrent reads on \(engine) were committed in \(batches) transactions")
            #expect(batches >= 1 && batches <= 64)
        }
    }

    @Test("Reads arriving while a flush runs wait, and are then committed together in one transaction", arguments: Engine.available)
    func readsWaitingAreOneBatch(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let cookie = try await Self.session(client)
            let start = try await app.services.audit.count()
            let batchesBefore = app.services.auditCommit.backlog.batches
            app.database.statements.record()
            let statuses = try await Self.readsWhileHeld(app, client, cookie: cookie, following: Array(repeating: app.world.personA, count: 12))
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(app.services.auditCommit.backlog.batches - batchesBefore == 2, "the first read alone, then the twelve that waited")
            let inserts = app.database.statements.recorded.filter { $0.contains("INSERT INTO audit_log") }
            #expect(inserts.count == 2, "one statement per batch")
            #expect(try await app.services.audit.verify() == .intact(entries: start + 13))
        }
    }

    @Test("When a batch cannot be written, every read waiting on it fails and none of its entries is written", arguments: Engine.available)
    func failedBatch(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let cookie = try await Self.session(client)
            // The database refuses an entry about person A2; the batch it is in holds reads of person A too.
            try await Self.refuseEntries(about: app.world.personA2, app)
            let start = try await app.services.audit.count()
            let head = try await app.services.audit.anchor(at: app.clock.now)
            let following = (0..<9).map { $0 == 4 ? app.world.personA2 : app.world.personA }
            let statuses = try await Self.readsWhileHeld(app, client, cookie: cookie, following: following)
            #expect(statuses.first == .ok, "the first read was a batch of its own")
            #expect(statuses.dropFirst().allSatisfy { $0 == .internalServerError }, "every read of the failed batch fails: \(statuses)")
            #expect(try await app.services.audit.count() == start + 1)
            let written = try await app.services.audit.search(.init(), before: nil, limit: 5).rows
            #expect(written.first?.seq == head.seq + 1 && written.first?.personId == app.world.personA)
            #expect(try await app.services.audit.verify() == .intact(entries: start + 1), "nothing half-written: the chain ends at the last good entry")

            // With the refusal gone the next read is served and chains on.
            try await Self.allowEntries(app)
            let again = try await client.execute(uri: "/personen/\(app.world.personA2)", method: .get, headers: [.cookie: "regie_session=\(cookie)"], body: nil)
            #expect(again.status == .ok)
            #expect(try await app.services.audit.verify() == .intact(entries: start + 2))
        }
    }

    @Test("A request's entries stay in its own order whatever else is flushed alongside", arguments: Engine.available)
    func orderWithinRequest(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            // AUDIT_TEST_SEED replays a run.
            let seed = ProcessInfo.processInfo.environment["AUDIT_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0 ... .max)
            print("orderWithinRequest on \(engine): seed \(seed)")
            var random = SeededOrder(seed: seed)
            // 24 "requests" of 5 entries each, with random pauses between them.
            let plans = (0..<24).map { _ in (0..<5).map { _ in UInt64.random(in: 0...3_000_000, using: &random) } }
            let start = try await app.services.audit.count()
            let commit = app.services.auditCommit
            let now = app.clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (request, pauses) in plans.enumerated() {
                    group.addTask {
                        for (step, pause) in pauses.enumerated() {
                            try await Task.sleep(nanoseconds: pause)
                            try await commit.append(AuditEvent(actorId: "a-consulent", actorName: "consulent A", actorRole: "consulent", organisationId: "org-a",
                                                               action: AuditAction.personView.rawValue, purpose: "inburgering",
                                                               requestId: "request-\(request)", detail: "stap \(step)"), at: now)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await Self.entries(app.database, after: start)
            #expect(entries.count == 24 * 5)
            for request in 0..<24 {
                let steps = entries.filter { $0.requestId == "request-\(request)" }.map(\.detail)
                #expect(steps == (0..<5).map { "stap \($0)" }, "request \(request), seed \(seed)")
            }
            #expect(try await app.services.audit.verify() == .intact(entries: start + 120))
        }
    }

    @Test("Entries from many requests are chained in the order they were handed over, twelve waiting ones in one transaction", arguments: Engine.available)
    func handOverOrder(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let commit = app.services.auditCommit, now = app.clock.now
            let start = try await app.services.audit.count()
            let batchesBefore = commit.backlog.batches
            let hold = try await HeldAuditHead(app)
            var appends: [Task<Void, any Error>] = []
            // The first is flushed alone (and waits for the head); the others are handed over one
            // by one while it waits, each only once the one before is queued, so the order is known.
            for index in 0..<13 {
                appends.append(Task { try await commit.append(Self.event("hand-over-\(index)"), at: now) })
                if index == 0 {
                    try await Self.waitUntil { commit.backlog.writing == 1 }
                } else {
                    try await Self.waitUntil { commit.backlog.waiting == index }
                }
            }
            try await hold.release()
            for append in appends { try await append.value }
            let entries = try await Self.entries(app.database, after: start)
            #expect(entries.map(\.requestId) == (0..<13).map { "hand-over-\($0)" }, "chained in the order handed over")
            #expect(commit.backlog.batches - batchesBefore == 2, "thirteen entries, two transactions")
            #expect(try await app.services.audit.verify() == .intact(entries: start + 13))
        }
    }

    @Test("A waiting request that is cancelled still waits for its entry, which is written once; cancelling does not drop it", arguments: Engine.available)
    func cancelledWaiter(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let commit = app.services.auditCommit, now = app.clock.now
            let start = try await app.services.audit.count()
            let hold = try await HeldAuditHead(app)
            let returned = Returned()
            func append(_ id: String) -> Task<Void, any Error> {
                Task {
                    try await commit.append(Self.event(id), at: now)
                    returned.ids.withLock { $0.append(id) }
                }
            }
            let writing = append("cancelled-writing")
            try await Self.waitUntil { commit.backlog.writing == 1 }
            let waiting = append("cancelled-waiting")
            try await Self.waitUntil { commit.backlog.waiting == 1 }
            writing.cancel()
            waiting.cancel()
            try await Task.sleep(for: .milliseconds(200))
            #expect(returned.ids.withLock { $0 }.isEmpty, "neither returns before its entry is committed")
            #expect(commit.backlog.waiting == 1, "the cancelled entry is still handed over")
            try await hold.release()
            try await writing.value
            try await waiting.value
            #expect(Set(returned.ids.withLock { $0 }) == ["cancelled-writing", "cancelled-waiting"])
            let entries = try await Self.entries(app.database, after: start)
            #expect(entries.map(\.requestId) == ["cancelled-writing", "cancelled-waiting"])
            #expect(try await app.services.audit.verify() == .intact(entries: start + 2))
        }
    }

    @Test("Shutting down waits until every entry handed over is written", arguments: Engine.available)
    func drainOnShutdown(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let start = try await app.services.audit.count()
            let commit = app.services.auditCommit
            let now = app.clock.now
            let event = AuditEvent(actorId: nil, actorName: "systeem", actorRole: "systeem", organisationId: nil, action: AuditAction.login.rawValue,
                                   purpose: "beveiliging", requestId: "drain")
            let hold = try await HeldAuditHead(app)
            let appends = Task { try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 { group.addTask { try await commit.append(event, at: now) } }
                try await group.waitForAll()
            } }
            try await Self.waitUntil { let b = commit.backlog; return b.writing + b.waiting == 10 }
            let drained = Task { await commit.drain(); return try await app.services.audit.count() }
            try await hold.release()
            #expect(try await drained.value == start + 10, "drain returns only once all ten are written")
            try await appends.value
        }
    }

    // MARK: helpers

    /// The entries after `seq`, in chain order.
    static func entries(_ database: Database, after seq: Int64) async throws -> [AuditEntry] {
        try await database.sql.raw("SELECT * FROM audit_log WHERE seq > \(bind: seq) ORDER BY seq")
            .all(decoding: AuditEntry.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// An entry told apart by its request id.
    static func event(_ requestId: String) -> AuditEvent {
        AuditEvent(actorId: "a-consulent", actorName: "consulent A", actorRole: "consulent", organisationId: "org-a",
                   action: AuditAction.personView.rawValue, purpose: "inburgering", requestId: requestId)
    }

    /// Logs the consulent of organisation A in and returns the session cookie.
    static func session(_ client: any TestClientProtocol) async throws -> String {
        let browser = Browser(client)
        _ = try await browser.login(World.email(.consulent))
        return try #require(browser.cookies["regie_session"])
    }

    /// While the audit head is held, reads person A (its entry is the flush then waiting for the
    /// head), then reads each of `following` (their entries wait for the next flush); releases the
    /// head and returns the statuses, the first read's first.
    static func readsWhileHeld(_ app: AppContext, _ client: any TestClientProtocol, cookie: String, following: [String]) async throws -> [HTTPResponse.Status] {
        let commit = app.services.auditCommit
        let hold = try await HeldAuditHead(app)
        func read(_ person: String) -> Task<HTTPResponse.Status, any Error> {
            Task { try await client.execute(uri: "/personen/\(person)", method: .get, headers: [.cookie: "regie_session=\(cookie)"], body: nil).status }
        }
        let first = read(app.world.personA)
        try await waitUntil { commit.backlog.writing == 1 }
        let rest = following.map(read)
        try await waitUntil { commit.backlog.waiting == following.count }
        try await hold.release()
        var statuses = [try await first.value]
        for task in rest { statuses.append(try await task.value) }
        return statuses
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestTimeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    static func waitUntil(seconds: Int, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !(try await condition()) {
            guard ContinuousClock.now < deadline else { throw TestTimeout() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct TestTimeout: Error {}

    /// The appends that have returned, in the order they did.
    final class Returned: Sendable {
        let ids = Mutex<[String]>([])
    }

    /// A trigger that makes the database refuse any audit entry about `person`.
    static func refuseEntries(about person: String, _ app: AppContext) async throws {
        let sql = app.database.sql
        switch app.engine {
        case .sqlite:
            try await sql.raw("""
                CREATE TRIGGER audit_test_refuse BEFORE INSERT ON audit_log WHEN NEW.person_id = '\(unsafeRaw: person)'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """).run()
        case .postgres:
            try await sql.raw("""
                CREATE FUNCTION audit_test_refuse() RETURNS trigger AS $$
                BEGIN IF NEW.person_id = '\(unsafeRaw: person)' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END
                $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER audit_test_refuse BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_test_refuse()").run()
        }
    }

    static func allowEntries(_ app: AppContext) async throws {
        switch app.engine {
        case .sqlite: try await app.database.sql.raw("DROP TRIGGER audit_test_refuse").run()
        case .postgres: try await app.database.sql.raw("DROP TRIGGER audit_test_refuse ON audit_log").run()
        }
    }
}

/// Holds what an audit append waits for — SQLite's write transaction, PostgreSQL's lock on the
/// audit head — until `release()`.
///
/// On SQLite the holder takes the application's own write gate, so the flush queues in the process
/// (not in SQLite's 10-second busy handler). On PostgreSQL it holds the lock through a pool of its
/// own: the test database has two connections per event loop, and the holder and the waiting flush
/// on the same loop would leave the reads on it no connection to load their pages with.
struct HeldAuditHead {
    private let releaseSignal: AsyncStream<Void>.Continuation
    private let holder: Task<Void, any Error>
    private let ownPool: Database?

    init(_ app: AppContext) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        if app.engine == .postgres {
            try await self.init(on: try await Database.connect(app.database.location, maxConnections: 1, logger: logger), engine: .postgres, ownPool: true)
        } else {
            try await self.init(on: app.database, engine: .sqlite, ownPool: false)
        }
    }

    /// Holds the head through `database`, shut down on release when `ownPool`.
    init(on database: Database, engine: Engine, ownPool: Bool) async throws {
        let (held, heldSignal) = AsyncStream<Void>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        holder = Task {
            try await database.transaction { db in
                if engine == .postgres { _ = try await db.raw("SELECT last_seq FROM audit_head WHERE id = 1 FOR UPDATE").first() }
                heldSignal.yield()
                for await _ in release { break }
            }
        }
        self.releaseSignal = releaseSignal
        self.ownPool = ownPool ? database : nil
        for await _ in held { break }
    }

    func release() async throws {
        releaseSignal.yield()
        releaseSignal.finish()
        let result = await holder.result
        await ownPool?.shutdown()
        try result.get()
    }
}

/// The order the application stops in, with the real `buildApplication` and ServiceLifecycle: the
/// server waits for a read still waiting for its audit entry, the entry is written, and only then
/// does the pool close. PostgreSQL only: its lock table shows when the flush is waiting, so the
/// shutdown is triggered at exactly that moment (a database of its own, as `StartupTests`).
@Suite("Audit group commit: graceful shutdown", .enabled(if: ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] != nil, "needs PostgreSQL (TEST_DATABASE_URL)"))
struct AuditShutdownTests {
    @Test("Shut down while a read waits for its audit entry: the read is served, its entry written, then the pool closes")
    func shutdownWhileReadWaits() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let name = "regie_shutdown_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let admin = try await Database.connect(.postgres(url: url, searchPath: nil), maxConnections: 1, logger: logger)
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
        let fresh = String(url[..<(url.lastIndex(of: "/") ?? url.endIndex)] + "/" + name)
        do {
            try await Self.run(fresh: fresh, name: String(name), admin: admin, logger: logger)
        } catch {
            try? await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run()
            await admin.shutdown()
            throw error
        }
        try await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run()
        await admin.shutdown()
    }

    static func run(fresh: String, name: String, admin: Database, logger: Logger) async throws {
        let secret = "test-secret-test-secret-test-secret-0123"
        let port = Mutex<Int?>(nil)
        // Migrates the empty database and opens the application's own pool.
        let app = try await buildApplication(
            reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: [
                "DATABASE_URL": fresh, "PORT": "0", "SESSION_SECRET": secret, "LOG_LEVEL": "warning",
            ])),
            logger: logger) { channel in port.withLock { $0 = channel.localAddress?.port } }
        let database = try await Database.connect(.postgres(url: fresh, searchPath: nil), maxConnections: 2, logger: logger)
        let now = Date()
        let world = try await World.seed(database, now: now)
        let token = TokenHasher.randomToken()
        try await SessionStore(database: database).insertSession(SessionRecord(
            tokenHash: TokenHasher(secret: secret).digest(token), userId: "a-consulent", csrfToken: TokenHasher.randomToken(),
            municipalityCode: nil, createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(3_600)))
        let start = try await AuditStore(database: database).count()

        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let stopped = AuditGroupCommitTests.Returned()
        let running = Task {
            try await group.run()
            stopped.ids.withLock { $0.append("stopped") }
        }
        var listening: Int?
        for _ in 0..<400 where listening == nil {
            listening = port.withLock { $0 }
            if listening == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let base = "http://127.0.0.1:\(try #require(listening, "the server did not come up"))"

        let hold = try await HeldAuditHead(on: database, engine: .postgres, ownPool: false)
        let served = AuditGroupCommitTests.Returned()
        let read = Task {
            var request = HTTPClientRequest(url: "\(base)/personen/\(world.personA)")
            request.headers.add(name: "Cookie", value: "regie_session=\(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            served.ids.withLock { $0.append("served") }
            return response.status
        }
        // The flush is waiting for the head row.
        try await AuditGroupCommitTests.waitUntil(seconds: 60) {
            try await admin.sql.raw("""
                SELECT COUNT(*) AS n FROM pg_stat_activity
                WHERE datname = \(bind: name) AND wait_event_type = 'Lock' AND query LIKE '%audit_head%FOR UPDATE%'
                """).first()?.decode(column: "n", as: Int.self) == 1
        }
        await group.triggerGracefulShutdown()
        try await Task.sleep(for: .milliseconds(500))
        #expect(served.ids.withLock { $0 }.isEmpty, "the read waits for its entry")
        #expect(stopped.ids.withLock { $0 }.isEmpty, "the application waits for the read")
        try await hold.release()
        #expect(try await read.value == .ok, "the read is served")
        try await running.value

        // The application's pool is closed: only this test's own connections remain.
        await database.shutdown()
        try await AuditGroupCommitTests.waitUntil(seconds: 10) {
            try await admin.sql.raw("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = \(bind: name)")
                .first()?.decode(column: "n", as: Int.self) == 0
        }
        let after = try await Database.connect(.postgres(url: fresh, searchPath: nil), maxConnections: 1, logger: logger)
        do {
            let entries = try await AuditGroupCommitTests.entries(after, after: start)
            #expect(entries.map(\.action) == [AuditAction.personView.rawValue] && entries.first?.personId == world.personA)
            #expect(try await AuditStore(database: after).verify() == .intact(entries: start + 1))
        } catch {
            await after.shutdown()
            throw error
        }
        await after.shutdown()
    }
}

/// Not a check but a measurement (bench/README.md, issue 14): sixteen tasks append audit entries at
/// once, each waiting for its own as a request does, first each in its own transaction (as before
/// the group commit) and then through the group commit, in turns. Run with `AUDIT_BENCH=1`.
@Suite("Audit group commit: measurement", .enabled(if: ProcessInfo.processInfo.environment["AUDIT_BENCH"] != nil, "set AUDIT_BENCH=1"))
struct AuditGroupCommitMeasurement {
    @Test("Sixteen tasks appending at once: one transaction each, against the group commit", arguments: Engine.available)
    func sixteenAtOnce(engine: Engine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            // The production pool: 4 connections on SQLite, 16 on PostgreSQL.
            let database = engine == .postgres ? try await Database.connect(testDatabase.location, maxConnections: 16, logger: logger) : testDatabase
            let store = AuditStore(database: database)
            let tasks = 16, perTask = 40
            for round in 1...3 {
                for grouped in [false, true] {
                    let commit = AuditGroupCommit(store: store)
                    let clock = ContinuousClock()
                    let started = clock.now
                    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                        for task in 0..<tasks {
                            group.addTask {
                                var own: [Duration] = []
                                for step in 0..<perTask {
                                    let event = AuditGroupCommitTests.event("bench-\(round)-\(task)-\(step)")
                                    let begun = clock.now
                                    if grouped { try await commit.append(event, at: Date()) } else { try await store.append(event, at: Date()) }
                                    own.append(clock.now - begun)
                                }
                                return own
                            }
                        }
                        return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
                    }
                    let seconds = Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds)
                    func ms(_ d: Duration) -> String { String(format: "%.1f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
                    let transactions = grouped ? commit.backlog.batches : tasks * perTask
                    print("AUDIT_BENCH \(engine) round \(round) \(grouped ? "group commit" : "one each    "): \(tasks * perTask) entries in \(String(format: "%.2f", seconds)) s = \(Int(Double(tasks * perTask) / seconds)) entries/s; \(transactions) transactions; append p50 \(ms(latencies[latencies.count / 2])) ms, p99 \(ms(latencies[latencies.count * 99 / 100])) ms")
                }
            }
            #expect(try await store.verify() == .intact(entries: Int64(3 * 2 * tasks * perTask)))
            if engine == .postgres { await database.shutdown() }
        }
    }
}
