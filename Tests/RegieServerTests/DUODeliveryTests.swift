import DUO
import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

/// A message whose outcome Regie does not know (the sending instance died, or the answer was lost)
/// is not simply sent again: DUO's specs say nothing of dropping a repeated BerichtId (PIP API 1.2.0:
/// "Het berichtId wordt bij elk verzoekbericht willekeurig gegenereerd"), so Regie asks DUO first.
@Suite("DUO delivery: an interrupted or unanswered message reaches DUO once")
struct DUODeliveryTests {
    static let weertOIN = DUOEndToEndTests.weertOIN

    /// PIPs DUO registered (201) for this person, as the simulator answered them.
    static func registeredPIPs(_ h: DUOEndToEndTests.Harness, bsn: String) async -> Int {
        await h.simulator.exchanges().filter { $0.method == "POST" && $0.path == "/personen/\(bsn)/PIP" && $0.status == 201 }.count
    }

    @Test("Killed while DUO stored the PIP: after the short lease a restarted Regie finds it at DUO and does not send it again", arguments: Engine.available)
    func killedMidRequest(engine: Engine) async throws {
        try await DUOEndToEndTests.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            let day = CalendarDate.today(now: h.clock.now)
            try await h.fixPIP(person.id, on: day)
            // The instance that sends it claims it and sends the POST; DUO stores the PIP; the instance is
            // killed before it records the answer: the message stays claimed as being sent.
            let claimed = try #require(try await h.services.duoStore.claimOutbox(worker: "killed", now: h.clock.now).first)
            let (method, path) = DUOPush.pip.route(bsn: run.bsn)
            let answer = await h.simulator.handle(method: method, path: path,
                                                  headers: ["Bron": Self.weertOIN, "Doel": DUOConfig.developmentDUOOIN, "BerichtId": claimed.berichtId,
                                                            "Accept": "application/json", "Content-Type": "application/json"],
                                                  body: Data(claimed.body.utf8))
            #expect(answer.status == 201)
            #expect(try await h.services.duoStore.fetchOutbox(claimed.id)?.status == "sending")
            // A restarted Regie resumes once the short lease has run out (DUOWorker.leaseSeconds, 15 s).
            h.clock.advance(16)
            try await h.drain()
            #expect(try await h.outbox(person.id).map(\.status) == ["sent"])
            #expect(await Self.registeredPIPs(h, bsn: run.bsn) == 1, "DUO holds the PIP once")
            let asked = await h.simulator.exchanges().filter { $0.method == "GET" && $0.path == "/personen/\(run.bsn)/PIP" }
            #expect(asked.count == 1, "Regie asked DUO before sending again")
            #expect(await h.simulator.person(bsn: run.bsn)?.pip?.pip.dagtekeningPip == day)
        }
    }

    @Test("The answer is lost (timeout after DUO stored the PIP): Regie asks DUO, finds it and marks it sent, once", arguments: Engine.available)
    func lostAnswer(engine: Engine) async throws {
        // A 1 s timeout makes the withheld answer a lost one; on a loaded machine any other call may time
        // out too, and is then retried as every failed call is: each phase below runs until it got there.
        try await DUOEndToEndTests.withHarness(engine, timeout: .seconds(1)) { h in
            let run = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: DUOEndToEndTests.weertOIN, week: .seconds(1))
            _ = await h.perform(run.steps[0])
            for _ in 0..<5 where try await h.person(bsn: run.bsn) == nil {
                try await h.drain()
                if try await h.person(bsn: run.bsn) == nil { h.clock.advance(3600) }
            }
            let person = try #require(try await h.person(bsn: run.bsn))
            try await h.fixPIP(person.id, on: CalendarDate.today(now: h.clock.now))
            // DUO stores the PIP, but its answer never reaches Regie (held past Regie's timeout).
            await h.simulator.withholdNextAnswer(method: "POST", pathSuffix: "/PIP", for: .seconds(3))
            for _ in 0..<5 where await Self.registeredPIPs(h, bsn: run.bsn) == 0 {
                _ = try await h.worker.runOnce()
                if await Self.registeredPIPs(h, bsn: run.bsn) == 0 { h.clock.advance(3600) }
            }
            let waiting = try #require(try await h.outbox(person.id).first)
            #expect(waiting.status != "sent" && waiting.status != "pending", "the outcome is unknown, not 'not sent'")
            #expect(await Self.registeredPIPs(h, bsn: run.bsn) == 1)
            for _ in 0..<5 where try await h.outbox(person.id).map(\.status) != ["sent"] {
                h.clock.advance(3600)
                try await h.drain()
            }
            #expect(try await h.outbox(person.id).map(\.status) == ["sent"])
            #expect(await Self.registeredPIPs(h, bsn: run.bsn) == 1, "DUO holds the PIP once")
        }
    }

    @Test("Not there: an interrupted PIP DUO does not hold is sent again (after asking)", arguments: Engine.available)
    func interruptedBeforeDUO(engine: Engine) async throws {
        try await DUOEndToEndTests.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            try await h.fixPIP(person.id, on: CalendarDate.today(now: h.clock.now))
            // Killed before the request left: DUO has nothing.
            _ = try #require(try await h.services.duoStore.claimOutbox(worker: "killed", now: h.clock.now).first)
            h.clock.advance(16)
            try await h.drain()
            #expect(try await h.outbox(person.id).map(\.status) == ["sent"])
            #expect(await Self.registeredPIPs(h, bsn: run.bsn) == 1)
            #expect(await h.simulator.exchanges().contains { $0.method == "GET" && $0.path == "/personen/\(run.bsn)/PIP" && $0.status == 404 })
        }
    }

    @Test("The heartbeat keeps a claim while its owner works; only the owner renews it; an abandoned claim runs out", arguments: Engine.available)
    func heartbeat(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let persons = try await DUOOutboxTests.insertPersons(db, count: 1, now: now)
            try await DUOOutboxTests.insertMessage(db, id: "m", person: persons[0], seq: 1)
            let store = DUOStore(database: db)
            #expect(try await store.claimOutbox(worker: "a", now: now, leaseSeconds: 15).map(\.id) == ["m"])
            // Another worker's heartbeat does not touch a's claim.
            try await store.renewOutboxClaims(["m"], worker: "b", now: now.addingTimeInterval(10), leaseSeconds: 15)
            // a's heartbeat at +10 s keeps it until +25 s.
            try await store.renewOutboxClaims(["m"], worker: "a", now: now.addingTimeInterval(10), leaseSeconds: 15)
            #expect(try await store.claimOutbox(worker: "b", now: now.addingTimeInterval(20)).isEmpty)
            // a stops beating: at +26 s b takes over, and sees that its outcome is unknown.
            let taken = try await store.claimOutbox(worker: "b", now: now.addingTimeInterval(26))
            #expect(taken.map(\.id) == ["m"])
            #expect(taken.first?.outcomeUnknown == true)
        }
    }
}
