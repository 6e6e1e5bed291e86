import DUO
import Foundation
import Inburgering
import SQLKit

/// The warm handover from COA.
extension CaseworkStore {
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
        return try await change(personId: record.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
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
                try await unit.updateTraject(CaseUnit.atLeast("last_contact_date", held))
            }
            return (record, changes)
        }
    }
}
