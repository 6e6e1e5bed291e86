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

    // MARK: The one way to change a case: `change` (CaseUnit.swift)

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
    /// `current`: only the rows that were not withdrawn (the table has `withdrawn_at`).
    func rows<T: Decodable>(_ table: String, personId: String, scope: TenantScope, current: Bool = false, order: String, needs: DataClasses = .casework,
                            as type: T.Type) async throws -> [T] {
        return try await database.sql.raw("""
            SELECT x.* FROM \(unsafeRaw: table) x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId)\(unsafeRaw: current ? " AND x.withdrawn_at IS NULL" : "") AND \(scope.persons(needs: needs))
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
        try await change(personId: personId, scope: scope, needs: .identity, changesPerson: true, actor: actor, audit: audit, now: now) { unit in
            try await unit.db.raw("""
                UPDATE persons SET given_names = \(bind: details.givenNames), family_name = \(bind: details.familyName),
                    search_name = \(bind: PersonStore.searchKey(details.givenNames + " " + details.familyName)), date_of_birth = \(bind: details.dateOfBirth),
                    gender = \(bind: details.gender), language = \(bind: details.language), interpreter_needed = \(bind: details.interpreterNeeded ? 1 : 0),
                    details_pending = 0, updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: personId)
                """).run()
            if let brp = details.brpDate {
                try await unit.advance(to: .gehuisvest, also: "brp_date = \(bind: brp)")
            }
            return (true, [CaseChange(kind: "gegevens", date: CalendarDate.today(now: now).iso)])
        }
    }
}

