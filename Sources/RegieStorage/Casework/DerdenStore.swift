import Foundation
import Inburgering
import SQLKit

/// A request for information a third party holds that the PIP needs (R1a): with whom, about what,
/// asked when, received when. A withdrawn request keeps its row and reason; the timeline keeps
/// every change.
public struct DerdenVerzoekRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var party: String
    public var subject: String
    public var requestedOn: String
    public var receivedOn: String?
    public var withdrawnReason: String?
    public var createdBy: String
    public var createdAt: Int64
    public var updatedBy: String?
    public var updatedAt: Int64?

    public init(id: String, personId: String, party: String, subject: String, requestedOn: String, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.party = party
        self.subject = subject
        self.requestedOn = requestedOn
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

extension CaseworkStore {
    public enum DerdenStoreError: Error, Equatable {
        /// No such request for this person, or it was withdrawn.
        case unknownRequest
        /// Received before it was asked.
        case receivedBeforeRequested
    }

    public func listDerdenVerzoeken(personId: String, scope: TenantScope) async throws -> [DerdenVerzoekRecord] {
        try await rows("derden_verzoeken", personId: personId, scope: scope, order: "x.requested_on, x.created_at", as: DerdenVerzoekRecord.self)
    }

    /// Records a request; the PIP term is held from `requestedOn` when it was made within the 10 weeks (R1a).
    public func insertDerdenVerzoek(_ request: DerdenVerzoekRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> DerdenVerzoekRecord? {
        try await change(personId: request.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            try await db.raw("""
                INSERT INTO derden_verzoeken (id, person_id, party, subject, requested_on, created_by, created_at)
                VALUES (\(bind: request.id), \(bind: request.personId), \(bind: request.party), \(bind: request.subject), \(bind: request.requestedOn),
                    \(bind: request.createdBy), \(bind: request.createdAt))
                """).run()
            return (request, [CaseChange(kind: "derden.gevraagd", date: request.requestedOn, detail: request.party)])
        }
    }

    /// Records (or corrects) the day the answer arrived: the PIP is then due at most 2 weeks later (R1a).
    public func receiveDerdenVerzoek(personId: String, requestId: String, receivedOn: CalendarDate, scope: TenantScope, actor: CaseActor,
                                     audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let request = try await Self.openRequest(personId: personId, requestId: requestId, on: db)
            guard let asked = CalendarDate(iso: request.requestedOn), receivedOn >= asked else { throw DerdenStoreError.receivedBeforeRequested }
            try await db.raw("""
                UPDATE derden_verzoeken SET received_on = \(bind: receivedOn.iso), updated_by = \(bind: actor.id), updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: requestId)
                """).run()
            let detail = request.receivedOn.map { "\(request.party) (was \($0))" } ?? request.party
            return (true, [CaseChange(kind: "derden.ontvangen", date: receivedOn.iso, detail: detail)])
        }
    }

    /// Withdraws a request recorded by mistake; it no longer holds the term. The row and the reason stay.
    public func withdrawDerdenVerzoek(personId: String, requestId: String, reason: String, scope: TenantScope, actor: CaseActor,
                                      audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let request = try await Self.openRequest(personId: personId, requestId: requestId, on: db)
            try await db.raw("""
                UPDATE derden_verzoeken SET withdrawn_reason = \(bind: reason), updated_by = \(bind: actor.id), updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: requestId)
                """).run()
            return (true, [CaseChange(kind: "derden.ingetrokken", date: CalendarDate.today(now: now).iso, detail: "\(request.party): \(reason)")])
        }
    }

    static func openRequest(personId: String, requestId: String, on db: any SQLDatabase) async throws -> DerdenVerzoekRecord {
        guard let request = try await db.raw("""
            SELECT * FROM derden_verzoeken WHERE id = \(bind: requestId) AND person_id = \(bind: personId) AND withdrawn_reason IS NULL
            """).first(decoding: DerdenVerzoekRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw DerdenStoreError.unknownRequest }
        return request
    }
}
