import Foundation
import SQLKit

/// The recorded history of many cases at once (demo data, the benchmark's dataset, a migration
/// from another system): stored with multi-row inserts in batches, in one transaction, with the
/// same sealing as a case worker's own entries. Not audited per row: an import is one act, which
/// the caller records.
public struct CaseHistory: Sendable {
    public struct Event: Sendable {
        public let personId: String
        public let change: CaseChange
        public let actor: CaseActor
        public let at: Int64

        public init(personId: String, change: CaseChange, actor: CaseActor, at: Int64) {
            self.personId = personId
            self.change = change
            self.actor = actor
            self.at = at
        }
    }

    public var events: [Event] = []
    public var gesprekken: [IntakeGesprekRecord] = []
    public var onderwerpen: [(personId: String, record: IntakeOnderwerpRecord)] = []
    public var toetsen: [LBTRecord] = []
    public var adviezen: [TaalschoolAdviesRecord] = []
    public var besluiten: [RouteBesluitRecord] = []
    public var pips: [PIPRecord] = []
    public var voortgang: [VoortgangsgesprekRecord] = []
    public var uren: [UrenRecord] = []
    public var resultaten: [RouteResultaatRecord] = []
    public var taken: [TaakRecord] = []
    public var overdrachten: [WarmeOverdrachtRecord] = []

    public init() {}
}

extension CaseworkStore {
    /// Stores a history in batches of multi-row inserts, all in one transaction.
    public func importHistory(_ history: CaseHistory, batchSize: Int = 300) async throws {
        let seal = self.seal
        func sealed(_ text: String) throws -> String? { text.isEmpty ? nil : try seal.seal(text) }
        // Seal outside the transaction: the CPU work does not hold the write lock.
        let gesprekNotes = try history.gesprekken.map { try sealed($0.note) }
        let topicContents = try history.onderwerpen.map { try seal.seal(String(decoding: try JSONEncoder.sorted.encode($0.record.answers), as: UTF8.self)) }
        let meetingNotes = try history.voortgang.map { try sealed($0.note) }
        let profiles = try history.overdrachten.map { try seal.seal(String(decoding: try JSONEncoder.sorted.encode($0.profile), as: UTF8.self)) }

        try await database.transaction { db in
            func insert(_ head: String, _ rows: [SQLQueryString]) async throws {
                for start in stride(from: 0, to: rows.count, by: batchSize) {
                    let batch = rows[start..<min(start + batchSize, rows.count)]
                    try await db.raw("\(unsafeRaw: head) VALUES \(batch.joined(separator: ", "))").run()
                }
            }
            try await insert("INSERT INTO case_events (id, person_id, occurred_at, event_date, kind, actor_id, actor_name, detail)", history.events.map { e in
                "(\(bind: TimeOrderedID.make()), \(bind: e.personId), \(bind: e.at), \(bind: e.change.date), \(bind: e.change.kind), \(bind: e.actor.id), \(bind: e.actor.name), \(bind: e.change.detail))"
            })
            try await insert("""
                INSERT INTO intake_gesprekken (id, person_id, conversation_date, attendees, interpreter, culture_mediator, without_partner, no_show, topics, note_sealed, created_by, created_at)
                """, zip(history.gesprekken, gesprekNotes).map { g, note in
                "(\(bind: g.id), \(bind: g.personId), \(bind: g.conversationDate), \(bind: g.attendees), \(bind: g.interpreter ? 1 : 0), \(bind: g.cultureMediator ? 1 : 0), \(bind: g.withoutPartner ? 1 : 0), \(bind: g.noShow ? 1 : 0), \(bind: g.topics.joined(separator: ",")), \(bind: note), \(bind: g.createdBy), \(bind: g.createdAt))"
            })
            try await insert("INSERT INTO intake_onderwerpen (person_id, topic, content_sealed, updated_by, updated_at)", zip(history.onderwerpen, topicContents).map { o, content in
                "(\(bind: o.personId), \(bind: o.record.topic), \(bind: content), \(bind: o.record.updatedBy), \(bind: o.record.updatedAt))"
            })
            try await insert("INSERT INTO leerbaarheidstoetsen (id, person_id, invited_date, test_date, administrator, conditions, score, exemption, created_by, created_at)", history.toetsen.map { l in
                "(\(bind: l.id), \(bind: l.personId), \(bind: l.invitedDate?.iso), \(bind: l.testDate?.iso), \(bind: l.administrator), \(bind: l.conditions), \(bind: l.score), \(bind: l.exemption), \(bind: l.createdBy), \(bind: l.createdAt))"
            })
            try await insert("INSERT INTO taalschool_adviezen (id, person_id, advice_date, school, leerroute, niveau, note, created_by, created_at)", history.adviezen.map { a in
                "(\(bind: a.id), \(bind: a.personId), \(bind: a.adviceDate), \(bind: a.school), \(bind: a.leerroute), \(bind: a.niveau), \(bind: a.note), \(bind: a.createdBy), \(bind: a.createdAt))"
            })
            try await insert("""
                INSERT INTO route_besluiten (id, person_id, decided_date, leerroute, niveau, considered, considerations, deviation, deviation_reason, lbt_score, created_by, created_at)
                """, history.besluiten.map { r in
                "(\(bind: r.id), \(bind: r.personId), \(bind: r.decidedDate), \(bind: r.leerroute), \(bind: r.niveau), \(bind: r.considered), \(bind: r.considerations), \(bind: r.deviation), \(bind: r.deviationReason), \(bind: r.lbtScore), \(bind: r.createdBy), \(bind: r.createdAt))"
            })
            try await insert("""
                INSERT INTO pips (id, person_id, version, status, dagtekening, leerroute, niveau, begeleiding, ondersteuning, pvt, pvt_uren, map, map_uren, vve,
                    voortgangsgesprekken, cadans_maanden, einddoel, reden_afwijking, intensiteit_b1, change_reason, change_note, created_by, created_at, updated_at, fixed_by, fixed_at)
                """, history.pips.map { p in
                "(\(bind: p.id), \(bind: p.personId), \(bind: p.version), \(bind: p.status), \(bind: p.dagtekening), \(bind: p.leerroute), \(bind: p.niveau), \(bind: p.begeleiding), \(bind: p.ondersteuning), \(bind: p.pvt), \(bind: p.pvtUren), \(bind: p.map), \(bind: p.mapUren), \(bind: p.vve), \(bind: p.voortgangsgesprekken), \(bind: p.cadansMaanden), \(bind: p.einddoel), \(bind: p.redenAfwijking), \(bind: p.intensiteitB1), \(bind: p.changeReason), \(bind: p.changeNote), \(bind: p.createdBy), \(bind: p.createdAt), \(bind: p.updatedAt), \(bind: p.fixedBy), \(bind: p.fixedAt))"
            })
            try await insert("INSERT INTO voortgangsgesprekken (id, person_id, held_date, outcome, no_show, note_sealed, created_by, created_at)", zip(history.voortgang, meetingNotes).map { v, note in
                "(\(bind: v.id), \(bind: v.personId), \(bind: v.heldDate), \(bind: v.outcome), \(bind: v.noShow ? 1 : 0), \(bind: note), \(bind: v.createdBy), \(bind: v.createdAt))"
            })
            try await insert("INSERT INTO uren (id, person_id, soort, period_end, hours, provider, during_intake, created_by, created_at)", history.uren.map { u in
                "(\(bind: u.id), \(bind: u.personId), \(bind: u.soort), \(bind: u.periodEnd), \(bind: u.hours), \(bind: u.provider), \(bind: u.duringIntake), \(bind: u.createdBy), \(bind: u.createdAt))"
            })
            try await insert("INSERT INTO route_resultaten (person_id, kind, result_date, created_by, created_at)", history.resultaten.map { r in
                "(\(bind: r.personId), \(bind: r.kind), \(bind: r.resultDate.iso), 'import', 0)"
            })
            try await insert("INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, done_at, done_by, created_by, created_at)", history.taken.map { k in
                "(\(bind: k.id), \(bind: k.personId), \(bind: k.title), \(bind: k.dueDate?.iso), \(bind: k.assigneeId), \(bind: k.source), \(bind: k.doneAt), \(bind: k.doneBy), \(bind: k.createdBy), \(bind: k.createdAt))"
            })
            try await insert("INSERT INTO warme_overdrachten (person_id, scenario, profile_sealed, meeting_planned, meeting_held, meeting_attendees, updated_by, updated_at)", zip(history.overdrachten, profiles).map { w, profile in
                "(\(bind: w.personId), \(bind: w.scenario), \(bind: profile), \(bind: w.meetingPlanned), \(bind: w.meetingHeld), \(bind: w.meetingAttendees), \(bind: w.updatedBy), \(bind: w.updatedAt))"
            })
        }
    }
}
