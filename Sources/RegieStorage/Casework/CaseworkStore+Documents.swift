import DUO
import Foundation
import Inburgering
import SQLKit

/// Documents in the case file, sealed at rest.
extension CaseworkStore {
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
        return try await change(personId: document.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
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
            WHERE d.person_id = \(bind: personId) AND d.withdrawn_at IS NULL AND \(scope.persons(needs: [.casework, .specialCategory]))
            ORDER BY d.uploaded_at DESC, d.id
            """).all(decoding: DocumentRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// One document with its opened content, in scope; a withdrawn document is not handed out.
    public func fetchDocument(personId: String, documentId: String, scope: TenantScope) async throws -> (DocumentRecord, Data)? {
        guard let row = try await database.sql.raw("""
            SELECT d.* FROM documenten d JOIN persons p ON p.id = d.person_id
            WHERE d.id = \(bind: documentId) AND d.person_id = \(bind: personId) AND d.withdrawn_at IS NULL AND \(scope.persons(needs: [.casework, .specialCategory]))
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
}

/// What the case file's section links say about sections whose state the traject does not carry.
public struct SectionCounts: Sendable, Hashable {
    public var openRequests = 0
    public var enforcementSteps = 0
    public var documents = 0
    public var sentLetters = 0
    /// Referrals to a provider that are still open (referred, accepted or started).
    public var openReferrals = 0
}

extension CaseworkStore {
    /// Open requests to third parties, enforcement steps, documents, sent letters and open referrals of a person in scope, in one read.
    public func sectionCounts(personId: String, scope: TenantScope) async throws -> SectionCounts {
        guard let row = try await database.sql.raw("""
            SELECT (SELECT COUNT(*) FROM derden_verzoeken d WHERE d.person_id = p.id AND d.received_on IS NULL AND d.withdrawn_reason IS NULL) AS requests,
                   (SELECT COUNT(*) FROM handhavingen h WHERE h.person_id = p.id AND h.withdrawn_at IS NULL) AS steps,
                   (SELECT COUNT(*) FROM documenten x WHERE x.person_id = p.id AND x.withdrawn_at IS NULL) AS documents,
                   (SELECT COUNT(*) FROM sent_letters s WHERE s.person_id = p.id) AS letters,
                   (SELECT COUNT(*) FROM referrals r WHERE r.person_id = p.id AND r.status IN ('referred', 'accepted', 'started')) AS referrals
            FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .casework))
            """).first() else { return SectionCounts() }
        return SectionCounts(openRequests: try row.decode(column: "requests", as: Int.self), enforcementSteps: try row.decode(column: "steps", as: Int.self),
                             documents: try row.decode(column: "documents", as: Int.self), sentLetters: try row.decode(column: "letters", as: Int.self),
                             openReferrals: try row.decode(column: "referrals", as: Int.self))
    }
}
