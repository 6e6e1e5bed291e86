import DUO
import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

/// The outbox and the notification queue: claimed in the database, so each row is handled by one
/// worker, in order per person, and a crashed worker's claim runs out.
@Suite("DUO outbox: claimed once, in order per person, resumed after a restart")
struct DUOOutboxTests {
    static func insertMessage(_ db: Database, id: String, person: String, seq: Int64, status: String = "pending") async throws {
        try await db.sql.raw("""
            INSERT INTO duo_outbox (id, seq, person_id, municipality_code, kind, bsn, body, bericht_id, status, next_attempt_at, created_by, created_at)
            VALUES (\(bind: id), \(bind: seq), \(bind: person), 'GM0988', 'map', '999990019', '{}', \(bind: UUID().uuidString), \(bind: status), 0, 'test', 0)
            """).run()
    }

    /// `legacy`: into a database not yet migrated all the way (`LegacyRows`).
    static func insertPersons(_ db: Database, count: Int, now: Date, legacy: Bool = false) async throws -> [String] {
        let ids = (0..<count).map { "p\($0)" }
        let items: [PersonStore.NewPerson] = ids.enumerated().map { index, id in
            .init(person: PersonRecord(id: id, municipalityCode: "GM0988", householdId: nil, bsn: nil, vNummer: "V\(index)", givenNames: "A", familyName: "B\(index)",
                                       dateOfBirth: isoDay("1990-01-01"), gender: .man, doelgroep: .asielstatushouder, language: "Tigrinya", interpreterNeeded: false, phone: nil, email: nil),
                  traject: TrajectRecord(id: "t-\(id)", personId: id, municipalityCode: "GM0988", phase: .signaal, consulentId: nil, kennisgevingDate: nil,
                                         koppelingDate: nil, housingDate: nil, brpDate: nil, intakeDate: nil, pipDate: nil, routeStartDate: nil, leerroute: nil,
                                         closedDate: nil, closedReason: nil))
        }
        if legacy {
            try await LegacyRows.insert(items, on: db, now: now)
        } else {
            try await PersonStore(database: db).insertPersons(items, now: now)
        }
        return ids
    }

    @Test("Two workers claiming at once each take a message exactly once, and together take all", arguments: Engine.available)
    func twoWorkers(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let persons = try await Self.insertPersons(db, count: 40, now: now)
            // Three messages per person: 120 in all.
            for (index, person) in persons.enumerated() {
                for n in 0..<3 { try await Self.insertMessage(db, id: "\(person)-\(n)", person: person, seq: Int64(n * 1000 + index)) }
            }
            let store = DUOStore(database: db)
            let all = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in ["a", "b"] {
                    group.addTask {
                        var idle = 0, mine: [String] = []
                        while idle < 3 {
                            let batch = try await store.claimOutbox(worker: worker, now: now, limit: 7)
                            if batch.isEmpty { idle += 1; continue }
                            idle = 0
                            mine += batch.map(\.id)
                            for message in batch { try await store.markSent(message, reference: nil, now: now) }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(all.count == 120, "every message claimed")
            #expect(Set(all).count == 120, "no message claimed twice")
            let sent = try await db.sql.raw("SELECT COUNT(*) AS n FROM duo_outbox WHERE status = 'sent'").first()!.decode(column: "n", as: Int.self)
            #expect(sent == 120)
        }
    }

    @Test("Messages of one person go in order: the next waits until the previous is answered", arguments: Engine.available)
    func orderPerPerson(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let persons = try await Self.insertPersons(db, count: 1, now: now)
            try await Self.insertMessage(db, id: "second", person: persons[0], seq: 2)
            try await Self.insertMessage(db, id: "first", person: persons[0], seq: 1)
            let store = DUOStore(database: db)
            let batch = try await store.claimOutbox(worker: "a", now: now)
            #expect(batch.map(\.id) == ["first"])
            #expect(try await store.claimOutbox(worker: "b", now: now).isEmpty, "the second waits for the first")
            try await store.markRetry("first", error: "unavailable", retryAt: now.addingTimeInterval(10))
            #expect(try await store.claimOutbox(worker: "b", now: now).isEmpty, "a retried first message still blocks the second")
            let retried = try await store.claimOutbox(worker: "b", now: now.addingTimeInterval(11))
            #expect(retried.map(\.id) == ["first"])
            try await store.markSent(retried[0], reference: nil, now: now)
            #expect(try await store.claimOutbox(worker: "b", now: now.addingTimeInterval(11)).map(\.id) == ["second"])
        }
    }

    @Test("A worker that stops mid-send leaves its claim; after the lease another worker sends it", arguments: Engine.available)
    func restartMidOutbox(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let persons = try await Self.insertPersons(db, count: 1, now: now)
            try await Self.insertMessage(db, id: "m", person: persons[0], seq: 1)
            let store = DUOStore(database: db)
            #expect(try await store.claimOutbox(worker: "crashed", now: now, leaseSeconds: 60).map(\.id) == ["m"])
            // The instance dies here: no answer is recorded. Within the lease nobody takes it over…
            #expect(try await store.claimOutbox(worker: "new", now: now.addingTimeInterval(30)).isEmpty)
            // …after it, the restarted instance does, and the message keeps its BerichtId (DUO can recognise a repeat).
            let resumed = try await store.claimOutbox(worker: "new", now: now.addingTimeInterval(61))
            #expect(resumed.map(\.id) == ["m"])
            #expect(resumed.first?.attempts == 1, "attempts counted before the claim")
            let before = try await store.fetchOutbox("m")
            #expect(before?.status == "sending")
            #expect(before?.berichtId == resumed.first?.berichtId)
        }
    }

    @Test("Notifications are claimed once, one per person at a time", arguments: Engine.available)
    func notificationsClaimedOnce(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let store = DUOStore(database: db)
            for n in 0..<30 {
                let record = DUONotificationRecord(id: "n\(n)", berichtId: UUID().uuidString, bron: DUOConfig.developmentDUOOIN,
                                                   doel: DUOConfig.developmentOIN(for: "GM0988"), municipalityCode: "GM0988", gebeurtenisId: "SS101",
                                                   bsn: String(format: "1000000%02d", n % 10), vNummer: nil, registeredAt: "2026-11-20T10:00:00Z",
                                                   receivedAt: now.epochSeconds + Int64(n))
                #expect(try await store.receive(record))
                #expect(try await store.receive(DUONotificationRecord(id: "dup\(n)", berichtId: record.berichtId, bron: record.bron, doel: record.doel,
                                                                       municipalityCode: "GM0988", gebeurtenisId: "SS101", bsn: record.bsn, vNummer: nil,
                                                                       registeredAt: record.registeredAt, receivedAt: record.receivedAt)) == false)
            }
            let later = now.addingTimeInterval(100)
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in ["a", "b"] {
                    group.addTask {
                        // As the worker does (`DUOWorker.run`): a database busy beyond its timeout (SQLite on a
                        // loaded machine) is tried again, never lost.
                        func again<T>(_ step: () async throws -> T) async throws -> T {
                            while true {
                                do { return try await step() } catch where DatabaseError.isBusy(error) { try await Task.sleep(for: .milliseconds(20)) }
                            }
                        }
                        var idle = 0, mine: [String] = []
                        while idle < 3 {
                            let batch = try await again { try await store.claimNotifications(worker: worker, now: later, limit: 4) }
                            if batch.isEmpty { idle += 1; continue }
                            idle = 0
                            #expect(Set(batch.compactMap(\.bsn)).count == batch.count, "one per person in a batch")
                            mine += batch.map(\.id)
                            for n in batch { try await again { try await store.finish(n.id, status: "processed", now: later) } }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(ids.count == 30)
            #expect(Set(ids).count == 30)
        }
    }

    @Test("One outbox: rows written before destinations existed become DUO's and are still sent; new pushes are DUO's", arguments: Engine.available)
    func existingRowsBecomeDUO(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrateThrough: "M0011_DelayNote") { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now, legacy: true)
            let persons = try await Self.insertPersons(db, count: 1, now: now, legacy: true)
            try await Self.insertMessage(db, id: "before", person: persons[0], seq: 1, status: "rejected")
            try await Self.insertMessage(db, id: "waiting", person: persons[0], seq: 2)
            // The new build starts: a fresh instance on the same database migrates and works on.
            let upgraded = try await Database.connect(db.location, maxConnections: 2, logger: db.logger)
            do {
                #expect(try await Migrator(database: upgraded).migrate() == Array(Migrator.knownIDs.drop { $0 != "M0012_Outbox" }))
                let store = DUOStore(database: upgraded)
                #expect(try await store.fetchOutbox("before")?.destination == .duo)
                let stored = try await upgraded.sql.raw("SELECT destination FROM duo_outbox ORDER BY seq").all().map { try $0.decode(column: "destination", as: String.self) }
                #expect(stored == ["duo", "duo"])
                #expect(try await store.fetchOutbox("before")?.status == "rejected")
                let claimed = try await store.claimOutbox(worker: "a", now: now)
                #expect(claimed.map(\.id) == ["waiting"])
                #expect(claimed.map(\.destination) == [.duo])
            } catch {
                await upgraded.shutdown()
                throw error
            }
            await upgraded.shutdown()
            let message = try OutboxMessage(.zroute, body: DUOResultaatZroute(datumAfrondingZroute: CalendarDate(year: 2026, month: 11, day: 1)!))
            #expect(message.destination == .duo && message.kind == "zroute")
        }
    }

    @Test("Each destination keeps its own order per person; a destination this build does not know is left alone and not listed as DUO's", arguments: Engine.available)
    func destinations(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            _ = try await World.seed(db, now: now)
            let persons = try await Self.insertPersons(db, count: 1, now: now)
            // An older message for a destination a later build adds: it neither blocks DUO's nor is claimed here.
            try await db.sql.raw("""
                INSERT INTO duo_outbox (id, seq, destination, person_id, municipality_code, kind, bsn, body, bericht_id, status, next_attempt_at, created_by, created_at)
                VALUES ('later', 1, 'archief', \(bind: persons[0]), 'GM0988', 'dossier', NULL, '{}', \(bind: UUID().uuidString), 'pending', 0, 'test', 0)
                """).run()
            try await Self.insertMessage(db, id: "duo", person: persons[0], seq: 2)
            let store = DUOStore(database: db)
            let claimed = try await store.claimOutbox(worker: "a", now: now)
            #expect(claimed.map(\.id) == ["duo"])
            #expect(claimed.map(\.destination) == [.duo])
            let scope = TenantScope(municipalityCodes: ["GM0988"])
            #expect(try await store.listOutbox(scope: scope).map(\.id) == ["duo"])
            #expect(try await store.countOutbox(scope: scope) == ["sending": 1])
            let left = try await db.sql.raw("SELECT status FROM duo_outbox WHERE id = 'later'").first()?.decode(column: "status", as: String.self)
            #expect(left == "pending")
        }
    }
}
