import Foundation
import Inburgering
import SQLKit

/// A newcomer referred to a provider's offer (issue 18 item 2).
public struct ReferralRecord: Sendable, Hashable {
    public var id: String
    public var personId: String
    public var offerId: String
    public var startId: String?
    public var status: ReferralStatus
    public var referredOn: CalendarDate
    public var note: String?
    public var answeredOn: CalendarDate?
    public var plannedStartOn: CalendarDate?
    public var refusedReason: String?
    public var startedOn: CalendarDate?
    public var endedOn: CalendarDate?
    public var endReason: String?
    public var withdrawnReason: String?
    public var createdBy: String

    init(row: any SQLRow) throws {
        func date(_ column: String) throws -> CalendarDate? { try row.decode(column: column, as: String?.self).flatMap(CalendarDate.init(iso:)) }
        id = try row.decode(column: "id", as: String.self)
        personId = try row.decode(column: "person_id", as: String.self)
        offerId = try row.decode(column: "offer_id", as: String.self)
        startId = try row.decode(column: "start_id", as: String?.self)
        status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .referred
        referredOn = try date("referred_on") ?? CalendarDate(year: 1970, month: 1, day: 1)!
        note = try row.decode(column: "note", as: String?.self)
        answeredOn = try date("answered_on")
        plannedStartOn = try date("planned_start_on")
        refusedReason = try row.decode(column: "refused_reason", as: String?.self)
        startedOn = try date("started_on")
        endedOn = try date("ended_on")
        endReason = try row.decode(column: "end_reason", as: String?.self)
        withdrawnReason = try row.decode(column: "withdrawn_reason", as: String?.self)
        createdBy = try row.decode(column: "created_by", as: String.self)
    }
}

/// One version of a newcomer's consent for one referral: which classes, from when, and (once
/// changed or revoked) until when and why.
public struct ConsentRecord: Sendable, Hashable {
    public var id: String
    public var referralId: String
    public var classes: Set<ConsentClass>
    public var givenOn: CalendarDate
    public var recordedBy: String
    public var endedOn: CalendarDate?
    public var endReason: String?
    public var endedBy: String?

    public var isCurrent: Bool { endedOn == nil }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        referralId = try row.decode(column: "referral_id", as: String.self)
        classes = Set(try row.decode(column: "classes", as: String.self).split(separator: ",").compactMap { ConsentClass(rawValue: String($0)) })
        givenOn = CalendarDate(iso: try row.decode(column: "given_on", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!
        recordedBy = try row.decode(column: "recorded_by", as: String.self)
        endedOn = try row.decode(column: "ended_on", as: String?.self).flatMap(CalendarDate.init(iso:))
        endReason = try row.decode(column: "end_reason", as: String?.self)
        endedBy = try row.decode(column: "ended_by", as: String?.self)
    }

    /// The stored form of a set of classes, in a fixed order.
    public static func stored(_ classes: Set<ConsentClass>) -> String {
        ConsentClass.allCases.filter(classes.contains).map(\.rawValue).joined(separator: ",")
    }
}

/// A referral as the case file lists it: with its offer, provider, start moment and consent history.
public struct ReferralView: Sendable {
    public let referral: ReferralRecord
    public let offer: OfferRecord
    public let provider: ProviderRecord
    public let startsOn: CalendarDate?
    /// Newest first; the first is the current consent when it has not ended.
    public let consents: [ConsentRecord]

    public var currentConsent: ConsentRecord? { consents.first(where: \.isCurrent) }
}

public enum ReferralStoreError: Error, Equatable, Sendable {
    /// No such referral for this person.
    case unknownReferral
    /// The step does not follow from where the referral stands.
    case notAllowed(from: ReferralStatus, to: ReferralStatus)
    /// The chosen start moment is not of this offer, is cancelled or full.
    case startUnavailable
    /// The consent was already revoked.
    case noCurrentConsent
}

extension CaseworkStore {
    /// The person's referrals, newest first, each with its offer, provider, start and consent history.
    public func listReferrals(personId: String, scope: TenantScope) async throws -> [ReferralView] {
        let referrals = try await database.sql.raw("""
            SELECT x.* FROM referrals x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId) AND \(scope.persons(needs: .casework))
            ORDER BY x.referred_on DESC, x.created_at DESC
            """).all().map(ReferralRecord.init(row:))
        guard !referrals.isEmpty else { return [] }
        let db = database.sql
        let offerIds = Array(Set(referrals.map(\.offerId)))
        let offers = Dictionary(try await db.raw("SELECT * FROM provider_offers WHERE id IN (\(binds: offerIds))").all()
            .map { try OfferRecord(row: $0) }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let providerIds = Array(Set(offers.values.map(\.providerId)))
        let providers = Dictionary(try await db.raw("SELECT * FROM providers WHERE id IN (\(binds: providerIds))").all()
            .map(ProviderRecord.init(row:)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let startIds = referrals.compactMap(\.startId)
        var starts: [String: CalendarDate] = [:]
        if !startIds.isEmpty {
            for row in try await db.raw("SELECT id, starts_on FROM offer_starts WHERE id IN (\(binds: startIds))").all() {
                starts[try row.decode(column: "id", as: String.self)] = CalendarDate(iso: try row.decode(column: "starts_on", as: String.self))
            }
        }
        let consents = Dictionary(grouping: try await db.raw("""
            SELECT * FROM referral_consents WHERE referral_id IN (\(binds: referrals.map(\.id))) ORDER BY recorded_at DESC, given_on DESC
            """).all().map(ConsentRecord.init(row:)), by: \.referralId)
        return referrals.compactMap { r in
            guard let offer = offers[r.offerId], let provider = providers[offer.providerId] else { return nil }
            return ReferralView(referral: r, offer: offer, provider: provider, startsOn: r.startId.flatMap { starts[$0] }, consents: consents[r.id] ?? [])
        }
    }

    /// Refers the person to an offer (optionally at a start moment with a free place) with the
    /// newcomer's consent, in one change with its timeline line and audit entry. Nil when the
    /// person or the offer is not in scope.
    public func refer(personId: String, offerId: String, startId: String?, referredOn: CalendarDate, note: String?, consent: Set<ConsentClass>,
                      scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> String? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let (offer, provider) = try await ProviderStore.offer(id: offerId, scope: scope, on: db),
                  provider.municipalityCode == unit.person.municipalityCode else { throw ReferralStoreError.unknownReferral }
            if let startId {
                guard let row = try await db.raw("""
                    SELECT s.capacity, s.cancelled_reason,
                           (SELECT COUNT(*) FROM referrals r WHERE r.start_id = s.id AND r.status IN (\(binds: ProviderStore.placeStatuses))) AS taken
                    FROM offer_starts s WHERE s.id = \(bind: startId) AND s.offer_id = \(bind: offerId)
                    """).first(),
                      try row.decode(column: "cancelled_reason", as: String?.self) == nil,
                      try row.decode(column: "taken", as: Int.self) < row.decode(column: "capacity", as: Int.self) else { throw ReferralStoreError.startUnavailable }
            }
            let id = UUID().uuidString.lowercased()
            try await db.raw("""
                INSERT INTO referrals (id, person_id, offer_id, start_id, status, referred_on, note, created_by, created_at)
                VALUES (\(bind: id), \(bind: personId), \(bind: offerId), \(bind: startId), \(bind: ReferralStatus.referred.rawValue), \(bind: referredOn.iso),
                    \(bind: note), \(bind: actor.id ?? actor.name), \(bind: now.epochSeconds))
                """).run()
            try await Self.insertConsent(referralId: id, personId: personId, classes: consent, givenOn: referredOn, by: actor, now: now, on: db)
            return (id, [CaseChange(kind: "verwijzing.verwezen", date: referredOn.iso, detail: "\(provider.name): \(offer.name)")])
        }
    }

    static func insertConsent(referralId: String, personId: String, classes: Set<ConsentClass>, givenOn: CalendarDate, by actor: CaseActor, now: Date,
                              on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: referralId), \(bind: personId), \(bind: ConsentRecord.stored(classes)),
                \(bind: givenOn.iso), \(bind: actor.name), \(bind: now.epochSeconds))
            """).run()
    }

    /// A step in a referral: the provider's answer (accepted with a start date, refused with a
    /// reason), the start, the end, or the municipality's withdrawal. Ending or withdrawing ends the
    /// consent too: the provider no longer works with the person. Nil when not in scope.
    public enum ReferralStep: Sendable {
        case accept(on: CalendarDate, plannedStart: CalendarDate)
        case refuse(on: CalendarDate, reason: String)
        case start(on: CalendarDate)
        case end(on: CalendarDate, reason: String)
        case withdraw(on: CalendarDate, reason: String)

        public var status: ReferralStatus {
            switch self {
            case .accept: .accepted
            case .refuse: .refused
            case .start: .started
            case .end: .ended
            case .withdraw: .withdrawn
            }
        }
    }

    /// `providerId`: the step is the provider's own (its staff act only on referrals to its offers).
    /// The referral is between the municipality and the provider, so who may see the person may record it.
    /// `routeStartTask`: when the provider reports the start of a route and the case has no route
    /// start yet, a task for the consulent with this title (given the provider's name) — the route
    /// start is the municipality's fact to record (R12), not the provider's.
    public func stepReferral(personId: String, referralId: String, _ step: ReferralStep, providerId: String? = nil, scope: TenantScope, actor: CaseActor,
                             audit: AuditEvent, now: Date, routeStartTask: (@Sendable (String) -> String)? = nil) async throws -> ReferralStatus? {
        try await change(personId: personId, scope: scope, needs: .identity, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let referral = try await db.raw("SELECT * FROM referrals WHERE id = \(bind: referralId) AND person_id = \(bind: personId)")
                .first().map(ReferralRecord.init(row:)) else { throw ReferralStoreError.unknownReferral }
            if let providerId {
                let owner = try await db.raw("SELECT provider_id FROM provider_offers WHERE id = \(bind: referral.offerId)").first()?
                    .decode(column: "provider_id", as: String.self)
                guard owner == providerId else { throw ReferralStoreError.unknownReferral }
            }
            guard referral.status.next.contains(step.status) else { throw ReferralStoreError.notAllowed(from: referral.status, to: step.status) }
            let set: SQLQueryString
            let day: CalendarDate
            var detail = ""
            switch step {
            case .accept(let on, let planned):
                set = "answered_on = \(bind: on.iso), planned_start_on = \(bind: planned.iso)"
                day = on
                detail = planned.iso
            case .refuse(let on, let reason):
                set = "answered_on = \(bind: on.iso), refused_reason = \(bind: reason)"
                day = on
                detail = reason
            case .start(let on):
                set = "started_on = \(bind: on.iso)"
                day = on
            case .end(let on, let reason):
                set = "ended_on = \(bind: on.iso), end_reason = \(bind: reason)"
                day = on
                detail = reason
            case .withdraw(let on, let reason):
                set = "withdrawn_reason = \(bind: reason), ended_on = \(bind: on.iso)"
                day = on
                detail = reason
            }
            try await db.raw("""
                UPDATE referrals SET status = \(bind: step.status.rawValue), \(set), updated_by = \(bind: actor.id ?? actor.name), updated_at = \(bind: now.epochSeconds)
                WHERE id = \(bind: referralId)
                """).run()
            if case .start = step, let routeStartTask, unit.traject.routeStartDate == nil, let row = try await db.raw("""
                SELECT v.name FROM provider_offers o JOIN providers v ON v.id = o.provider_id WHERE o.id = \(bind: referral.offerId) AND o.leerroute IS NOT NULL
                """).first() {
                try await db.raw("""
                    INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: personId), \(bind: routeStartTask(try row.decode(column: "name", as: String.self))),
                        \(bind: CalendarDate.today(now: now).adding(days: 5).iso), \(bind: unit.traject.consulentId), 'verwijzing', \(bind: actor.id ?? actor.name),
                        \(bind: now.epochSeconds))
                    """).run()
            }
            if !step.status.isOpen {
                try await db.raw("""
                    UPDATE referral_consents SET ended_on = \(bind: day.iso), end_reason = \(bind: "verwijzing " + step.status.rawValue), ended_by = \(bind: actor.name),
                        ended_at = \(bind: now.epochSeconds)
                    WHERE referral_id = \(bind: referralId) AND ended_on IS NULL
                    """).run()
            }
            return (step.status, [CaseChange(kind: "verwijzing.\(step.status.rawValue)", date: day.iso, detail: detail)])
        }
    }

    /// Changes the consent of a referral (a new version from `on`; the old one ends that day with the
    /// reason) or revokes it (`classes` nil). Revoking ends what the provider may see at once. Nil
    /// when not in scope.
    public func changeConsent(personId: String, referralId: String, classes: Set<ConsentClass>?, on day: CalendarDate, reason: String, scope: TenantScope,
                              actor: CaseActor, audit: AuditEvent, now: Date) async throws -> Bool? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            guard let referral = try await db.raw("SELECT * FROM referrals WHERE id = \(bind: referralId) AND person_id = \(bind: personId)")
                .first().map(ReferralRecord.init(row:)) else { throw ReferralStoreError.unknownReferral }
            guard try await db.raw("SELECT id FROM referral_consents WHERE referral_id = \(bind: referralId) AND ended_on IS NULL").first() != nil else {
                throw ReferralStoreError.noCurrentConsent
            }
            try await db.raw("""
                UPDATE referral_consents SET ended_on = \(bind: day.iso), end_reason = \(bind: reason), ended_by = \(bind: actor.name), ended_at = \(bind: now.epochSeconds)
                WHERE referral_id = \(bind: referralId) AND ended_on IS NULL
                """).run()
            if let classes {
                guard referral.status.isOpen else { throw ReferralStoreError.notAllowed(from: referral.status, to: referral.status) }
                try await Self.insertConsent(referralId: referralId, personId: personId, classes: classes, givenOn: day, by: actor, now: now, on: db)
            }
            return (true, [CaseChange(kind: classes == nil ? "verwijzing.toestemmingIngetrokken" : "verwijzing.toestemmingGewijzigd", date: day.iso, detail: reason)])
        }
    }
}

extension ConsentClass {
    /// The class of data the access model reads for this consent.
    public var dataClasses: DataClasses {
        switch self {
        case .identity: .identity
        case .route: .route
        case .pipGoals: .planGoals
        case .hours: .hours
        case .health: .specialCategory
        case .coaProfile: .coaProfile
        }
    }
}

extension ProviderStore {
    /// What a provider's staff may read, per person: the people with a referral to one of its offers
    /// that is still open (referred, accepted or started), with the classes of the consent that runs
    /// on `today`. A person without a running consent, or whose referral ended, is not in it.
    public func partnerGrants(providerId: String, today: CalendarDate) async throws -> [String: DataClasses] {
        let rows = try await database.sql.raw("""
            SELECT c.person_id, c.classes FROM referral_consents c
            JOIN referrals r ON r.id = c.referral_id JOIN provider_offers o ON o.id = r.offer_id
            WHERE o.provider_id = \(bind: providerId) AND r.status IN (\(binds: Self.placeStatuses))
              AND c.ended_on IS NULL AND c.given_on <= \(bind: today.iso)
            """).all()
        var grants: [String: DataClasses] = [:]
        for row in rows {
            let classes = try row.decode(column: "classes", as: String.self).split(separator: ",").compactMap { ConsentClass(rawValue: String($0)) }
            grants[try row.decode(column: "person_id", as: String.self), default: []].formUnion(classes.reduce(into: DataClasses()) { $0.formUnion($1.dataClasses) })
        }
        return grants
    }
}

/// A referral as the provider's staff see it: the person's name (identity, always consented), the
/// offer and start moment, where it stands, and what the person consented to.
public struct PartnerReferral: Sendable, Hashable {
    public let referral: ReferralRecord
    public let givenNames: String
    public let familyName: String
    public let offerName: String
    public let startsOn: CalendarDate?
}

extension ProviderStore {
    /// The open referrals to the provider's offers of the people in scope (a partner's scope holds
    /// only those with a consent that runs), those awaiting an answer first.
    public func partnerReferrals(providerId: String, scope: TenantScope) async throws -> [PartnerReferral] {
        try await partnerReferrals(providerId: providerId, referralId: nil, scope: scope)
    }

    /// One open referral to the provider's offers, of a person in scope.
    public func partnerReferral(id: String, providerId: String, scope: TenantScope) async throws -> PartnerReferral? {
        try await partnerReferrals(providerId: providerId, referralId: id, scope: scope).first
    }

    /// `after` and `limit`: a page by id (the provider API's keyset), instead of the pages' order.
    func partnerReferrals(providerId: String, referralId: String?, after: String? = nil, limit: Int? = nil, scope: TenantScope) async throws -> [PartnerReferral] {
        var query: SQLQueryString = """
            SELECT r.*, p.given_names, p.family_name, o.name AS offer_name, s.starts_on
            FROM referrals r JOIN persons p ON p.id = r.person_id JOIN provider_offers o ON o.id = r.offer_id
            LEFT JOIN offer_starts s ON s.id = r.start_id
            WHERE o.provider_id = \(bind: providerId) AND r.status IN (\(binds: Self.placeStatuses)) AND \(scope.persons(needs: .identity))
            """
        if let referralId { query += " AND r.id = \(bind: referralId)" }
        if let limit {
            if let after { query += " AND r.id > \(bind: after)" }
            query += " ORDER BY r.id LIMIT \(bind: limit)"
        } else {
            query += " ORDER BY CASE r.status WHEN 'referred' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, r.referred_on, r.id"
        }
        return try await database.sql.raw(query).all().map { row in
            PartnerReferral(referral: try ReferralRecord(row: row), givenNames: try row.decode(column: "given_names", as: String.self),
                            familyName: try row.decode(column: "family_name", as: String.self), offerName: try row.decode(column: "offer_name", as: String.self),
                            startsOn: try row.decode(column: "starts_on", as: String?.self).flatMap(CalendarDate.init(iso:)))
        }
    }
}
