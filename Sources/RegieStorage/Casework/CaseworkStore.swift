import DUO
import Foundation
import Inburgering
import SQLKit

/// The casework of one person: timeline, brede intake, LBT and advice, route decision and PIP.
/// Every method takes the request's `TenantScope`; a person outside it is `nil` (a 404 at the edge).
/// Every change runs in one transaction with its timeline line, the traject's nearest term and
/// its audit entry, so the three never disagree.
public struct CaseworkStore: Sendable {
    let database: Database
    let seal: FieldSeal

    public init(database: Database, seal: FieldSeal) {
        self.database = database
        self.seal = seal
    }

    // MARK: The one way to change a case

    /// Loads the person (in scope) and traject inside a transaction, runs `body`, writes the
    /// timeline lines it returns, recomputes the nearest term and appends the audit entry.
    /// Returns nil when the person is not in scope.
    /// `changesPerson`: the body updates the person's row, so the terms are recomputed from the row
    /// as it is afterwards (otherwise the row read at the start is used again).
    func change<T: Sendable>(
        personId: String, scope: TenantScope, needs: DataClasses = .casework, changesPerson: Bool = false, actor: CaseActor, audit: AuditEvent, now: Date,
        _ body: @escaping @Sendable (any SQLDatabase, PersonRecord, TrajectRecord) async throws -> (T, [CaseChange])
    ) async throws -> T? {
        let kind = database.kind
        return try await database.transaction { db in
            guard let person = try await db.raw("""
                SELECT p.* FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: needs))
                """).first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                let traject = try await db.raw("SELECT * FROM trajecten WHERE person_id = \(bind: personId)")
                    .first(decoding: TrajectRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            else { return nil }
            let (result, changes) = try await body(db, person, traject)
            for change in changes {
                try await Self.insertEvent(change, personId: personId, actor: actor, at: now, on: db)
            }
            try await Self.refreshNextDue(personId: personId, person: changesPerson ? nil : person, on: db, today: CalendarDate.today(now: now))
            try await AuditStore.append([audit], at: now, on: db, kind: kind)
            return result
        }
    }

    static func insertEvent(_ change: CaseChange, personId: String, actor: CaseActor, at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO case_events (id, person_id, occurred_at, event_date, kind, actor_id, actor_name, detail)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: personId), \(bind: now.epochSeconds), \(bind: change.date),
                    \(bind: change.kind), \(bind: actor.id), \(bind: actor.name), \(bind: change.detail))
            """).run()
    }

    /// Rebuilds the case's law facts from its tables and stores them with the traject's nearest running
    /// term (the lists' sort key) and the PIP deadline, all from the law module.
    /// `person`: the person's row when the caller has it as it is now.
    static func refreshNextDue(personId: String, person known: PersonRecord? = nil, on db: any SQLDatabase, today: CalendarDate) async throws {
        let read = known == nil ? try await db.raw("SELECT * FROM persons WHERE id = \(bind: personId)")
            .first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase) : nil
        guard let person = known ?? read,
              let traject = try await db.raw("SELECT * FROM trajecten WHERE person_id = \(bind: personId)")
                .first(decoding: TrajectRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { return }
        let settings = try await SettingsStore.fetch(traject.municipalityCode, on: db)
        let facts = try await LawFactsLoader.load(person: person, traject: traject, on: db)
        let next = facts.flatMap { NextTerm.pick(StatutoryClock.terms(for: $0, settings: settings.law, on: today)) }
        // R1: the last day of the 10-week PIP term, for the figures (M0004).
        let pipDue = facts.flatMap(PIPDeadlineRule.deadline(for:))?.deadline.iso
        try await db.raw("""
            UPDATE trajecten SET next_due_date = \(bind: next?.due.iso ?? M0002_Casework.noDueDate),
                next_due_kind = \(bind: next?.kind.rawValue ?? ""), pip_due_date = \(bind: pipDue), facts_json = \(bind: try LawFactsLoader.encode(facts))
            WHERE person_id = \(bind: personId)
            """).run()
    }

    /// Moves the traject's phase forward to `phase` (never back) and notes the last contact.
    static func advance(personId: String, to phase: TrajectFase, current: String, on db: any SQLDatabase, now: Date) async throws {
        guard let next = FaseVolgordeRule.volgende(huidig: TrajectFase(rawValue: current) ?? .signaal, bereikt: phase) else { return }
        try await db.raw("UPDATE trajecten SET phase = \(bind: next.rawValue), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: personId)").run()
    }

    /// Recomputes the nearest term of open trajecten that have none stored yet (after the migration
    /// that added it, or an import), in batches. Returns how many were updated.
    @discardableResult
    public func backfillNextDue(now: Date, batchSize: Int = 500) async throws -> Int {
        let today = CalendarDate.today(now: now)
        var total = 0
        while true {
            let ids = try await database.sql.raw("""
                SELECT person_id FROM trajecten WHERE next_due_kind IS NULL ORDER BY person_id LIMIT \(bind: batchSize)
                """).all().map { try $0.decode(column: "person_id", as: String.self) }
            if ids.isEmpty { return total }
            try await database.transaction { db in
                for id in ids { try await Self.refreshNextDue(personId: id, on: db, today: today) }
            }
            total += ids.count
        }
    }

    /// Rows of one casework table for a person in scope, decoded by their snake_case columns.
    /// `table` and `order` are constants of this file, never input.
    func rows<T: Decodable>(_ table: String, personId: String, scope: TenantScope, order: String, needs: DataClasses = .casework, as type: T.Type) async throws -> [T] {
        return try await database.sql.raw("""
            SELECT x.* FROM \(unsafeRaw: table) x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId) AND \(scope.persons(needs: needs))
            ORDER BY \(unsafeRaw: order)
            """).all(decoding: T.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Timeline

    public func listEvents(personId: String, scope: TenantScope, limit: Int = 200) async throws -> [CaseEventRecord] {
        return try await database.sql.raw("""
            SELECT e.* FROM case_events e JOIN persons p ON p.id = e.person_id
            WHERE e.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY e.event_date DESC, e.occurred_at DESC, e.id DESC LIMIT \(bind: limit)
            """).all(decoding: CaseEventRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Brede intake

    /// Records a conversation; the first one that took place moves the case to the brede intake.
    public func insertGesprek(_ gesprek: IntakeGesprekRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> IntakeGesprekRecord? {
        let sealedNote = gesprek.note.isEmpty ? nil : try seal.seal(gesprek.note)
        return try await change(personId: gesprek.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, traject in
            try await db.raw("""
                INSERT INTO intake_gesprekken (id, person_id, conversation_date, attendees, interpreter, culture_mediator, without_partner,
                    no_show, topics, note_sealed, created_by, created_at)
                VALUES (\(bind: gesprek.id), \(bind: gesprek.personId), \(bind: gesprek.conversationDate), \(bind: gesprek.attendees),
                    \(bind: gesprek.interpreter ? 1 : 0), \(bind: gesprek.cultureMediator ? 1 : 0), \(bind: gesprek.withoutPartner ? 1 : 0),
                    \(bind: gesprek.noShow ? 1 : 0), \(bind: gesprek.topics.joined(separator: ",")), \(bind: sealedNote),
                    \(bind: gesprek.createdBy), \(bind: gesprek.createdAt))
                """).run()
            if !gesprek.noShow {
                if traject.intakeDate == nil || gesprek.conversationDate < traject.intakeDate! {
                    try await db.raw("UPDATE trajecten SET intake_date = \(bind: gesprek.conversationDate) WHERE person_id = \(bind: gesprek.personId)").run()
                }
                try await Self.touchContact(personId: gesprek.personId, date: gesprek.conversationDate, on: db)
                try await Self.advance(personId: gesprek.personId, to: .bredeIntake, current: traject.phase, on: db, now: now)
            }
            return (gesprek, [CaseChange(kind: gesprek.noShow ? "intake.noShow" : "intake.gesprek", date: gesprek.conversationDate,
                                         detail: gesprek.topics.isEmpty ? "" : "\(gesprek.topics.count)")])
        }
    }

    static func touchContact(personId: String, date: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE trajecten SET last_contact_date = \(bind: date)
            WHERE person_id = \(bind: personId) AND (last_contact_date IS NULL OR last_contact_date < \(bind: date))
            """).run()
    }

    public func listGesprekken(personId: String, scope: TenantScope) async throws -> [IntakeGesprekRecord] {
        let rows = try await database.sql.raw("""
            SELECT g.* FROM intake_gesprekken g JOIN persons p ON p.id = g.person_id
            WHERE g.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY g.conversation_date, g.created_at, g.id
            """).all()
        return try rows.map { row in
            let topics = try row.decode(column: "topics", as: String.self)
            let sealed = try row.decode(column: "note_sealed", as: String?.self)
            return IntakeGesprekRecord(
                id: try row.decode(column: "id", as: String.self), personId: personId,
                conversationDate: try row.decode(column: "conversation_date", as: String.self),
                attendees: try row.decode(column: "attendees", as: String.self),
                interpreter: try row.decode(column: "interpreter", as: Int.self) == 1,
                cultureMediator: try row.decode(column: "culture_mediator", as: Int.self) == 1,
                withoutPartner: try row.decode(column: "without_partner", as: Int.self) == 1,
                noShow: try row.decode(column: "no_show", as: Int.self) == 1,
                topics: topics.split(separator: ",").map(String.init),
                note: try sealed.map { try seal.open($0) } ?? "",
                createdBy: try row.decode(column: "created_by", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Int64.self))
        }
    }

    /// Saves the answers for one intake topic (sealed), replacing what was there.
    public func saveOnderwerp(personId: String, _ onderwerp: IntakeOnderwerpRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> IntakeOnderwerpRecord? {
        let sealed = try seal.seal(String(decoding: try JSONEncoder.sorted.encode(onderwerp.answers), as: UTF8.self))
        return try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO intake_onderwerpen (person_id, topic, content_sealed, updated_by, updated_at)
                VALUES (\(bind: personId), \(bind: onderwerp.topic), \(bind: sealed), \(bind: onderwerp.updatedBy), \(bind: onderwerp.updatedAt))
                ON CONFLICT (person_id, topic) DO UPDATE SET content_sealed = excluded.content_sealed,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """).run()
            return (onderwerp, [CaseChange(kind: "intake.onderwerp", date: CalendarDate.today(now: now).iso, detail: onderwerp.topic)])
        }
    }

    public func listOnderwerpen(personId: String, scope: TenantScope) async throws -> [IntakeOnderwerpRecord] {
        let rows = try await database.sql.raw("""
            SELECT o.* FROM intake_onderwerpen o JOIN persons p ON p.id = o.person_id
            WHERE o.person_id = \(bind: personId) AND \(scope.persons(needs: [.casework, .specialCategory]))
            ORDER BY o.topic
            """).all()
        return try rows.map { row in
            let text = try seal.open(try row.decode(column: "content_sealed", as: String.self))
            return IntakeOnderwerpRecord(
                topic: try row.decode(column: "topic", as: String.self),
                answers: try JSONDecoder().decode([String: String].self, from: Data(text.utf8)),
                updatedBy: try row.decode(column: "updated_by", as: String.self),
                updatedAt: try row.decode(column: "updated_at", as: Int64.self))
        }
    }

    // MARK: Leerbaarheidstoets and advice

    public func insertLBT(_ lbt: LBTRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> LBTRecord? {
        try await change(personId: lbt.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO leerbaarheidstoetsen (id, person_id, invited_date, test_date, administrator, conditions, score, exemption, created_by, created_at)
                VALUES (\(bind: lbt.id), \(bind: lbt.personId), \(bind: lbt.invitedDate), \(bind: lbt.testDate), \(bind: lbt.administrator),
                    \(bind: lbt.conditions), \(bind: lbt.score), \(bind: lbt.exemption), \(bind: lbt.createdBy), \(bind: lbt.createdAt))
                """).run()
            let date = lbt.testDate ?? lbt.invitedDate ?? CalendarDate.today(now: now).iso
            let kind = lbt.exemption != nil ? "lbt.vrijgesteld" : (lbt.score != nil ? "lbt.afgenomen" : "lbt.uitgenodigd")
            return (lbt, [CaseChange(kind: kind, date: date, detail: lbt.score.map { "\($0)/40" } ?? "")])
        }
    }

    public func listLBT(personId: String, scope: TenantScope) async throws -> [LBTRecord] {
        try await rows("leerbaarheidstoetsen", personId: personId, scope: scope, order: "x.created_at, x.id", as: LBTRecord.self)
    }

    public func insertAdvies(_ advies: TaalschoolAdviesRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> TaalschoolAdviesRecord? {
        try await change(personId: advies.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO taalschool_adviezen (id, person_id, advice_date, school, leerroute, niveau, note, created_by, created_at)
                VALUES (\(bind: advies.id), \(bind: advies.personId), \(bind: advies.adviceDate), \(bind: advies.school), \(bind: advies.leerroute),
                    \(bind: advies.niveau), \(bind: advies.note), \(bind: advies.createdBy), \(bind: advies.createdAt))
                """).run()
            return (advies, [CaseChange(kind: "advies", date: advies.adviceDate, detail: advies.leerroute)])
        }
    }

    public func listAdviezen(personId: String, scope: TenantScope) async throws -> [TaalschoolAdviesRecord] {
        try await rows("taalschool_adviezen", personId: personId, scope: scope, order: "x.created_at, x.id", as: TaalschoolAdviesRecord.self)
    }

    // MARK: Route decision

    public func insertRouteBesluit(_ besluit: RouteBesluitRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> RouteBesluitRecord? {
        try await change(personId: besluit.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO route_besluiten (id, person_id, decided_date, leerroute, niveau, considered, considerations, deviation,
                    deviation_reason, lbt_score, created_by, created_at)
                VALUES (\(bind: besluit.id), \(bind: besluit.personId), \(bind: besluit.decidedDate), \(bind: besluit.leerroute), \(bind: besluit.niveau),
                    \(bind: besluit.considered), \(bind: besluit.considerations), \(bind: besluit.deviation), \(bind: besluit.deviationReason),
                    \(bind: besluit.lbtScore), \(bind: besluit.createdBy), \(bind: besluit.createdAt))
                """).run()
            return (besluit, [CaseChange(kind: "route.besluit", date: besluit.decidedDate, detail: besluit.leerroute)])
        }
    }

    public func listRouteBesluiten(personId: String, scope: TenantScope) async throws -> [RouteBesluitRecord] {
        try await rows("route_besluiten", personId: personId, scope: scope, order: "x.created_at, x.id", as: RouteBesluitRecord.self)
    }

    // MARK: PIP

    public func listPIPs(personId: String, scope: TenantScope) async throws -> [PIPRecord] {
        try await rows("pips", personId: personId, scope: scope, order: "x.version", as: PIPRecord.self)
    }

    public enum PIPStoreError: Error, Equatable {
        /// Only a concept can be edited or fixed.
        case notAConcept
    }

    /// Creates the concept (the next version number) or updates the open concept. The concept is not
    /// a beschikking: it starts no term.
    public func saveConcept(_ pip: PIPRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> PIPRecord? {
        try await change(personId: pip.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            let existing = try await db.raw("SELECT * FROM pips WHERE person_id = \(bind: pip.personId) AND status = 'concept'")
                .first(decoding: PIPRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            var saved = pip
            saved.status = .concept
            saved.updatedAt = now.epochSeconds
            if let existing {
                saved.id = existing.id
                saved.version = existing.version
                saved.createdBy = existing.createdBy
                saved.createdAt = existing.createdAt
                try await db.raw("""
                    UPDATE pips SET leerroute = \(bind: saved.leerroute), niveau = \(bind: saved.niveau), begeleiding = \(bind: saved.begeleiding),
                        ondersteuning = \(bind: saved.ondersteuning), pvt = \(bind: saved.pvt), pvt_uren = \(bind: saved.pvtUren), map = \(bind: saved.map),
                        map_uren = \(bind: saved.mapUren), vve = \(bind: saved.vve), voortgangsgesprekken = \(bind: saved.voortgangsgesprekken),
                        cadans_maanden = \(bind: saved.cadansMaanden), einddoel = \(bind: saved.einddoel), reden_afwijking = \(bind: saved.redenAfwijking),
                        intensiteit_b1 = \(bind: saved.intensiteitB1), change_reason = \(bind: saved.changeReason), change_note = \(bind: saved.changeNote),
                        updated_at = \(bind: saved.updatedAt)
                    WHERE id = \(bind: existing.id)
                    """).run()
                return (saved, [])
            }
            let maxVersion = try await db.raw("SELECT COALESCE(MAX(version), 0) AS v FROM pips WHERE person_id = \(bind: pip.personId)")
                .first().map { try $0.decode(column: "v", as: Int.self) } ?? 0
            saved.version = maxVersion + 1
            saved.createdAt = now.epochSeconds
            try await db.raw("""
                INSERT INTO pips (id, person_id, version, status, dagtekening, leerroute, niveau, begeleiding, ondersteuning, pvt, pvt_uren, map,
                    map_uren, vve, voortgangsgesprekken, cadans_maanden, einddoel, reden_afwijking, intensiteit_b1, change_reason, change_note,
                    created_by, created_at, updated_at)
                VALUES (\(bind: saved.id), \(bind: saved.personId), \(bind: saved.version), 'concept', NULL, \(bind: saved.leerroute), \(bind: saved.niveau),
                    \(bind: saved.begeleiding), \(bind: saved.ondersteuning), \(bind: saved.pvt), \(bind: saved.pvtUren), \(bind: saved.map),
                    \(bind: saved.mapUren), \(bind: saved.vve), \(bind: saved.voortgangsgesprekken), \(bind: saved.cadansMaanden), \(bind: saved.einddoel),
                    \(bind: saved.redenAfwijking), \(bind: saved.intensiteitB1), \(bind: saved.changeReason), \(bind: saved.changeNote),
                    \(bind: saved.createdBy), \(bind: saved.createdAt), \(bind: saved.updatedAt))
                """).run()
            return (saved, [CaseChange(kind: "pip.concept", date: CalendarDate.today(now: now).iso, detail: "versie \(saved.version)")])
        }
    }

    /// Fixes the open concept as a beschikking with its dagtekening. The first fixed PIP's
    /// dagtekening is the traject's PIP date and starts the inburgeringstermijn (R2, Wi2021 art. 11);
    /// later versions never move it.
    /// Fixes the open concept. `delayReason` is stored with the first PIP when it came after the
    /// 10 weeks (R1), for the figures.
    public func fixPIP(personId: String, dagtekening: CalendarDate, delayReason: String? = nil, delayNote: String? = nil, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                       now: Date) async throws -> PIPRecord? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, person, traject in
            // Every version in one read: the open concept and the route of the last fixed one.
            let versions = try await db.raw("SELECT * FROM pips WHERE person_id = \(bind: personId) ORDER BY version")
                .all(decoding: PIPRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard var concept = versions.first(where: { $0.status == .concept }) else { throw PIPStoreError.notAConcept }
            concept.status = .vastgesteld
            concept.dagtekening = dagtekening
            concept.fixedBy = actor.id
            concept.fixedAt = now.epochSeconds
            let previousRoute = versions.last(where: \.isFixed)?.leerroute
            try await db.raw("""
                UPDATE pips SET status = 'vastgesteld', dagtekening = \(bind: dagtekening.iso), fixed_by = \(bind: actor.id), fixed_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: concept.id)
                """).run()
            // R2: only the first fixed PIP sets the PIP date (the term's start) and its reason for being late.
            let termijn = InburgeringstermijnRule.bijVaststelling(eerstePIPDagtekening: traject.pipDate.flatMap(CalendarDate.init(iso:)), dagtekening: dagtekening)
            let firstPIP: SQLQueryString = termijn.startTermijn
                ? "pip_date = \(bind: termijn.eerstePIPDagtekening.iso), pip_delay_reason = \(bind: delayReason), pip_delay_note = \(bind: delayNote), " : ""
            // The phase moves on to "PIP vastgesteld" in the same statement, never back (FaseVolgordeRule).
            let phase: SQLQueryString = FaseVolgordeRule.volgende(huidig: TrajectFase(rawValue: traject.phase) ?? .signaal, bereikt: .pipVastgesteld)
                .map { "phase = \(bind: $0.rawValue), " } ?? ""
            try await db.raw("""
                UPDATE trajecten SET \(firstPIP)\(phase)leerroute = \(bind: concept.leerroute),
                    language_level = \(bind: concept.niveau), pip_cadence_months = \(bind: concept.cadansMaanden), updated_at = \(bind: now.epochSeconds)
                WHERE person_id = \(bind: personId)
                """).run()
            // The fixed PIP goes to DUO in this same transaction (outbox): never fixed without being sent.
            let bericht = DUOPIPBericht(dagtekeningPip: dagtekening, leerroute: concept.leerroute.duoCode,
                                        niveau: concept.niveau?.rawValue, geschatteIntensiteitB1Route: concept.intensiteitB1)
            try await DUOStore.enqueue([try DUOOutboxMessage(.pip, body: bericht, sourceId: concept.id)], personId: personId,
                                       municipalityCode: person.municipalityCode, bsn: person.bsn, createdBy: actor.id ?? "-", now: now, on: db)
            var changes = [CaseChange(kind: "pip.vastgesteld", date: dagtekening.iso, detail: "versie \(concept.version)")]
            // R7b: a switch of route takes effect on the dagtekening of the version that makes it.
            if let previousRoute, previousRoute != concept.leerroute {
                changes.append(CaseChange(kind: "pip.schakelen", date: dagtekening.iso, detail: "\(previousRoute.rawValue)>\(concept.leerroute.rawValue)"))
            }
            return (concept, changes)
        }
    }
}

extension CaseworkStore {
    // MARK: After the PIP: route start, progress meetings, hours, results

    /// Records the start of the learning route (the offer started: R12) and moves the case on.
    /// With `aanbod` (institution number and offer), the offer goes to DUO in the same transaction.
    public func startRoute(personId: String, date: CalendarDate, aanbod: (String, DUOInburgeringsaanbod)? = nil, scope: TenantScope, actor: CaseActor,
                           audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, person, traject in
            try await db.raw("UPDATE trajecten SET route_start_date = \(bind: date.iso), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: personId)").run()
            if let (instelling, offer) = aanbod {
                try await DUOStore.enqueue([try DUOOutboxMessage(.inburgeringsaanbod, body: offer, reference: instelling)], personId: personId,
                                           municipalityCode: person.municipalityCode, bsn: person.bsn, createdBy: actor.id ?? "-", now: now, on: db)
            }
            try await Self.advance(personId: personId, to: .inLeerroute, current: traject.phase, on: db, now: now)
            return (true, [CaseChange(kind: "route.start", date: date.iso)])
        }
    }

    /// Records a progress meeting; a held meeting (not a no-show) restarts the clock for the next (R5b).
    public func insertVoortgangsgesprek(_ meeting: VoortgangsgesprekRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> VoortgangsgesprekRecord? {
        let sealed = meeting.note.isEmpty ? nil : try seal.seal(meeting.note)
        return try await change(personId: meeting.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO voortgangsgesprekken (id, person_id, held_date, outcome, no_show, note_sealed, created_by, created_at)
                VALUES (\(bind: meeting.id), \(bind: meeting.personId), \(bind: meeting.heldDate), \(bind: meeting.outcome), \(bind: meeting.noShow ? 1 : 0),
                    \(bind: sealed), \(bind: meeting.createdBy), \(bind: meeting.createdAt))
                """).run()
            if !meeting.noShow {
                try await db.raw("""
                    UPDATE trajecten SET last_meeting_date = \(bind: meeting.heldDate)
                    WHERE person_id = \(bind: meeting.personId) AND (last_meeting_date IS NULL OR last_meeting_date < \(bind: meeting.heldDate))
                    """).run()
                try await Self.touchContact(personId: meeting.personId, date: meeting.heldDate, on: db)
            }
            return (meeting, [CaseChange(kind: meeting.noShow ? "voortgang.noShow" : "voortgang.gesprek", date: meeting.heldDate, detail: meeting.outcome)])
        }
    }

    public func listVoortgangsgesprekken(personId: String, scope: TenantScope) async throws -> [VoortgangsgesprekRecord] {
        let rows = try await database.sql.raw("""
            SELECT v.* FROM voortgangsgesprekken v JOIN persons p ON p.id = v.person_id
            WHERE v.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY v.held_date, v.created_at
            """).all()
        return try rows.map { row in
            VoortgangsgesprekRecord(
                id: try row.decode(column: "id", as: String.self), personId: personId,
                heldDate: try row.decode(column: "held_date", as: String.self), outcome: try row.decode(column: "outcome", as: String.self),
                noShow: try row.decode(column: "no_show", as: Int.self) == 1,
                note: try row.decode(column: "note_sealed", as: String?.self).map { try seal.open($0) } ?? "",
                createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Int64.self))
        }
    }

    public func insertUren(_ uren: UrenRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> UrenRecord? {
        try await change(personId: uren.personId, scope: scope, actor: actor, audit: audit, now: now) { db, person, _ in
            try await db.raw("""
                INSERT INTO uren (id, person_id, soort, period_end, hours, provider, during_intake, created_by, created_at)
                VALUES (\(bind: uren.id), \(bind: uren.personId), \(bind: uren.soort), \(bind: uren.periodEnd), \(bind: uren.hours), \(bind: uren.provider),
                    \(bind: uren.duringIntake), \(bind: uren.createdBy), \(bind: uren.createdAt))
                """).run()
            try await Self.sendHourTotals(soort: uren.soort, duringIntake: uren.duringIntake == 1, person: person, sourceId: uren.id, createdBy: actor.id ?? "-", now: now, on: db)
            return (uren, [CaseChange(kind: "uren", date: uren.periodEnd, detail: "\(uren.hours) \(uren.soort)")])
        }
    }

    /// DUO registers hours as running totals (GevolgdeUren API): after every change the total it
    /// feeds goes to DUO, always the whole total so a lost or repeated message converges.
    /// - course hours during the brede intake → `TaallesEnKnmBredeIntake`;
    /// - course hours in the route (after the intake, earlier routes included) → `ParticipatieAlsTaalles`;
    /// - participation hours of an asylum permit holder, brede intake included (Besluit art. 3.14)
    ///   → `ParticipatieactiviteitenBredeIntake` (the Z-route's participation component).
    static func sendHourTotals(soort: String, duringIntake: Bool, person: PersonRecord, sourceId: String, createdBy: String, now: Date, on db: any SQLDatabase) async throws {
        func total(_ kind: UrenSoort, duringIntake: Int?) async throws -> Int {
            var query = SQLQueryString("SELECT COALESCE(SUM(hours), 0) AS total FROM uren WHERE person_id = \(bind: person.id) AND soort = \(bind: kind.rawValue)")
            if let duringIntake { query = query + " AND during_intake = \(bind: duringIntake)" }
            return try await db.raw(query).first().map { try $0.decode(column: "total", as: Int.self) } ?? 0
        }
        var messages: [DUOOutboxMessage] = []
        // DUO's totals run from 0 to 9999.
        let send = { (push: DUOPush, hours: Int) in try DUOOutboxMessage(push, body: DUOUren(uren: min(max(hours, 0), 9999)), sourceId: sourceId) }
        switch UrenSoort(rawValue: soort) {
        case .cursus:
            let intake = duringIntake ? 1 : 0
            messages.append(try send(duringIntake ? .urenTaallesKNM : .urenParticipatieTaalles, try await total(.cursus, duringIntake: intake)))
        case .participatie where Doelgroep(rawValue: person.doelgroep)?.categorie == .asielstatushouder:
            messages.append(try send(.urenParticipatie, try await total(.participatie, duringIntake: nil)))
        default:
            return
        }
        try await DUOStore.enqueue(messages, personId: person.id, municipalityCode: person.municipalityCode, bsn: person.bsn,
                                   createdBy: createdBy, now: now, on: db)
    }

    public func listUren(personId: String, scope: TenantScope) async throws -> [UrenRecord] {
        try await rows("uren", personId: personId, scope: scope, order: "x.period_end, x.created_at", as: UrenRecord.self)
    }

    /// Records a completed part of the route (MAP final interview, PVT signed, Z-route completed).
    public func saveResultaat(personId: String, kind: String, date: CalendarDate, by userId: String, scope: TenantScope, actor: CaseActor,
                              audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, person, _ in
            let message: DUOOutboxMessage? = switch kind {
            case "mapEindgesprek": try DUOOutboxMessage(.map, body: DUOResultaatMAP(datumEindgesprekMap: date, verwijtbaar: "Nee"))
            case "pvtOndertekend": try DUOOutboxMessage(.pvt, body: DUOResultaatPVT(datumOndertekeningPvt: date, verwijtbaar: "Nee"))
            case "zRouteAfgerond": try DUOOutboxMessage(.zroute, body: DUOResultaatZroute(datumAfrondingZroute: date))
            default: nil
            }
            if let message {
                try await DUOStore.enqueue([message], personId: personId, municipalityCode: person.municipalityCode, bsn: person.bsn,
                                           createdBy: actor.id ?? "-", now: now, on: db)
            }
            try await db.raw("""
                INSERT INTO route_resultaten (person_id, kind, result_date, created_by, created_at)
                VALUES (\(bind: personId), \(bind: kind), \(bind: date.iso), \(bind: userId), \(bind: now.epochSeconds))
                ON CONFLICT (person_id, kind) DO UPDATE SET result_date = excluded.result_date, created_by = excluded.created_by, created_at = excluded.created_at
                """).run()
            return (true, [CaseChange(kind: "resultaat.\(kind)", date: date.iso)])
        }
    }

    public func listResultaten(personId: String, scope: TenantScope) async throws -> [RouteResultaatRecord] {
        return try await database.sql.raw("""
            SELECT r.person_id, r.kind, r.result_date FROM route_resultaten r JOIN persons p ON p.id = r.person_id
            WHERE r.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY r.result_date
            """).all(decoding: RouteResultaatRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Documents

    /// Stores a document: its bytes sealed in the row, or — for a streamed upload — its sealed chunks
    /// copied one at a time into `document_chunks` (the row's own content then empty), in the same
    /// transaction as the row, the timeline line and the audit entry.
    public func insertDocument(_ document: DocumentRecord, content: DocumentContent, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                               now: Date) async throws -> DocumentRecord? {
        let sealed: String
        switch content {
        case .data(let data): sealed = try seal.seal(data: data)
        case .sealedChunks: sealed = ""
        }
        return try await change(personId: document.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO documenten (id, person_id, title, filename, content_type, size_bytes, content_sealed, uploaded_by, uploaded_at)
                VALUES (\(bind: document.id), \(bind: document.personId), \(bind: document.title), \(bind: document.filename), \(bind: document.contentType),
                    \(bind: document.sizeBytes), \(bind: sealed), \(bind: document.uploadedBy), \(bind: document.uploadedAt))
                """).run()
            if case .sealedChunks(let url) = content {
                var seq = 0
                try await SealedChunkFile.read(url) { chunk in
                    try await db.raw("""
                        INSERT INTO document_chunks (document_id, seq, content_sealed) VALUES (\(bind: document.id), \(bind: seq), \(bind: chunk))
                        """).run()
                    seq += 1
                }
            }
            return (document, [CaseChange(kind: "document", date: CalendarDate.today(now: now).iso, detail: document.title)])
        }
    }

    /// The documents of a person (without their content), newest first.
    public func listDocuments(personId: String, scope: TenantScope) async throws -> [DocumentRecord] {
        return try await database.sql.raw("""
            SELECT d.id, d.person_id, d.title, d.filename, d.content_type, d.size_bytes, d.uploaded_by, d.uploaded_at
            FROM documenten d JOIN persons p ON p.id = d.person_id
            WHERE d.person_id = \(bind: personId) AND \(scope.persons(needs: [.casework, .specialCategory]))
            ORDER BY d.uploaded_at DESC, d.id
            """).all(decoding: DocumentRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// One document with its opened content, in scope.
    public func fetchDocument(personId: String, documentId: String, scope: TenantScope) async throws -> (DocumentRecord, Data)? {
        guard let row = try await database.sql.raw("""
            SELECT d.* FROM documenten d JOIN persons p ON p.id = d.person_id
            WHERE d.id = \(bind: documentId) AND d.person_id = \(bind: personId) AND \(scope.persons(needs: [.casework, .specialCategory]))
            """).first() else { return nil }
        let record = try row.decode(model: DocumentRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        let inline = try row.decode(column: "content_sealed", as: String.self)
        guard inline.isEmpty else { return (record, try seal.openData(inline)) }
        // A streamed upload: its chunks in order.
        var content = Data(capacity: record.sizeBytes)
        let chunks = try await database.sql.raw("""
            SELECT content_sealed FROM document_chunks WHERE document_id = \(bind: documentId) ORDER BY seq
            """).all()
        for chunk in chunks { content.append(try seal.openData(try chunk.decode(column: "content_sealed", as: String.self))) }
        return (record, content)
    }

    // MARK: Tasks

    public func insertTaak(_ taak: TaakRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> TaakRecord? {
        try await change(personId: taak.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, traject in
            var stored = taak
            stored.assigneeId = taak.assigneeId ?? traject.consulentId
            try await db.raw("""
                INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                VALUES (\(bind: stored.id), \(bind: stored.personId), \(bind: stored.title), \(bind: stored.dueDate), \(bind: stored.assigneeId),
                    \(bind: stored.source), \(bind: stored.createdBy), \(bind: stored.createdAt))
                """).run()
            return (stored, [CaseChange(kind: "taak.nieuw", date: CalendarDate.today(now: now).iso, detail: stored.title)])
        }
    }

    /// Marks an open task of the person done; nil when there is no such open task in scope.
    public func completeTaak(personId: String, taakId: String, by userId: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            guard let row = try await db.raw("SELECT title FROM taken WHERE id = \(bind: taakId) AND person_id = \(bind: personId) AND done_at IS NULL").first() else {
                throw TaakError.notOpen
            }
            try await db.raw("UPDATE taken SET done_at = \(bind: now.epochSeconds), done_by = \(bind: userId) WHERE id = \(bind: taakId)").run()
            return (true, [CaseChange(kind: "taak.afgerond", date: CalendarDate.today(now: now).iso, detail: try row.decode(column: "title", as: String.self))])
        }
    }

    public enum TaakError: Error { case notOpen }

    public func listTaken(personId: String, scope: TenantScope, includeDone: Bool = false) async throws -> [TaakRecord] {
        var query: SQLQueryString = """
            SELECT k.* FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            """
        if !includeDone { query += " AND k.done_at IS NULL" }
        query += " ORDER BY k.done_at IS NOT NULL, COALESCE(k.due_date, '9999-12-31'), k.created_at"
        return try await database.sql.raw(query).all(decoding: TaakRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A worker's open tasks across their cases, earliest due first.
    public func listOpenTaken(assigneeId: String, scope: TenantScope, limit: Int = 200) async throws -> [OpenTaak] {
        return try await database.sql.raw("""
            SELECT k.id AS "id", k.person_id AS "personId", k.title AS "title", k.due_date AS "dueDate",
                   p.given_names AS "givenNames", p.family_name AS "familyName"
            FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.assignee_id = \(bind: assigneeId) AND k.done_at IS NULL AND \(scope.persons(needs: .casework))
            ORDER BY COALESCE(k.due_date, '9999-12-31'), k.created_at LIMIT \(bind: limit)
            """).all(decoding: OpenTaak.self)
    }

    public func countOpenTaken(assigneeId: String, scope: TenantScope) async throws -> Int {
        return try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM taken k JOIN persons p ON p.id = k.person_id
            WHERE k.assignee_id = \(bind: assigneeId) AND k.done_at IS NULL AND \(scope.persons(needs: .casework))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: Warm handover

    public func fetchOverdracht(personId: String, scope: TenantScope) async throws -> WarmeOverdrachtRecord? {
        guard let row = try await database.sql.raw("""
            SELECT w.* FROM warme_overdrachten w JOIN persons p ON p.id = w.person_id
            WHERE w.person_id = \(bind: personId) AND \(scope.persons(needs: [.casework, .specialCategory]))
            """).first() else { return nil }
        let profile = try JSONDecoder().decode([String: String].self, from: Data(try seal.open(try row.decode(column: "profile_sealed", as: String.self)).utf8))
        return WarmeOverdrachtRecord(
            personId: personId, scenario: try row.decode(column: "scenario", as: String?.self), profile: profile,
            meetingPlanned: try row.decode(column: "meeting_planned", as: String?.self), meetingHeld: try row.decode(column: "meeting_held", as: String?.self),
            meetingAttendees: try row.decode(column: "meeting_attendees", as: String.self), updatedBy: try row.decode(column: "updated_by", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: Int64.self))
    }

    /// Saves the handover; the timeline notes a newly planned or newly held three-way meeting.
    public func saveOverdracht(_ record: WarmeOverdrachtRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> WarmeOverdrachtRecord? {
        let sealed = try seal.seal(String(decoding: try JSONEncoder.sorted.encode(record.profile), as: UTF8.self))
        let previous = try await fetchOverdracht(personId: record.personId, scope: scope)
        return try await change(personId: record.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO warme_overdrachten (person_id, scenario, profile_sealed, meeting_planned, meeting_held, meeting_attendees, updated_by, updated_at)
                VALUES (\(bind: record.personId), \(bind: record.scenario), \(bind: sealed), \(bind: record.meetingPlanned), \(bind: record.meetingHeld),
                    \(bind: record.meetingAttendees), \(bind: record.updatedBy), \(bind: record.updatedAt))
                ON CONFLICT (person_id) DO UPDATE SET scenario = excluded.scenario, profile_sealed = excluded.profile_sealed,
                    meeting_planned = excluded.meeting_planned, meeting_held = excluded.meeting_held, meeting_attendees = excluded.meeting_attendees,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """).run()
            var changes = [CaseChange(kind: "overdracht.profiel", date: CalendarDate.today(now: now).iso, detail: record.scenario ?? "")]
            if let planned = record.meetingPlanned, planned != previous?.meetingPlanned {
                changes.append(CaseChange(kind: "overdracht.gepland", date: CalendarDate.today(now: now).iso, detail: planned))
            }
            if let held = record.meetingHeld, held != previous?.meetingHeld {
                changes.append(CaseChange(kind: "overdracht.gehouden", date: held))
                try await Self.touchContact(personId: record.personId, date: held, on: db)
            }
            return (record, changes)
        }
    }

    // MARK: Enforcement and closing

    public func insertHandhaving(_ step: HandhavingRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> HandhavingRecord? {
        try await change(personId: step.personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                INSERT INTO handhavingen (id, person_id, overtreding, step, amount_cents, decided_date, efforts, circumstances, culpable, created_by, created_at)
                VALUES (\(bind: step.id), \(bind: step.personId), \(bind: step.overtreding), \(bind: step.step), \(bind: step.amountCents), \(bind: step.decidedDate),
                    \(bind: step.efforts), \(bind: step.circumstances), \(bind: step.culpable), \(bind: step.createdBy), \(bind: step.createdAt))
                """).run()
            return (step, [CaseChange(kind: "handhaving.\(step.step)", date: step.decidedDate, detail: step.amountCents.map { String(format: "%.2f", Double($0) / 100) } ?? "")])
        }
    }

    public func listHandhavingen(personId: String, scope: TenantScope) async throws -> [HandhavingRecord] {
        try await rows("handhavingen", personId: personId, scope: scope, order: "x.decided_date, x.created_at", as: HandhavingRecord.self)
    }

    /// Closes the case with its reason; the phase becomes `afgerond` or `beeindigd` by the law's reading of it.
    public func close(personId: String, date: CalendarDate, einde: TrajectEinde, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _, _ in
            try await db.raw("""
                UPDATE trajecten SET closed_date = \(bind: date.iso), closed_reason = \(bind: einde.rawValue), phase = \(bind: einde.fase.rawValue),
                    updated_at = \(bind: now.epochSeconds)
                WHERE person_id = \(bind: personId)
                """).run()
            return (true, [CaseChange(kind: "afgesloten", date: date.iso, detail: einde.rawValue)])
        }
    }

    /// Assigns cases to a case worker (or none), each in scope, with a timeline line per case.
    public func assign(personIds: [String], to consulentId: String?, consulentName: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Int {
        guard !personIds.isEmpty else { return 0 }
        let kind = database.kind
        return try await database.transaction { db in
            let rows = try await db.raw("""
                SELECT person_id FROM trajecten WHERE person_id IN (\(binds: personIds)) AND \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .casework))
                """).all().map { try $0.decode(column: "person_id", as: String.self) }
            guard !rows.isEmpty else { return 0 }
            try await db.raw("""
                UPDATE trajecten SET consulent_id = \(bind: consulentId), updated_at = \(bind: now.epochSeconds) WHERE person_id IN (\(binds: rows))
                """).run()
            for id in rows {
                try await Self.insertEvent(CaseChange(kind: "toegewezen", date: CalendarDate.today(now: now).iso, detail: consulentName), personId: id,
                                           actor: actor, at: now, on: db)
            }
            try await AuditStore.append([audit], at: now, on: db, kind: kind)
            return rows.count
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

/// A person's details as the BRP registers them (completing a case opened from a DUO signal).
public struct PersonDetails: Sendable, Hashable {
    public var givenNames: String
    public var familyName: String
    public var dateOfBirth: String
    public var gender: String
    public var language: String
    public var interpreterNeeded: Bool
    public var brpDate: String?

    public init(givenNames: String, familyName: String, dateOfBirth: String, gender: String, language: String, interpreterNeeded: Bool, brpDate: String?) {
        self.givenNames = givenNames
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.language = language
        self.interpreterNeeded = interpreterNeeded
        self.brpDate = brpDate
    }
}

extension CaseworkStore {
    /// Stores the person's BRP details; a BRP registration date moves the case to "gehuisvest" and
    /// starts an asylum permit holder's PIP term (R1) — the nearest term is recomputed.
    public func updateDetails(personId: String, _ details: PersonDetails, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, needs: .identity, changesPerson: true, actor: actor, audit: audit, now: now) { db, _, traject in
            try await db.raw("""
                UPDATE persons SET given_names = \(bind: details.givenNames), family_name = \(bind: details.familyName),
                    search_name = \(bind: PersonStore.searchKey(details.givenNames + " " + details.familyName)), date_of_birth = \(bind: details.dateOfBirth),
                    gender = \(bind: details.gender), language = \(bind: details.language), interpreter_needed = \(bind: details.interpreterNeeded ? 1 : 0),
                    details_pending = 0, updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: personId)
                """).run()
            if let brp = details.brpDate {
                try await db.raw("UPDATE trajecten SET brp_date = \(bind: brp), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: personId)").run()
                try await Self.advance(personId: personId, to: .gehuisvest, current: traject.phase, on: db, now: now)
            }
            return (true, [CaseChange(kind: "gegevens", date: CalendarDate.today(now: now).iso)])
        }
    }
}

