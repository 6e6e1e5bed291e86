import Foundation
import Inburgering
import SQLKit

/// A letter as it was sent: kept in the person's file exactly as the newcomer received it (its
/// rendered document with the stylesheet of that day, sealed at rest), whatever later changes to the
/// settings or templates. Rows are never updated.
public struct SentLetterStore: Sendable {
    let database: Database
    let seal: FieldSeal

    public init(database: Database, seal: FieldSeal) {
        self.database = database
        self.seal = seal
    }

    public struct Summary: Sendable, Hashable {
        public let id: String
        public let kind: String
        public let reference: String
        public let subject: String
        public let sentDate: String
        public let recordedBy: String
    }

    /// The document as it was printed: the HTML and the stylesheet it links to.
    public struct Document: Codable, Sendable, Hashable {
        public let html: String
        public let css: String

        public init(html: String, css: String) {
            self.html = html
            self.css = css
        }
    }

    /// Keeps the letter with its timeline line and audit entry, in one transaction; nil when the
    /// person is not in scope.
    public func insert(id: String, personId: String, scope: TenantScope, kind: String, reference: String, subject: String, sentDate: CalendarDate,
                       document: Document, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> String? {
        let sealed = try seal.seal(String(decoding: try JSONEncoder.sorted.encode(document), as: UTF8.self))
        return try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT p.municipality_code FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .casework))
                """).first() else { return nil }
            try await db.raw("""
                INSERT INTO sent_letters (id, person_id, municipality_code, kind, reference, subject, sent_date, document_sealed, recorded_by, recorded_at)
                VALUES (\(bind: id), \(bind: personId), \(bind: try row.decode(column: "municipality_code", as: String.self)), \(bind: kind),
                        \(bind: reference), \(bind: subject), \(bind: sentDate.iso), \(bind: sealed), \(bind: actor.name), \(bind: now.epochSeconds))
                """).run()
            try await CaseworkStore.insertEvent(CaseChange(kind: "brief.verzonden", date: sentDate.iso, detail: "\(subject) (\(reference))"),
                                                personId: personId, actor: actor, at: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
            return id
        }
    }

    public func list(personId: String, scope: TenantScope) async throws -> [Summary] {
        return try await database.sql.raw("""
            SELECT id, kind, reference, subject, sent_date, recorded_by FROM sent_letters
            WHERE person_id = \(bind: personId) AND \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .casework))
            ORDER BY recorded_at DESC, id
            """).all().map(Self.summary)
    }

    static func summary(_ row: any SQLRow) throws -> Summary {
        Summary(id: try row.decode(column: "id", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                reference: try row.decode(column: "reference", as: String.self), subject: try row.decode(column: "subject", as: String.self),
                sentDate: try row.decode(column: "sent_date", as: String.self), recordedBy: try row.decode(column: "recorded_by", as: String.self))
    }

    /// One kept letter of a person in scope, opened.
    public func fetch(id: String, personId: String, scope: TenantScope) async throws -> (Summary, Document)? {
        guard let row = try await database.sql.raw("""
            SELECT * FROM sent_letters WHERE id = \(bind: id) AND person_id = \(bind: personId) AND \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .casework))
            """).first() else { return nil }
        let json = try seal.open(try row.decode(column: "document_sealed", as: String.self))
        return (try Self.summary(row), try JSONDecoder().decode(Document.self, from: Data(json.utf8)))
    }
}
