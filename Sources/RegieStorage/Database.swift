@preconcurrency import AsyncKit
import NIOConcurrencyHelpers
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// Which SQL engine a `Database` talks to. The only place where the two differ is the migrations'
/// column types and a few locking clauses; everything else is the same SQL.
public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// Where the data lives, parsed from the configuration (`DATABASE_URL` or a SQLite path).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String, searchPath: String?)

    /// `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path
    /// (an optional `sqlite://` or `sqlite:` prefix is stripped).
    public init(_ value: String) {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            self = .postgres(url: value, searchPath: nil)
        } else if value.hasPrefix("sqlite://") {
            self = .sqlite(path: String(value.dropFirst("sqlite://".count)))
        } else if value.hasPrefix("sqlite:") {
            self = .sqlite(path: String(value.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: value)
        }
    }

    /// A description without credentials, safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url, _):
            guard var components = URLComponents(string: url) else { return "postgres" }
            components.password = components.password == nil ? nil : "***"
            return components.string ?? "postgres"
        }
    }
}

public enum DatabaseError: Error, CustomStringConvertible {
    case invalidURL(String)
    case migrationFailed(String, underlying: any Error)
    case unexpected(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): return "Invalid database URL: \(reason)"
        case .migrationFailed(let id, let error): return "Migration \(id) failed: \(Self.describe(error))"
        case .unexpected(let reason): return reason
        }
    }

    /// Whether `error` is the database being busy beyond its wait (SQLite's single writer held too
    /// long): the request may be tried again, so it is answered 503 with Retry-After, not 500.
    public static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .busy, .locked, .busyInRecovery, .busyInSnapshot, .busyTimeout, .lockedBySharedCache, .lockedVirtualTable: return true
        default: return false
        }
    }

    /// What went wrong, for the operator: PostgreSQL's own message, detail, hint and SQLSTATE, or the
    /// connection's cause (refused, unknown host, TLS) — where the driver's description says only
    /// "Generic description to prevent accidental leakage of sensitive data". Never the query's
    /// values or the connection string.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseError:
            return error.description
        case let error as PSQLError:
            var parts = ["PostgreSQL error (\(error.code))"]
            if let info = error.serverInfo {
                if let message = info[.message] { parts.append(message) }
                if let detail = info[.detail] { parts.append("detail: \(detail)") }
                if let hint = info[.hint] { parts.append("hint: \(hint)") }
                if let state = info[.sqlState] { parts.append("SQLSTATE \(state)") }
            }
            if let underlying = error.underlying { parts.append("cause: \(String(describing: underlying))") }
            return parts.joined(separator: "; ")
        default:
            return String(describing: error)
        }
    }
}

/// The application's handle on its database: a connection pool plus the engine it speaks.
/// Stores receive it through their initialisers; nothing else in the program holds a connection.
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let location: DatabaseLocation
    public let maxConnections: Int
    public let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    private let pool: Pool
    private let stats: PoolStats
    private let threadPool: NIOThreadPool?
    /// SQLite allows one writer: write transactions queue here, in the process, instead of
    /// spinning in SQLite's busy handler.
    private let writeGate = WriteGate()
    /// Every statement run through this handle, counted (a bench note and a test read it: what one
    /// action costs in round trips).
    public let statements = StatementCounter()

    enum Pool: Sendable {
        case sqlite(EventLoopGroupConnectionPool<SQLiteSource>)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    /// Opens a pool on the database. `bulkLoad` is for a command that writes large transactions
    /// (`regie demo`): on SQLite each connection then keeps a larger page cache.
    public static func connect(
        _ location: DatabaseLocation,
        maxConnections: Int? = nil,
        poolWait: TimeAmount = .seconds(10),
        bulkLoad: Bool = false,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Database {
        switch location {
        case .sqlite(let path):
            if let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path.nilIfEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // SQLite has one writer; a few connections let reads proceed beside it (WAL mode). Each
            // connection gets a thread of its own, so a statement waiting for the write lock can
            // never take the last thread from the connection that holds it.
            let perLoop = max(1, (maxConnections ?? 4) / eventLoopGroup.loopCount)
            let threads = NIOThreadPool(numberOfThreads: perLoop * eventLoopGroup.loopCount + 1)
            threads.start()
            let source = SQLiteSource(path: path, threadPool: threads, bulkLoad: bulkLoad)
            let pool = EventLoopGroupConnectionPool(
                source: source, maxConnectionsPerEventLoop: perLoop, requestTimeout: poolWait, logger: logger, on: eventLoopGroup)
            let database = Database(kind: .sqlite, location: location, pool: .sqlite(pool), maxConnections: perLoop * eventLoopGroup.loopCount,
                                    logger: logger, eventLoopGroup: eventLoopGroup, threadPool: threads)
            do {
                try await database.sql.raw("PRAGMA journal_mode = WAL").run()
            } catch {
                await database.shutdown()
                throw error
            }
            return database
        case .postgres(let url, let searchPath):
            var configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw DatabaseError.invalidURL(String(describing: error))
            }
            if let searchPath { configuration.searchPath = [searchPath] }
            let loops = eventLoopGroup.loopCount
            let total = maxConnections ?? 16
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: max(1, total / loops), requestTimeout: poolWait, logger: logger, on: eventLoopGroup)
            return Database(kind: .postgres, location: location, pool: .postgres(pool), maxConnections: total, logger: logger, eventLoopGroup: eventLoopGroup)
        }
    }

    private init(kind: DatabaseKind, location: DatabaseLocation, pool: Pool, maxConnections: Int, logger: Logger, eventLoopGroup: any EventLoopGroup, threadPool: NIOThreadPool? = nil) {
        self.threadPool = threadPool
        self.kind = kind
        self.location = location
        self.pool = pool
        self.maxConnections = maxConnections
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.stats = PoolStats()
    }

    /// The same database through a fresh pool, this one closed. After a migration on SQLite: a
    /// connection opened before it prepares `SELECT *` with the old column list once (the schema is
    /// reloaded only when the statement steps), so a column just added would read as absent.
    public func reconnected() async throws -> Database {
        await shutdown()
        return try await Database.connect(location, maxConnections: maxConnections, logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// A pooled database for single statements. Prefer `withSession` or `transaction` for several.
    public var sql: any SQLDatabase {
        switch pool {
        case .sqlite(let pool): return CountingSQLDatabase(base: PooledSQLiteDatabase(pool: pool, logger: logger).sql(queryLogLevel: nil), counter: statements)
        case .postgres(let pool): return CountingSQLDatabase(base: pool.database(logger: logger).sql(queryLogLevel: nil), counter: statements)
        }
    }

    /// Runs `body` on one connection.
    public func withSession<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        stats.begin()
        defer { stats.end() }
        return try await sql.withSession(body)
    }

    /// Runs `body` in one transaction on one connection: committed if it returns, rolled back if it
    /// throws. On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue instead of failing halfway.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard kind == .sqlite else { return try await runTransaction(begin: "BEGIN", body) }
        await writeGate.acquire()
        do {
            let result = try await runTransaction(begin: "BEGIN IMMEDIATE", body)
            await writeGate.release()
            return result
        } catch {
            await writeGate.release()
            throw error
        }
    }

    private func runTransaction<R: Sendable>(begin: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        // Read here, in the caller's task: the session's closure may run in a task of the pool's
        // own, which does not inherit the caller's task-local values.
        let claim = CommitClaim.current
        return try await withSession { db in
            try await db.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(db)
                // A write that must commit with the change it records (`CommitClaim`).
                if let claim, claim.take() { try await claim.write(db) }
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Refreshes the query planner's statistics. PostgreSQL's autovacuum does this by itself; SQLite
    /// only knows that walking the name index beats sorting a whole municipality after `ANALYZE`.
    /// Only the case tables are analysed (a tenth of a second at 100,000 people); a sampled
    /// analysis misjudges how many people a municipality has, so it is a full one.
    public func refreshStatistics() async throws {
        guard kind == .sqlite else { return }
        try await withSession { db in
            for table in ["persons", "trajecten"] {
                try await db.raw(SQLQueryString("ANALYZE \(table)")).run()
            }
        }
    }

    /// The indexes a bulk load may drop and build again afterwards (`SecondaryIndex.all`).
    public func secondaryIndexes() async throws -> [SecondaryIndex] {
        try await SecondaryIndex.all(on: sql)
    }

    /// Runs `body` without the secondary indexes and builds them again afterwards, also when
    /// `body` fails. Every row `body` inserts would otherwise update each index at a random page;
    /// building an index from the finished table is one sort. Only for a load into a database
    /// nobody else uses yet (`regie demo`): queries in the meantime would scan.
    public func withoutSecondaryIndexes<T>(_ body: () async throws -> T) async throws -> T {
        let indexes = try await secondaryIndexes()
        try await SecondaryIndex.drop(indexes, on: sql)
        let result: T
        do {
            result = try await body()
        } catch {
            for index in indexes { try? await index.create(on: sql) }
            throw error
        }
        try await SecondaryIndex.create(indexes, on: sql)
        return result
    }

    /// Database operations running right now (for `/metrics`).
    public var operationsInFlight: Int { stats.inFlight }

    /// Whether a trivial query answers.
    public func ping() async -> Bool {
        do {
            try await sql.raw("SELECT 1").run()
            return true
        } catch {
            return false
        }
    }

    public func shutdown() async {
        switch pool {
        case .sqlite(let pool): try? await pool.shutdownAsync()
        case .postgres(let pool): try? await pool.shutdownAsync()
        }
        try? await threadPool?.shutdownGracefully()
    }
}

/// A first-come, first-served lock for async code.
actor WriteGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// The number of statements a database has run; while `record` is on, also their SQL text (a test
/// names the statements of an action when it exceeds its bound).
public final class StatementCounter: Sendable {
    private struct State { var count = 0, recording = false, log: [String] = [], slow: Duration? = nil }
    private let state = NIOLockedValueBox(State())
    public var count: Int { state.withLockedValue { $0.count } }
    /// The SQL of each statement since `record()`.
    public var recorded: [String] { state.withLockedValue { $0.log } }
    public func record() { state.withLockedValue { $0.recording = true; $0.log = [] } }
    /// Statements that take longer are logged with their SQL text, never their values
    /// (`SLOW_STATEMENT_MS`); nil logs none.
    public var slowThreshold: Duration? {
        get { state.withLockedValue { $0.slow } }
        set { state.withLockedValue { $0.slow = newValue } }
    }

    /// Runs a statement, timing it when a threshold is set.
    func timed<R>(_ query: any SQLExpression, on database: any SQLDatabase, _ run: () async throws -> R) async throws -> R {
        guard let threshold = slowThreshold else { return try await run() }
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await run()
        let elapsed = start.duration(to: clock.now)
        if elapsed > threshold {
            var serializer = SQLSerializer(database: database)
            query.serialize(to: &serializer)
            let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000
            database.logger.warning("slow statement", metadata: ["ms": .string(String(format: "%.1f", milliseconds)), "sql": .string(serializer.sql)])
        }
        return result
    }
    func add(_ query: any SQLExpression, on database: any SQLDatabase) {
        let recording = state.withLockedValue { $0.count += 1; return $0.recording }
        guard recording else { return }
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        state.withLockedValue { $0.log.append(serializer.sql) }
    }
}

/// Forwards to a database and counts each statement, in its sessions too.
struct CountingSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let counter: StatementCounter

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        counter.add(query, on: base)
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        counter.add(query, on: base)
        try await counter.timed(query, on: base) { try await base.execute(sql: query, onRow) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { [counter] session in try await closure(CountingSQLDatabase(base: session, counter: counter)) }
    }
}

/// Counts operations in flight; a lock-protected integer.
final class PoolStats: Sendable {
    private let value = NIOLockedValueBox(0)
    var inFlight: Int { value.withLockedValue { $0 } }
    func begin() { value.withLockedValue { $0 += 1 } }
    func end() { value.withLockedValue { $0 -= 1 } }
}

/// sqlite-kit offers the connection source but not a pooled `SQLiteDatabase`; this is that adapter.
struct PooledSQLiteDatabase: SQLiteDatabase {
    let pool: EventLoopGroupConnectionPool<SQLiteSource>
    public let logger: Logger

    var eventLoop: any EventLoop { pool.eventLoopGroup.any() }

    func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
        pool.withConnection(logger: logger) { $0.query(query, binds, logger: logger, onRow) }
    }

    func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await self.query(query, binds, logger: logger, onRow).get()
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        pool.withConnection(logger: logger, closure)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        // The protocol leaves T unconstrained; the value only crosses from the connection's task
        // back to the caller that is awaiting it, never shared.
        try await pool.withConnection(logger: logger) { connection in
            connection.eventLoop.makeFutureWithTask { Handoff(value: try await closure(connection)) }
        }.get().value
    }
}

/// Opens SQLite connections with the per-connection settings Regie relies on: foreign keys
/// enforced, a busy timeout so a second writer waits for the first, WAL-friendly syncing, and
/// memory-mapped reads.
struct SQLiteSource: ConnectionPoolSource {
    let path: String
    let threadPool: NIOThreadPool
    /// A command that writes large transactions (`regie demo`): a page cache that holds a whole
    /// batch.
    var bulkLoad = false
    /// How much of the database file reads may map (2 GiB, SQLite's default compiled maximum).
    static let mmapBytes = 2_147_418_112
    /// The page cache of a bulk-loading connection, in KiB (SQLite's default is 2 MiB). SQLite's
    /// sorter may use as much again while `CREATE INDEX` sorts, and `regie demo` builds the indexes
    /// with two connections' caches still held: at 128 MiB the heap peaked at 552 MiB for a
    /// million people, above the 500 MiB the seeding may use (bench/README.md, issue 14).
    static let bulkCacheKiB = 65_536

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                connection.query("PRAGMA foreign_keys = ON")
                    .flatMap { _ in connection.query("PRAGMA busy_timeout = 10000") }
                    .flatMap { _ in connection.query("PRAGMA synchronous = NORMAL") }
                    // Reads map the file instead of copying each page through `pread` into every
                    // connection's own cache: the figures dashboard at 100,000 cases went from about
                    // 120 to 95 ms (bench/README.md). SQLite caps the size at its compiled maximum.
                    .flatMap { _ in connection.query("PRAGMA mmap_size = \(Self.mmapBytes)") }
                    // A batch of the demo (2,000 people with their history) dirties far more pages
                    // than the default 2 MiB cache holds: SQLite then spills them to the WAL in the
                    // middle of the transaction and reads them back. (Temporary files stay files:
                    // in memory, building the indexes and the figures of a million people took a
                    // gigabyte.)
                    .flatMap { _ in bulkLoad ? connection.query("PRAGMA cache_size = -\(Self.bulkCacheKiB)") : connection.eventLoop.makeSucceededFuture([]) }
                    .map { _ in connection }
            }
    }
}

/// Carries a result from the task that produced it to the one awaiting it.
private struct Handoff<Value>: @unchecked Sendable {
    let value: Value
}

extension EventLoopGroup {
    var loopCount: Int { max(1, Array(makeIterator()).count) }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// A secondary index by name, with the statement that creates it.
public struct SecondaryIndex: Sendable, Equatable {
    public let name: String
    public let definition: String

    /// The indexes that are neither unique nor behind a constraint (so every check of a key and
    /// every `ON CONFLICT` still holds without them), of every table or of `tables`, each with the
    /// statement that creates it exactly as the schema has it.
    public static func all(on db: any SQLDatabase, tables: [String]? = nil) async throws -> [SecondaryIndex] {
        var query: SQLQueryString
        if db.dialect.name == "postgresql" {
            query = """
                SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """
            if let tables { query += " AND t.relname IN (\(binds: tables))" }
            query += " ORDER BY i.relname"
        } else {
            query = "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'"
            if let tables { query += " AND tbl_name IN (\(binds: tables))" }
            query += " ORDER BY name"
        }
        return try await db.raw(query).all().map {
            SecondaryIndex(name: try $0.decode(column: "name", as: String.self), definition: try $0.decode(column: "definition", as: String.self))
        }
    }

    public static func drop(_ indexes: [SecondaryIndex], on db: any SQLDatabase) async throws {
        for index in indexes { try await db.raw("DROP INDEX \(ident: index.name)").run() }
    }

    public static func create(_ indexes: [SecondaryIndex], on db: any SQLDatabase) async throws {
        for index in indexes { try await index.create(on: db) }
    }

    func create(on db: any SQLDatabase) async throws {
        try await db.raw("\(unsafeRaw: definition)").run()
    }
}
