import Foundation
import Inburgering
import SQLKit

/// Financieel ontzorgen (R8): policy versions, arrangements, payees and amounts over time, reviews,
/// and the monthly runs. Changes to a person go through `CaseworkStore.change`, so each runs in one
/// transaction with its timeline line, the nearest term and its audit entry; run changes carry
/// their own audit entry in the same transaction.
public struct OntzorgenStore: Sendable {
    let database: Database
    let seal: FieldSeal
    var casework: CaseworkStore { CaseworkStore(database: database, seal: seal) }

    public init(database: Database, seal: FieldSeal) {
        self.database = database
        self.seal = seal
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    // MARK: Policy

    public func listPolicies(municipalityCode: String) async throws -> [OntzorgenBeleidRecord] {
        try await database.sql.raw("""
            SELECT * FROM ontzorgen_beleid WHERE municipality_code = \(bind: municipalityCode) ORDER BY effective_from DESC
            """).all(decoding: OntzorgenBeleidRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The version in force on `day`: the latest that took effect on or before it.
    public func policy(municipalityCode: String, on day: String) async throws -> OntzorgenBeleidRecord? {
        try await Self.policy(municipalityCode: municipalityCode, on: day, db: database.sql)
    }

    static func policy(municipalityCode: String, on day: String, db: any SQLDatabase) async throws -> OntzorgenBeleidRecord? {
        try await db.raw("""
            SELECT * FROM ontzorgen_beleid WHERE municipality_code = \(bind: municipalityCode) AND effective_from <= \(bind: day)
            ORDER BY effective_from DESC LIMIT 1
            """).first(decoding: OntzorgenBeleidRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Adds a version; a version with the same start day is refused (history is not rewritten).
    public func insertPolicy(_ p: OntzorgenBeleidRecord, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM ontzorgen_beleid WHERE municipality_code = \(bind: p.municipalityCode) AND effective_from = \(bind: p.effectiveFrom)").first() != nil {
                throw OntzorgenError.duplicatePolicyDate
            }
            try await db.raw("""
                INSERT INTO ontzorgen_beleid (id, municipality_code, effective_from, beleid, soorten, duration_months, review_months,
                    first_rent_gift, debtor_name, debtor_iban, debtor_bic, created_by, created_at)
                VALUES (\(bind: p.id), \(bind: p.municipalityCode), \(bind: p.effectiveFrom), \(bind: p.beleid), \(bind: p.soorten),
                    \(bind: p.durationMonths), \(bind: p.reviewMonths), \(bind: p.firstRentGift), \(bind: p.debtorName), \(bind: p.debtorIban),
                    \(bind: p.debtorBic), \(bind: p.createdBy), \(bind: p.createdAt))
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    // MARK: One person

    public func dossier(personId: String, scope: TenantScope) async throws -> OntzorgenDossier {
        let db = database.sql
        let ontzorging = try await db.raw("""
            SELECT o.* FROM ontzorgingen o JOIN persons p ON p.id = o.person_id
            WHERE o.person_id = \(bind: personId) AND \(scope.persons(needs: .ontzorgen))
            """).first(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard let ontzorging else {
            return OntzorgenDossier(ontzorging: nil, beleid: nil, uitkering: [], posten: [], evaluaties: [], betalingen: [], runPersonen: [])
        }
        var beleid: OntzorgenBeleidRecord?
        if let id = ontzorging.beleidId {
            beleid = try await db.raw("SELECT * FROM ontzorgen_beleid WHERE id = \(bind: id)").first(decoding: OntzorgenBeleidRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        func all<T: Decodable>(_ sql: SQLQueryString, _ type: T.Type) async throws -> [T] {
            try await db.raw(sql).all(decoding: T.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return OntzorgenDossier(
            ontzorging: ontzorging, beleid: beleid,
            uitkering: try await all("SELECT * FROM ontzorgen_uitkering WHERE person_id = \(bind: personId) ORDER BY valid_from", UitkeringRecord.self),
            posten: try await all("SELECT * FROM ontzorgen_posten WHERE person_id = \(bind: personId) ORDER BY post_id, valid_from", PostRecord.self),
            evaluaties: try await all("SELECT * FROM ontzorgen_evaluaties WHERE person_id = \(bind: personId) ORDER BY held_on", EvaluatieRecord.self),
            betalingen: try await all("SELECT * FROM ontzorgen_betalingen WHERE person_id = \(bind: personId) ORDER BY month DESC, soort, id", BetalingRecord.self),
            runPersonen: try await all("SELECT * FROM ontzorgen_run_personen WHERE person_id = \(bind: personId) ORDER BY month DESC", RunPersoonRecord.self))
    }

    public func openNote(_ sealed: String?) -> String? {
        sealed.flatMap { try? seal.open($0) }
    }

    /// The decision on ontzorgen: who, from when (the start of bijstand), whether, why. Creates the
    /// review tasks (R8a) for the budget manager when the person is ontzorgd and none are open yet.
    public struct Besluit: Sendable {
        public var bijstandStart: CalendarDate
        public var beleidId: String?
        public var regime: String
        public var ontzorgd: Bool
        public var decisionDate: CalendarDate
        public var reason: String
        public var note: String?
        public var plannedEnd: CalendarDate
        public var reviews: [CalendarDate]
        public var mandateSignedOn: CalendarDate?
        public var leefgeldName: String?
        public var leefgeldIban: String?

        public init(bijstandStart: CalendarDate, beleidId: String?, regime: String, ontzorgd: Bool, decisionDate: CalendarDate, reason: String,
                    note: String?, plannedEnd: CalendarDate, reviews: [CalendarDate], mandateSignedOn: CalendarDate?, leefgeldName: String?, leefgeldIban: String?) {
            self.bijstandStart = bijstandStart
            self.beleidId = beleidId
            self.regime = regime
            self.ontzorgd = ontzorgd
            self.decisionDate = decisionDate
            self.reason = reason
            self.note = note
            self.plannedEnd = plannedEnd
            self.reviews = reviews
            self.mandateSignedOn = mandateSignedOn
            self.leefgeldName = leefgeldName
            self.leefgeldIban = leefgeldIban
        }
    }

    public func decide(personId: String, _ b: Besluit, reviewTitle: @escaping @Sendable (CalendarDate) -> String, scope: TenantScope,
                       actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        let note = try b.note.map { try seal.seal($0) }
        let epoch = now.epochSeconds
        return try await casework.change(personId: personId, scope: scope, needs: .ontzorgen, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let person = unit.person
            let existing = try await db.raw("SELECT person_id FROM ontzorgingen WHERE person_id = \(bind: personId)").first()
            if existing == nil {
                try await db.raw("""
                    INSERT INTO ontzorgingen (person_id, municipality_code, bijstand_start, beleid_id, regime, ontzorgd, decision_date, decision_reason,
                        decision_note_sealed, planned_end, mandate_signed_on, leefgeld_name, leefgeld_iban, decided_by, created_at, updated_at)
                    VALUES (\(bind: personId), \(bind: person.municipalityCode), \(bind: b.bijstandStart.iso), \(bind: b.beleidId), \(bind: b.regime),
                        \(bind: b.ontzorgd ? 1 : 0), \(bind: b.decisionDate.iso), \(bind: b.reason), \(bind: note), \(bind: b.plannedEnd.iso),
                        \(bind: b.mandateSignedOn?.iso), \(bind: b.leefgeldName), \(bind: b.leefgeldIban), \(bind: actor.id ?? ""), \(bind: epoch), \(bind: epoch))
                    """).run()
            } else {
                try await db.raw("""
                    UPDATE ontzorgingen SET bijstand_start = \(bind: b.bijstandStart.iso), beleid_id = \(bind: b.beleidId), regime = \(bind: b.regime),
                        ontzorgd = \(bind: b.ontzorgd ? 1 : 0), decision_date = \(bind: b.decisionDate.iso), decision_reason = \(bind: b.reason),
                        decision_note_sealed = \(bind: note), planned_end = \(bind: b.plannedEnd.iso), mandate_signed_on = \(bind: b.mandateSignedOn?.iso),
                        leefgeld_name = \(bind: b.leefgeldName), leefgeld_iban = \(bind: b.leefgeldIban), decided_by = \(bind: actor.id ?? ""), updated_at = \(bind: epoch)
                    WHERE person_id = \(bind: personId)
                    """).run()
            }
            // R8a: one task per review moment, for whoever decided; replaced when the dates change.
            try await db.raw("DELETE FROM taken WHERE person_id = \(bind: personId) AND source = 'ontzorgen' AND done_at IS NULL").run()
            if b.ontzorgd {
                let today = CalendarDate.today(now: now)
                for review in b.reviews where review >= today {
                    try await db.raw("""
                        INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                        VALUES (\(bind: Self.newID()), \(bind: personId), \(bind: reviewTitle(review)), \(bind: review.iso), \(bind: actor.id),
                            'ontzorgen', \(bind: actor.id ?? ""), \(bind: epoch))
                        """).run()
                }
            }
            let kind = existing == nil ? "ontzorgen.besluit" : "ontzorgen.besluitGewijzigd"
            return (true, [CaseChange(kind: kind, date: b.decisionDate.iso, detail: b.ontzorgd ? b.plannedEnd.iso : "")])
        }
    }

    /// Runs `body` on the person's arrangement in one casework change; nil when the person is out of scope.
    func onArrangement<T: Sendable>(personId: String, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date,
                                    _ body: @escaping @Sendable (any SQLDatabase, OntzorgingRecord) async throws -> (T, [CaseChange])) async throws -> T? {
        try await casework.change(personId: personId, scope: scope, needs: .ontzorgen, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let record = try await db.raw("SELECT * FROM ontzorgingen WHERE person_id = \(bind: personId)")
                .first(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw OntzorgenError.noArrangement }
            return try await body(db, record)
        }
    }

    /// A new benefit amount from a day on (replaces a version starting that same day).
    public func setUitkering(personId: String, validFrom: CalendarDate, amountCents: Int, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _ in
            try await db.raw("DELETE FROM ontzorgen_uitkering WHERE person_id = \(bind: personId) AND valid_from = \(bind: validFrom.iso)").run()
            try await db.raw("""
                INSERT INTO ontzorgen_uitkering (id, person_id, valid_from, amount_cents, created_by, created_at)
                VALUES (\(bind: Self.newID()), \(bind: personId), \(bind: validFrom.iso), \(bind: amountCents), \(bind: actor.id ?? ""), \(bind: now.epochSeconds))
                """).run()
            return (true, [CaseChange(kind: "ontzorgen.uitkering", date: validFrom.iso, detail: Self.euro(amountCents))])
        }
    }

    public struct NieuwePost: Sendable {
        public var soort: String
        public var payeeName: String
        public var iban: String
        public var reference: String
        public var amountCents: Int
        public var validFrom: CalendarDate

        public init(soort: String, payeeName: String, iban: String, reference: String, amountCents: Int, validFrom: CalendarDate) {
            self.soort = soort
            self.payeeName = payeeName
            self.iban = iban
            self.reference = reference
            self.amountCents = amountCents
            self.validFrom = validFrom
        }
    }

    /// A payee line. With `postId` it is a new version of that line from `validFrom`: the previous
    /// version ends the day before, so past months keep the amount they were paid with.
    public func savePost(personId: String, postId: String?, _ p: NieuwePost, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _ in
            let line = postId ?? Self.newID()
            if let postId {
                guard try await db.raw("SELECT id FROM ontzorgen_posten WHERE person_id = \(bind: personId) AND post_id = \(bind: postId)").first() != nil else {
                    throw OntzorgenError.notFound
                }
                try await db.raw("DELETE FROM ontzorgen_posten WHERE post_id = \(bind: postId) AND valid_from >= \(bind: p.validFrom.iso)").run()
                try await db.raw("""
                    UPDATE ontzorgen_posten SET valid_until = \(bind: p.validFrom.adding(days: -1).iso)
                    WHERE post_id = \(bind: postId) AND (valid_until IS NULL OR valid_until >= \(bind: p.validFrom.iso))
                    """).run()
            }
            try await db.raw("""
                INSERT INTO ontzorgen_posten (id, post_id, person_id, soort, payee_name, iban, reference, amount_cents, valid_from, valid_until, created_by, created_at)
                VALUES (\(bind: Self.newID()), \(bind: line), \(bind: personId), \(bind: p.soort), \(bind: p.payeeName), \(bind: p.iban), \(bind: p.reference),
                    \(bind: p.amountCents), \(bind: p.validFrom.iso), NULL, \(bind: actor.id ?? ""), \(bind: now.epochSeconds))
                """).run()
            let kind = postId == nil ? "ontzorgen.post" : "ontzorgen.postGewijzigd"
            return (true, [CaseChange(kind: kind, date: p.validFrom.iso, detail: "\(p.payeeName): \(Self.euro(p.amountCents))")])
        }
    }

    /// Stops paying a payee line after `lastDay`.
    public func endPost(personId: String, postId: String, lastDay: CalendarDate, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _ in
            guard let row = try await db.raw("""
                SELECT payee_name FROM ontzorgen_posten WHERE person_id = \(bind: personId) AND post_id = \(bind: postId) ORDER BY valid_from DESC LIMIT 1
                """).first() else { throw OntzorgenError.notFound }
            try await db.raw("DELETE FROM ontzorgen_posten WHERE post_id = \(bind: postId) AND valid_from > \(bind: lastDay.iso)").run()
            try await db.raw("""
                UPDATE ontzorgen_posten SET valid_until = \(bind: lastDay.iso)
                WHERE post_id = \(bind: postId) AND (valid_until IS NULL OR valid_until > \(bind: lastDay.iso))
                """).run()
            return (true, [CaseChange(kind: "ontzorgen.postGestopt", date: lastDay.iso, detail: try row.decode(column: "payee_name", as: String.self))])
        }
    }

    /// A review held (R8a); completes the earliest open review task.
    public func addEvaluatie(personId: String, heldOn: CalendarDate, outcome: String, note: String?, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        let sealed = try note.map { try seal.seal($0) }
        return try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _ in
            try await db.raw("""
                INSERT INTO ontzorgen_evaluaties (id, person_id, held_on, outcome, note_sealed, created_by, created_by_name, created_at)
                VALUES (\(bind: Self.newID()), \(bind: personId), \(bind: heldOn.iso), \(bind: outcome), \(bind: sealed), \(bind: actor.id ?? ""),
                    \(bind: actor.name), \(bind: now.epochSeconds))
                """).run()
            if let task = try await db.raw("""
                SELECT id FROM taken WHERE person_id = \(bind: personId) AND source = 'ontzorgen' AND done_at IS NULL ORDER BY due_date LIMIT 1
                """).first() {
                try await db.raw("UPDATE taken SET done_at = \(bind: now.epochSeconds), done_by = \(bind: actor.id) WHERE id = \(bind: try task.decode(column: "id", as: String.self))").run()
            }
            return (true, [CaseChange(kind: "ontzorgen.evaluatie", date: heldOn.iso, detail: outcome)])
        }
    }

    /// Extension under art. 57 Pw (R8a): ontzorgen runs until `until`; a review task on `reviewDue`
    /// (`OntzorgenRule.evaluatieNaVerlenging`).
    public func extend(personId: String, decidedOn: CalendarDate, until: CalendarDate, reason: String, reviewDue: CalendarDate, reviewTitle: String, scope: TenantScope,
                       actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, record in
            guard record.ontzorgd == 1, record.closedOn == nil else { throw OntzorgenError.notOntzorgd }
            try await db.raw("""
                UPDATE ontzorgingen SET extended_until = \(bind: until.iso), extension_decided_on = \(bind: decidedOn.iso),
                    extension_reason = \(bind: reason), updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: personId)
                """).run()
            try await db.raw("""
                INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                VALUES (\(bind: Self.newID()), \(bind: personId), \(bind: reviewTitle), \(bind: reviewDue.iso), \(bind: actor.id), 'ontzorgen',
                    \(bind: actor.id ?? ""), \(bind: now.epochSeconds))
                """).run()
            return (true, [CaseChange(kind: "ontzorgen.verlengd", date: decidedOn.iso, detail: until.iso)])
        }
    }

    /// Ends ontzorgen on `closedOn` (the last day) with the handover to the newcomer; open review tasks go.
    public func close(personId: String, closedOn: CalendarDate, reason: String, handover: String?, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        let sealed = try handover.map { try seal.seal($0) }
        return try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, record in
            guard record.ontzorgd == 1 else { throw OntzorgenError.notOntzorgd }
            try await db.raw("""
                UPDATE ontzorgingen SET closed_on = \(bind: closedOn.iso), close_reason = \(bind: reason), handover_note_sealed = \(bind: sealed),
                    updated_at = \(bind: now.epochSeconds) WHERE person_id = \(bind: personId)
                """).run()
            try await db.raw("DELETE FROM taken WHERE person_id = \(bind: personId) AND source = 'ontzorgen' AND done_at IS NULL").run()
            return (true, [CaseChange(kind: "ontzorgen.beeindigd", date: closedOn.iso, detail: reason)])
        }
    }

    public struct Zelfredzaamheid: Sendable {
        public var intakeDate: CalendarDate?
        public var intakeResult: String?
        public var courseName: String?
        public var courseStart: CalendarDate?
        public var courseEnd: CalendarDate?
        public var completedOn: CalendarDate?
        public var retestDate: CalendarDate?
        public var retestResult: String?

        public init(intakeDate: CalendarDate?, intakeResult: String?, courseName: String?, courseStart: CalendarDate?, courseEnd: CalendarDate?,
                    completedOn: CalendarDate?, retestDate: CalendarDate?, retestResult: String?) {
            self.intakeDate = intakeDate
            self.intakeResult = intakeResult
            self.courseName = courseName
            self.courseStart = courseStart
            self.courseEnd = courseEnd
            self.completedOn = completedOn
            self.retestDate = retestDate
            self.retestResult = retestResult
        }
    }

    /// The way to financial self-reliance (R8c): skills intake, course, re-test.
    public func saveZelfredzaamheid(personId: String, _ z: Zelfredzaamheid, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await onArrangement(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { db, _ in
            try await db.raw("""
                UPDATE ontzorgingen SET skills_intake_date = \(bind: z.intakeDate?.iso), skills_intake_result = \(bind: z.intakeResult),
                    course_name = \(bind: z.courseName), course_start = \(bind: z.courseStart?.iso), course_end = \(bind: z.courseEnd?.iso),
                    course_completed_on = \(bind: z.completedOn?.iso), retest_date = \(bind: z.retestDate?.iso), retest_result = \(bind: z.retestResult),
                    updated_at = \(bind: now.epochSeconds)
                WHERE person_id = \(bind: personId)
                """).run()
            let today = CalendarDate.today(now: now).iso
            return (true, [CaseChange(kind: "ontzorgen.zelfredzaamheid", date: z.completedOn?.iso ?? today, detail: z.courseName ?? "")])
        }
    }

    /// "€ 1.234,56" for timeline lines (the UI formats amounts itself).
    static func euro(_ cents: Int) -> String { Money.format(cents) }
}
