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
        let next = NextTerm.pick(StatutoryClock.terms(for: facts, settings: settings.law, on: today))
        // R1: the last day of the 10-week PIP term, for the figures (M0004).
        let pipDue = PIPDeadlineRule.deadline(for: facts)?.deadline.iso
        try await db.raw("""
            UPDATE trajecten SET next_due_date = \(bind: next?.due.iso ?? M0002_Casework.noDueDate),
                next_due_kind = \(bind: next?.kind.rawValue ?? ""), pip_due_date = \(bind: pipDue), facts_json = \(bind: try LawFactsLoader.encode(facts))
            WHERE person_id = \(bind: personId)
            """).run()
    }

    /// Moves the traject's phase forward to `phase` (never back) and notes the last contact.
    static func advance(personId: String, to phase: TrajectFase, current: TrajectFase, on db: any SQLDatabase, now: Date) async throws {
        guard let next = FaseVolgordeRule.volgende(huidig: current, bereikt: phase) else { return }
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

