import ArgumentParser
import BRPSimulator
import Hummingbird
import Logging
import DUOSimulator
import Foundation
import Inburgering
import RegieServer
import RegieStorage

/// `regie`: parses the command and starts what it names. Nothing else lives here.
@main
struct Regie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regie",
        abstract: "Regie: regie op inburgering onder de Wet inburgering 2021.",
        subcommands: [Serve.self, Migrate.self, Demo.self, UserCommand.self, OrganisationCommand.self, MunicipalityCommand.self, AuditCommand.self, Rules.self, DUOSimulatorCommand.self, BRPSimulatorCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command shares; each maps to the environment variable of the same setting.
struct CommonOptions: ParsableArguments {
    @Option(help: "SQLite file (DATABASE_PATH). Default: data/regie.sqlite")
    var databasePath: String?

    @Option(help: "Database URL, e.g. postgres://user:pass@host/db (DATABASE_URL); overrides --database-path.")
    var databaseURL: String?

    var overrides: [String: String] {
        var values: [String: String] = [:]
        if let databasePath { values["DATABASE_PATH"] = databasePath }
        if let databaseURL { values["DATABASE_URL"] = databaseURL }
        return values
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the web server (migrates the database first).")

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on (HOST). Default: 127.0.0.1") var host: String?
    @Option(help: "Port (PORT). Default: 8080") var port: Int?
    @Flag(help: "Load the demo region into an empty database before starting (DEMO=true).") var demo = false
    @Option(name: .customLong("clock-offset-days"), help: "Run the clock this many days ahead; only with --demo (CLOCK_OFFSET_DAYS).")
    var clockOffsetDays: Int?

    func run() async throws {
        var overrides = common.overrides
        if let host { overrides["HOST"] = host }
        if let port { overrides["PORT"] = String(port) }
        if demo { overrides["DEMO"] = "true" }
        if let clockOffsetDays { overrides["CLOCK_OFFSET_DAYS"] = String(clockOffsetDays) }
        try await RegieCommands.serve(overrides: overrides)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let applied = try await RegieCommands.migrate(overrides: common.overrides)
        print(applied.isEmpty ? "Database is up to date." : "Applied: \(applied.joined(separator: ", "))")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load demo data (a region of three municipalities) into an empty database.")
    @OptionGroup var common: CommonOptions
    @Option(help: "Number of newcomers to generate.") var people = 300
    @Option(help: "Seed of the generator; the same seed gives the same people.") var seed: UInt64 = 2021

    func run() async throws {
        try await RegieCommands.loadDemo(overrides: common.overrides, people: people, seed: seed)
        print("Demo data loaded: \(people) newcomers. Log in with password '\(DemoData.password)' as one of:")
        for login in DemoData.logins { print("  \(login.email)  (\(login.roles.map(\.rawValue).joined(separator: ", ")))") }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage staff accounts.", subcommands: [Add.self, ResetPassword.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user. The password is read from REGIE_PASSWORD or standard input.")
        @OptionGroup var common: CommonOptions
        @Option(help: "E-mail address (the login).") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Name of the organisation the user belongs to.") var organisation: String
        @Option(parsing: .upToNextOption, help: "Roles: consulent, teamleider, beleidsmedewerker, budgetbeheerder, functioneelBeheerder.") var role: [String]

        func run() async throws {
            let roles = try role.map { value -> Role in
                guard let role = Role(rawValue: value) else { throw ValidationError("Unknown role '\(value)'.") }
                return role
            }
            guard !roles.isEmpty else { throw ValidationError("Give at least one --role.") }
            try await RegieCommands.addUser(overrides: common.overrides, email: email, name: name, organisation: organisation, roles: roles, password: try readPassword())
            print("User \(email) created.")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password and end the user's sessions. The password is read from REGIE_PASSWORD or standard input.")
        @OptionGroup var common: CommonOptions
        @Option(help: "E-mail address of the user.") var email: String

        func run() async throws {
            try await RegieCommands.resetPassword(overrides: common.overrides, email: email, password: try readPassword())
            print("Password of \(email) reset; their sessions have ended.")
        }
    }
}

struct OrganisationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "organisation", abstract: "Manage organisations (a municipality or a region working for several).",
                                                    subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organisation serving the given municipalities; for an existing organisation, add municipalities it serves.",
            discussion: "Add the municipalities first with `regie municipality add`. Then create its first functioneel beheerder with `regie user add`.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Name of the organisation, e.g. 'Gemeente Weert' or 'Regio Midden-Limburg'.") var name: String
        @Option(parsing: .upToNextOption, help: "CBS codes of the municipalities it serves, e.g. GM0988 GM1706.") var municipality: [String]

        func run() async throws {
            let created = try await RegieCommands.addOrganisation(overrides: common.overrides, name: name, municipalityCodes: municipality)
            print(created ? "Organisation \(name) created, serving \(municipality.joined(separator: ", "))."
                          : "Organisation \(name) now also serves \(municipality.joined(separator: ", ")).")
        }
    }
}

struct MunicipalityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "municipality", abstract: "Manage municipalities.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a municipality by its CBS code, or update the name and OIN of one that exists.")
        @OptionGroup var common: CommonOptions
        @Option(help: "CBS code: GM and 4 digits, e.g. GM0988.") var code: String
        @Option(help: "Name, e.g. Weert.") var name: String
        @Option(help: "OIN (Organisatie-identificatienummer, 20 digits).") var oin: String?

        func run() async throws {
            let created = try await RegieCommands.addMunicipality(overrides: common.overrides, code: code, name: name, oin: oin)
            print(created ? "Municipality \(code) \(name) added." : "Municipality \(code) updated: \(name).")
        }
    }
}

/// Passwords never go on the command line (they would end up in shell history and `ps`).
func readPassword() throws -> String {
    if let value = ProcessInfo.processInfo.environment["REGIE_PASSWORD"], !value.isEmpty { return value }
    FileHandle.standardError.write(Data("Password: ".utf8))
    guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("No password given.") }
    return line
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Work with the audit log.", subcommands: [Verify.self, Anchor.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain and name the first broken entry.",
            discussion: "With --anchors, also check that every anchored entry is still there with its hash: a log cut off and rewritten to match is found only that way.")
        @OptionGroup var common: CommonOptions
        @Option(help: "A file of anchors written by `regie audit anchor --file`.") var anchors: String?

        func run() async throws {
            switch try await RegieCommands.verifyAudit(overrides: common.overrides, anchorFile: anchors) {
            case .intact(let entries):
                print("Audit log intact: \(entries) entries, every hash matches.")
            case .broken(let seq, let reason):
                print("Audit log BROKEN at entry \(seq): \(reason)")
                throw ExitCode(2)
            }
        }
    }
}

extension AuditCommand {
    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit chain's head (entry number and hash) and append it to a file kept outside the database.",
            discussion: "Run it regularly (e.g. hourly from cron) and ship the file to a write-once store; `regie audit verify --anchors FILE` then detects a cut-off or rewritten log.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Append the anchor as one JSON line to this file.") var file: String?

        func run() async throws {
            let anchor = try await RegieCommands.anchorAudit(overrides: common.overrides, file: file)
            print(anchor.line)
        }
    }
}

struct DUOSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duo-simulator",
        abstract: "Start a DUO simulator for development, demos, training and tests (never a real DUO).",
        discussion: "Scenarios: " + DUOSimulatorServer.scenarioNames)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port.") var port = 9090
    @Option(name: .customLong("regie-notify-url"), help: "Regie's Notificatie API; empty: send no notifications.")
    var regieNotifyURL = "http://127.0.0.1:8081/v1/notificaties"
    @Option(name: .customLong("duo-oin"), help: "DUO's OIN: the bron of notifications and the doel every request must carry.")
    var duoOIN = DUOConfig.developmentDUOOIN
    @Option(help: "Municipalities as GM0988=<OIN>,GM1706=<OIN>. Default: GM0988, GM1706 and GM0946 with development OINs.")
    var municipalities: String?
    @Option(help: "Scenario to run once at start, for the first municipality.") var scenario: String?
    @Option(help: ArgumentHelp("Length of a simulated week in seconds (1 compresses a scenario for a demo).", valueName: "seconds"))
    var week: Double = 604_800
    @Option(name: .customLong("tls-cert"), help: "PEM certificate for mutual TLS (server and client).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("tls-ca"), help: "PEM CA that signs the peer's certificate.") var tlsCA: String?
    @Flag(name: .customLong("no-demo"), help: "Do not seed the demo persons.") var noDemo = false

    func run() async throws {
        JSONLogHandler.bootstrap(format: .text, level: .info)
        try await DUOSimulatorServer.run(.init(
            host: host, port: port, regieNotifyURL: regieNotifyURL, duoOIN: duoOIN, municipalities: municipalities, scenario: scenario,
            weekSeconds: week, tlsCert: tlsCert, tlsKey: tlsKey, tlsCA: tlsCA, seedDemo: !noDemo))
    }
}

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule of the law Regie applies, with its id, plain-language text and source.")
    @Flag(help: "Print the catalogue as a Markdown table.") var markdown = false
    @Flag(help: "Print the English text instead of the Dutch.") var english = false

    func run() async throws {
        if markdown {
            print(RuleDescription.catalogueMarkdown(), terminator: "")
            return
        }
        for rule in RuleDescription.catalogue {
            print("\(rule.id.rawValue)  \(rule.title)")
            print("    \(english ? rule.textEnglish : rule.text)")
            print("    Bron: \(rule.source)\n")
        }
    }
}

struct BRPSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brp-simulator",
        abstract: "Start a BRP simulator (BRP API Personen) for development, demos, training and tests (never a real BRP).",
        discussion: """
            It knows everyone in Regie's database whose details are known (as the BRP would hold them) and makes up a \
            person for any other BSN, the same for the same number. POST /simulator/verhuizing, /overlijden, /geboorte and \
            /geheimhouding play events in the register; GET /simulator/uitwisselingen lists every request with its answer.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port.") var port = 8200
    @Option(name: .customLong("api-key"), help: "The key every request must carry in X-API-KEY; empty accepts any.") var apiKey = ""
    @Flag(name: .customLong("no-seed"), help: "Start with an empty register instead of Regie's database.") var noSeed = false

    func run() async throws {
        let simulator = BRPSimulator(apiKey: apiKey.isEmpty ? nil : apiKey, inventUnknown: true)
        if noSeed {
            JSONLogHandler.bootstrap(format: .text, level: .info)
        } else {
            // Reading Regie's configuration also sets up the logging.
            await simulator.add(try await RegieCommands.brpRegister(overrides: common.overrides))
        }
        let logger = Logger(label: "brp-simulator")
        let count = await simulator.count
        logger.info("BRP simulator with \(count) persons; start Regie with BRP_URL=http://\(host):\(port)")
        let app = BRPSimulatorServer(simulator: simulator).application(host: host, port: port, logger: logger)
        try await app.runService()
    }
}
