import Foundation
import Logging
import RegieStorage
import Testing

/// Several instances of Regie started at the same moment on one empty PostgreSQL database (the
/// deployment the README describes: many app instances, one database). Real processes of the built
/// `regie`, not tasks in this one.
@Suite("Start-up: instances starting together", .enabled(if: ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] != nil, "needs PostgreSQL (TEST_DATABASE_URL)"))
struct StartupTests {
    /// The `regie` executable beside this test bundle (`swift build --build-tests` builds both).
    static var binary: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("regie")
    }

    struct Run: Sendable {
        let status: Int32
        let output: String
    }

    static func start(_ arguments: [String], environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    @Test("Two and three instances started at the same moment on an empty PostgreSQL database all migrate it, each migration once", arguments: [2, 3])
    func together(instances: Int) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build regie first: \(Self.binary.path)")
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let name = "regie_start_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let admin = try await Database.connect(.postgres(url: url, searchPath: nil), maxConnections: 1, logger: logger)
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
        let fresh = url[..<(url.lastIndex(of: "/") ?? url.endIndex)] + "/" + name
        do {
            // Launched back to back, before any of them has connected.
            let started = try (0..<instances).map { _ in
                try Self.start(["migrate"], environment: ["DATABASE_URL": String(fresh), "LOG_LEVEL": "warning"])
            }
            var runs: [Run] = []
            for (process, pipe) in started {
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                runs.append(Run(status: process.terminationStatus, output: output))
            }
            for run in runs { #expect(run.status == 0, "an instance failed: \(run.output)") }
            #expect(runs.filter { $0.output.contains("Applied: M0001") }.count == 1, "exactly one instance applied the migrations: \(runs.map(\.output))")
            let database = try await Database.connect(.postgres(url: String(fresh), searchPath: nil), maxConnections: 1, logger: logger)
            let count = try await database.sql.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()?.decode(column: "n", as: Int.self)
            await database.shutdown()
            #expect(count == Migrator.knownIDs.count)
        } catch {
            Issue.record(error)
        }
        try? await admin.sql.raw("DROP DATABASE \(unsafeRaw: String(name)) WITH (FORCE)").run()
        await admin.shutdown()
    }

    @Test("Eight migrators released at once on an empty PostgreSQL database, five times over: none fails, each migration is applied once")
    func migratorsAtOnce() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let admin = try await Database.connect(.postgres(url: url, searchPath: nil), maxConnections: 1, logger: logger)
        for _ in 0..<5 {
            let name = "regie_start_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
            let fresh = String(url[..<(url.lastIndex(of: "/") ?? url.endIndex)] + "/" + name)
            var databases: [Database] = []
            for _ in 0..<8 {
                let database = try await Database.connect(.postgres(url: fresh, searchPath: nil), maxConnections: 1, logger: logger)
                try await database.sql.raw("SELECT 1").run()   // connected before the start
                databases.append(database)
            }
            let results = await withTaskGroup(of: String?.self) { group in
                for database in databases {
                    group.addTask {
                        do {
                            _ = try await Migrator(database: database).migrate()
                            return nil
                        } catch {
                            return DatabaseError.describe(error)
                        }
                    }
                }
                return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
            }
            #expect(results.isEmpty, "\(results)")
            let count = try await databases[0].sql.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()?.decode(column: "n", as: Int.self)
            #expect(count == Migrator.knownIDs.count)
            for database in databases { await database.shutdown() }
            try? await admin.sql.raw("DROP DATABASE \(unsafeRaw: String(name)) WITH (FORCE)").run()
        }
        await admin.shutdown()
    }

    @Test("A start-up failure names its cause: PostgreSQL's message, not the driver's generic text, and never the password")
    func startupFailureNamesCause() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path))
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        let missing = url[..<(url.lastIndex(of: "/") ?? url.endIndex)] + "/regie_does_not_exist"
        let withPassword = missing.replacingOccurrences(of: "postgres@", with: "postgres:geheim-wachtwoord@")
        let (process, pipe) = try Self.start(["migrate"], environment: ["DATABASE_URL": withPassword, "LOG_LEVEL": "warning"])
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains("regie_does_not_exist"), "the cause is named: \(output)")
        #expect(output.contains("3D000"), "with its SQLSTATE: \(output)")
        #expect(!output.contains("Generic description"))
        #expect(!output.contains("geheim-wachtwoord"))
    }
}
