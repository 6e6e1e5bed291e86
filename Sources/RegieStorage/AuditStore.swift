import Crypto
import Foundation
import SQLKit


/// Every action the audit log records. The stored value is the raw value; the catalogue names each
/// (`auditActions.<raw value>`), and the audit page filters on them.
public enum AuditAction: String, CaseIterable, Sendable {
    case login = "login"

    case logout = "logout"

    case caseloadView = "caseload.view"

    case personView = "person.view"
    case personBsnReveal = "person.bsn.reveal"
    case personContactView = "person.contact.view"
    case personContactUpdate = "person.contact.update"
    case personAddressView = "person.address.view"
    case personAddressUpdate = "person.address.update"

    case accountPasswordChange = "account.password.change"
    case accountPhoneChange = "account.phone.change"

    case auditSearch = "audit.search"
    case auditExport = "audit.export"

    case apikeyCreate = "apikey.create"
    case apikeyRevoke = "apikey.revoke"
    case apikeyApprove = "apikey.approve"

    case userCreate = "user.create"
    case userUpdate = "user.update"
    case userDeactivate = "user.deactivate"
    case userReactivate = "user.reactivate"
    case userPasswordLink = "user.passwordLink"
    case userPasswordSet = "user.passwordSet"
    case userSecondFactorEnable = "user.secondFactor.enable"
    case userSecondFactorDisable = "user.secondFactor.disable"
    case userSecondFactorReset = "user.secondFactor.reset"
    case userSecondFactorRecoveryCodes = "user.secondFactor.recoveryCodes"

    case personRegister = "person.register"
    case personRegisterRefused = "person.registerRefused"
    case personRegisterProbe = "person.registerProbe"

    case caseworkIntakeView = "casework.intake.view"
    case caseworkIntakeGesprek = "casework.intake.gesprek"
    case caseworkIntakeTopic = "casework.intake.topic"
    case caseworkLbtView = "casework.lbt.view"
    case caseworkLbtRecord = "casework.lbt.record"
    case caseworkAdviesRecord = "casework.advies.record"
    case caseworkRouteView = "casework.route.view"
    case caseworkRouteDecide = "casework.route.decide"
    case caseworkPipView = "casework.pip.view"
    case caseworkPipConcept = "casework.pip.concept"
    case caseworkPipFix = "casework.pip.fix"
    case caseworkPipLetter = "casework.pip.letter"
    case caseworkLetterSend = "casework.letter.send"
    case caseworkLetterView = "casework.letter.view"
    case caseworkProgressView = "casework.progress.view"
    case caseworkRouteStart = "casework.route.start"
    case caseworkProgressMeeting = "casework.progress.meeting"
    case caseworkProgressHours = "casework.progress.hours"
    case caseworkProgressHoursCorrect = "casework.progress.hoursCorrect"
    case caseworkProgressHoursWithdraw = "casework.progress.hoursWithdraw"
    case caseworkRecordWithdraw = "casework.record.withdraw"
    case caseworkProgressResult = "casework.progress.result"
    case caseworkEnforcementView = "casework.enforcement.view"
    case caseworkEnforcementStep = "casework.enforcement.step"
    case caseworkEnforcementLetter = "casework.enforcement.letter"
    case caseworkClose = "casework.close"

    case teamView = "team.view"
    case teamAssign = "team.assign"

    case settingsView = "settings.view"
    case settingsUpdate = "settings.update"

    case caseworkHandoverView = "casework.handover.view"
    case caseworkHandoverUpdate = "casework.handover.update"
    case caseworkDerdenView = "casework.derden.view"
    case caseworkDerdenRequest = "casework.derden.request"
    case caseworkDerdenReceive = "casework.derden.receive"
    case caseworkDerdenWithdraw = "casework.derden.withdraw"
    case caseworkReferralView = "casework.referral.view"
    case caseworkReferralAdd = "casework.referral.add"
    case caseworkReferralStep = "casework.referral.step"
    case caseworkReferralConsent = "casework.referral.consent"
    case caseworkTaskAdd = "casework.task.add"
    case caseworkTaskDone = "casework.task.done"
    case caseworkTaskEdit = "casework.task.edit"
    case caseworkTaskView = "casework.task.view"

    case tasksView = "tasks.view"

    case caseworkAfspraakView = "casework.afspraak.view"
    case caseworkAfspraakPlan = "casework.afspraak.plan"
    case caseworkAfspraakMove = "casework.afspraak.move"
    case caseworkAfspraakCancel = "casework.afspraak.cancel"
    case caseworkAfspraakOutcome = "casework.afspraak.outcome"
    case caseworkAfspraakLetter = "casework.afspraak.letter"
    case agendaView = "agenda.view"
    case agendaFeedCreate = "agenda.feed.create"
    case agendaFeedRevoke = "agenda.feed.revoke"
    case agendaFeedRead = "agenda.feed.read"

    case caseworkDocumentsView = "casework.documents.view"
    case caseworkDocumentUpload = "casework.document.upload"
    case caseworkDocumentDownload = "casework.document.download"

    case personDetailsUpdate = "person.details.update"
    case personBRPLookup = "person.brp.lookup"
    case personBRPView = "person.brp.view"
    case personBRPApply = "person.brp.apply"

    case partnerReferralsView = "partner.referrals.view"
    case partnerReferralView = "partner.referral.view"
    case partnerLessonsView = "partner.lessons.view"
    case partnerLessonView = "partner.lesson.view"
    case partnerLessonOpen = "partner.lesson.open"
    case partnerLessonConfirm = "partner.lesson.confirm"
    case partnerLessonCancel = "partner.lesson.cancel"
    case partnerPresenceStrike = "partner.presence.strike"
    case partnerProgressReport = "partner.progress.report"
    case partnerExamResult = "partner.exam.result"
    case partnerAPIReferralsView = "partner.api.referrals.view"
    case partnerAPIReferralView = "partner.api.referral.view"
    case participantLogin = "participant.login"
    case participantLogout = "participant.logout"
    case participantPassword = "participant.password"
    case participantView = "participant.view"
    case participantPresence = "participant.presence"
    case caseworkParticipantLogin = "casework.participant.login"
    case providerAccountCreate = "provider.account.create"
    case providersView = "providers.view"
    case providerSave = "provider.save"
    case providerOfferSave = "provider.offer.save"
    case providerStartSave = "provider.start.save"
    case providerKeyCreate = "provider.key.create"
    case providerKeyRevoke = "provider.key.revoke"

    case figuresView = "figures.view"
    case figuresCases = "figures.cases"
    case figuresExport = "figures.export"
    case figuresCouncil = "figures.council"

    case duoView = "duo.view"
    case duoRetry = "duo.retry"
    case duoContact = "duo.contact"
    case duoPersonView = "duo.person.view"
    case duoPersonRefresh = "duo.person.refresh"
    case duoReconciliationView = "duo.reconciliation.view"
    case duoNotificationProcess = "duo.notification.process"

    case ontzorgenView = "ontzorgen.view"
    case ontzorgenDecide = "ontzorgen.decide"
    case ontzorgenBenefit = "ontzorgen.benefit"
    case ontzorgenPayeeAdd = "ontzorgen.payee.add"
    case ontzorgenPayeeChange = "ontzorgen.payee.change"
    case ontzorgenPayeeEnd = "ontzorgen.payee.end"
    case ontzorgenReview = "ontzorgen.review"
    case ontzorgenExtend = "ontzorgen.extend"
    case ontzorgenClose = "ontzorgen.close"
    case ontzorgenSelfReliance = "ontzorgen.selfReliance"
    case ontzorgenStatement = "ontzorgen.statement"
    case ontzorgenOverview = "ontzorgen.overview"
    case ontzorgenRunPrepare = "ontzorgen.run.prepare"
    case ontzorgenRunView = "ontzorgen.run.view"
    case ontzorgenRunRecompute = "ontzorgen.run.recompute"
    case ontzorgenRunDelete = "ontzorgen.run.delete"
    case ontzorgenRunApprove = "ontzorgen.run.approve"
    case ontzorgenRunExport = "ontzorgen.run.export"
    case ontzorgenPaymentFailed = "ontzorgen.payment.failed"
    case ontzorgenPaymentRepay = "ontzorgen.payment.repay"
    case ontzorgenPolicyAdd = "ontzorgen.policy.add"
}

/// What happened, to whom, by whom, why: one line of the audit log before it is chained.
public struct AuditEvent: Sendable, Hashable {
    public var actorId: String?
    public var actorName: String
    public var actorRole: String
    public var organisationId: String?
    public var action: String
    public var personId: String?
    public var municipalityCode: String?
    public var purpose: String
    public var requestId: String
    public var detail: String

    public init(actorId: String?, actorName: String, actorRole: String, organisationId: String?, action: String,
                personId: String? = nil, municipalityCode: String? = nil, purpose: String, requestId: String, detail: String = "") {
        self.actorId = actorId
        self.actorName = actorName
        self.actorRole = actorRole
        self.organisationId = organisationId
        self.action = action
        self.personId = personId
        self.municipalityCode = municipalityCode
        self.purpose = purpose
        self.requestId = requestId
        self.detail = detail
    }
}

/// An event and the moment it happened (whole seconds, as the log stores it).
public struct TimedAuditEvent: Sendable, Hashable {
    public var event: AuditEvent
    public var occurredAt: Int64

    public init(_ event: AuditEvent, at time: Date) {
        self.event = event
        self.occurredAt = time.epochSeconds
    }
}

public struct AuditEntry: Codable, Sendable, Hashable {
    public let seq: Int64
    public let occurredAt: Int64
    public let actorId: String?
    public let actorName: String
    public let actorRole: String
    public let organisationId: String?
    public let action: String
    public let personId: String?
    public let municipalityCode: String?
    public let purpose: String
    public let requestId: String
    public let detail: String
    public let previousHash: String
    public let hash: String

    public var occurredDate: Date { Date(epochSeconds: occurredAt) }
    /// The actor's role when it is one of staff's; other actors (the DUO worker, an import) have their own word.
    public var role: Role? { Role(rawValue: actorRole) }
}

/// The hash chain: each entry's hash covers its own fields and the previous entry's hash, so
/// changing, inserting or removing an entry breaks every hash after it.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    static func hash(seq: Int64, occurredAt: Int64, event: AuditEvent, previousHash: String) -> String {
        let fields: [String] = [
            String(seq), String(occurredAt), event.actorId ?? "", event.actorName, event.actorRole,
            event.organisationId ?? "", event.action, event.personId ?? "", event.municipalityCode ?? "",
            event.purpose, event.requestId, event.detail, previousHash,
        ]
        // Unit separators keep field boundaries unambiguous.
        let canonical = fields.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func hash(of entry: AuditEntry) -> String {
        hash(seq: entry.seq, occurredAt: entry.occurredAt, event: AuditEvent(
            actorId: entry.actorId, actorName: entry.actorName, actorRole: entry.actorRole,
            organisationId: entry.organisationId, action: entry.action, personId: entry.personId,
            municipalityCode: entry.municipalityCode, purpose: entry.purpose, requestId: entry.requestId,
            detail: entry.detail), previousHash: entry.previousHash)
    }
}

/// The outcome of `regie audit verify`.
public enum AuditVerification: Sendable, Equatable {
    case intact(entries: Int64)
    /// The first entry whose stored hashes do not match what the chain says they must be.
    case broken(seq: Int64, reason: String)
}

/// The audit chain's head at a moment, kept outside the database (`regie audit anchor` appends one
/// per line to a file the operator ships elsewhere, e.g. a write-once store or the central log).
/// The chain itself detects an altered or removed entry in the middle; only an anchor detects a
/// tail cut off with the head rewritten to match, or a chain recomputed from some entry on.
public struct AuditAnchor: Sendable, Codable, Equatable {
    public let seq: Int64
    public let hash: String
    public let at: Date

    public init(seq: Int64, hash: String, at: Date) {
        self.seq = seq
        self.hash = hash
        self.at = at
    }

    /// One line of the anchor file.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The anchors of a file's lines; a line that is no anchor is an error naming it.
    public static func parse(_ text: String) throws -> [AuditAnchor] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try text.split(whereSeparator: \.isNewline).enumerated().compactMap { number, line in
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            do {
                return try decoder.decode(AuditAnchor.self, from: Data(line.utf8))
            } catch {
                throw DatabaseError.unexpected("Line \(number + 1) of the anchor file is no audit anchor: \(line.prefix(80))")
            }
        }
    }
}

public struct AuditFilter: Sendable, Hashable {
    public var personId: String?
    /// Several people at once (a BSN and a V-nummer found in two files); used when `personId` is nil.
    public var personIds: [String]?
    public var actorId: String?
    public var from: Date?
    public var until: Date?
    public var organisationId: String?
    /// With `organisationId`: also the entries of the staff of the providers these municipalities
    /// work with (their reads of the people referred to them are the municipality's to account for).
    public var partnersOf: AccessScope?
    /// One action (`AuditEvent.action`), e.g. `person.view`.
    public var action: String?

    public init(personId: String? = nil, actorId: String? = nil, from: Date? = nil, until: Date? = nil, organisationId: String? = nil,
                action: String? = nil) {
        self.action = action
        self.personId = personId
        self.actorId = actorId
        self.from = from
        self.until = until
        self.organisationId = organisationId
    }
}

public struct AuditStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Appends entries in one transaction, serialised on the chain's head row.
    public func append(_ events: [AuditEvent], at now: Date) async throws {
        try await append(events.map { TimedAuditEvent($0, at: now) })
    }

    public func append(_ event: AuditEvent, at now: Date) async throws {
        try await append([event], at: now)
    }

    /// Appends entries that each keep their own time (a batch gathered by `AuditGroupCommit`) in one
    /// transaction, in the order given.
    public func append(_ events: [TimedAuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { db in
            try await Self.append(events, on: db)
        }
    }

    /// Appends inside a transaction the caller already holds, so a change and its audit entry commit together.
    public static func append(_ events: [AuditEvent], at now: Date, on db: any SQLDatabase) async throws {
        try await append(events.map { TimedAuditEvent($0, at: now) }, on: db)
    }

    /// Rows per INSERT: 500 rows of 14 values stay far below either engine's limit on bound values.
    public static let rowsPerStatement = 500

    static func append(_ events: [TimedAuditEvent], on db: any SQLDatabase) async throws {
        // PostgreSQL locks the head row; SQLite's transaction already holds the database's write lock.
        let lock: SQLQueryString = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let head = try await db.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1\(lock)").first() else {
            throw DatabaseError.unexpected("audit_head is missing")
        }
        var seq = try head.decode(column: "last_seq", as: Int64.self)
        var previous = try head.decode(column: "last_hash", as: String.self)
        // The entries in one statement (per 500); the head follows the last one by trigger (M0013).
        var rows: [SQLQueryString] = []
        for timed in events {
            let event = timed.event, time = timed.occurredAt
            seq += 1
            let hash = AuditChain.hash(seq: seq, occurredAt: time, event: event, previousHash: previous)
            rows.append("""
                (\(bind: seq), \(bind: time), \(bind: event.actorId), \(bind: event.actorName), \(bind: event.actorRole),
                \(bind: event.organisationId), \(bind: event.action), \(bind: event.personId), \(bind: event.municipalityCode),
                \(bind: event.purpose), \(bind: event.requestId), \(bind: event.detail), \(bind: previous), \(bind: hash))
                """)
            previous = hash
        }
        for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
            try await db.raw("""
                INSERT INTO audit_log (seq, occurred_at, actor_id, actor_name, actor_role, organisation_id, action,
                    person_id, municipality_code, purpose, request_id, detail, previous_hash, hash)
                VALUES \(rows[start..<min(start + rowsPerStatement, rows.count)].joined(separator: ", "))
                """).run()
        }
    }

    /// Walks the whole chain in order and names the first entry that does not hold.
    /// The chain's head now: the last entry's number and hash (0 and the genesis hash when empty).
    public func anchor(at now: Date) async throws -> AuditAnchor {
        let head = try await database.sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first()
        return AuditAnchor(seq: try head?.decode(column: "last_seq", as: Int64.self) ?? 0,
                           hash: try head?.decode(column: "last_hash", as: String.self) ?? AuditChain.genesisHash, at: now)
    }

    /// Entries in the log (the head's count), for `/metrics`: a count that drops is a log cut off.
    public func count() async throws -> Int64 {
        try await database.sql.raw("SELECT last_seq FROM audit_head WHERE id = 1").first()?.decode(column: "last_seq", as: Int64.self) ?? 0
    }

    /// `verify()`, then every anchor against the log: the anchored entry must still be there with the
    /// anchored hash. Names the first anchor that does not hold.
    public func verify(anchors: [AuditAnchor], batchSize: Int = 5_000) async throws -> AuditVerification {
        let chain = try await verify(batchSize: batchSize)
        guard case .intact = chain else { return chain }
        for anchor in anchors.sorted(by: { $0.seq < $1.seq }) where anchor.seq > 0 {
            let row = try await database.sql.raw("SELECT hash FROM audit_log WHERE seq = \(bind: anchor.seq)").first()
            guard let hash = try row?.decode(column: "hash", as: String.self) else {
                return .broken(seq: anchor.seq, reason: "entry \(anchor.seq), anchored on \(anchor.at), is gone: the log was cut off")
            }
            if hash != anchor.hash {
                return .broken(seq: anchor.seq, reason: "entry \(anchor.seq) no longer has the hash anchored on \(anchor.at): the log was rewritten")
            }
        }
        return chain
    }

    public func verify(batchSize: Int = 5_000) async throws -> AuditVerification {
        var previous = AuditChain.genesisHash
        var expectedSeq: Int64 = 1
        var count: Int64 = 0
        while true {
            let rows = try await database.sql.raw("""
                SELECT * FROM audit_log WHERE seq >= \(bind: expectedSeq) ORDER BY seq LIMIT \(bind: batchSize)
                """).all(decoding: AuditEntry.self, keyDecodingStrategy: .convertFromSnakeCase)
            if rows.isEmpty { break }
            for entry in rows {
                if entry.seq != expectedSeq {
                    return .broken(seq: expectedSeq, reason: "entry \(expectedSeq) is missing (next present is \(entry.seq))")
                }
                if entry.previousHash != previous {
                    return .broken(seq: entry.seq, reason: "previous_hash does not match the hash of entry \(entry.seq - 1)")
                }
                if AuditChain.hash(of: entry) != entry.hash {
                    return .broken(seq: entry.seq, reason: "hash does not match the entry's contents")
                }
                previous = entry.hash
                expectedSeq += 1
                count += 1
            }
        }
        let head = try await database.sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first()
        if let head {
            let lastSeq = try head.decode(column: "last_seq", as: Int64.self)
            let lastHash = try head.decode(column: "last_hash", as: String.self)
            if lastSeq != count {
                return .broken(seq: count + 1, reason: "the head records \(lastSeq) entries but the log holds \(count)")
            }
            if lastHash != previous {
                return .broken(seq: count, reason: "the head's hash does not match the last entry")
            }
        }
        return .intact(entries: count)
    }

    /// Newest first, keyset-paginated by `seq`. `before` is the cursor of the previous page.
    public func search(_ filter: AuditFilter, before: Int64?, limit: Int) async throws -> Page<AuditEntry> {
        let rows = try await database.sql.raw(Self.searchQuery(filter, before: before, limit: limit + 1))
            .all(decoding: AuditEntry.self, keyDecodingStrategy: .convertFromSnakeCase)
        let page = Array(rows.prefix(limit))
        return Page(rows: page, next: rows.count > limit ? page.last.map { String($0.seq) } : nil)
    }

    /// Every matching entry, oldest first, streamed in batches to `body` (for CSV export).
    public func export(_ filter: AuditFilter, batchSize: Int = 2_000, _ body: ([AuditEntry]) async throws -> Void) async throws {
        var before: Int64? = nil
        while true {
            let page = try await search(filter, before: before, limit: batchSize)
            if page.rows.isEmpty { break }
            try await body(page.rows)
            guard let next = page.next, let seq = Int64(next) else { break }
            before = seq
        }
    }

    static func searchQuery(_ filter: AuditFilter, before: Int64?, limit: Int) -> SQLQueryString {
        var query: SQLQueryString = "SELECT * FROM audit_log WHERE 1 = 1"
        if let organisationId = filter.organisationId {
            if let partners = filter.partnersOf {
                query += """
                     AND (organisation_id = \(bind: organisationId) OR organisation_id IN (SELECT o.id FROM organisations o JOIN providers v ON v.id = o.provider_id
                     WHERE \(partners.municipalities("v.municipality_code", needs: .organisation)))
                     OR (organisation_id = '' AND \(partners.municipalities("municipality_code", needs: .organisation))))
                    """
            } else {
                query += " AND organisation_id = \(bind: organisationId)"
            }
        }
        if let personId = filter.personId { query += " AND person_id = \(bind: personId)" }
        else if let ids = filter.personIds { query += " AND person_id IN (\(binds: ids.isEmpty ? ["-"] : ids))" }
        if let actorId = filter.actorId { query += " AND actor_id = \(bind: actorId)" }
        if let action = filter.action { query += " AND action = \(bind: action)" }
        if let from = filter.from { query += " AND occurred_at >= \(bind: from.epochSeconds)" }
        if let until = filter.until { query += " AND occurred_at < \(bind: until.epochSeconds)" }
        if let before { query += " AND seq < \(bind: before)" }
        return query + " ORDER BY seq DESC LIMIT \(bind: limit)"
    }
}
