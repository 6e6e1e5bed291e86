import DUO
import DUOClient
import DUOSimulator
import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

/// Issue 22: the pulls DUO's events overview lists, the events' own dates, and a deterministic order.
@Suite("DUO exact: the overview's pulls, the events' own dates, one outcome in any order")
struct DUOExactTests {
    static let weertOIN = DUOEndToEndTests.weertOIN

    @Test("SS129 pulls the exam results and the exemptions (DUO's events overview) and the DUO tab shows them", arguments: Engine.available)
    func withdrawnExemptionPullsExamsAndExemptions(engine: Engine) async throws {
        try await DUOEndToEndTests.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            var atDUO = try #require(await h.simulator.person(bsn: run.bsn))
            atDUO.examens = [DUOExamenresultaat(examendatum: CalendarDate(iso: "2026-10-01")!, resultaat: "Geslaagd", onderdeel: "KNM"),
                             DUOExamenresultaat(examendatum: CalendarDate(iso: "2026-10-08")!, resultaat: "Geen", redenGeenResultaat: "Absent", onderdeel: "SP", niveau: "B1")]
            atDUO.vrijstellingen = [DUOVrijstelling(TijdelijkeVrijstelling: .init(oordeel: .toekenning, reden: "INS", datumOordeel: CalendarDate(iso: "2026-09-01")!,
                                                                                  startdatum: CalendarDate(iso: "2026-09-01")!, einddatum: CalendarDate(iso: "2026-11-10")!))]
            await h.simulator.seed(atDUO)
            await h.simulator.clearLog()
            #expect(await h.notify("SS129", bsn: run.bsn) == 201)
            try await h.drain()

            let asked = Set(await h.simulator.exchanges().filter { $0.method == "GET" }.map { DUOSimulatorPaths.template($0.path) })
            #expect(asked == ["/personen/{bsn}/inburgeringsplicht", "/personen/{bsn}/doelgroep", "/personen/{bsn}/examens/resultaten",
                              "/personen/{bsn}/vrijstellingen"])
            let browser = Browser(h.web)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(person.id)/duo").body
            // Exam results: the part, the result and why there is none, in Dutch.
            #expect(page.contains("Kennis van de Nederlandse Maatschappij"))
            #expect(page.contains("Geslaagd"))
            #expect(page.contains("Spreken") && page.contains("Geen resultaat") && page.contains("afwezig"))
            // The exemption: its kind, DUO's decision, its reason and period.
            #expect(page.contains("Tijdelijke vrijstelling"))
            #expect(page.contains("Toegekend"))
            #expect(page.contains("inschrijving bij een opleiding"))
            #expect(page.contains("1 september 2026 tot en met 10 november 2026"))
            #expect(!page.contains(">INS<") && !page.contains(">KNM<"), "codes are shown in words")
        }
    }

    @Test("Notifications received in the same second are claimed by DUO's event time, then by arrival", arguments: Engine.available)
    func claimOrder(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let store = DUOStore(database: db)
            // Arrival order a…e, all in one second; ids sort against arrival; event times not in arrival order.
            let arrivals: [(id: String, bsn: String, registered: String)] = [
                ("z-a", "100000001", "2026-11-17T10:00:00+01:00"),
                ("y-b", "100000002", "2026-11-17T08:00:00Z"),     // 09:00 in Amsterdam: first
                ("x-c", "100000003", "2026-11-17T09:30:00"),      // no zone: Amsterdam's clock
                ("w-d", "100000004", "2026-11-17T10:00:00+01:00"), // the same moment as a: after a, which arrived first
                ("v-e", "100000005", "2026-11-17"),               // a date alone: the day's first moment
            ]
            for a in arrivals {
                #expect(try await store.receive(DUONotificationRecord(
                    id: a.id, berichtId: UUID().uuidString, bron: DUOConfig.developmentDUOOIN, doel: DUOConfig.developmentOIN(for: "GM0988"),
                    municipalityCode: "GM0988", gebeurtenisId: "SS101", bsn: a.bsn, vNummer: nil, registeredAt: a.registered, receivedAt: now.epochSeconds)))
            }
            let claimed = try await store.claimNotifications(worker: "w", now: now.addingTimeInterval(1))
            #expect(claimed.map(\.id) == ["v-e", "y-b", "x-c", "z-a", "w-d"])
        }
    }

    /// One notification as DUO would send it, with its own registration time.
    struct Sent: Sendable {
        let event: String
        let registered: String
    }

    /// A new permit holder's notifications, stamped with DUO's registration times: SS101, SS139 late in
    /// the evening in UTC (the next day in Amsterdam), SS101 again (DUO resends), SS137 and SS131.
    static let journey: [Sent] = [
        Sent(event: "SS101", registered: "2026-11-10T10:00:00Z"),
        Sent(event: "SS139", registered: "2026-11-11T23:30:00Z"),
        Sent(event: "SS101", registered: "2026-11-12T09:00:00+01:00"),
        Sent(event: "SS137", registered: "2026-11-14T08:00:00Z"),
        Sent(event: "SS131", registered: "2026-11-17T23:15:00Z"),
    ]

    @Test("The same notifications in any order, in the same second or one by one, give one case state and the same task dates", arguments: Engine.available)
    func anyOrder(engine: Engine) async throws {
        var generator = SeededOrder(seed: UInt64(ProcessInfo.processInfo.environment["REGIE_ORDER_SEED"] ?? "") ?? 20_261_118)
        print("DUOExactTests.anyOrder: order seed \(generator.seed) (REGIE_ORDER_SEED)")
        let indices = Array(Self.journey.indices)
        var orders = [indices, Array(indices.reversed())]
        for _ in 0..<3 { orders.append(generator.shuffled(indices)) }
        let all = orders
        try await DUOEndToEndTests.withHarness(engine) { h in
            var states: [[String]] = []
            for (number, order) in all.enumerated() {
                for oneByOne in [false, true] {
                    let run = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: Self.weertOIN, week: .seconds(1))
                    // DUO's state changes first (the pull shows the final state); the notifications follow, in this order.
                    for step in run.steps { _ = await h.simulator.perform(step, at: h.clock.now) }
                    for index in order {
                        let sent = Self.journey[index]
                        let notificatie = Notificatie(registratieDatumTijd: sent.registered, bsn: run.bsn, gebeurtenisId: sent.event)
                        #expect(await h.server.send(notificatie, to: Self.weertOIN)?.status == 201)
                        if oneByOne { try await h.drain() }
                    }
                    try await h.drain()
                    h.clock.advance(120)  // a notification that waited for its case is due again
                    try await h.drain()
                    let state = try await Self.state(h, bsn: run.bsn)
                    print("order \(number) \(order) \(oneByOne ? "one by one" : "together"): \(state)")
                    states.append(state)
                }
            }
            #expect(Set(states.map { $0.joined(separator: "\n") }).count == 1, "one state whatever the order")
            let first = try #require(states.first)
            // R1: SS139 registered at 23:30 UTC on the 11th is the 12th in Amsterdam: the 10 weeks start then.
            #expect(first.contains("tenWeeks 2026-11-12"))
            // The intake is due 7 days after the first notification that asked for it (SS101 of the 10th).
            #expect(first.contains("task \(h.services.catalogue.text("duo.task.planIntake", .nl)) 2026-11-17"))
            // The route choice is due 7 days after SS131, registered on the 18th in Amsterdam.
            #expect(first.contains("task \(h.services.catalogue.text("duo.task.leerrouteKiezen", .nl)) 2026-11-25"))
        }
    }

    /// What a case holds after DUO's notifications: facts, LBT results, DUO's tasks with their due dates, the timeline's DUO lines.
    static func state(_ h: DUOEndToEndTests.Harness, bsn: String) async throws -> [String] {
        let person = try #require(try await h.person(bsn: bsn))
        let traject = try #require(try await h.services.persons.fetchTraject(personId: person.id, scope: h.scope))
        let lbt = try await h.services.casework.listLBT(personId: person.id, scope: h.scope).map { "lbt \($0.testDate?.iso ?? "") \($0.score ?? -1)" }
        let tasks = try await h.services.casework.listTaken(personId: person.id, scope: h.scope).map { "task \($0.title) \($0.dueDate?.iso ?? "")" }
        let events = try await h.services.casework.listEvents(personId: person.id, scope: h.scope)
            .filter { $0.kind.hasPrefix("duo.") || $0.kind.hasPrefix("lbt.") }.map { "event \($0.kind) \($0.eventDate)" }
        let nextDue = try await h.services.database.sql.raw("SELECT next_due_date FROM trajecten WHERE person_id = \(bind: person.id)").first()?
            .decode(column: "next_due_date", as: String?.self) ?? ""
        let notifications = try await h.services.duoStore.listNotifications(scope: h.scope, personId: person.id).map(\.status)
        return ["doelgroep \(person.doelgroep.rawValue)", "kennisgeving \(traject.kennisgevingDate?.iso ?? "")", "phase \(traject.phase.rawValue)",
                "tenWeeks \(traject.duoTenWeeksStart?.iso ?? "")", "term \(traject.duoTermStart?.iso ?? "")–\(traject.duoTermEnd?.iso ?? "")",
                "nextDue \(nextDue)", "notifications \(notifications.sorted())"]
            + lbt.sorted() + tasks.sorted() + events.sorted()
    }
}

/// A permutation generator with a printed seed (SplitMix64), so a failing order can be replayed;
/// also a `RandomNumberGenerator` for other seeded choices.
struct SeededOrder: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var result = items
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            result.swapAt(i, j)
        }
        return result
    }
}

/// Paths with the BSN replaced, to compare what was asked of DUO.
enum DUOSimulatorPaths {
    static func template(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.count == 9 && $0.allSatisfy(\.isNumber) ? "{bsn}" : String($0) }.joined(separator: "/")
    }
}
