import BRP
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Inburgering
import Logging
import NIOCore
import RegieServer
import RegieStorage
import Synchronization
import Testing

/// The engines a test runs on: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set
/// (`.ci/run` sets it). Tests take this as their argument so each runs on both.
enum Engine: String, CustomTestStringConvertible, Sendable, CaseIterable {
    case sqlite, postgres

    static var available: [Engine] {
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"].map { _ in [.sqlite, .postgres] } ?? [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let value: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        value = Mutex(start)
    }

    var now: Date { value.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        value.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var appClock: AppClock { AppClock { [self] in self.now } }
}

/// A fresh, migrated database: a temporary SQLite file, or a schema of its own on PostgreSQL.
struct TestDatabase {
    let database: Database
    let cleanup: @Sendable () async -> Void

    /// A fresh database with every migration applied, or those through `migrateThrough`.
    static func make(_ engine: Engine, migrateThrough: String? = nil) async throws -> TestDatabase {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        switch engine {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("regie-test-\(UUID().uuidString).sqlite").path
            let database = try await Database.connect(.sqlite(path: path), poolWait: TestSupport.poolWait, logger: logger)
            try await Migrator(database: database).migrate(through: migrateThrough)
            return TestDatabase(database: database) {
                await database.shutdown()
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        case .postgres:
            // Each test database holds up to 5 connections; a bounded number at a time keeps the
            // suite under the server's connection limit however many tests run in parallel.
            await PostgresSlots.shared.acquire()
            let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]!
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let admin = try await Database.connect(.postgres(url: url, searchPath: nil), maxConnections: 1, logger: logger)
            let database: Database
            do {
                // pg_trgm (M0014_NameSearch) is installed once per database, in public: created by the
                // first test's migration it would live in that test's schema and go when it is dropped.
                try await PostgresSlots.shared.installExtensions(admin)
                try await admin.sql.raw("CREATE SCHEMA \(unsafeRaw: String(schema))").run()
                database = try await Database.connect(.postgres(url: url, searchPath: String(schema)), maxConnections: 4, poolWait: TestSupport.poolWait, logger: logger)
            } catch {
                await admin.shutdown()
                await PostgresSlots.shared.release()
                throw error
            }
            do {
                try await Migrator(database: database).migrate(through: migrateThrough)
            } catch {
                await database.shutdown()
                await admin.shutdown()
                await PostgresSlots.shared.release()
                throw error
            }
            return TestDatabase(database: database) {
                await database.shutdown()
                try? await admin.sql.raw("DROP SCHEMA \(unsafeRaw: String(schema)) CASCADE").run()
                await admin.shutdown()
                await PostgresSlots.shared.release()
            }
        }
    }
}

/// A counting semaphore for PostgreSQL test databases.
actor PostgresSlots {
    static let shared = PostgresSlots(40)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    private var extensions: Task<Void, any Error>?

    /// Installs the extensions the migrations use into the database's public schema, once per run
    /// (tests that ask meanwhile wait for the same installation).
    func installExtensions(_ admin: Database) async throws {
        if extensions == nil {
            extensions = Task { try await admin.sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").run() }
        }
        try await extensions!.value
    }
}

extension TestDatabase {
    /// Runs `body` on a fresh database and removes it afterwards, also when the body throws.
    static func with(_ engine: Engine, migrateThrough: String? = nil, _ body: (Database) async throws -> Void) async throws {
        let test = try await make(engine, migrateThrough: migrateThrough)
        do {
            try await body(test.database)
        } catch {
            await test.cleanup()
            throw error
        }
        await test.cleanup()
    }
}

/// Two organisations, so every test can check the other one is invisible:
/// A serves Weert and Cranendonck, B serves Roermond.
struct World: Sendable {
    static let password = "correct horse battery staple"
    let orgA = "org-a"
    let orgB = "org-b"
    /// A person in Weert (organisation A) and one in Roermond (organisation B).
    let personA = "person-a-weert"
    let personA2 = "person-a-cranendonck"
    let personB = "person-b-roermond"

    static func email(_ role: Role, _ org: String = "a") -> String { "\(role.rawValue.lowercased())@\(org).example" }

    /// `legacy`: into a database not yet migrated all the way (`LegacyRows`).
    static func seed(_ database: Database, now: Date, legacy: Bool = false) async throws -> World {
        let world = World()
        let users = UserStore(database: database)
        for m in [Municipality(code: "GM0988", name: "Weert"), Municipality(code: "GM1706", name: "Cranendonck"), Municipality(code: "GM0957", name: "Roermond")] {
            try await users.insertMunicipality(m)
        }
        try await users.insertOrganisation(id: world.orgA, name: "Organisatie A", municipalityCodes: ["GM0988", "GM1706"], now: now)
        try await users.insertOrganisation(id: world.orgB, name: "Organisatie B", municipalityCodes: ["GM0957"], now: now)
        // bcrypt cost 4 keeps the suite fast; production uses 12.
        let hash = Bcrypt.hash(password, cost: 4)
        for (org, suffix) in [(world.orgA, "a"), (world.orgB, "b")] {
            for role in Role.allCases {
                try await users.insertUser(.init(id: "\(suffix)-\(role.rawValue)", organisationId: org, email: email(role, suffix),
                                                 name: "\(role.rawValue) \(suffix.uppercased())", passwordHash: hash, roles: [role]), now: now)
            }
        }
        let persons = PersonStore(database: database)
        func person(_ id: String, _ municipality: String, _ bsn: String, family: String, consulent: String?) -> PersonStore.NewPerson {
            .init(person: PersonRecord(id: id, municipalityCode: municipality, householdId: nil, bsn: bsn, vNummer: nil, givenNames: "Amal",
                                       familyName: family, dateOfBirth: isoDay("1990-02-28"), gender: .vrouw, doelgroep: .asielstatushouder,
                                       language: "Arabisch", interpreterNeeded: true, phone: nil, email: nil),
                  traject: TrajectRecord(id: "traject-\(id)", personId: id, municipalityCode: municipality, phase: .bredeIntake,
                                         consulentId: consulent, kennisgevingDate: isoDay("2026-09-01"), koppelingDate: nil, housingDate: nil,
                                         brpDate: isoDay("2026-09-15"), intakeDate: isoDay("2026-10-01"), pipDate: nil, routeStartDate: nil,
                                         leerroute: nil, closedDate: nil, closedReason: nil))
        }
        let people = [
            person(world.personA, "GM0988", "999990019", family: "Haddad", consulent: "a-consulent"),
            person(world.personA2, "GM1706", "999990020", family: "Khalil", consulent: nil),
            person(world.personB, "GM0957", "999990032", family: "Mansour", consulent: "b-consulent"),
        ]
        if legacy {
            try await LegacyRows.insert(people, on: database, now: now)
        } else {
            try await persons.insertPersons(people, now: now)
        }
        return world
    }
}

enum TestSupport {
    /// How long a request waits for a pooled connection. The whole suite runs in parallel on two
    /// cores and a test database has four connections, so the production default (10 s) can run
    /// out under CI's load — e.g. fifty simultaneous logins for one account, serialised by its lock.
    static let poolWait: TimeAmount = .seconds(60)

    /// Configuration for tests: development mode, a fixed secret, a short login window.
    static func config(_ extra: [String: String] = [:]) throws -> AppConfig {
        var values = ["SESSION_SECRET": "test-secret-test-secret-test-secret-0123", "LOG_LEVEL": "warning"]
        values.merge(extra) { $1 }
        return try AppConfig(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: values)))
    }

    /// Runs `body` against a fresh application on `engine`, with the world seeded.
    static func withApp(
        _ engine: Engine, config: [String: String] = [:], logger: Logger? = nil, brpClient: BRPClient? = nil,
        _ body: @Sendable (any TestClientProtocol, AppContext) async throws -> Void
    ) async throws {
        let testDatabase = try await TestDatabase.make(engine)
        do {
            let clock = TestClock()
            let world = try await World.seed(testDatabase.database, now: clock.now)
            let views = try await Views.load()
            let services = AppServices(config: try Self.config(config), database: testDatabase.database, clock: clock.appClock,
                                       views: views, catalogue: views.catalogue, metrics: RegieMetrics(), bcryptCost: 4, brpClient: brpClient)
            let app = Application(router: try buildRouter(services: services), logger: logger ?? Logger(label: "regie-test"))
            let context = AppContext(world: world, clock: clock, services: services, engine: engine)
            try await app.test(.router) { client in
                try await body(client, context)
            }
        } catch {
            await testDatabase.cleanup()
            throw error
        }
        await testDatabase.cleanup()
    }
}

struct AppContext: Sendable {
    let world: World
    let clock: TestClock
    let services: AppServices
    let engine: Engine
    var database: Database { services.database }
}

/// Keeps every log line a test produced, rendered as the JSON handler would write it.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "regie-test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append("\(event.level) \(event.message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

/// A date written as in the law's sources, `YYYY-MM-DD`.
func isoDay(_ iso: String) -> CalendarDate {
    guard let day = CalendarDate(iso: iso) else { preconditionFailure("not a date: \(iso)") }
    return day
}
