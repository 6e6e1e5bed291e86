import DUO
import Foundation
import Inburgering
import SQLKit

/// The brede intake: conversations and topics.
extension CaseworkStore {
    /// Records a conversation; the first one that took place moves the case to the brede intake.
    public func insertGesprek(_ gesprek: IntakeGesprekRecord, replacing: Replacement? = nil, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                              now: Date) async throws -> IntakeGesprekRecord? {
        let sealedNote = gesprek.note.isEmpty ? nil : try seal.seal(gesprek.note)
        return try await change(personId: gesprek.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let corrected = try await unit.replace(.intakegesprek, replacing, with: gesprek.id, actor: actor)
            try await unit.db.raw("""
                INSERT INTO intake_gesprekken (id, person_id, conversation_date, attendees, interpreter, culture_mediator, without_partner,
                    no_show, topics, note_sealed, created_by, created_at)
                VALUES (\(bind: gesprek.id), \(bind: gesprek.personId), \(bind: gesprek.conversationDate), \(bind: gesprek.attendees),
                    \(bind: gesprek.interpreter ? 1 : 0), \(bind: gesprek.cultureMediator ? 1 : 0), \(bind: gesprek.withoutPartner ? 1 : 0),
                    \(bind: gesprek.noShow ? 1 : 0), \(bind: gesprek.topics.joined(separator: ",")), \(bind: sealedNote),
                    \(bind: gesprek.createdBy), \(bind: gesprek.createdAt))
                """).run()
            if !gesprek.noShow {
                // The intake date is the first conversation held; the last contact the latest.
                try await unit.advance(to: .bredeIntake, also: """
                    \(CaseUnit.atMost("intake_date", gesprek.conversationDate)), \(CaseUnit.atLeast("last_contact_date", gesprek.conversationDate))
                    """)
            }
            return (gesprek, corrected + [CaseChange(kind: gesprek.noShow ? "intake.noShow" : "intake.gesprek", date: gesprek.conversationDate,
                                                     detail: gesprek.topics.isEmpty ? "" : "\(gesprek.topics.count)")])
        }
    }

    public func listGesprekken(personId: String, scope: TenantScope) async throws -> [IntakeGesprekRecord] {
        let rows = try await database.sql.raw("""
            SELECT g.* FROM intake_gesprekken g JOIN persons p ON p.id = g.person_id
            WHERE g.person_id = \(bind: personId) AND g.withdrawn_at IS NULL AND \(scope.persons(needs: .casework))
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

    /// Saves the answers for one intake topic (sealed). What was there before is kept in
    /// `intake_onderwerp_versies` with who replaced it, when and `reason` (empty while the topic was
    /// still being filled in).
    public func saveOnderwerp(personId: String, _ onderwerp: IntakeOnderwerpRecord, reason: String = "", scope: TenantScope, actor: CaseActor,
                              audit: AuditEvent, now: Date) async throws -> IntakeOnderwerpRecord? {
        let sealed = try seal.seal(String(decoding: try JSONEncoder.sorted.encode(onderwerp.answers), as: UTF8.self))
        let versionId = UUID().uuidString.lowercased()
        return try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            try await db.raw("""
                INSERT INTO intake_onderwerp_versies (id, person_id, topic, content_sealed, recorded, updated_by, updated_at, replaced_by, replaced_at, reason)
                SELECT \(bind: versionId), person_id, topic, content_sealed, recorded, updated_by, updated_at, \(bind: actor.id ?? "-"),
                    \(bind: now.epochSeconds), \(bind: reason)
                FROM intake_onderwerpen WHERE person_id = \(bind: personId) AND topic = \(bind: onderwerp.topic)
                """).run()
            try await db.raw("""
                INSERT INTO intake_onderwerpen (person_id, topic, content_sealed, recorded, updated_by, updated_at)
                VALUES (\(bind: personId), \(bind: onderwerp.topic), \(bind: sealed), \(bind: onderwerp.isRecorded ? 1 : 0),
                    \(bind: onderwerp.updatedBy), \(bind: onderwerp.updatedAt))
                ON CONFLICT (person_id, topic) DO UPDATE SET content_sealed = excluded.content_sealed, recorded = excluded.recorded,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """).run()
            return (onderwerp, [CaseChange(kind: "intake.onderwerp", date: CalendarDate.today(now: now).iso,
                                           detail: reason.isEmpty ? onderwerp.topic : "\(onderwerp.topic): \(reason)")])
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
}

/// An earlier answer to an intake topic, replaced by a later save.
public struct IntakeOnderwerpVersie: Sendable, Hashable {
    public let answers: [String: String]
    public let updatedAt: Int64
    public let replacedAt: Int64
    public let reason: String
}

extension CaseworkStore {
    /// The earlier answers to one topic, latest first (opened: they are as sensitive as the topic).
    public func listOnderwerpVersies(personId: String, topic: String, scope: TenantScope) async throws -> [IntakeOnderwerpVersie] {
        try await database.sql.raw("""
            SELECT v.content_sealed, v.updated_at, v.replaced_at, v.reason FROM intake_onderwerp_versies v JOIN persons p ON p.id = v.person_id
            WHERE v.person_id = \(bind: personId) AND v.topic = \(bind: topic) AND \(scope.persons(needs: [.casework, .specialCategory]))
            ORDER BY v.replaced_at DESC, v.id
            """).all().map { row in
                let text = try seal.open(try row.decode(column: "content_sealed", as: String.self))
                return IntakeOnderwerpVersie(answers: try JSONDecoder().decode([String: String].self, from: Data(text.utf8)),
                                             updatedAt: try row.decode(column: "updated_at", as: Int64.self),
                                             replacedAt: try row.decode(column: "replaced_at", as: Int64.self),
                                             reason: try row.decode(column: "reason", as: String.self))
            }
    }
}
