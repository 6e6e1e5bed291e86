import Foundation
import Inburgering
import SQLKit

/// Monthly payment runs (R8b): prepared by one budget manager, approved by another, exported as a
/// SEPA file, and paid once.
extension OntzorgenStore {
    public struct Actor: Sendable {
        public let id: String
        public let name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The doelgroepen ontzorgen may apply to (R0: asylum permit holders), for SQL filters.
    static var asylumGroups: [String] { DoelgroepRechten.doelgroepen(met: \.financieelOntzorgenBijBijstand).map(\.rawValue) }

    public func listRuns(scope: TenantScope, limit: Int = 60) async throws -> [BetaalrunRecord] {
        return try await database.sql.raw("""
            SELECT * FROM ontzorgen_runs WHERE \(scope.municipalities(needs: .ontzorgen))
            ORDER BY month DESC, prepared_at DESC LIMIT \(bind: limit)
            """).all(decoding: BetaalrunRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func fetchRun(id: String, scope: TenantScope) async throws -> BetaalrunRecord? {
        return try await database.sql.raw("""
            SELECT * FROM ontzorgen_runs WHERE id = \(bind: id) AND \(scope.municipalities(needs: .ontzorgen))
            """).first(decoding: BetaalrunRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public struct RunPersoon: Sendable, Hashable {
        public let record: RunPersoonRecord
        public let givenNames: String
        public let familyName: String
    }

    public func runPersonen(runId: String) async throws -> [RunPersoon] {
        let rows = try await database.sql.raw("""
            SELECT r.*, p.given_names, p.family_name FROM ontzorgen_run_personen r JOIN persons p ON p.id = r.person_id
            WHERE r.run_id = \(bind: runId) ORDER BY r.hold_reason IS NULL, p.family_name, p.given_names
            """).all()
        return try rows.map { row in
            RunPersoon(record: try row.decode(model: RunPersoonRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                       givenNames: try row.decode(column: "given_names", as: String.self), familyName: try row.decode(column: "family_name", as: String.self))
        }
    }

    public func runBetalingen(runId: String) async throws -> [BetalingRecord] {
        try await database.sql.raw("""
            SELECT * FROM ontzorgen_betalingen WHERE run_id = \(bind: runId) ORDER BY end_to_end_id
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// One page of a run's payments in the file's order, and how many there are in all.
    public func runBetalingen(runId: String, offset: Int, limit: Int) async throws -> (rows: [BetalingRecord], total: Int) {
        let total = try await database.sql.raw("SELECT COUNT(*) AS n FROM ontzorgen_betalingen WHERE run_id = \(bind: runId)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await database.sql.raw("""
            SELECT * FROM ontzorgen_betalingen WHERE run_id = \(bind: runId) ORDER BY end_to_end_id LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        return (rows, total)
    }

    /// A run's failed or returned payments, whatever page they are on.
    public func runFailures(runId: String) async throws -> [BetalingRecord] {
        try await database.sql.raw("""
            SELECT * FROM ontzorgen_betalingen WHERE run_id = \(bind: runId) AND status = 'mislukt' ORDER BY end_to_end_id
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The payment of a run with the EndToEndId the bank reports back.
    public func fetchBetaling(runId: String, endToEndId: String, scope: TenantScope) async throws -> BetalingRecord? {
        return try await database.sql.raw("""
            SELECT b.* FROM ontzorgen_betalingen b JOIN persons p ON p.id = b.person_id
            WHERE b.run_id = \(bind: runId) AND b.end_to_end_id = \(bind: endToEndId) AND \(scope.persons(needs: .ontzorgen))
            """).first(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func fetchBetaling(id: String, scope: TenantScope) async throws -> BetalingRecord? {
        return try await database.sql.raw("""
            SELECT b.* FROM ontzorgen_betalingen b JOIN persons p ON p.id = b.person_id
            WHERE b.id = \(bind: id) AND \(scope.persons(needs: .ontzorgen))
            """).first(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Failed or returned payments not yet paid again, for the overview.
    public func openFailures(scope: TenantScope) async throws -> [BetalingRecord] {
        return try await database.sql.raw("""
            SELECT b.* FROM ontzorgen_betalingen b JOIN persons p ON p.id = b.person_id
            WHERE b.status = 'mislukt' AND \(scope.persons(needs: .ontzorgen))
              AND NOT EXISTS (SELECT 1 FROM ontzorgen_betalingen r WHERE r.retry_of = b.id)
            ORDER BY b.failed_on, b.id
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Prepares the run of `month` for one municipality: every person ontzorgd on the month's
    /// first day and not yet paid for that month, plus failed payments marked to be paid again.
    public func prepareRun(municipalityCode: String, month: Maand, executionDate: CalendarDate, by actor: Actor, audit: AuditEvent, now: Date) async throws -> BetaalrunRecord {
        return try await database.transaction { db in
            if let open = try await db.raw("""
                SELECT id FROM ontzorgen_runs WHERE municipality_code = \(bind: municipalityCode) AND status = 'concept'
                """).first() {
                throw OntzorgenError.conceptExists(try open.decode(column: "id", as: String.self))
            }
            let id = Self.newID()
            let messageId = "RGO-\(municipalityCode)-\(month.year)\(String(format: "%02d", month.month))-\(id.prefix(8).uppercased())"
            try await db.raw("""
                INSERT INTO ontzorgen_runs (id, municipality_code, month, status, execution_date, prepared_by, prepared_by_name, prepared_at, message_id)
                VALUES (\(bind: id), \(bind: municipalityCode), \(bind: month.iso), 'concept', \(bind: executionDate.iso), \(bind: actor.id),
                    \(bind: actor.name), \(bind: now.epochSeconds), \(bind: messageId))
                """).run()
            try await Self.compute(runId: id, municipalityCode: municipalityCode, month: month, on: db)
            let run = try await Self.run(id, db)
            // An empty concept would only block the next run: nothing is stored (the transaction rolls back).
            if run.payments == 0 {
                let held = try await db.raw("SELECT COUNT(*) AS n FROM ontzorgen_run_personen WHERE run_id = \(bind: id)").first()?.decode(column: "n", as: Int.self) ?? 0
                throw OntzorgenError.nothingToPay(held: held)
            }
            try await AuditStore.append([audit], at: now, on: db)
            return run
        }
    }

    /// Computes a concept run again (after amounts were corrected); whoever does it becomes its preparer.
    public func recomputeRun(id: String, scope: TenantScope, by actor: Actor, audit: AuditEvent, now: Date) async throws -> BetaalrunRecord {
        return try await database.transaction { db in
            let run = try await Self.scopedRun(id, scope, db)
            guard run.status == "concept", let month = Maand(iso: run.month) else { throw OntzorgenError.notConcept }
            try await db.raw("DELETE FROM ontzorgen_betalingen WHERE run_id = \(bind: id)").run()
            try await db.raw("DELETE FROM ontzorgen_run_personen WHERE run_id = \(bind: id)").run()
            try await db.raw("""
                UPDATE ontzorgen_runs SET prepared_by = \(bind: actor.id), prepared_by_name = \(bind: actor.name), prepared_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: id)
                """).run()
            try await Self.compute(runId: id, municipalityCode: run.municipalityCode, month: month, on: db)
            try await AuditStore.append([audit], at: now, on: db)
            return try await Self.run(id, db)
        }
    }

    /// Removes a concept run; nothing of it was paid.
    public func deleteRun(id: String, scope: TenantScope, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            let run = try await Self.scopedRun(id, scope, db)
            guard run.status == "concept" else { throw OntzorgenError.notConcept }
            try await db.raw("DELETE FROM ontzorgen_betalingen WHERE run_id = \(bind: id)").run()
            try await db.raw("DELETE FROM ontzorgen_run_personen WHERE run_id = \(bind: id)").run()
            try await db.raw("DELETE FROM ontzorgen_runs WHERE id = \(bind: id)").run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// Four eyes: a second budget manager approves what the first prepared.
    public func approveRun(id: String, scope: TenantScope, by actor: Actor, audit: AuditEvent, now: Date) async throws -> BetaalrunRecord {
        return try await database.transaction { db in
            let run = try await Self.scopedRun(id, scope, db)
            guard run.status == "concept" else { throw OntzorgenError.notConcept }
            // Four-eyes principle: the preparer never approves their own run.
            guard run.preparedBy != actor.id else { throw OntzorgenError.fourEyes }
            guard run.payments > 0 else { throw OntzorgenError.emptyRun }
            try await db.raw("""
                UPDATE ontzorgen_runs SET status = 'goedgekeurd', approved_by = \(bind: actor.id), approved_by_name = \(bind: actor.name),
                    approved_at = \(bind: now.epochSeconds) WHERE id = \(bind: id) AND status = 'concept'
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
            return try await Self.run(id, db)
        }
    }

    public struct Export: Sendable {
        public let run: BetaalrunRecord
        public let betalingen: [BetalingRecord]
        public let debtorName: String
        public let debtorIban: String
        public let debtorBic: String?
        /// The first export's moment: the file's creation time, so a copy is byte for byte the same.
        public let createdAt: Date
    }

    /// The approved run's payments for the bank file. Exporting again gives the same file (same
    /// message id), which a bank refuses as a duplicate; the count of exports is kept.
    public func exportRun(id: String, scope: TenantScope, audit: AuditEvent, now: Date) async throws -> Export {
        return try await database.transaction { db in
            let run = try await Self.scopedRun(id, scope, db)
            guard run.status == "goedgekeurd" else { throw OntzorgenError.notApproved }
            guard let policy = try await Self.policy(municipalityCode: run.municipalityCode, on: run.executionDate, db: db) else { throw OntzorgenError.noPolicy }
            try await db.raw("""
                UPDATE ontzorgen_runs SET export_count = export_count + 1, exported_at = COALESCE(exported_at, \(bind: now.epochSeconds)) WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
            let exported = try await Self.run(id, db)
            let lines = try await db.raw("""
                SELECT * FROM ontzorgen_betalingen WHERE run_id = \(bind: id) AND status <> 'aangehouden' ORDER BY end_to_end_id
                """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            return Export(run: exported, betalingen: lines, debtorName: policy.debtorName, debtorIban: policy.debtorIban, debtorBic: policy.debtorBic,
                          createdAt: Date(timeIntervalSince1970: TimeInterval(exported.exportedAt ?? now.epochSeconds)))
        }
    }

    /// The bank reported a payment failed or returned: recorded on the line (it stays paid once).
    public func recordFailure(id: String, reason: String, on day: CalendarDate, scope: TenantScope, by actor: Actor, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            guard let line = try await Self.scopedLine(id, scope, db) else { throw OntzorgenError.notFound }
            let run = try await Self.run(line.runId, db)
            guard line.status != "mislukt" else { throw OntzorgenError.alreadyFailed }
            guard run.exportCount > 0, line.status == "klaar" else { throw OntzorgenError.notExported }
            try await db.raw("""
                UPDATE ontzorgen_betalingen SET status = 'mislukt', failure_reason = \(bind: reason), failed_on = \(bind: day.iso),
                    recorded_by = \(bind: actor.id), recorded_at = \(bind: now.epochSeconds) WHERE id = \(bind: id)
                """).run()
            try await CaseworkStore.insertEvent(CaseChange(kind: "ontzorgen.betalingMislukt", date: day.iso, detail: "\(line.payeeName): \(reason)"),
                                                personId: line.personId, actor: CaseActor(id: actor.id, name: actor.name), at: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    /// Marks a failed payment to be paid again in the next run, to the same or a corrected account.
    public func requestRepay(id: String, iban: String?, scope: TenantScope, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            guard let line = try await Self.scopedLine(id, scope, db) else { throw OntzorgenError.notFound }
            guard line.status == "mislukt" else { throw OntzorgenError.notFailed }
            if try await db.raw("SELECT id FROM ontzorgen_betalingen WHERE retry_of = \(bind: id)").first() != nil { throw OntzorgenError.alreadyRepaid }
            try await db.raw("UPDATE ontzorgen_betalingen SET repay = 1, repay_iban = \(bind: iban) WHERE id = \(bind: id)").run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }

    // MARK: Computation

    static func run(_ id: String, _ db: any SQLDatabase) async throws -> BetaalrunRecord {
        guard let run = try await db.raw("SELECT * FROM ontzorgen_runs WHERE id = \(bind: id)")
            .first(decoding: BetaalrunRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw OntzorgenError.notFound }
        return run
    }

    static func scopedRun(_ id: String, _ scope: TenantScope, _ db: any SQLDatabase) async throws -> BetaalrunRecord {
        guard let run = try await db.raw("""
            SELECT * FROM ontzorgen_runs WHERE id = \(bind: id) AND \(scope.municipalities(needs: .ontzorgen))
            """).first(decoding: BetaalrunRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw OntzorgenError.notFound }
        return run
    }

    static func scopedLine(_ id: String, _ scope: TenantScope, _ db: any SQLDatabase) async throws -> BetalingRecord? {
        return try await db.raw("""
            SELECT b.* FROM ontzorgen_betalingen b JOIN persons p ON p.id = b.person_id
            WHERE b.id = \(bind: id) AND \(scope.persons(needs: .ontzorgen))
            """).first(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// What a month's run holds for one person, from their arrangement (R8b).
    public struct PersonMonth: Sendable {
        public var record: RunPersoonRecord
        public var lines: [OntzorgPost]
        public var held: Bool { record.holdReason != nil }
    }

    /// What a run of `month` would do for this person, from their dossier (for the page and a
    /// statement before the run is prepared).
    public static func preview(month: Maand, arrangement: OntzorgingRecord, dossier: OntzorgenDossier) -> PersonMonth? {
        personMonth(runId: "", month: month, arrangement: arrangement, policy: dossier.beleid, uitkering: dossier.uitkering, posten: dossier.posten)
    }

    /// The pure part of a run for one person: which bills, the division of the benefit, and why
    /// (if so) nothing is paid. Nil when the month is not a paid month of the arrangement.
    static func personMonth(runId: String, month: Maand, arrangement a: OntzorgingRecord, policy: OntzorgenBeleidRecord?,
                            uitkering: [UitkeringRecord], posten: [PostRecord]) -> PersonMonth? {
        guard let periode = a.periode, OntzorgenBetaalRule.isBetaalmaand(month, periode: periode) else { return nil }
        let day = month.first.iso
        let benefit = uitkering.filter { $0.validFrom <= day }.max { $0.validFrom < $1.validFrom }?.amountCents
        let soorten = Dictionary((policy?.soortenList ?? OntzorgSoort.standaard).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let firstMonth = OntzorgenBetaalRule.isEersteBetaalmaand(month, periode: periode)
        let gift = firstMonth && policy?.firstRentGift == 1
        let bills = posten.filter { $0.isValid(on: day) }.sorted { ($0.soort, $0.postId) < ($1.soort, $1.postId) }.map { p in
            let categorie = soorten[p.soort]?.categorie ?? (p.soort == "huur" ? .huur : nil)
            return OntzorgPost(sleutel: p.postId, soort: p.soort, categorie: categorie, begunstigde: p.payeeName, iban: p.iban, kenmerk: p.reference,
                               bedragCent: p.amountCents, geschenk: gift && categorie == .huur)
        }
        let result = OntzorgenBetaalRule.bereken(maand: month, uitkeringCent: benefit ?? 0, posten: bills)
        var lines = bills
        let hold = OntzorgenBetaalRule.aanhouding(machtiging: a.mandateSignedOn != nil, uitkeringBekend: benefit != nil, berekening: result,
                                                  leefgeldRekening: a.leefgeldIban != nil && a.leefgeldName != nil)
        if hold == nil, result.leefgeldCent > 0, let iban = a.leefgeldIban, let name = a.leefgeldName {
            lines.append(OntzorgPost(sleutel: "leefgeld", soort: "leefgeld", categorie: nil, begunstigde: name, iban: iban,
                                     kenmerk: "Leefgeld \(month.iso)", bedragCent: result.leefgeldCent))
        }
        let record = RunPersoonRecord(runId: runId, personId: a.personId, month: month.iso, benefitCents: result.uitkeringCent,
                                      deductedCents: result.ingehoudenCent, giftCents: result.geschenkCent, leefgeldCents: result.leefgeldCent,
                                      shortfallCents: result.tekortCent, holdReason: hold?.rawValue)
        return PersonMonth(record: record, lines: lines)
    }

    static func compute(runId: String, municipalityCode: String, month: Maand, on db: any SQLDatabase) async throws {
        let first = month.first.iso
        let arrangements = try await db.raw("""
            SELECT * FROM ontzorgingen WHERE municipality_code = \(bind: municipalityCode) AND ontzorgd = 1 AND bijstand_start <= \(bind: first)
              AND NOT EXISTS (SELECT 1 FROM ontzorgen_betalingen b WHERE b.person_id = ontzorgingen.person_id AND b.month = \(bind: month.iso)
                              AND b.status <> 'aangehouden' AND b.retry_of IS NULL)
            ORDER BY person_id
            """).all(decoding: OntzorgingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        let ids = arrangements.map(\.personId)
        var uitkering: [String: [UitkeringRecord]] = [:]
        var posten: [String: [PostRecord]] = [:]
        var policies: [String: OntzorgenBeleidRecord] = [:]
        if !ids.isEmpty {
            for row in try await db.raw("""
                SELECT u.* FROM ontzorgen_uitkering u JOIN ontzorgingen o ON o.person_id = u.person_id WHERE o.municipality_code = \(bind: municipalityCode)
                """).all(decoding: UitkeringRecord.self, keyDecodingStrategy: .convertFromSnakeCase) {
                uitkering[row.personId, default: []].append(row)
            }
            for row in try await db.raw("""
                SELECT t.* FROM ontzorgen_posten t JOIN ontzorgingen o ON o.person_id = t.person_id
                WHERE o.municipality_code = \(bind: municipalityCode) AND t.valid_from <= \(bind: first) AND (t.valid_until IS NULL OR t.valid_until >= \(bind: first))
                """).all(decoding: PostRecord.self, keyDecodingStrategy: .convertFromSnakeCase) {
                posten[row.personId, default: []].append(row)
            }
            for p in try await db.raw("SELECT * FROM ontzorgen_beleid WHERE municipality_code = \(bind: municipalityCode)")
                .all(decoding: OntzorgenBeleidRecord.self, keyDecodingStrategy: .convertFromSnakeCase) {
                policies[p.id] = p
            }
        }
        let prefix = "RGO\(month.year)\(String(format: "%02d", month.month))-\(runId.prefix(8).uppercased())"
        var sequence = 0
        var total: Int64 = 0
        var count = 0
        // Rows are written in multi-row INSERTs of `batch` rows: one statement per row kept the write
        // transaction (and on SQLite every other writer) waiting seconds for a large municipality.
        let batch = 200
        var lineRows: [SQLQueryString] = []
        var personRows: [SQLQueryString] = []
        func flush() async throws {
            if !personRows.isEmpty {
                try await db.raw("""
                    INSERT INTO ontzorgen_run_personen (run_id, person_id, month, benefit_cents, deducted_cents, gift_cents, leefgeld_cents, shortfall_cents, hold_reason)
                    VALUES \(personRows.joined(separator: ", "))
                    """).run()
                personRows = []
            }
            if !lineRows.isEmpty {
                try await db.raw("""
                    INSERT INTO ontzorgen_betalingen (id, run_id, person_id, month, post_key, soort, payee_name, iban, reference, amount_cents, gift,
                        end_to_end_id, status, retry_of)
                    VALUES \(lineRows.joined(separator: ", "))
                    """).run()
                lineRows = []
            }
        }
        func addLine(person: String, month: String, post: OntzorgPost, status: String, retryOf: String?) async throws {
            sequence += 1
            lineRows.append("""
                (\(bind: newID()), \(bind: runId), \(bind: person), \(bind: month), \(bind: post.sleutel), \(bind: post.soort), \(bind: post.begunstigde),
                 \(bind: post.iban), \(bind: post.kenmerk), \(bind: post.bedragCent), \(bind: post.geschenk ? 1 : 0),
                 \(bind: "\(prefix)-\(String(format: "%05d", sequence))"), \(bind: status), \(bind: retryOf))
                """)
            if status == "klaar" {
                total += Int64(post.bedragCent)
                count += 1
            }
            if lineRows.count >= batch { try await flush() }
        }
        for a in arrangements {
            guard let pm = personMonth(runId: runId, month: month, arrangement: a, policy: a.beleidId.flatMap { policies[$0] },
                                       uitkering: uitkering[a.personId] ?? [], posten: posten[a.personId] ?? []) else { continue }
            let r = pm.record
            personRows.append("""
                (\(bind: runId), \(bind: r.personId), \(bind: r.month), \(bind: r.benefitCents), \(bind: r.deductedCents), \(bind: r.giftCents),
                 \(bind: r.leefgeldCents), \(bind: r.shortfallCents), \(bind: r.holdReason))
                """)
            for line in pm.lines {
                try await addLine(person: a.personId, month: month.iso, post: line, status: pm.held ? "aangehouden" : "klaar", retryOf: nil)
            }
            if personRows.count >= batch { try await flush() }
        }
        // Failed payments marked to be paid again, once each.
        let retries = try await db.raw("""
            SELECT b.* FROM ontzorgen_betalingen b JOIN persons p ON p.id = b.person_id
            WHERE p.municipality_code = \(bind: municipalityCode) AND b.status = 'mislukt' AND b.repay = 1
              AND NOT EXISTS (SELECT 1 FROM ontzorgen_betalingen r WHERE r.retry_of = b.id)
            ORDER BY b.id
            """).all(decoding: BetalingRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        for failed in retries {
            let post = OntzorgPost(sleutel: failed.postKey, soort: failed.soort, categorie: nil, begunstigde: failed.payeeName,
                                   iban: failed.repayIban ?? failed.iban, kenmerk: failed.reference, bedragCent: failed.amountCents, geschenk: failed.gift == 1)
            try await addLine(person: failed.personId, month: failed.month, post: post, status: "klaar", retryOf: failed.id)
        }
        try await flush()
        try await db.raw("UPDATE ontzorgen_runs SET total_cents = \(bind: total), payments = \(bind: count) WHERE id = \(bind: runId)").run()
    }
}
