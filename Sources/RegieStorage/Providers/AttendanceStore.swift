import Foundation
import Inburgering
import SQLKit

/// A lesson of a provider's offer (the attendance register, issue 18 item 4).
public struct LessonRecord: Sendable, Hashable {
    public var id: String
    public var providerId: String
    public var offerId: String
    /// The start moment whose group the lesson is for; nil: every started participant of the offer.
    public var startId: String?
    public var date: CalendarDate
    /// The time the lesson starts, `HH:MM`.
    public var startsAt: String
    public var hours: Int
    public var soort: UrenSoort
    /// Shown in the classroom; a participant confirming on their phone types it.
    public var code: String
    public var status: LessonStatus
    public var openedBy: String
    public var cancelledReason: String?

    public init(id: String, providerId: String, offerId: String, startId: String?, date: CalendarDate, startsAt: String, hours: Int, soort: UrenSoort,
                code: String, status: LessonStatus = .open, openedBy: String, cancelledReason: String? = nil) {
        self.id = id
        self.providerId = providerId
        self.offerId = offerId
        self.startId = startId
        self.date = date
        self.startsAt = startsAt
        self.hours = hours
        self.soort = soort
        self.code = code
        self.status = status
        self.openedBy = openedBy
        self.cancelledReason = cancelledReason
    }

    init(row: any SQLRow) throws {
        self.init(id: try row.decode(column: "id", as: String.self), providerId: try row.decode(column: "provider_id", as: String.self),
                  offerId: try row.decode(column: "offer_id", as: String.self), startId: try row.decode(column: "start_id", as: String?.self),
                  date: try CalendarDate.decode(try row.decode(column: "lesson_date", as: String.self)),
                  startsAt: try row.decode(column: "starts_at", as: String.self), hours: try row.decode(column: "hours", as: Int.self),
                  soort: UrenSoort(rawValue: try row.decode(column: "soort", as: String.self)) ?? .cursus, code: try row.decode(column: "code", as: String.self),
                  status: LessonStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                  openedBy: try row.decode(column: "opened_by", as: String.self), cancelledReason: try row.decode(column: "cancelled_reason", as: String?.self))
    }
}

/// A lesson in a list: with its offer's name and how many confirmed, of how many in its group.
public struct LessonSummary: Sendable, Hashable {
    public let lesson: LessonRecord
    public let offerName: String
    public let providerName: String
    public let present: Int
}

/// A participant of a lesson: a person whose referral to the offer (and start moment) has started,
/// their own confirmation, and, once the teacher confirmed the list, whether they count as present.
public struct LessonParticipant: Sendable, Hashable {
    public let personId: String
    public let referralId: String
    public let givenNames: String
    public let familyName: String
    public let channel: PresenceChannel?
    public let confirmedAt: Int64?
    public let struckReason: String?
    /// As the teacher confirmed the list (nil while the lesson is open).
    public let present: Bool?

    /// Confirmed by the participant and not struck by the teacher.
    public var confirmed: Bool { channel != nil && struckReason == nil }
}

/// What the consulent sees of a referral's attendance: counted lessons, presences, hours, and the
/// last day absent.
public struct AttendanceSummary: Sendable, Hashable {
    public var lessons = 0
    public var present = 0
    public var hours = 0
    public var lastAbsent: CalendarDate?
    public var signalledOn: CalendarDate?
}

public enum AttendanceError: Error, Equatable, Sendable {
    /// Not a lesson of this provider, or not one the participant belongs to.
    case unknownLesson
    /// The lesson is not open (confirmed or cancelled), or not today's.
    case notOpen
    /// The person is not in the lesson's group.
    case notInGroup
    /// The teacher struck this participant's confirmation: they cannot confirm again.
    case struck
    /// The offer or start moment is not the provider's.
    case unknownOffer
}

/// The outcome of the teacher's confirmation.
public struct LessonConfirmation: Sendable, Hashable {
    public let present: Int
    public let absent: Int
    /// The people whose absence made a signal (and a task for their consulent).
    public let signalled: [String]
}

extension ProviderStore {
    // MARK: The teacher's side

    /// Opens a lesson of one of the provider's offers (and, optionally, one of its start moments).
    public func openLesson(_ lesson: LessonRecord, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            try await Self.insertLesson(lesson, now: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    static func insertLesson(_ lesson: LessonRecord, now: Date, on db: any SQLDatabase) async throws {
        guard try await db.raw("""
            SELECT id FROM provider_offers WHERE id = \(bind: lesson.offerId) AND provider_id = \(bind: lesson.providerId)
            """).first() != nil else { throw AttendanceError.unknownOffer }
        if let startId = lesson.startId, try await db.raw("""
            SELECT id FROM offer_starts WHERE id = \(bind: startId) AND offer_id = \(bind: lesson.offerId)
            """).first() == nil { throw AttendanceError.unknownOffer }
        try await db.raw("""
            INSERT INTO lessons (id, provider_id, offer_id, start_id, lesson_date, starts_at, hours, soort, code, status, opened_by, opened_at)
            VALUES (\(bind: lesson.id), \(bind: lesson.providerId), \(bind: lesson.offerId), \(bind: lesson.startId), \(bind: lesson.date.iso),
                \(bind: lesson.startsAt), \(bind: lesson.hours), \(bind: lesson.soort.rawValue), \(bind: lesson.code), 'open', \(bind: lesson.openedBy),
                \(bind: now.epochSeconds))
            """).run()
    }

    /// The groups a lesson can be for: the provider's active offers, each with its start moments
    /// that were not cancelled (oldest first).
    public func lessonGroups(providerId: String) async throws -> [(offer: OfferRecord, starts: [(id: String, startsOn: CalendarDate)])] {
        let db = database.sql
        let offers = try await db.raw("""
            SELECT * FROM provider_offers WHERE provider_id = \(bind: providerId) AND active = 1 ORDER BY name, id
            """).all().map { try OfferRecord(row: $0) }
        let starts = try await db.raw("""
            SELECT s.id, s.offer_id, s.starts_on FROM offer_starts s JOIN provider_offers o ON o.id = s.offer_id
            WHERE o.provider_id = \(bind: providerId) AND s.cancelled_reason IS NULL ORDER BY s.starts_on, s.id
            """).all()
        var byOffer: [String: [(id: String, startsOn: CalendarDate)]] = [:]
        for row in starts {
            byOffer[try row.decode(column: "offer_id", as: String.self), default: []]
                .append((try row.decode(column: "id", as: String.self), try CalendarDate.decode(try row.decode(column: "starts_on", as: String.self))))
        }
        return offers.map { ($0, byOffer[$0.id] ?? []) }
    }

    /// The provider's lessons from `from` on (open ones whatever their day), newest first.
    public func lessons(providerId: String, from: CalendarDate, limit: Int = 200) async throws -> [LessonSummary] {
        try await database.sql.raw("""
            SELECT l.*, o.name AS offer_name, v.name AS provider_name,
                (SELECT COUNT(*) FROM lesson_presences x WHERE x.lesson_id = l.id AND x.struck_at IS NULL) AS present
            FROM lessons l JOIN provider_offers o ON o.id = l.offer_id JOIN providers v ON v.id = l.provider_id
            WHERE l.provider_id = \(bind: providerId) AND (l.lesson_date >= \(bind: from.iso) OR l.status = 'open')
            ORDER BY l.lesson_date DESC, l.starts_at DESC, l.id LIMIT \(bind: limit)
            """).all().map(Self.summary(row:))
    }

    static func summary(row: any SQLRow) throws -> LessonSummary {
        LessonSummary(lesson: try LessonRecord(row: row), offerName: try row.decode(column: "offer_name", as: String.self),
                      providerName: try row.decode(column: "provider_name", as: String.self), present: try row.decode(column: "present", as: Int.self))
    }

    /// One lesson of the provider.
    public func lesson(id: String, providerId: String) async throws -> LessonSummary? {
        try await database.sql.raw("""
            SELECT l.*, o.name AS offer_name, v.name AS provider_name,
                (SELECT COUNT(*) FROM lesson_presences x WHERE x.lesson_id = l.id AND x.struck_at IS NULL) AS present
            FROM lessons l JOIN provider_offers o ON o.id = l.offer_id JOIN providers v ON v.id = l.provider_id
            WHERE l.id = \(bind: id) AND l.provider_id = \(bind: providerId)
            """).first().map(Self.summary(row:))
    }

    /// The lesson's group: the people in scope whose referral to the offer (and start moment) had
    /// started by the lesson's day and has not ended, with their confirmation; once the teacher
    /// confirmed, the list as confirmed (whoever has left the group since).
    public func participants(of lesson: LessonRecord, scope: TenantScope) async throws -> [LessonParticipant] {
        try await Self.participants(of: lesson, scope: scope, on: database.sql)
    }

    /// `asConfirmed`: the list as the teacher confirmed it (by default for a confirmed lesson); else the group as it stands.
    static func participants(of lesson: LessonRecord, scope: TenantScope, asConfirmed: Bool? = nil, on db: any SQLDatabase) async throws -> [LessonParticipant] {
        let query: SQLQueryString
        if asConfirmed ?? (lesson.status == .confirmed) {
            query = """
                SELECT a.person_id, a.referral_id, p.given_names, p.family_name, x.channel, x.confirmed_at, x.struck_reason, a.present
                FROM lesson_attendance a JOIN persons p ON p.id = a.person_id
                LEFT JOIN lesson_presences x ON x.lesson_id = a.lesson_id AND x.person_id = a.person_id
                WHERE a.lesson_id = \(bind: lesson.id) AND \(scope.persons(needs: .identity))
                ORDER BY p.family_name, p.given_names, p.id
                """
        } else {
            query = """
                SELECT r.person_id, r.id AS referral_id, p.given_names, p.family_name, x.channel, x.confirmed_at, x.struck_reason, NULL AS present
                FROM referrals r JOIN persons p ON p.id = r.person_id
                LEFT JOIN lesson_presences x ON x.lesson_id = \(bind: lesson.id) AND x.person_id = r.person_id
                WHERE \(group(lesson)) AND \(scope.persons(needs: .identity))
                ORDER BY p.family_name, p.given_names, p.id
                """
        }
        return try await db.raw(query).all().map { row in
            LessonParticipant(personId: try row.decode(column: "person_id", as: String.self), referralId: try row.decode(column: "referral_id", as: String.self),
                              givenNames: try row.decode(column: "given_names", as: String.self), familyName: try row.decode(column: "family_name", as: String.self),
                              channel: try row.decode(column: "channel", as: String?.self).flatMap(PresenceChannel.init(rawValue:)),
                              confirmedAt: try row.decode(column: "confirmed_at", as: Int64?.self), struckReason: try row.decode(column: "struck_reason", as: String?.self),
                              present: try row.decode(column: "present", as: Int?.self).map { $0 == 1 })
        }
    }

    /// The referrals (alias `r`) that make a lesson's group: started by the lesson's day, with a
    /// consent that runs (without it the provider may not know the person, so cannot list them).
    static func group(_ lesson: LessonRecord) -> SQLQueryString {
        var clause: SQLQueryString = """
            r.offer_id = \(bind: lesson.offerId) AND r.status = 'started' AND r.started_on <= \(bind: lesson.date.iso) AND \(consentRuns)
            """
        if let startId = lesson.startId { clause += " AND r.start_id = \(bind: startId)" }
        return clause
    }

    /// The referral (alias `r`) has a consent that runs.
    static let consentRuns: SQLQueryString = "EXISTS (SELECT 1 FROM referral_consents c WHERE c.referral_id = r.id AND c.ended_on IS NULL)"

    /// A participant's own confirmation of their presence: only while the lesson is open and on its
    /// day, only for a person in its group, once.
    public func confirmPresence(lessonId: String, personId: String, channel: PresenceChannel, today: CalendarDate, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            guard let lesson = try await db.raw("SELECT * FROM lessons WHERE id = \(bind: lessonId)").first().map(LessonRecord.init(row:)) else {
                throw AttendanceError.unknownLesson
            }
            guard AttendanceRule.mayConfirm(status: lesson.status, lessonDay: lesson.date, today: today) else { throw AttendanceError.notOpen }
            guard try await db.raw("SELECT r.id FROM referrals r WHERE \(Self.group(lesson)) AND r.person_id = \(bind: personId)").first() != nil else {
                throw AttendanceError.notInGroup
            }
            if let existing = try await db.raw("""
                SELECT struck_at FROM lesson_presences WHERE lesson_id = \(bind: lessonId) AND person_id = \(bind: personId)
                """).first() {
                if try existing.decode(column: "struck_at", as: Int64?.self) != nil { throw AttendanceError.struck }
                return
            }
            try await db.raw("""
                INSERT INTO lesson_presences (lesson_id, person_id, channel, confirmed_at)
                VALUES (\(bind: lessonId), \(bind: personId), \(bind: channel.rawValue), \(bind: now.epochSeconds))
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// The teacher strikes a confirmation (someone confirmed who was not there, or left): the row
    /// stays with the reason, and the person counts as absent.
    public func strikePresence(lessonId: String, providerId: String, personId: String, reason: String, by actor: String, audit: AuditEvent,
                               now: Date) async throws {
        try await database.transaction { db in
            guard try await db.raw("""
                SELECT id FROM lessons WHERE id = \(bind: lessonId) AND provider_id = \(bind: providerId) AND status = 'open'
                """).first() != nil else { throw AttendanceError.notOpen }
            guard try await db.raw("""
                UPDATE lesson_presences SET struck_reason = \(bind: reason), struck_by = \(bind: actor), struck_at = \(bind: now.epochSeconds)
                WHERE lesson_id = \(bind: lessonId) AND person_id = \(bind: personId) AND struck_at IS NULL RETURNING person_id
                """).first() != nil else { throw AttendanceError.notInGroup }
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// The teacher cancels an open lesson: it did not take place, so it counts nothing.
    public func cancelLesson(lessonId: String, providerId: String, reason: String, by actor: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE lessons SET status = 'cancelled', cancelled_reason = \(bind: reason), cancelled_by = \(bind: actor), cancelled_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: lessonId) AND provider_id = \(bind: providerId) AND status = 'open' RETURNING id
                """).first() != nil else { throw AttendanceError.notOpen }
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// The teacher confirms the list, and only now does the lesson count, in one transaction: each
    /// participant of the group is present (confirmed themselves, not struck) or absent; each one
    /// present gets the lesson's hours in their case, with the new totals for DUO, and each one
    /// absent too often in the municipality's window gets a signal on their timeline and a task for
    /// their consulent. `audit` is stamped per person.
    public func confirmLesson(lessonId: String, providerId: String, scope: TenantScope, actor: CaseActor, absence: AanwezigheidSettings,
                              signalTitle: String, audit: AuditEvent, now: Date) async throws -> LessonConfirmation {
        try await database.transaction { db in
            try await Self.confirm(lessonId: lessonId, providerId: providerId, scope: scope, actor: actor, absence: absence, signalTitle: signalTitle,
                                   audit: audit, now: now, on: db)
        }
    }

    /// A lesson the provider's own administration registered, delivered through the provider API:
    /// opened, each person of `present` (by their referral) registered present by the provider's
    /// system, and confirmed — in one transaction, so it counts whole or not at all. A referral that
    /// is not in the lesson's group is refused (`AttendanceError.notInGroup`, with nothing stored).
    public func recordLesson(_ lesson: LessonRecord, present referralIds: [String], scope: TenantScope, actor: CaseActor, absence: AanwezigheidSettings,
                             signalTitle: String, audit: AuditEvent, now: Date) async throws -> LessonConfirmation {
        try await database.transaction { db in
            try await Self.insertLesson(lesson, now: now, on: db)
            let group = try await Self.participants(of: lesson, scope: scope, asConfirmed: false, on: db)
            let byReferral = Dictionary(group.map { ($0.referralId, $0.personId) }, uniquingKeysWith: { a, _ in a })
            for referralId in Set(referralIds).sorted() {
                guard let personId = byReferral[referralId] else { throw AttendanceError.notInGroup }
                try await db.raw("""
                    INSERT INTO lesson_presences (lesson_id, person_id, channel, confirmed_at)
                    VALUES (\(bind: lesson.id), \(bind: personId), \(bind: PresenceChannel.providerSystem.rawValue), \(bind: now.epochSeconds))
                    """).run()
            }
            return try await Self.confirm(lessonId: lesson.id, providerId: lesson.providerId, scope: scope, actor: actor, absence: absence,
                                          signalTitle: signalTitle, audit: audit, now: now, on: db)
        }
    }

    static func confirm(lessonId: String, providerId: String, scope: TenantScope, actor: CaseActor, absence: AanwezigheidSettings,
                    signalTitle: String, audit: AuditEvent, now: Date, on db: any SQLDatabase) async throws -> LessonConfirmation {
        guard let row = try await db.raw("""
            UPDATE lessons SET status = 'confirmed', confirmed_by = \(bind: actor.id ?? actor.name), confirmed_at = \(bind: now.epochSeconds)
            WHERE id = \(bind: lessonId) AND provider_id = \(bind: providerId) AND status = 'open' RETURNING *
            """).first() else { throw AttendanceError.notOpen }
        let lesson = try LessonRecord(row: row)
        let providerName = try await db.raw("SELECT name FROM providers WHERE id = \(bind: providerId)").first()?.decode(column: "name", as: String.self) ?? ""
        // The group as it stands now becomes the confirmed list.
        let group = try await Self.participants(of: lesson, scope: scope, asConfirmed: false, on: db)
        let today = CalendarDate.today(now: now)
        var present = 0
        var signalled: [String] = []
        var audits: [AuditEvent] = []
        for participant in group {
            guard let found = try await PersonStore.fetchCase(personId: participant.personId, scope: nil, on: db) else { continue }
            let person = found.person
            let isPresent = participant.confirmed
            let hours = AttendanceRule.hours(lesson: lesson.hours, status: .confirmed, present: isPresent)
            try await db.raw("""
                INSERT INTO lesson_attendance (lesson_id, person_id, referral_id, lesson_date, present, hours)
                VALUES (\(bind: lesson.id), \(bind: person.id), \(bind: participant.referralId), \(bind: lesson.date.iso), \(bind: isPresent ? 1 : 0),
                    \(bind: hours))
                """).run()
            var changes: [CaseChange] = []
            if isPresent {
                present += 1
                let duringIntake = UrenRules.tijdensBredeIntake(fase: found.traject.phase) ? 1 : 0
                // One row per lesson and person (also a unique index): its id says which.
                let urenId = "\(lesson.id):\(person.id)"
                try await db.raw("""
                    INSERT INTO uren (id, person_id, soort, period_end, hours, provider, during_intake, created_by, created_at, lesson_id)
                    VALUES (\(bind: urenId), \(bind: person.id), \(bind: lesson.soort.rawValue), \(bind: lesson.date.iso), \(bind: hours),
                        \(bind: providerName), \(bind: duringIntake), \(bind: actor.id ?? actor.name), \(bind: now.epochSeconds), \(bind: lesson.id))
                    """).run()
                try await CaseworkStore.sendHourTotals(soort: lesson.soort.rawValue, duringIntake: duringIntake == 1, person: person, sourceId: urenId,
                                                       createdBy: actor.id ?? "-", now: now, on: db)
                changes.append(CaseChange(kind: "uren", date: lesson.date.iso, detail: "\(hours) \(lesson.soort.rawValue) (\(providerName))"))
            } else {
                let referral = try await db.raw("SELECT absence_signalled_on FROM referrals WHERE id = \(bind: participant.referralId)").first()
                let since = try referral?.decode(column: "absence_signalled_on", as: String?.self).flatMap(CalendarDate.init(iso:))
                let absences = try await db.raw("""
                    SELECT lesson_date FROM lesson_attendance WHERE referral_id = \(bind: participant.referralId) AND present = 0
                    """).all().map { try CalendarDate.decode(try $0.decode(column: "lesson_date", as: String.self)) }
                changes.append(CaseChange(kind: "les.afwezig", date: lesson.date.iso, detail: providerName))
                if AttendanceRule.isSignal(absences: absences, since: since, settings: absence) {
                    signalled.append(person.id)
                    // The absences up to the latest one are signalled; later ones start a new run.
                    let latest = absences.max() ?? lesson.date
                    try await db.raw("""
                        UPDATE referrals SET absence_signalled_on = \(bind: latest.iso) WHERE id = \(bind: participant.referralId)
                        """).run()
                    try await db.raw("""
                        INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: person.id), \(bind: signalTitle), \(bind: today.adding(days: 5).iso),
                            \(bind: found.traject.consulentId), 'aanwezigheid', \(bind: actor.id ?? actor.name), \(bind: now.epochSeconds))
                        """).run()
                    changes.append(CaseChange(kind: "aanwezigheid.signaal", date: lesson.date.iso, detail: signalTitle))
                }
            }
            try await CaseworkStore.insertEvents(changes, personId: person.id, actor: actor, at: now, on: db)
            try await CaseworkStore.refreshTerms(person: person, traject: found.traject, law: found.law, on: db, today: today)
            var entry = audit
            entry.personId = person.id
            entry.municipalityCode = person.municipalityCode
            entry.detail = "\(audit.detail): \(isPresent ? "aanwezig, \(hours) uur" : "afwezig")"
            audits.append(entry)
        }
        var summary = audit
        summary.detail = "\(audit.detail): \(present) aanwezig, \(group.count - present) afwezig"
        try await AuditStore.append(audits + [summary], at: now, on: db)
        return LessonConfirmation(present: present, absent: group.count - present, signalled: signalled)
    }

    // MARK: The participant's side

    /// The lessons of the participant's groups today, and their last counted lessons.
    public func participantLessons(personId: String, today: CalendarDate) async throws -> (today: [(LessonSummary, confirmed: Bool, struck: Bool)],
                                                                                          recent: [(LessonSummary, present: Bool)]) {
        let db = database.sql
        let open = try await db.raw("""
            SELECT l.*, o.name AS offer_name, v.name AS provider_name, 0 AS present, x.confirmed_at AS mine, x.struck_at AS struck
            FROM lessons l JOIN provider_offers o ON o.id = l.offer_id JOIN providers v ON v.id = l.provider_id
            JOIN referrals r ON r.offer_id = l.offer_id AND (l.start_id IS NULL OR r.start_id = l.start_id)
            LEFT JOIN lesson_presences x ON x.lesson_id = l.id AND x.person_id = r.person_id
            WHERE r.person_id = \(bind: personId) AND r.status = 'started' AND r.started_on <= l.lesson_date AND \(Self.consentRuns)
              AND l.lesson_date = \(bind: today.iso) AND l.status = 'open'
            ORDER BY l.starts_at, l.id
            """).all().map { row in
                (try Self.summary(row: row), confirmed: try row.decode(column: "mine", as: Int64?.self) != nil,
                 struck: try row.decode(column: "struck", as: Int64?.self) != nil)
            }
        let recent = try await db.raw("""
            SELECT l.*, o.name AS offer_name, v.name AS provider_name, 0 AS present, a.present AS was_present
            FROM lesson_attendance a JOIN lessons l ON l.id = a.lesson_id JOIN provider_offers o ON o.id = l.offer_id JOIN providers v ON v.id = l.provider_id
            WHERE a.person_id = \(bind: personId)
            ORDER BY l.lesson_date DESC, l.starts_at DESC LIMIT 10
            """).all().map { row in (try Self.summary(row: row), present: try row.decode(column: "was_present", as: Int.self) == 1) }
        return (open, recent)
    }

    // MARK: The consulent's side

    /// Per referral of the person in scope: counted lessons, presences, hours and the last absence.
    public func attendance(personId: String, scope: TenantScope) async throws -> [String: AttendanceSummary] {
        let rows = try await database.sql.raw("""
            SELECT a.referral_id, COUNT(*) AS lessons, SUM(a.present) AS present, SUM(a.hours) AS hours,
                MAX(CASE WHEN a.present = 0 THEN a.lesson_date END) AS last_absent, MAX(r.absence_signalled_on) AS signalled_on
            FROM lesson_attendance a JOIN persons p ON p.id = a.person_id JOIN referrals r ON r.id = a.referral_id
            WHERE a.person_id = \(bind: personId) AND \(scope.persons(needs: .hours))
            GROUP BY a.referral_id
            """).all()
        var result: [String: AttendanceSummary] = [:]
        for row in rows {
            result[try row.decode(column: "referral_id", as: String.self)] = AttendanceSummary(
                lessons: try row.decode(column: "lessons", as: Int.self), present: try row.decode(column: "present", as: Int?.self) ?? 0,
                hours: try row.decode(column: "hours", as: Int?.self) ?? 0,
                lastAbsent: try row.decode(column: "last_absent", as: String?.self).flatMap(CalendarDate.init(iso:)),
                signalledOn: try row.decode(column: "signalled_on", as: String?.self).flatMap(CalendarDate.init(iso:)))
        }
        return result
    }
}

extension CalendarDate {
    /// A date column that must hold a day.
    static func decode(_ iso: String) throws -> CalendarDate {
        guard let day = CalendarDate(iso: iso) else { throw DatabaseError.unexpected("not a date: \(iso)") }
        return day
    }
}
