import Foundation
import Inburgering
import SQLKit

/// The budget manager's overview, the newcomer's monthly statement and the dashboard's figures.
extension OntzorgenStore {
    public struct ArrangementRow: Sendable, Hashable {
        public let record: OntzorgingRecord
        public let givenNames: String
        public let familyName: String
        public let nextReview: String?
    }

    /// Arrangements not closed by hand more than 60 days ago, soonest end first (the page drops
    /// those whose period ran out long ago).
    public func listArrangements(scope: TenantScope, today: CalendarDate) async throws -> [ArrangementRow] {
        let since = today.adding(days: -60).iso
        let rows = try await database.sql.raw("""
            SELECT o.*, p.given_names, p.family_name,
                   (SELECT MIN(k.due_date) FROM taken k WHERE k.person_id = o.person_id AND k.source = 'ontzorgen' AND k.done_at IS NULL) AS next_review
            FROM ontzorgingen o JOIN persons p ON p.id = o.person_id
            WHERE \(scope.persons(needs: .ontzorgen)) AND (o.closed_on IS NULL OR o.closed_on >= \(bind: since))
            ORDER BY o.planned_end, p.family_name
            """).all()
        return try rows.map { row in
            ArrangementRow(record: try row.decode(model: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                           givenNames: try row.decode(column: "given_names", as: String.self),
                           familyName: try row.decode(column: "family_name", as: String.self),
                           nextReview: try row.decode(column: "next_review", as: String?.self))
        }
    }

    /// The arrangements of the given people, in scope, by person id (a household's arrangements
    /// side by side). A scope without the ontzorgen class finds none.
    public func arrangements(personIds: [String], scope: TenantScope) async throws -> [String: OntzorgingRecord] {
        guard !personIds.isEmpty else { return [:] }
        let rows = try await database.sql.raw("""
            SELECT o.* FROM ontzorgingen o JOIN persons p ON p.id = o.person_id
            WHERE o.person_id IN (\(binds: personIds)) AND \(scope.persons(needs: .ontzorgen))
            """).all(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(rows.map { ($0.personId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public struct Candidate: Sendable, Hashable {
        public let personId: String
        public let givenNames: String
        public let familyName: String
        public let detailsPending: Bool
        public let brpDate: String?
    }

    /// Asylum permit holders with an open case and no ontzorgen decision yet, newest registration first.
    public func undecided(scope: TenantScope, limit: Int = 50) async throws -> (rows: [Candidate], total: Int) {
        let condition: SQLQueryString = """
            FROM persons p JOIN trajecten t ON t.person_id = p.id
            WHERE \(scope.persons(needs: .ontzorgen)) AND p.doelgroep IN (\(binds: Self.asylumGroups))
              AND t.closed_date IS NULL AND NOT EXISTS (SELECT 1 FROM ontzorgingen o WHERE o.person_id = p.id)
            """
        let total = try await database.sql.raw("SELECT COUNT(*) AS n " + condition).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await database.sql.raw("""
            SELECT p.id, p.given_names, p.family_name, p.details_pending, t.brp_date
            """ + " " + condition + " ORDER BY t.brp_date IS NULL, t.brp_date DESC, p.id LIMIT \(bind: limit)").all()
        return (try rows.map { row in
            Candidate(personId: try row.decode(column: "id", as: String.self), givenNames: try row.decode(column: "given_names", as: String.self),
                      familyName: try row.decode(column: "family_name", as: String.self),
                      detailsPending: (try row.decode(column: "details_pending", as: Int?.self) ?? 0) == 1,
                      brpDate: try row.decode(column: "brp_date", as: String?.self))
        }, total)
    }

    public struct Statement: Sendable {
        public let month: Maand
        /// The run that divided this month's benefit; nil when no run was prepared yet.
        public let runPersoon: RunPersoonRecord?
        public let runStatus: String?
        /// Payments of the month that were (or will be) made, incl. repayments; held lines are left out.
        public let betalingen: [BetalingRecord]
    }

    /// The newcomer's statement for one month: from the latest run that holds them for that month.
    public func statement(personId: String, month: Maand, scope: TenantScope) async throws -> Statement? {
        let db = database.sql
        guard try await db.raw("""
            SELECT o.person_id FROM ontzorgingen o JOIN persons p ON p.id = o.person_id
            WHERE o.person_id = \(bind: personId) AND \(scope.persons(needs: .ontzorgen))
            """).first() != nil else { return nil }
        let row = try await db.raw("""
            SELECT r.*, u.status AS run_status FROM ontzorgen_run_personen r JOIN ontzorgen_runs u ON u.id = r.run_id
            WHERE r.person_id = \(bind: personId) AND r.month = \(bind: month.iso)
            ORDER BY r.hold_reason IS NULL DESC, u.prepared_at DESC LIMIT 1
            """).first()
        let lines = try await db.raw("""
            SELECT * FROM ontzorgen_betalingen WHERE person_id = \(bind: personId) AND month = \(bind: month.iso) AND status <> 'aangehouden'
            ORDER BY soort = 'leefgeld', soort, end_to_end_id
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Statement(month: month, runPersoon: try row.map { try $0.decode(model: RunPersoonRecord.self, keyDecodingStrategy: .convertFromSnakeCase) },
                         runStatus: try row?.decode(column: "run_status", as: String.self), betalingen: lines)
    }

    /// Figures for the monitoring dashboard: of the people whose bijstand started in the period,
    /// how many were not ontzorgd, shorter than six months, six months, or longer; extensions
    /// decided, people with a shortfall in a run of the period, and courses completed.
    public struct Figures: Sendable, Hashable {
        public var nietOntzorgd = 0
        public var korter = 0
        public var zesMaanden = 0
        public var langer = 0
        public var verlengingen = 0
        public var tekorten = 0
        public var cursussenAfgerond = 0
        public var total: Int { nietOntzorgd + korter + zesMaanden + langer }
    }

    /// The dashboard's filter (municipalities, period, target group, gender) applied to the people
    /// behind each number, as on the other figures.
    public func figures(_ filter: FiguresFilter) async throws -> Figures {
                let db = database.sql
        let from = filter.from.iso, to = filter.to.iso
        var people: SQLQueryString = "JOIN persons p ON p.id = o.person_id WHERE \(filter.scope.municipalities("o.municipality_code", needs: .figures))"
        if !filter.doelgroepen.isEmpty { people += " AND p.doelgroep IN (\(binds: filter.doelgroepen.map(\.rawValue)))" }
        switch filter.gender {
        case "onbekend": people += " AND p.details_pending = 1"
        case let gender?: people += " AND p.gender = \(bind: gender) AND p.details_pending = 0"
        case nil: break
        }
        var f = Figures()
        let rows = try await db.raw("SELECT o.* FROM ontzorgingen o " + people + " AND o.bijstand_start >= \(bind: from) AND o.bijstand_start <= \(bind: to)")
            .all(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        for r in rows {
            // R8b: the length counted in paid months, so an extension is "longer" and an early end "shorter".
            guard let periode = r.periode else { f.nietOntzorgd += 1; continue }
            let months = OntzorgenBetaalRule.betaalmaanden(periode).count
            let statutory = OntzorgenRule.wettelijkeDuur.count
            if months > statutory { f.langer += 1 } else if months < statutory { f.korter += 1 } else { f.zesMaanden += 1 }
        }
        func count(_ sql: SQLQueryString) async throws -> Int {
            try await db.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        f.verlengingen = try await count("SELECT COUNT(*) AS n FROM ontzorgingen o " + people
                                         + " AND o.extension_decided_on >= \(bind: from) AND o.extension_decided_on <= \(bind: to)")
        f.cursussenAfgerond = try await count("SELECT COUNT(*) AS n FROM ontzorgingen o " + people
                                              + " AND o.course_completed_on >= \(bind: from) AND o.course_completed_on <= \(bind: to)")
        f.tekorten = try await count("""
            SELECT COUNT(DISTINCT o.person_id) AS n FROM ontzorgingen o
            """ + " " + people + """
             AND EXISTS (SELECT 1 FROM ontzorgen_run_personen r WHERE r.person_id = o.person_id AND r.shortfall_cents > 0
                         AND r.month >= \(bind: Maand(filter.from).iso) AND r.month <= \(bind: Maand(filter.to).iso))
            """)
        return f
    }
}
