import Configuration
import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging
import NIOPosix
import RegieStorage

/// What the `regie` command does, kept here so the executable only parses and starts.
public enum RegieCommands {
    /// Reads configuration, prepares logging, and returns both.
    public static func prepare(overrides: [String: String]) async throws -> (ConfigReader, AppConfig, Logger) {
        let reader = try await AppConfig.reader(overrides: overrides)
        let config = try AppConfig(reader: reader)
        JSONLogHandler.bootstrap(format: config.logFormat, level: config.logLevel)
        var logger = Logger(label: "regie")
        logger.logLevel = config.logLevel
        return (reader, config, logger)
    }

    /// `regie serve`: migrate, optionally load the demo region into an empty database, then serve.
    public static func serve(overrides: [String: String]) async throws {
        let (reader, config, logger) = try await prepare(overrides: overrides)
        if config.mode == .production && config.demo {
            throw AppStartError("Demo data cannot be loaded in production mode.")
        }
        var demoLoaded = false
        if config.demo {
            demoLoaded = try await withDatabase(config, logger) { database in
                try await Migrator(database: database).migrate()
                guard try await UserStore(database: database).countUsers() == 0 else { return false }
                try await DemoData(database: database, seal: config.fieldSeal).load(today: Date())
                return true
            }
        }
        let message = banner(config: config, demo: config.demo, freshlyLoaded: demoLoaded)
        let app = try await explaining {
            try await buildApplication(reader: reader, logger: logger, onServerRunning: { _ in
                // Straight to standard output, unbuffered, so the address shows at once even in a pipe.
                FileHandle.standardOutput.write(Data((message + "\n").utf8))
            })
        }
        try await app.runService()
    }

    static func banner(config: AppConfig, demo: Bool, freshlyLoaded: Bool) -> String {
        var lines = ["", "Regie draait op http://\(config.host):\(config.port)  (database: \(config.database))"]
        if demo {
            lines.append(freshlyLoaded ? "Demodata geladen: 3 gemeenten, 300 inburgeraars." : "Demodata was al geladen.")
            lines.append("Inloggen met wachtwoord '\(DemoData.password)' als:")
            for login in DemoData.logins {
                lines.append("  \(login.email.padding(toLength: 28, withPad: " ", startingAt: 0)) \(login.name) — \(login.roles.map(\.rawValue).joined(separator: ", "))")
            }
            lines.append("Aanbieders (vragen bij de eerste keer om tweestapsverificatie met een authenticator-app):")
            for (index, login) in DemoChain.partnerLogins.enumerated() {
                lines.append("  \(login.email.padding(toLength: 37, withPad: " ", startingAt: 0)) \(login.name) — \(DemoChain.providers[index].name)")
            }
            lines.append("Deelnemers (presentielijst op /deelnemer/inloggen, zelfde wachtwoord): " + DemoChain.participantLogins.joined(separator: ", "))
        }
        lines.append("Stoppen: Ctrl-C")
        return lines.joined(separator: "\n")
    }

    /// `regie migrate`: applies pending migrations and lists them.
    public static func migrate(overrides: [String: String]) async throws -> [String] {
        let (_, config, logger) = try await prepare(overrides: overrides)
        return try await withDatabase(config, logger) { try await Migrator(database: $0).migrate() }
    }

    /// `regie demo`: loads demo data into an empty database.
    public static func loadDemo(overrides: [String: String], people: Int, seed: UInt64) async throws {
        let (_, config, logger) = try await prepare(overrides: overrides)
        if config.mode == .production { throw AppStartError("Demo data cannot be loaded in production mode.") }
        try await withDatabase(config, logger, bulkLoad: true) { database in
            try await Migrator(database: database).migrate()
            // A large region takes minutes: the operator sees it move (on stderr, so stdout stays the summary).
            let progress = people < DemoData.progressInterval ? nil : demoProgress(started: ContinuousClock.now)
            try await DemoData(database: database, seal: config.fieldSeal).load(people: people, seed: seed, today: Date(), progress: progress)
        }
    }

    /// A progress line on stderr: people stored, seconds since `started`, people per second.
    static func demoProgress(started: ContinuousClock.Instant) -> @Sendable (Int, Int) -> Void {
        { stored, total in
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let line = String(format: "demo: %d of %d people stored, %.0f s, %.0f people/s\n", stored, total, seconds, Double(stored) / max(seconds, 0.001))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `regie user add`: creates a user in an existing organisation.
    public static func addUser(overrides: [String: String], email: String, name: String, organisation: String, roles: [Role], password: String) async throws {
        let (_, config, logger) = try await prepare(overrides: overrides)
        guard password.count >= 12 else { throw AppStartError("The password must have at least 12 characters.") }
        try await withDatabase(config, logger) { database in
            try await Migrator(database: database).migrate()
            let users = UserStore(database: database)
            guard let org = try await users.fetchOrganisation(named: organisation) else {
                let known = try await users.listOrganisations().map(\.name).joined(separator: ", ")
                throw AppStartError("Unknown organisation '\(organisation)'. Known: \(known.isEmpty ? "none" : known).")
            }
            if try await users.fetchUserId(email: email) != nil { throw AppStartError("A user with e-mail \(email) already exists.") }
            let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
            try await users.insertUser(.init(id: UUID().uuidString.lowercased(), organisationId: org.id, email: email, name: name, passwordHash: hash, roles: roles), now: Date())
        }
    }

    /// `regie municipality add`: adds a municipality (CBS code, name, OIN) or updates its name and OIN.
    /// Returns whether it was new.
    public static func addMunicipality(overrides: [String: String], code: String, name: String, oin: String?) async throws -> Bool {
        let (_, config, logger) = try await prepare(overrides: overrides)
        return try await withDatabase(config, logger) { database in
            try await Migrator(database: database).migrate()
            return try await addMunicipality(database: database, code: code, name: name, oin: oin)
        }
    }

    /// The work of `regie municipality add` on a migrated database.
    public static func addMunicipality(database: Database, code: String, name: String, oin: String?) async throws -> Bool {
        guard code.count == 6, code.hasPrefix("GM"), code.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AppStartError("The CBS code is GM followed by 4 digits, e.g. GM0988 (was '\(code)').")
        }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw AppStartError("Give the municipality's name (at most 200 characters).") }
        if let oin, oin.count != 20 || !oin.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw AppStartError("The OIN is 20 digits, e.g. 00000001001234567000 (was '\(oin)').")
        }
        let users = UserStore(database: database)
        let existed = try await users.municipalityExists(code: code)
        try await users.upsertMunicipality(code: code, name: name, oin: oin)
        return !existed
    }

    /// `regie organisation add`: creates an organisation serving existing municipalities, or lets an
    /// existing one serve more of them. Returns whether the organisation was new.
    public static func addOrganisation(overrides: [String: String], name: String, municipalityCodes: [String]) async throws -> Bool {
        let (_, config, logger) = try await prepare(overrides: overrides)
        return try await withDatabase(config, logger) { database in
            try await Migrator(database: database).migrate()
            return try await addOrganisation(database: database, name: name, municipalityCodes: municipalityCodes)
        }
    }

    /// The work of `regie organisation add` on a migrated database.
    public static func addOrganisation(database: Database, name: String, municipalityCodes: [String]) async throws -> Bool {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw AppStartError("Give the organisation's name (at most 200 characters).") }
        guard !municipalityCodes.isEmpty else { throw AppStartError("Give at least one --municipality (a CBS code such as GM0988).") }
        let users = UserStore(database: database)
        for code in municipalityCodes {
            guard try await users.municipalityExists(code: code) else {
                throw AppStartError("Unknown municipality \(code): add it first with `regie municipality add --code \(code) --name … --oin …`.")
            }
        }
        if let existing = try await users.fetchOrganisation(named: name) {
            for code in municipalityCodes { try await users.addMunicipality(code: code, toOrganisation: existing.id) }
            return false
        }
        try await users.insertOrganisation(id: UUID().uuidString.lowercased(), name: name, municipalityCodes: Array(Set(municipalityCodes)).sorted(), now: Date())
        return true
    }

    /// `regie user reset-password`: sets a new password and ends the user's sessions.
    public static func resetPassword(overrides: [String: String], email: String, password: String) async throws {
        let (_, config, logger) = try await prepare(overrides: overrides)
        guard password.count >= 12 else { throw AppStartError("The password must have at least 12 characters.") }
        try await withDatabase(config, logger) { database in
            let users = UserStore(database: database)
            guard let id = try await users.fetchUserId(email: email) else { throw AppStartError("No user with e-mail \(email).") }
            let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
            try await users.updatePassword(userId: id, passwordHash: hash, now: Date())
        }
    }

    /// `regie audit verify`: walks the hash chain and checks it against the anchors given.
    public static func verifyAudit(overrides: [String: String], anchorFile: String?) async throws -> AuditVerification {
        let (_, config, logger) = try await prepare(overrides: overrides)
        var anchors: [AuditAnchor] = []
        if let path = anchorFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AppStartError("Cannot read the anchor file \(path).") }
            anchors = try AuditAnchor.parse(text)
        }
        let given = anchors
        return try await withDatabase(config, logger) { try await AuditStore(database: $0).verify(anchors: given) }
    }

    /// `regie audit anchor`: the chain's head now, appended as one line to `file` (when given) and returned.
    public static func anchorAudit(overrides: [String: String], file: String?) async throws -> AuditAnchor {
        let (_, config, logger) = try await prepare(overrides: overrides)
        let anchor = try await withDatabase(config, logger) { try await AuditStore(database: $0).anchor(at: Date()) }
        if let file {
            if !FileManager.default.fileExists(atPath: file) { FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o640]) }
            guard let handle = FileHandle(forWritingAtPath: file) else { throw AppStartError("Cannot write the anchor file \(file).") }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((anchor.line + "\n").utf8))
        }
        return anchor
    }

    static func withDatabase<R: Sendable>(_ config: AppConfig, _ logger: Logger, bulkLoad: Bool = false,
                                          _ body: @Sendable (Database) async throws -> R) async throws -> R {
        let database = try await Database.connect(config.database, maxConnections: 2, bulkLoad: bulkLoad, logger: logger)
        do {
            let result = try await body(database)
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw Self.explained(error)
        }
    }

    /// A start-up failure names its cause for the operator (`DatabaseError.describe`: PostgreSQL's
    /// message and SQLSTATE, or why the connection failed), not the driver's generic text.
    static func explaining<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch {
            throw explained(error)
        }
    }

    static func explained(_ error: any Error) -> any Error {
        error is AppStartError ? error : AppStartError("Regie could not start: \(DatabaseError.describe(error))")
    }
}
