import Foundation
import Inburgering
import SQLKit

/// A provider's progress report on a started referral (issue 18 item 6): the level per skill, its
/// advice and a note. It appears in the case and prefills the consulent's next progress meeting.
public struct ProgressReportRecord: Sendable, Hashable {
    public let id: String
    public let referralId: String
    public let personId: String
    public let providerId: String
    public let providerName: String
    public let reportedOn: CalendarDate
    public let levels: [Taalvaardigheid: Taalniveau]
    public let advice: ProviderAdvice
    public let note: String

    public init(id: String, referralId: String, personId: String, providerId: String, providerName: String = "", reportedOn: CalendarDate,
                levels: [Taalvaardigheid: Taalniveau], advice: ProviderAdvice, note: String) {
        self.id = id
        self.referralId = referralId
        self.personId = personId
        self.providerId = providerId
        self.providerName = providerName
        self.reportedOn = reportedOn
        self.levels = levels
        self.advice = advice
        self.note = note
    }

    /// `lezen=A2,spreken=A1`: the levels as stored, in the skills' order.
    public static func stored(_ levels: [Taalvaardigheid: Taalniveau]) -> String {
        Taalvaardigheid.allCases.compactMap { skill in levels[skill].map { "\(skill.rawValue)=\($0.rawValue)" } }.joined(separator: ",")
    }

    static func levels(_ stored: String) -> [Taalvaardigheid: Taalniveau] {
        var levels: [Taalvaardigheid: Taalniveau] = [:]
        for pair in stored.split(separator: ",") {
            let parts = pair.split(separator: "=").map(String.init)
            if parts.count == 2, let skill = Taalvaardigheid(rawValue: parts[0]), let level = Taalniveau(rawValue: parts[1]) { levels[skill] = level }
        }
        return levels
    }
}

public enum ProgressReportError: Error, Equatable, Sendable {
    /// Not a started referral to one of the provider's offers.
    case notStarted
}

extension CaseworkStore {
    /// Records a provider's report on its started referral, with its timeline line and audit entry.
    /// Nil when the person is not in scope.
    public func insertProgressReport(_ report: ProgressReportRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        let seal = self.seal
        return try await change(personId: report.personId, scope: scope, needs: .identity, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let row = try await db.raw("""
                SELECT v.name FROM referrals r JOIN provider_offers o ON o.id = r.offer_id JOIN providers v ON v.id = o.provider_id
                WHERE r.id = \(bind: report.referralId) AND r.person_id = \(bind: report.personId) AND o.provider_id = \(bind: report.providerId)
                  AND r.status = 'started'
                """).first() else { throw ProgressReportError.notStarted }
            let provider = try row.decode(column: "name", as: String.self)
            try await db.raw("""
                INSERT INTO progress_reports (id, referral_id, person_id, provider_id, reported_on, levels, advice, note_sealed, created_by, created_at)
                VALUES (\(bind: report.id), \(bind: report.referralId), \(bind: report.personId), \(bind: report.providerId), \(bind: report.reportedOn.iso),
                    \(bind: ProgressReportRecord.stored(report.levels)), \(bind: report.advice.rawValue),
                    \(bind: report.note.isEmpty ? nil : try seal.seal(report.note)), \(bind: actor.id ?? actor.name), \(bind: now.epochSeconds))
                """).run()
            return (true, [CaseChange(kind: "voortgangsrapportage", date: report.reportedOn.iso, detail: "\(provider): \(report.advice.rawValue)")])
        }
    }

    /// The person's progress reports, newest first: all of them for the municipality's staff (casework),
    /// or only one provider's own for its staff (`providerId`).
    public func listProgressReports(personId: String, scope: TenantScope, providerId: String? = nil) async throws -> [ProgressReportRecord] {
        var query: SQLQueryString = """
            SELECT x.*, v.name AS provider_name FROM progress_reports x JOIN persons p ON p.id = x.person_id JOIN providers v ON v.id = x.provider_id
            WHERE x.person_id = \(bind: personId) AND \(scope.persons(needs: providerId == nil ? .casework : .identity))
            """
        if let providerId { query += " AND x.provider_id = \(bind: providerId)" }
        query += " ORDER BY x.reported_on DESC, x.created_at DESC"
        return try await database.sql.raw(query).all().map { row in
            ProgressReportRecord(
                id: try row.decode(column: "id", as: String.self), referralId: try row.decode(column: "referral_id", as: String.self),
                personId: try row.decode(column: "person_id", as: String.self), providerId: try row.decode(column: "provider_id", as: String.self),
                providerName: try row.decode(column: "provider_name", as: String.self),
                reportedOn: try CalendarDate.decode(try row.decode(column: "reported_on", as: String.self)),
                levels: ProgressReportRecord.levels(try row.decode(column: "levels", as: String.self)),
                advice: ProviderAdvice(rawValue: try row.decode(column: "advice", as: String.self)) ?? .doorgaan,
                note: try row.decode(column: "note_sealed", as: String?.self).map { try seal.open($0) } ?? "")
        }
    }
}
