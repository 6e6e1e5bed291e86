import Foundation
import HummingbirdBcrypt
import Inburgering
import NIOPosix
import RegieStorage

/// Demo data that looks like a real region: the organisation serving Weert, Cranendonck and
/// Nederweert (three neighbouring municipalities), its teams, a user for every role, and
/// newcomers of both target groups in every phase of the chain. Deterministic for a given seed
/// and day, so every screen shows the same people on every machine.
public struct DemoData: Sendable {
    public static let password = "regie-demo-2026"
    public static let organisationName = "Inburgering Weert, Cranendonck en Nederweert"
    public static let municipalities = [
        Municipality(code: "GM0988", name: "Weert"),
        Municipality(code: "GM1706", name: "Cranendonck"),
        Municipality(code: "GM0946", name: "Nederweert"),
    ]

    public struct Login: Sendable {
        public let email: String
        public let name: String
        public let roles: [Role]
    }

    public static let logins: [Login] = [
        Login(email: "consulent@regie.example", name: "Fatima el Amrani", roles: [.consulent]),
        Login(email: "consulent2@regie.example", name: "Joost van der Linden", roles: [.consulent]),
        Login(email: "consulent3@regie.example", name: "Sanne Peeters", roles: [.consulent]),
        Login(email: "teamleider@regie.example", name: "Marieke Janssen", roles: [.teamleider]),
        Login(email: "beleid@regie.example", name: "Thomas Hendriks", roles: [.beleidsmedewerker]),
        Login(email: "budget@regie.example", name: "Anouk Verbeek", roles: [.budgetbeheerder]),
        Login(email: "beheer@regie.example", name: "Ruud Smeets", roles: [.functioneelBeheerder]),
        // A second budget manager: a payment run is approved by someone other than who prepared it.
        Login(email: "budget2@regie.example", name: "Bram Coenen", roles: [.budgetbeheerder]),
    ]

    let users: UserStore
    let persons: PersonStore
    let casework: CaseworkStore
    let settings: SettingsStore
    let database: Database
    let ontzorgen: OntzorgenStore

    public init(database: Database, seal: FieldSeal) {
        self.database = database
        ontzorgen = OntzorgenStore(database: database, seal: seal)
        users = UserStore(database: database)
        persons = PersonStore(database: database)
        casework = CaseworkStore(database: database, seal: seal)
        settings = SettingsStore(database: database)
    }

    public enum DemoError: Error, CustomStringConvertible {
        case notEmpty
        case tooMany(Int)
        public var description: String {
            switch self {
            case .notEmpty: "The database already holds data; demo data is only loaded into an empty database."
            case let .tooMany(limit): "A demo region has at most \(limit) people."
            }
        }
    }

    /// How many people a batch of the demo holds (whole households, so a few more): generated,
    /// stored in one go with their history, then let go.
    public static let defaultBatchSize = 2_000
    /// How often a large load reports its progress: every this many people.
    public static let progressInterval = 50_000

    /// From this many people the secondary indexes are built after the people are stored.
    public static let deferIndexesFrom = 10_000

    /// Loads the demo region into an empty database; refuses a database that already has users.
    /// The people are generated and stored in batches of `batchSize`, so memory does not grow with
    /// the region; the same seed gives the same region whatever the batch size. `progress` hears
    /// how many people are stored (of how many) every `progressInterval` people and at the end.
    /// With `deferIndexes` (by default from `deferIndexesFrom` people) the people are stored
    /// without the secondary indexes, which are built from the finished tables: each insert would
    /// otherwise write a random page of every index, which made a million people take hours.
    public func load(people: Int = 300, seed: UInt64 = 2021, today: Date, bcryptCost: UInt8 = 12, batchSize: Int = DemoData.defaultBatchSize,
                     deferIndexes: Bool? = nil, progress: (@Sendable (_ stored: Int, _ total: Int) -> Void)? = nil) async throws {
        guard people <= DemoPeople.maximumCount else { throw DemoError.tooMany(DemoPeople.maximumCount) }
        guard try await users.countUsers() == 0, try await users.countMunicipalities() == 0 else { throw DemoError.notEmpty }
        for municipality in Self.municipalities {
            try await users.insertMunicipality(municipality)
        }
        let organisationId = Self.id("organisation", 1)
        try await users.insertOrganisation(id: organisationId, name: Self.organisationName, municipalityCodes: Self.municipalities.map(\.code), now: today)
        let teams = [Team(id: Self.id("team", 1), organisationId: organisationId, name: "Team Weert"),
                     Team(id: Self.id("team", 2), organisationId: organisationId, name: "Team Cranendonck en Nederweert")]
        for team in teams { try await users.insertTeam(team) }
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(Self.password, cost: bcryptCost) }
        var consulentIds: [String] = []
        var names: [String: String] = [:]
        for (index, login) in Self.logins.enumerated() {
            let id = Self.id("user", index + 1)
            if login.roles.contains(.consulent) { consulentIds.append(id); names[id] = login.name }
            try await users.insertUser(.init(id: id, organisationId: organisationId, teamId: teams[login.roles.contains(.consulent) || login.roles.contains(.teamleider) ? 0 : 1].id,
                                             email: login.email, name: login.name, passwordHash: hash, roles: login.roles), now: today)
        }
        // A realistic caseload: about 80 people per consulent (norms run from 40 to 120), so a large
        // demo (or the benchmark's 100,000) gets more consulenten rather than giant caseloads.
        let extra = max(0, people / 80 - consulentIds.count)
        for number in 0..<extra {
            let id = Self.id("user", 100 + number)
            consulentIds.append(id)
            names[id] = "Consulent \(number + 4)"
            try await users.insertUser(.init(id: id, organisationId: organisationId, teamId: teams[number % 2].id,
                                             email: "consulent\(number + 4)@regie.example", name: "Consulent \(number + 4)",
                                             passwordHash: hash, roles: [.consulent]), now: today)
        }
        // Weert plans with a tighter norm and asks about debts in its intake (its own settings).
        var weert = MunicipalitySettings.defaults
        weert.caseloadNorm = 70
        weert.intakeTopics = [CustomIntakeTopic(key: "gm-schulden-en-geldzaken", label: "Schulden en geldzaken")]
        // The providers its case workers record hours against.
        weert.providers = DemoCasework.schools + ["Werkplein Weert", "Bibliotheek Weert"]
        // Its route plan and its own target (like Roermond's "90% started within 3 months of housing").
        weert.monitoring = MonitoringSettings(routePlan: ["b1": 60, "onderwijs": 15, "z": 25],
                                              targets: [MonitoringTarget(metric: "routeStartAfterHousing", months: 3, percent: 90),
                                                        MonitoringTarget(metric: "intakeAfterHousing", months: 1, percent: 75)])
        // The letterhead every letter of Weert carries (its town hall's published addresses).
        weert.letterhead = Letterhead(name: "Gemeente Weert", visitingAddress: "Wilhelminasingel 101\n6001 GS Weert", postalAddress: "Postbus 950\n6000 AZ Weert",
                                      phone: "0495 575 000", website: "https://www.weert.nl", signatoryName: "M. Hendriks",
                                      mandateLine: "namens dezen, de teamleider Inburgering",
                                      bezwaarAddress: "Het college van burgemeester en wethouders van Weert\nPostbus 950\n6000 AZ Weert")
        try await settings.save("GM0988", weert, by: Self.id("user", 7), audit: AuditEvent(
            actorId: Self.id("user", 7), actorName: "Ruud Smeets", actorRole: Role.functioneelBeheerder.rawValue, organisationId: organisationId,
            action: AuditAction.settingsUpdate.rawValue, purpose: "beheer", requestId: "demo", detail: "GM0988"), now: today)
        // The people in batches of whole households, each batch stored (people and their history) and
        // then let go, so memory stays the same for a small and a very large region.
        var generator = DemoPeople.Generator(count: people, seed: seed, today: today, municipalities: Self.municipalities.map(\.code), consulentIds: consulentIds)
        var enricher = DemoCasework.Enricher(consulentNames: names, seed: seed, today: today)
        let day = CalendarDate.today(now: today)
        var recent: [PersonStore.NewPerson] = []
        var reported = 0
        func storePeople() async throws {
            while !generator.isFinished {
                let (enriched, history) = enricher.enrich(generator.next(max(1, batchSize)))
                try await persons.insertPersons(enriched, now: today)
                for start in stride(from: 0, to: enriched.count, by: 1_000) {
                    try await DemoAddresses.insert(Array(enriched[start..<min(start + 1_000, enriched.count)]), recordedBy: Self.id("user", 7), now: today,
                                                   on: database.sql)
                }
                try await casework.importHistory(history)
                // Ontzorgen goes to the first people of the region that qualify: only those are kept.
                let missing = DemoOntzorgen.arrangements - recent.count
                if missing > 0 {
                    recent.append(contentsOf: enriched.lazy.filter { DemoOntzorgen.qualifies($0, today: day) }.prefix(missing))
                }
                if let progress, generator.generated / Self.progressInterval > reported / Self.progressInterval || generator.isFinished {
                    reported = generator.generated
                    progress(reported, people)
                }
            }
        }
        if deferIndexes ?? (people >= Self.deferIndexesFrom) {
            try await database.withoutSecondaryIndexes(storePeople)
        } else {
            try await storePeople()
        }
        try await DemoOntzorgen.load(recent: recent, store: ontzorgen, organisationId: organisationId,
                                     managers: [(Self.id("user", 6), "Anouk Verbeek"), (Self.id("user", 8), "Bram Coenen")],
                                     administrator: (Self.id("user", 7), "Ruud Smeets"), today: today)
        // The named consulenten's coming two weeks, planned from their cases' next steps.
        let named = Self.logins.enumerated().filter { $0.element.roles.contains(.consulent) }.map { (id: Self.id("user", $0.offset + 1), name: $0.element.name) }
        try await DemoAgenda.load(store: casework, database: database, consulenten: named, organisationId: organisationId, today: today)
        // The providers of Weert with their offers, and the first consulent's referrals in every state.
        try await DemoChain.load(providers: ProviderStore(database: database), casework: casework, users: users, database: database, consulent: named[0],
                                 administrator: (Self.id("user", 7), "Ruud Smeets"), organisationId: organisationId, passwordHash: hash, today: today)
        // The figures' totals at once from the whole region, not person by person from the marks.
        try await FiguresStore(database: database).rebuildTotals()
        try await database.refreshStatistics()
    }

    /// Stable ids for the demo's fixed records, so links in the README and the tests stay valid.
    static func id(_ kind: String, _ number: Int) -> String {
        let prefix: String = switch kind {
        case "organisation": "00000000-0000-4000-8000-"
        case "team": "00000000-0000-4000-8001-"
        case "provider": "00000000-0000-4000-8003-"
        case "partner": "00000000-0000-4000-8004-"
        case "lesson": "00000000-0000-4000-8005-"
        case "report": "00000000-0000-4000-8006-"
        case "exam": "00000000-0000-4000-8007-"
        default: "00000000-0000-4000-8002-"
        }
        let digits = String(number)
        return prefix + String(repeating: "0", count: 12 - digits.count) + digits
    }
}
