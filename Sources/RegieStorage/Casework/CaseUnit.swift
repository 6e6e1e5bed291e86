import Foundation
import Inburgering
import SQLKit

/// One change to one case, as one transaction: the change itself, its timeline lines, the case's
/// recomputed law facts and terms, and its audit entry commit together or not at all
/// (`CaseworkStore.change`). The body sees the person and traject as they are inside the
/// transaction, and changes the traject only through `updateTraject`, which keeps the row the
/// terms are recomputed from as it now is.
public struct CaseUnit: Sendable {
    public let db: any SQLDatabase
    public let person: PersonRecord
    public private(set) var traject: TrajectRecord
    public let now: Date
    /// The municipality's law settings, read with the case (the terms need them).
    let law: MunicipalityLawSettings

    /// Sets `assignments` on the traject row and keeps the row as it is afterwards.
    public mutating func updateTraject(_ assignments: SQLQueryString) async throws {
        guard let row = try await db.raw("""
            UPDATE trajecten SET \(assignments), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: person.id) RETURNING *
            """).first(decoding: TrajectRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else {
            throw DatabaseError.unexpected("the traject of \(person.id) is gone")
        }
        traject = row
    }

    /// `column` becomes `date` when it is empty or earlier: a date recorded late never moves it back.
    public static func atLeast(_ column: String, _ date: String) -> SQLQueryString {
        "\(ident: column) = CASE WHEN \(ident: column) IS NULL OR \(ident: column) < \(bind: date) THEN \(bind: date) ELSE \(ident: column) END"
    }

    /// `column` becomes `date` when it is empty or later (the first time something happened).
    public static func atMost(_ column: String, _ date: String) -> SQLQueryString {
        "\(ident: column) = CASE WHEN \(ident: column) IS NULL OR \(ident: column) > \(bind: date) THEN \(bind: date) ELSE \(ident: column) END"
    }

    /// Moves the phase forward to `phase`, never back (`FaseVolgordeRule`); `also` are set with it.
    public mutating func advance(to phase: TrajectFase, also assignments: SQLQueryString? = nil) async throws {
        let next = FaseVolgordeRule.volgende(huidig: traject.phase, bereikt: phase)
        switch (next, assignments) {
        case (let next?, let assignments?): try await updateTraject("phase = \(bind: next.rawValue), \(assignments)")
        case (let next?, nil): try await updateTraject("phase = \(bind: next.rawValue)")
        case (nil, let assignments?): try await updateTraject(assignments)
        case (nil, nil): break
        }
    }
}

extension CaseworkStore {
    /// Loads the person (in scope), traject and law settings inside a transaction, runs `body`,
    /// writes the timeline lines it returns, recomputes the case's facts and nearest term and
    /// appends the audit entry. Returns nil when the person is not in scope.
    /// `changesPerson`: the body updates the person's row, so the terms are recomputed from the row
    /// as it is afterwards.
    func change<T: Sendable>(
        personId: String, scope: TenantScope, needs: DataClasses = .casework, changesPerson: Bool = false, actor: CaseActor, audit: AuditEvent, now: Date,
        _ body: @escaping @Sendable (inout CaseUnit) async throws -> (T, [CaseChange])
    ) async throws -> T? {
        try await database.transaction { db in
            guard let found = try await PersonStore.fetchCase(personId: personId, scope: scope, needs: needs, on: db) else { return nil }
            var unit = CaseUnit(db: db, person: found.person, traject: found.traject, now: now, law: found.law)
            let (result, changes) = try await body(&unit)
            try await Self.insertEvents(changes, personId: personId, actor: actor, at: now, on: db)
            let person = changesPerson
                ? try await db.raw("SELECT * FROM persons WHERE id = \(bind: personId)").first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
                : unit.person
            if let person {
                try await Self.refreshTerms(person: person, traject: unit.traject, law: unit.law, on: db, today: CalendarDate.today(now: now))
            }
            try await AuditStore.append([audit], at: now, on: db)
            return result
        }
    }

    static func insertEvent(_ change: CaseChange, personId: String, actor: CaseActor, at now: Date, on db: any SQLDatabase) async throws {
        try await insertEvents([change], personId: personId, actor: actor, at: now, on: db)
    }

    /// The timeline lines of one change, in one statement.
    static func insertEvents(_ changes: [CaseChange], personId: String, actor: CaseActor, at now: Date, on db: any SQLDatabase) async throws {
        guard !changes.isEmpty else { return }
        let rows: [SQLQueryString] = changes.map { change in
            """
            (\(bind: TimeOrderedID.make(now: now)), \(bind: personId), \(bind: now.epochSeconds), \(bind: change.date),
             \(bind: change.kind), \(bind: actor.id), \(bind: actor.name), \(bind: change.detail))
            """
        }
        try await db.raw("""
            INSERT INTO case_events (id, person_id, occurred_at, event_date, kind, actor_id, actor_name, detail)
            VALUES \(rows.joined(separator: ", "))
            """).run()
    }

    /// Rebuilds the case's law facts from every table that holds one and stores them with the
    /// traject's nearest running term (the lists' sort key) and the PIP deadline, all from the law
    /// module. Reads the case first; for changes outside `change` (DUO's messages, new settings).
    static func refreshNextDue(personId: String, on db: any SQLDatabase, today: CalendarDate) async throws {
        guard let found = try await PersonStore.fetchCase(personId: personId, scope: nil, on: db) else { return }
        try await refreshTerms(person: found.person, traject: found.traject, law: found.law, on: db, today: today)
    }

    static func refreshTerms(person: PersonRecord, traject: TrajectRecord, law: MunicipalityLawSettings, on db: any SQLDatabase,
                             today: CalendarDate) async throws {
        let (facts, progress) = try await LawFactsLoader.load(person: person, traject: traject, on: db, today: today)
        let terms = StatutoryClock.terms(for: facts, settings: law, on: today)
        let next = NextTerm.pick(terms)
        let step = NextStepRule.next(facts: facts, progress: progress, terms: terms, settings: law)
        // R1: the last day of the 10-week PIP term, for the figures (M0004).
        let pipDue = PIPDeadlineRule.deadline(for: facts)?.deadline.iso
        try await db.raw("""
            UPDATE trajecten SET next_due_date = \(bind: next?.due.iso ?? M0002_Casework.noDueDate),
                next_due_kind = \(bind: next?.kind.rawValue ?? ""), pip_due_date = \(bind: pipDue), facts_json = \(bind: try LawFactsLoader.encode(facts)),
                next_step = \(bind: step?.kind.rawValue), next_step_date = \(bind: step?.due?.iso ?? M0002_Casework.noDueDate),
                handover_held = \(bind: progress.warmeOverdracht ? 1 : 0), intake_conversations = \(bind: progress.intakeGesprekken),
                intake_open_topics = \(bind: progress.openOnderwerpen), lbt_done = \(bind: progress.lbtAfgerond ? 1 : 0),
                route_decided = \(bind: progress.leerrouteBesloten ? 1 : 0)
            WHERE person_id = \(bind: person.id)
            """).run()
    }
}
