import DUO
import Foundation
import Inburgering
import SQLKit

/// A notification as stored: first written and acknowledged, processed afterwards.
public struct DUONotificationRecord: Codable, Sendable, Hashable {
    public var id: String
    public var berichtId: String
    public var bron: String
    public var doel: String
    public var municipalityCode: String
    public var gebeurtenisId: String
    public var bsn: String?
    public var vNummer: String?
    public var registeredAt: String
    public var receivedAt: Int64
    /// When DUO registered the event (`registratieDatumTijd`), in milliseconds since 1970; the
    /// arrival time when the text is no date-time (M0008).
    public var eventAt: Int64
    /// The order in which Regie stored the notification (assigned by `receive`; M0008).
    public var arrivalSeq: Int64
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var lastError: String?
    public var personId: String?
    public var processedAt: Int64?

    public init(id: String, berichtId: String, bron: String, doel: String, municipalityCode: String, gebeurtenisId: String,
                bsn: String?, vNummer: String?, registeredAt: String, receivedAt: Int64) {
        self.id = id
        self.berichtId = berichtId
        self.bron = bron
        self.doel = doel
        self.municipalityCode = municipalityCode
        self.gebeurtenisId = gebeurtenisId
        self.bsn = bsn
        self.vNummer = vNummer
        self.registeredAt = registeredAt
        self.receivedAt = receivedAt
        eventAt = DUODateTime.parse(registeredAt).map { Int64(($0.instant.timeIntervalSince1970 * 1000).rounded()) } ?? receivedAt * 1000
        arrivalSeq = 0
        status = "received"
        attempts = 0
        nextAttemptAt = receivedAt
    }
}

public enum DUOApplyError: Error, Equatable, Sendable {
    /// The BSN belongs to a person of a municipality outside this organisation.
    case personOfOtherOrganisation
}

/// The DUO koppeling's tables: notifications, outbox, snapshots. Work is claimed with a lease so
/// that several instances each take a row once (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite has
/// one writer at a time, so the claim's transaction alone suffices).
public struct DUOStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// How long a claim holds without a heartbeat. The worker renews the claims of what it holds
    /// while it works (a third of this), so the lease can be short and a restarted instance resumes
    /// an abandoned row within it.
    public static let leaseSeconds: Int64 = 15

    /// The timeline names DUO as the actor; it is no user, so no user id.
    public static let actor = CaseActor(id: nil, name: "DUO")

    // MARK: Notifications

    /// Stores a notification unless one with the same `BerichtId` exists. Returns false for a duplicate.
    /// The notification gets the next arrival number (PostgreSQL: a sequence; SQLite: one writer at a time).
    @discardableResult
    public func receive(_ n: DUONotificationRecord) async throws -> Bool {
        let arrival: SQLQueryString = database.kind == .postgres
            ? "nextval('duo_notifications_arrival')"
            : "(SELECT COALESCE(MAX(arrival_seq), 0) + 1 FROM duo_notifications)"
        let rows = try await database.sql.raw("""
            INSERT INTO duo_notifications (id, bericht_id, bron, doel, municipality_code, gebeurtenis_id, bsn, v_nummer,
                registered_at, received_at, status, attempts, next_attempt_at, event_at, arrival_seq)
            VALUES (\(bind: n.id), \(bind: n.berichtId), \(bind: n.bron), \(bind: n.doel), \(bind: n.municipalityCode), \(bind: n.gebeurtenisId),
                \(bind: n.bsn), \(bind: n.vNummer), \(bind: n.registeredAt), \(bind: n.receivedAt), 'received', 0, \(bind: n.receivedAt),
                \(bind: n.eventAt), \(arrival))
            ON CONFLICT (bericht_id) DO NOTHING
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Claims up to `limit` notifications that are due, for `worker`, until `leaseSeconds` from now.
    /// Notifications of one person are handled one at a time, in the order DUO registered the
    /// events, then in the order they arrived: the same notifications give the same order however
    /// they arrive (never by the random id).
    public func claimNotifications(worker: String, now: Date, leaseSeconds: Int64 = DUOStore.leaseSeconds, limit: Int = 20) async throws -> [DUONotificationRecord] {
        let t = now.epochSeconds
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { db in
            let rows = try await db.raw("""
                SELECT n.* FROM duo_notifications n
                WHERE n.status IN ('received', 'waiting') AND n.next_attempt_at <= \(bind: t)
                  AND (n.claimed_until IS NULL OR n.claimed_until < \(bind: t))
                  AND NOT EXISTS (SELECT 1 FROM duo_notifications o WHERE o.bsn = n.bsn AND o.id <> n.id
                        AND o.status IN ('received', 'waiting') AND o.claimed_until >= \(bind: t))
                ORDER BY n.event_at, n.arrival_seq LIMIT \(bind: limit)\(lock)
                """).all(decoding: DUONotificationRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            // One per person in a batch: the next one waits for this one's outcome.
            var seen = Set<String>()
            let batch = rows.filter { seen.insert($0.bsn ?? $0.id).inserted }
            guard !batch.isEmpty else { return [] }
            try await db.raw("""
                UPDATE duo_notifications SET claimed_by = \(bind: worker), claimed_until = \(bind: t + leaseSeconds), attempts = attempts + 1
                WHERE id IN (\(binds: batch.map(\.id)))
                """).run()
            return batch
        }
    }

    /// The heartbeat for claimed notifications (see `renewOutboxClaims`).
    public func renewNotificationClaims(_ ids: [String], worker: String, now: Date, leaseSeconds: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await database.sql.raw("""
            UPDATE duo_notifications SET claimed_until = \(bind: now.epochSeconds + leaseSeconds)
            WHERE id IN (\(binds: ids)) AND claimed_by = \(bind: worker) AND status IN ('received', 'waiting')
            """).run()
    }

    /// Leaves a notification for later (DUO down, or the case it needs does not exist yet).
    public func postpone(_ id: String, status: String, error: String, retryAt: Date) async throws {
        try await database.sql.raw("""
            UPDATE duo_notifications SET status = \(bind: status), last_error = \(bind: error), next_attempt_at = \(bind: retryAt.epochSeconds),
                claimed_by = NULL, claimed_until = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// Ends a notification without a case change (unknown event, nothing to do, or a final failure).
    public func finish(_ id: String, status: String, error: String? = nil, personId: String? = nil, now: Date) async throws {
        try await database.sql.raw("""
            UPDATE duo_notifications SET status = \(bind: status), last_error = \(bind: error), processed_at = \(bind: now.epochSeconds),
                person_id = COALESCE(\(bind: personId), person_id), claimed_by = NULL, claimed_until = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// What Regie knows of the person a notification is about (global BSN/V-nummer lookup).
    public func caseState(bsn: String?, vNummer: String?) async throws -> (personId: String, municipalityCode: String, bsn: String?, state: DUOCaseState)? {
        guard bsn != nil || vNummer != nil else { return nil }
        guard let row = try await database.sql.raw("""
            SELECT p.id, p.municipality_code, p.bsn, p.doelgroep, t.closed_date, t.kennisgeving_date, t.leerroute
            FROM persons p JOIN trajecten t ON t.person_id = p.id
            WHERE p.bsn = \(bind: bsn ?? "-") OR p.v_nummer = \(bind: vNummer ?? "-")
            LIMIT 1
            """).first() else { return nil }
        let personId = try row.decode(column: "id", as: String.self)
        let lbt = try await database.sql.raw("SELECT test_date FROM leerbaarheidstoetsen WHERE person_id = \(bind: personId) AND test_date IS NOT NULL")
            .all().compactMap { try CalendarDate(iso: $0.decode(column: "test_date", as: String.self)) }
        let state = DUOCaseState(
            exists: true, closed: try row.decodeNil(column: "closed_date") == false,
            doelgroep: Doelgroep(rawValue: try row.decode(column: "doelgroep", as: String.self)),
            kennisgeving: try row.decode(column: "kennisgeving_date", as: String?.self).flatMap(CalendarDate.init(iso:)),
            leerroute: try row.decode(column: "leerroute", as: String?.self).flatMap(Leerroute.init(rawValue:)),
            lbtDates: Set(lbt))
        return (personId, try row.decode(column: "municipality_code", as: String.self), try row.decode(column: "bsn", as: String?.self), state)
    }

    /// Applies a processed notification's updates to its case in one transaction: the person and
    /// case (created when the event starts one), the timeline line, tasks, the pulled snapshots, the
    /// nearest term, the audit entry, and the notification marked processed. Notifications of the
    /// same person that waited for the case are made due again.
    public func apply(
        notification n: DUONotificationRecord, updates: [DUOCaseUpdate], pulled: DUOPulled, notified: CalendarDate,
        taskTitles: [DUOTaak: String], now: Date
    ) async throws -> String {
        return try await database.transaction { db in
            var personId = try await db.raw("""
                SELECT id, municipality_code FROM persons WHERE bsn = \(bind: n.bsn ?? "-") OR v_nummer = \(bind: n.vNummer ?? "-") LIMIT 1
                """).first().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "municipality_code", as: String.self)) }
            var created = false
            if let (id, municipality) = personId, municipality != n.municipalityCode {
                // The file is known in another municipality: only one of the same organisation may act on it.
                let shared = try await db.raw("""
                    SELECT 1 FROM organisation_municipalities a JOIN organisation_municipalities b ON a.organisation_id = b.organisation_id
                    WHERE a.municipality_code = \(bind: municipality) AND b.municipality_code = \(bind: n.municipalityCode) LIMIT 1
                    """).first()
                guard shared != nil else { throw DUOApplyError.personOfOtherOrganisation }
                if n.gebeurtenisId == Gebeurtenis.gevestigdZonderPIP.id || n.gebeurtenisId == Gebeurtenis.gevestigdMetPIPVorigeGemeente.id {
                    // Settled here (SS120/SS121): the file moves along to the new municipality.
                    try await db.raw("UPDATE persons SET municipality_code = \(bind: n.municipalityCode), updated_at = \(bind: now.epochSeconds) WHERE id = \(bind: id)").run()
                    try await db.raw("UPDATE trajecten SET municipality_code = \(bind: n.municipalityCode), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: id)").run()
                    personId = (id, n.municipalityCode)
                }
            }
            if personId == nil, case .openCase(let group)? = updates.first(where: { if case .openCase = $0 { true } else { false } }) {
                let id = UUID().uuidString.lowercased()
                try await db.raw("""
                    INSERT INTO persons (id, municipality_code, bsn, v_nummer, given_names, family_name, search_name, date_of_birth, gender,
                        doelgroep, language, interpreter_needed, details_pending, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: n.municipalityCode), \(bind: n.bsn), \(bind: n.vNummer), '', '', '', '', 'x',
                        \(bind: group.rawValue), '', 0, 1, \(bind: now.epochSeconds), \(bind: now.epochSeconds))
                    """).run()
                try await db.raw("""
                    INSERT INTO trajecten (id, person_id, municipality_code, phase, created_at, updated_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: id), \(bind: n.municipalityCode), 'signaal',
                        \(bind: now.epochSeconds), \(bind: now.epochSeconds))
                    """).run()
                // The BRP completes the new case (name, birth date, address): queued in the same
                // transaction, so the lookup follows the signal without waiting for a scan.
                try await db.raw("""
                    INSERT INTO brp_queue (person_id, purpose, due_at, created_at)
                    VALUES (\(bind: id), 'aanvullen', \(bind: now.epochSeconds), \(bind: now.epochSeconds))
                    """).run()
                personId = (id, n.municipalityCode)
                created = true
            }
            guard let (id, municipality) = personId else { throw DatabaseError.unexpected("no case for a DUO update") }
            let today = notified.iso
            let consulent = try await db.raw("SELECT consulent_id FROM trajecten WHERE person_id = \(bind: id)").first()
                .flatMap { try $0.decode(column: "consulent_id", as: String?.self) }
            for update in updates {
                switch update {
                case .openCase:
                    break
                case .setDoelgroep(let group):
                    try await db.raw("UPDATE persons SET doelgroep = \(bind: group.rawValue), updated_at = \(bind: now.epochSeconds) WHERE id = \(bind: id)").run()
                case .setKennisgeving(let day):
                    try await db.raw("UPDATE trajecten SET kennisgeving_date = \(bind: day.iso) WHERE person_id = \(bind: id)").run()
                case .setTienWekenStart(let day):
                    // The latest SS139 by DUO's own date decides, whichever was processed last.
                    try await db.raw("""
                        UPDATE trajecten SET duo_ten_weeks_start = \(bind: day.iso)
                        WHERE person_id = \(bind: id) AND (duo_ten_weeks_start IS NULL OR duo_ten_weeks_start < \(bind: day.iso))
                        """).run()
                case .setTermijn(let start, let last, let ground):
                    // R10: DUO's term is the term from the day Regie learns it (a changed term is "known" from this notification).
                    try await db.raw("""
                        UPDATE trajecten SET duo_term_known = CASE WHEN duo_term_start IS NULL OR duo_term_start <> \(bind: start.iso)
                                OR duo_term_end IS NULL OR duo_term_end <> \(bind: last.iso) THEN \(bind: today) ELSE duo_term_known END,
                            duo_term_start = \(bind: start.iso), duo_term_end = \(bind: last.iso), duo_term_ground = \(bind: ground)
                        WHERE person_id = \(bind: id)
                        """).run()
                case .setTijdelijkeVrijstelling(let from, let until):
                    try await db.raw("""
                        UPDATE trajecten SET duo_exempt = 1, duo_exempt_from = \(bind: (from ?? notified).iso), duo_exempt_until = \(bind: until?.iso)
                        WHERE person_id = \(bind: id)
                        """).run()
                case .clearTijdelijkeVrijstelling:
                    // R1b: the exemption ended the day before the obligation returned; its dates stay for the clock.
                    let lastDay = notified.adding(days: -1).iso
                    try await db.raw("""
                        UPDATE trajecten SET duo_exempt = 0,
                            duo_exempt_until = CASE WHEN duo_exempt_until IS NULL OR duo_exempt_until > \(bind: lastDay) THEN \(bind: lastDay) ELSE duo_exempt_until END
                        WHERE person_id = \(bind: id) AND duo_exempt = 1
                        """).run()
                case .recordLBT(let day, let score):
                    try await db.raw("""
                        INSERT INTO leerbaarheidstoetsen (id, person_id, test_date, administrator, conditions, score, created_by, created_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: id), \(bind: day.iso), 'DUO', '', \(bind: score), 'duo', \(bind: now.epochSeconds))
                        """).run()
                    try await CaseworkStore.insertEvent(CaseChange(kind: "lbt.afgenomen", date: day.iso, detail: "\(score)/40"), personId: id,
                                                        actor: Self.actor, at: now, on: db)
                case .close(let einde, let day):
                    try await db.raw("""
                        UPDATE trajecten SET closed_date = \(bind: day.iso), closed_reason = \(bind: einde.rawValue), phase = \(bind: einde.fase.rawValue),
                            updated_at = \(bind: now.epochSeconds)
                        WHERE person_id = \(bind: id) AND closed_date IS NULL
                        """).run()
                case .task(let taak):
                    let title = taskTitles[taak] ?? taak.rawValue
                    // Due a number of days after DUO registered the event, not after Regie processed it.
                    let due = notified.adding(days: taak.dueInDays).iso
                    // One open task per kind: SS101 and SS139 both ask for the intake, once. The earliest
                    // event that asked for it sets its due date, in whatever order the events arrive.
                    if let open = try await db.raw("""
                        SELECT id, due_date FROM taken WHERE person_id = \(bind: id) AND source = 'duo' AND title = \(bind: title) AND done_at IS NULL
                        ORDER BY due_date LIMIT 1
                        """).first() {
                        let openDue = try open.decode(column: "due_date", as: String?.self)
                        if let openDue, openDue > due {
                            try await db.raw("UPDATE taken SET due_date = \(bind: due) WHERE id = \(bind: try open.decode(column: "id", as: String.self))").run()
                        }
                        continue
                    }
                    try await db.raw("""
                        INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: id), \(bind: title), \(bind: due),
                            \(bind: consulent), 'duo', 'duo', \(bind: now.epochSeconds))
                        """).run()
                }
            }
            try await CaseworkStore.insertEvent(CaseChange(kind: "duo.\(n.gebeurtenisId)", date: today, detail: n.gebeurtenisId),
                                                personId: id, actor: Self.actor, at: now, on: db)
            try await Self.saveSnapshots(pulled, personId: id, now: now, on: db)
            try await CaseworkStore.refreshNextDue(personId: id, on: db, today: CalendarDate.today(now: now))
            try await db.raw("""
                UPDATE duo_notifications SET status = 'processed', person_id = \(bind: id), processed_at = \(bind: now.epochSeconds),
                    last_error = NULL, claimed_by = NULL, claimed_until = NULL
                WHERE id = \(bind: n.id)
                """).run()
            if created {
                try await db.raw("""
                    UPDATE duo_notifications SET next_attempt_at = \(bind: now.epochSeconds)
                    WHERE status = 'waiting' AND (bsn = \(bind: n.bsn ?? "-") OR v_nummer = \(bind: n.vNummer ?? "-"))
                    """).run()
            }
            try await AuditStore.append([AuditEvent(
                actorId: "duo", actorName: "DUO", actorRole: "systeem", organisationId: nil, action: AuditAction.duoNotificationProcess.rawValue,
                personId: id, municipalityCode: municipality, purpose: "inburgering", requestId: n.berichtId, detail: n.gebeurtenisId)],
                at: now, on: db)
            return id
        }
    }

    /// Stores the pulled state per kind (the latest one wins), for the DUO tab and reconciliation.
    static func saveSnapshots(_ pulled: DUOPulled, personId: String, now: Date, on db: any SQLDatabase) async throws {
        func save<T: Encodable>(_ kind: String, _ value: T?) async throws {
            guard let value else { return }
            try await saveBody(kind, String(decoding: try DUOJSON.encode(value), as: UTF8.self))
        }
        func saveBody(_ kind: String, _ body: String) async throws {
            try await db.raw("""
                INSERT INTO duo_snapshots (person_id, kind, body, fetched_at) VALUES (\(bind: personId), \(bind: kind), \(bind: body), \(bind: now.epochSeconds))
                ON CONFLICT (person_id, kind) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at
                """).run()
        }
        try await save("inburgeringsplicht", pulled.plicht)
        try await save("doelgroep", pulled.doelgroep)
        try await save("termijn", pulled.termijn)
        try await save("lbt", pulled.lbtResultaten)
        try await save("vrijstellingen", pulled.vrijstellingen)
        try await save("ontheffingen", pulled.ontheffingen)
        try await save("examens", pulled.examens)
        if let pip = pulled.pip {
            try await save("pip", pip)
        } else if pulled.fetched.contains(.pip) {
            try await saveBody("pip", "null")  // DUO has no PIP: compared as "none"
        }
    }

    /// Stores a refresh's pulled state for a person in scope (reconciliation), with its audit entry.
    public func saveRefresh(_ pulled: DUOPulled, personId: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            try await Self.saveSnapshots(pulled, personId: personId, now: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    public struct Snapshot: Codable, Sendable, Hashable {
        public var kind: String
        public var body: String
        public var fetchedAt: Int64
    }

    public func snapshots(personId: String, scope: TenantScope) async throws -> [Snapshot] {
        return try await database.sql.raw("""
            SELECT s.kind AS "kind", s.body AS "body", s.fetched_at AS "fetchedAt" FROM duo_snapshots s JOIN persons p ON p.id = s.person_id
            WHERE s.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY s.kind
            """).all(decoding: Snapshot.self)
    }

    public func listNotifications(scope: TenantScope, personId: String? = nil, status: String? = nil, limit: Int = 100) async throws -> [DUONotificationRecord] {
        var query: SQLQueryString = "SELECT * FROM duo_notifications WHERE \(scope.municipalities(needs: .casework))"
        if let personId { query = query + " AND person_id = \(bind: personId)" }
        if let status { query = query + " AND status = \(bind: status)" }
        query = query + " ORDER BY received_at DESC, arrival_seq DESC LIMIT \(bind: limit)"
        return try await database.sql.raw(query).all(decoding: DUONotificationRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Notifications received since `since` in scope (the caseload's "new signals" tile; index on municipality and time).
    public func countNotifications(scope: TenantScope, since: Date) async throws -> Int {
        return try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM duo_notifications WHERE \(scope.municipalities(needs: .casework)) AND received_at >= \(bind: since.epochSeconds)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func countNotifications(scope: TenantScope) async throws -> [String: Int] {
        try await countByStatus("duo_notifications", scope: scope)
    }

    /// Rows per status of one of this store's tables (`table` is a constant of this file, never input).
    private func countByStatus(_ table: String, scope: TenantScope, destination: OutboxDestination? = nil) async throws -> [String: Int] {
        let only: SQLQueryString = destination.map { " AND destination = \(bind: $0.rawValue)" } ?? ""
        let rows = try await database.sql.raw("""
            SELECT status, COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(scope.municipalities(needs: .casework))\(only) GROUP BY status
            """).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "status", as: String.self), try $0.decode(column: "n", as: Int.self)) })
    }

    /// Every municipality code of this instance (the notification API maps a `Doel` OIN to one).
    public func municipalityCodes() async throws -> [String] {
        try await database.sql.raw("SELECT code FROM municipalities ORDER BY code").all().map { try $0.decode(column: "code", as: String.self) }
    }

    // MARK: Outbox

    /// Writes outbox messages for a person inside the caller's transaction, in order (each with its destination).
    static func enqueue(_ messages: [DUOOutboxMessage], personId: String, municipalityCode: String, bsn: String?, createdBy: String,
                        now: Date, on db: any SQLDatabase) async throws {
        let base = Int64(now.timeIntervalSince1970 * 1_000_000)
        for (offset, message) in messages.enumerated() {
            try await db.raw("""
                INSERT INTO duo_outbox (id, seq, destination, person_id, municipality_code, kind, bsn, body, reference, bericht_id, status, attempts,
                    next_attempt_at, source_id, created_by, created_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: base + Int64(offset)), \(bind: message.destination.rawValue), \(bind: personId), \(bind: municipalityCode),
                    \(bind: message.kind), \(bind: bsn), \(bind: message.body), \(bind: message.reference),
                    \(bind: UUID().uuidString.lowercased()), 'pending', 0, \(bind: now.epochSeconds), \(bind: message.sourceId),
                    \(bind: createdBy), \(bind: now.epochSeconds))
                """).run()
        }
    }

    /// The case's contact person for DUO, sent through the outbox (Contactpersoon API), with a
    /// timeline line and the audit entry; nil when the person is not in scope.
    public func enqueueContactpersoon(personId: String, _ gegevens: DUOContactpersoonGegevens, scope: TenantScope, actor: CaseActor,
                                      audit: AuditEvent, now: Date) async throws -> Bool? {
        let message = try DUOOutboxMessage(.contactpersoon, body: gegevens)
        return try await database.transaction { db in
            guard let person = try await db.raw("""
                SELECT p.id, p.municipality_code, p.bsn FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .casework))
                """).first() else { return nil }
            try await Self.enqueue([message], personId: personId, municipalityCode: try person.decode(column: "municipality_code", as: String.self),
                                   bsn: try person.decode(column: "bsn", as: String?.self), createdBy: actor.id ?? "-", now: now, on: db)
            try await CaseworkStore.insertEvent(CaseChange(kind: "duo.contactpersoon", date: CalendarDate.today(now: now).iso, detail: gegevens.naam),
                                                personId: personId, actor: actor, at: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
            return true
        }
    }

    /// Claims due messages of every destination this build knows, at most the oldest unfinished one
    /// per person and destination (order per person and destination), for `worker`.
    public func claimOutbox(worker: String, now: Date, leaseSeconds: Int64 = DUOStore.leaseSeconds, limit: Int = 20) async throws -> [DUOOutboxRecord] {
        let t = now.epochSeconds
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { db in
            let rows = try await db.raw("""
                SELECT o.* FROM duo_outbox o
                WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= \(bind: t)
                  AND (o.claimed_until IS NULL OR o.claimed_until < \(bind: t))
                  AND o.destination IN (\(binds: OutboxDestination.allCases.map(\.rawValue)))
                  AND NOT EXISTS (SELECT 1 FROM duo_outbox e WHERE e.person_id = o.person_id AND e.destination = o.destination
                                  AND e.seq < o.seq AND e.status IN ('pending', 'sending'))
                ORDER BY o.seq LIMIT \(bind: limit)\(lock)
                """).all(decoding: DUOOutboxRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard !rows.isEmpty else { return [] }
            try await db.raw("""
                UPDATE duo_outbox SET status = 'sending', claimed_by = \(bind: worker), claimed_until = \(bind: t + leaseSeconds), attempts = attempts + 1
                WHERE id IN (\(binds: rows.map(\.id)))
                """).run()
            return rows
        }
    }

    /// The heartbeat of a worker that holds claims: extends them to `leaseSeconds` from `now`, only
    /// where `worker` still holds them (a finished or taken-over message is left alone).
    public func renewOutboxClaims(_ ids: [String], worker: String, now: Date, leaseSeconds: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await database.sql.raw("""
            UPDATE duo_outbox SET claimed_until = \(bind: now.epochSeconds + leaseSeconds)
            WHERE id IN (\(binds: ids)) AND claimed_by = \(bind: worker) AND status = 'sending'
            """).run()
    }

    /// DUO accepted the message: marked sent, with a timeline line on the case.
    public func markSent(_ m: DUOOutboxRecord, reference: String?, now: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE duo_outbox SET status = 'sent', sent_at = \(bind: now.epochSeconds), reference = COALESCE(\(bind: reference), reference),
                    last_error = NULL, claimed_by = NULL, claimed_until = NULL
                WHERE id = \(bind: m.id)
                """).run()
            try await CaseworkStore.insertEvent(CaseChange(kind: "duo.sent", date: CalendarDate.today(now: now).iso, detail: m.kind),
                                                personId: m.personId, actor: Self.actor, at: now, on: db)
            // DUO now holds this PIP: what Regie knows of DUO's side follows.
            if m.destination == .duo, m.kind == DUOPush.pip.rawValue, let bericht = try? DUOJSON.decode(DUOPIPBericht.self, from: Data(m.body.utf8)) {
                var pulled = DUOPulled()
                pulled.pip = DUOGemeentePIP(gemeentecode: String(m.municipalityCode.suffix(4)), pip: bericht)
                try await Self.saveSnapshots(pulled, personId: m.personId, now: now, on: db)
            }
        }
    }

    /// DUO refused the message (`rejected`, with DUO's reasons), or the law stopped it before sending
    /// (`stopped`, with the law's reasons). Either way the case worker sees why, on the case's
    /// timeline and, when `taskTitle` is given, as a task.
    public func refuse(_ m: DUOOutboxRecord, status: String, reasons: [String], now: Date, taskTitle: String? = nil) async throws {
        let json = String(decoding: try JSONEncoder().encode(reasons), as: UTF8.self)
        try await database.transaction { db in
            try await db.raw("""
                UPDATE duo_outbox SET status = \(bind: status), fouten = \(bind: json), sent_at = \(bind: status == "rejected" ? now.epochSeconds : nil),
                    claimed_by = NULL, claimed_until = NULL
                WHERE id = \(bind: m.id)
                """).run()
            let today = CalendarDate.today(now: now)
            try await CaseworkStore.insertEvent(CaseChange(kind: "duo.\(status)", date: today.iso, detail: m.kind),
                                                personId: m.personId, actor: Self.actor, at: now, on: db)
            if let taskTitle {
                let consulent = try await db.raw("SELECT consulent_id FROM trajecten WHERE person_id = \(bind: m.personId)").first()
                    .flatMap { try $0.decode(column: "consulent_id", as: String?.self) }
                try await db.raw("""
                    INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: m.personId), \(bind: taskTitle), \(bind: today.adding(days: 5).iso),
                        \(bind: consulent), 'duo', 'duo', \(bind: now.epochSeconds))
                    """).run()
            }
        }
    }

    /// What DUO last said about a person's obligation and PIP: the start of the obligation (its
    /// Inburgeringsplicht `begindatum`) and the dagtekening of the PIP it holds (what it returned, or
    /// the last PIP Regie sent that it accepted).
    public func whatDUOSaid(personId: String) async throws -> (start: CalendarDate?, currentPIP: CalendarDate?) {
        // DUO's last word on the duty and the PIP, and the last PIP DUO accepted from Regie, in one read.
        let rows = try await database.sql.raw("""
            SELECT kind, body FROM duo_snapshots WHERE person_id = \(bind: personId) AND kind IN ('inburgeringsplicht', 'pip')
            UNION ALL
            SELECT 'sent', body FROM (
                SELECT body FROM duo_outbox WHERE person_id = \(bind: personId) AND destination = 'duo' AND kind = 'pip' AND status = 'sent'
                ORDER BY seq DESC LIMIT 1) last_sent
            """).all()
        var start: CalendarDate?
        var current: CalendarDate?
        var sent: DUOPIPBericht?
        for row in rows {
            let body = Data(try row.decode(column: "body", as: String.self).utf8)
            switch try row.decode(column: "kind", as: String.self) {
            case "inburgeringsplicht": start = (try? DUOJSON.decode(Inburgeringsplicht.self, from: body))?.begindatum
            case "pip": current = (try? DUOJSON.decode(DUOGemeentePIP.self, from: body))?.pip.dagtekeningPip
            default: sent = try? DUOJSON.decode(DUOPIPBericht.self, from: body)
            }
        }
        if let sentDay = sent?.dagtekeningPip, current.map({ sentDay > $0 }) ?? true { current = sentDay }
        return (start, current)
    }

    /// DUO's PIP rules' context for a message about to be sent (the worker's check), assembled as the
    /// PIP page assembles it (`PIPValidationContext.voorZaak`), without the message's own version.
    public func pipContext(personId: String, excludingSource: String?) async throws -> PIPValidationContext {
        let sql = database.sql
        guard let person = try await sql.raw("""
            SELECT p.doelgroep, t.kennisgeving_date, t.brp_date FROM persons p JOIN trajecten t ON t.person_id = p.id WHERE p.id = \(bind: personId)
            """).first() else {
            return PIPValidationContext(categorie: .gezinsmigrantEnOverig)
        }
        let date = { (column: String) in try person.decode(column: column, as: String?.self).flatMap(CalendarDate.init(iso:)) }
        let fixed = try await sql.raw("""
            SELECT dagtekening FROM pips WHERE person_id = \(bind: personId) AND status = 'vastgesteld' AND id <> \(bind: excludingSource ?? "-")
            """).all().compactMap { try $0.decode(column: "dagtekening", as: String?.self).flatMap(CalendarDate.init(iso:)) }
        let duo = try await whatDUOSaid(personId: personId)
        return .voorZaak(categorie: Doelgroep(rawValue: try person.decode(column: "doelgroep", as: String.self))?.categorie ?? .gezinsmigrantEnOverig,
                         kennisgeving: try date("kennisgeving_date"), brpInschrijving: try date("brp_date"), vastgesteldeDagtekeningen: fixed,
                         duoStart: duo.start, duoHuidigePIP: duo.currentPIP)
    }

    /// DUO could not be reached: keep the message and try again at `retryAt`.
    public func markRetry(_ id: String, error: String, retryAt: Date, reference: String? = nil) async throws {
        try await database.sql.raw("""
            UPDATE duo_outbox SET status = 'pending', last_error = \(bind: error), next_attempt_at = \(bind: retryAt.epochSeconds),
                reference = COALESCE(\(bind: reference), reference), claimed_by = NULL, claimed_until = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// DUO may have received the message but Regie does not know (no answer came back): it stays
    /// `sending`, unclaimed, until `retryAt`; the next attempt asks DUO before sending again.
    public func markUnknown(_ id: String, error: String, retryAt: Date) async throws {
        try await database.sql.raw("""
            UPDATE duo_outbox SET status = 'sending', last_error = \(bind: error), next_attempt_at = \(bind: retryAt.epochSeconds),
                claimed_by = NULL, claimed_until = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// Keeps what DUO gave in a first step (a contact person's id) before the next step is sent.
    public func saveReference(_ id: String, reference: String) async throws {
        try await database.sql.raw("UPDATE duo_outbox SET reference = \(bind: reference) WHERE id = \(bind: id)").run()
    }

    /// Staff ask to send a waiting or refused message again now; nil when not in scope. A message
    /// whose outcome is unknown stays `sending`, so that DUO is asked before it goes again.
    public func retryNow(_ id: String, scope: TenantScope, audit: AuditEvent, now: Date) async throws -> DUOOutboxRecord? {
        return try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT * FROM duo_outbox WHERE id = \(bind: id) AND \(scope.municipalities(needs: .casework))
                """).first(decoding: DUOOutboxRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
            guard row.status != "sent" else { return row }
            try await db.raw("""
                UPDATE duo_outbox SET status = CASE WHEN status = 'sending' THEN 'sending' ELSE 'pending' END,
                    next_attempt_at = \(bind: now.epochSeconds), fouten = NULL, claimed_by = NULL, claimed_until = NULL
                WHERE id = \(bind: id) AND (claimed_until IS NULL OR claimed_until < \(bind: now.epochSeconds))
                """).run()
            var audited = audit
            audited.personId = row.personId
            audited.municipalityCode = row.municipalityCode
            try await AuditStore.append([audited], at: now, on: db)
            return row
        }
    }

    /// The messages for DUO (what the DUO pages and the case's DUO tab list), newest first.
    public func listOutbox(scope: TenantScope, personId: String? = nil, statuses: [String]? = nil, limit: Int = 100) async throws -> [DUOOutboxRecord] {
        var query: SQLQueryString = "SELECT * FROM duo_outbox WHERE \(scope.municipalities(needs: .casework))"
        query = query + " AND destination = \(bind: OutboxDestination.duo.rawValue)"
        if let personId { query = query + " AND person_id = \(bind: personId)" }
        if let statuses { query = query + " AND status IN (\(binds: statuses))" }
        query = query + " ORDER BY seq DESC LIMIT \(bind: limit)"
        return try await database.sql.raw(query).all(decoding: DUOOutboxRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func countOutbox(scope: TenantScope) async throws -> [String: Int] {
        try await countByStatus("duo_outbox", scope: scope, destination: .duo)
    }

    public func fetchOutbox(_ id: String) async throws -> DUOOutboxRecord? {
        try await database.sql.raw("SELECT * FROM duo_outbox WHERE id = \(bind: id)")
            .first(decoding: DUOOutboxRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Reconciliation

    public struct ReconciliationRow: Sendable, Hashable {
        public var personId: String
        public var name: String
        public var municipalityCode: String
        public var regie: RegieFacts
        public var verschillen: [Verschil]
        public var fetchedAt: Int64
    }

    /// People in scope whose Regie facts differ from what DUO last reported, most recently pulled
    /// first. Reads only people with something pulled from DUO, at most `limit` of them.
    public func reconciliation(scope: TenantScope, limit: Int = 500) async throws -> [ReconciliationRow] {
        let rows = try await database.sql.raw("""
            SELECT p.id, p.given_names, p.family_name, p.municipality_code, p.doelgroep, t.closed_date,
                   (SELECT MAX(s.fetched_at) FROM duo_snapshots s WHERE s.person_id = p.id) AS fetched_at
            FROM persons p JOIN trajecten t ON t.person_id = p.id
            WHERE \(scope.persons(needs: .casework))
              AND EXISTS (SELECT 1 FROM duo_snapshots s WHERE s.person_id = p.id)
            ORDER BY fetched_at DESC, p.id LIMIT \(bind: limit)
            """).all()
        var result: [ReconciliationRow] = []
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let pips = try await database.sql.raw("""
                SELECT dagtekening, leerroute FROM pips WHERE person_id = \(bind: id) AND status = 'vastgesteld' ORDER BY version
                """).all()
            let days = try pips.compactMap { try $0.decode(column: "dagtekening", as: String?.self).flatMap(CalendarDate.init(iso:)) }
            let regie = RegieFacts(
                open: try row.decodeNil(column: "closed_date"),
                doelgroep: Doelgroep(rawValue: try row.decode(column: "doelgroep", as: String.self)),
                pipDagtekening: days.last,
                pipLeerroute: try pips.last.flatMap { try Leerroute(rawValue: $0.decode(column: "leerroute", as: String.self)) },
                // Like with like: DUO's term starts the day after the first PIP's dagtekening (R2, Wi2021 art. 11).
                termijnStart: days.min().map { InburgeringstermijnRule.basis(eerstePIPDagtekening: $0).start })
            var snapshots: [String: Data] = [:]
            for snap in try await database.sql.raw("SELECT kind, body FROM duo_snapshots WHERE person_id = \(bind: id)").all() {
                snapshots[try snap.decode(column: "kind", as: String.self)] = Data(try snap.decode(column: "body", as: String.self).utf8)
            }
            let verschillen = DUOAfstemming.compare(
                regie, plicht: snapshots["inburgeringsplicht"].flatMap { try? DUOJSON.decode(Inburgeringsplicht.self, from: $0) },
                doelgroep: snapshots["doelgroep"].flatMap { try? DUOJSON.decode(DoelgroepInfo.self, from: $0) },
                pip: snapshots["pip"].flatMap { try? DUOJSON.decode(DUOGemeentePIP.self, from: $0) },
                pipPulled: snapshots["pip"] != nil,
                termijn: snapshots["termijn"].flatMap { try? DUOJSON.decode(DUOTermijn.self, from: $0) })
            guard !verschillen.isEmpty else { continue }
            let name = [try row.decode(column: "given_names", as: String.self), try row.decode(column: "family_name", as: String.self)]
                .joined(separator: " ").trimmingCharacters(in: .whitespaces)
            result.append(ReconciliationRow(personId: id, name: name, municipalityCode: try row.decode(column: "municipality_code", as: String.self),
                                            regie: regie, verschillen: verschillen, fetchedAt: try row.decode(column: "fetched_at", as: Int64?.self) ?? 0))
        }
        return result
    }
}
