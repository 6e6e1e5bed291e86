import Foundation
import Inburgering
import SQLKit

/// A provider a municipality works with (issue 18 item 1): a language school, an ROC, an
/// organisation for maatschappelijke begeleiding, ontzorgen or participation.
public struct ProviderRecord: Sendable, Hashable {
    public var id: String
    public var municipalityCode: String
    public var name: String
    public var kind: ProviderKind
    /// The KvK number (8 digits).
    public var kvk: String?
    /// The quality mark (for language schools the Blik op Werk keurmerk) and the day it expires.
    public var qualityMark: String?
    public var qualityMarkUntil: CalendarDate?
    public var contractFrom: CalendarDate?
    public var contractUntil: CalendarDate?
    public var priceHourCents: Int?
    public var priceRouteCents: Int?
    public var contactEmail: String?
    public var active: Bool
    /// How many active accounts the provider's staff may have (the municipality's limit).
    public var maxAccounts: Int

    public init(id: String, municipalityCode: String, name: String, kind: ProviderKind, kvk: String? = nil, qualityMark: String? = nil,
                qualityMarkUntil: CalendarDate? = nil, contractFrom: CalendarDate? = nil, contractUntil: CalendarDate? = nil,
                priceHourCents: Int? = nil, priceRouteCents: Int? = nil, contactEmail: String? = nil, active: Bool = true, maxAccounts: Int = 10) {
        self.id = id
        self.municipalityCode = municipalityCode
        self.name = name
        self.kind = kind
        self.kvk = kvk
        self.qualityMark = qualityMark
        self.qualityMarkUntil = qualityMarkUntil
        self.contractFrom = contractFrom
        self.contractUntil = contractUntil
        self.priceHourCents = priceHourCents
        self.priceRouteCents = priceRouteCents
        self.contactEmail = contactEmail
        self.active = active
        self.maxAccounts = maxAccounts
    }

    init(row: any SQLRow) throws {
        func date(_ column: String) throws -> CalendarDate? { try row.decode(column: column, as: String?.self).flatMap(CalendarDate.init(iso:)) }
        self.init(id: try row.decode(column: "id", as: String.self), municipalityCode: try row.decode(column: "municipality_code", as: String.self),
                  name: try row.decode(column: "name", as: String.self),
                  kind: ProviderKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .taalschool,
                  kvk: try row.decode(column: "kvk", as: String?.self), qualityMark: try row.decode(column: "quality_mark", as: String?.self),
                  qualityMarkUntil: try date("quality_mark_until"), contractFrom: try date("contract_from"), contractUntil: try date("contract_until"),
                  priceHourCents: try row.decode(column: "price_hour_cents", as: Int?.self), priceRouteCents: try row.decode(column: "price_route_cents", as: Int?.self),
                  contactEmail: try row.decode(column: "contact_email", as: String?.self), active: try row.decode(column: "active", as: Int.self) != 0,
                  maxAccounts: try row.decode(column: "max_accounts", as: Int.self))
    }

    /// Whether the contract runs on `day` (an open end runs on).
    public func contracted(on day: CalendarDate) -> Bool {
        active && (contractFrom.map { $0 <= day } ?? true) && (contractUntil.map { day <= $0 } ?? true)
    }
}

/// What a provider offers: a course for a route and level, or guidance, at a place and a rhythm.
public struct OfferRecord: Sendable, Hashable {
    public var id: String
    public var providerId: String
    public var name: String
    /// The route the offer serves (nil: guidance or participation, not a route).
    public var leerroute: Leerroute?
    public var niveau: Taalniveau?
    public var location: String
    public var schedule: String
    public var hoursPerWeek: Int
    public var active: Bool

    public init(id: String, providerId: String, name: String, leerroute: Leerroute?, niveau: Taalniveau?, location: String, schedule: String,
                hoursPerWeek: Int, active: Bool = true) {
        self.id = id
        self.providerId = providerId
        self.name = name
        self.leerroute = leerroute
        self.niveau = niveau
        self.location = location
        self.schedule = schedule
        self.hoursPerWeek = hoursPerWeek
        self.active = active
    }

    init(row: any SQLRow, prefix: String = "") throws {
        self.init(id: try row.decode(column: prefix + "id", as: String.self), providerId: try row.decode(column: prefix + "provider_id", as: String.self),
                  name: try row.decode(column: prefix + "name", as: String.self),
                  leerroute: try row.decode(column: prefix + "leerroute", as: String?.self).flatMap(Leerroute.init(rawValue:)),
                  niveau: try row.decode(column: prefix + "niveau", as: String?.self).flatMap(Taalniveau.init(rawValue:)),
                  location: try row.decode(column: prefix + "location", as: String.self), schedule: try row.decode(column: prefix + "schedule", as: String.self),
                  hoursPerWeek: try row.decode(column: prefix + "hours_per_week", as: Int.self), active: try row.decode(column: prefix + "active", as: Int.self) != 0)
    }
}

/// A start moment of an offer, with its capacity and how many places referrals hold.
public struct OfferStart: Sendable, Hashable {
    public var id: String
    public var offerId: String
    public var startsOn: CalendarDate
    public var capacity: Int
    public var taken: Int
    public var cancelledReason: String?

    public var free: Int { cancelledReason == nil ? max(0, capacity - taken) : 0 }
}

/// An offer as a consulent chooses it: the offer, its provider, and its start moments from today.
public struct OfferChoice: Sendable, Hashable {
    public let offer: OfferRecord
    public let provider: ProviderRecord
    public let starts: [OfferStart]
    /// Referrals to the offer waiting without a start moment (the waiting list).
    public let waiting: Int

    /// The earliest start moment with a free place.
    public var firstFree: OfferStart? { starts.first { $0.free > 0 } }
}

public enum ProviderStoreError: Error, Equatable, Sendable {
    /// Another provider of the municipality has this name.
    case duplicateName
    /// The offer already has a start moment on this day.
    case duplicateStart
}

/// The providers of the municipalities in scope, their offers and start moments. Each change writes
/// its audit entry in the same transaction.
public struct ProviderStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let placeStatuses = ReferralStatus.allCases.filter(\.holdsPlace).map(\.rawValue)

    // MARK: Providers

    public func listProviders(scope: AccessScope) async throws -> [ProviderRecord] {
        try await database.sql.raw("""
            SELECT * FROM providers WHERE \(scope.municipalities(needs: .organisation)) ORDER BY active DESC, name, municipality_code
            """).all().map(ProviderRecord.init(row:))
    }

    public func fetchProvider(id: String, scope: AccessScope) async throws -> ProviderRecord? {
        try await Self.provider(id: id, scope: scope, on: database.sql)
    }

    static func provider(id: String, scope: AccessScope, on db: any SQLDatabase) async throws -> ProviderRecord? {
        try await db.raw("SELECT * FROM providers WHERE id = \(bind: id) AND \(scope.municipalities(needs: .organisation))").first().map(ProviderRecord.init(row:))
    }

    /// Adds a provider, or changes one in scope (nil when it is not in scope).
    public func saveProvider(_ p: ProviderRecord, isNew: Bool, scope: AccessScope, actorId: String, audit: AuditEvent, now: Date) async throws -> ProviderRecord? {
        guard scope.municipalityCodes.contains(p.municipalityCode) else { return nil }
        return try await database.transaction { db in
            let clash = try await db.raw("""
                SELECT id FROM providers WHERE municipality_code = \(bind: p.municipalityCode) AND lower(name) = lower(\(bind: p.name)) AND id <> \(bind: p.id)
                """).first()
            if clash != nil { throw ProviderStoreError.duplicateName }
            if isNew {
                try await db.raw("""
                    INSERT INTO providers (id, municipality_code, name, kind, kvk, quality_mark, quality_mark_until, contract_from, contract_until,
                        price_hour_cents, price_route_cents, contact_email, active, max_accounts, created_by, created_at)
                    VALUES (\(bind: p.id), \(bind: p.municipalityCode), \(bind: p.name), \(bind: p.kind.rawValue), \(bind: p.kvk), \(bind: p.qualityMark),
                        \(bind: p.qualityMarkUntil?.iso), \(bind: p.contractFrom?.iso), \(bind: p.contractUntil?.iso), \(bind: p.priceHourCents),
                        \(bind: p.priceRouteCents), \(bind: p.contactEmail), \(bind: p.active ? 1 : 0), \(bind: p.maxAccounts), \(bind: actorId),
                        \(bind: now.epochSeconds))
                    """).run()
            } else {
                guard try await Self.provider(id: p.id, scope: scope, on: db) != nil else { return nil }
                try await db.raw("""
                    UPDATE providers SET name = \(bind: p.name), kind = \(bind: p.kind.rawValue), kvk = \(bind: p.kvk), quality_mark = \(bind: p.qualityMark),
                        quality_mark_until = \(bind: p.qualityMarkUntil?.iso), contract_from = \(bind: p.contractFrom?.iso),
                        contract_until = \(bind: p.contractUntil?.iso), price_hour_cents = \(bind: p.priceHourCents),
                        price_route_cents = \(bind: p.priceRouteCents), contact_email = \(bind: p.contactEmail), active = \(bind: p.active ? 1 : 0),
                        max_accounts = \(bind: p.maxAccounts),
                        updated_by = \(bind: actorId), updated_at = \(bind: now.epochSeconds)
                    WHERE id = \(bind: p.id)
                    """).run()
            }
            try await AuditStore.append([audit], at: now, on: db)
            return p
        }
    }

    // MARK: Offers and start moments

    public func listOffers(providerId: String, scope: AccessScope, today: CalendarDate) async throws -> [OfferChoice] {
        guard let provider = try await fetchProvider(id: providerId, scope: scope) else { return [] }
        let offers = try await database.sql.raw("SELECT * FROM provider_offers WHERE provider_id = \(bind: providerId) ORDER BY active DESC, name")
            .all().map { try OfferRecord(row: $0) }
        return try await choices(offers.map { ($0, provider) }, today: today, includePast: true)
    }

    public func fetchOffer(id: String, scope: AccessScope) async throws -> (offer: OfferRecord, provider: ProviderRecord)? {
        try await Self.offer(id: id, scope: scope, on: database.sql)
    }

    static func offer(id: String, scope: AccessScope, on db: any SQLDatabase) async throws -> (offer: OfferRecord, provider: ProviderRecord)? {
        guard let row = try await db.raw("""
            SELECT o.*, v.municipality_code AS v_municipality_code FROM provider_offers o JOIN providers v ON v.id = o.provider_id
            WHERE o.id = \(bind: id) AND \(scope.municipalities("v.municipality_code", needs: .organisation))
            """).first() else { return nil }
        let offer = try OfferRecord(row: row)
        guard let provider = try await provider(id: offer.providerId, scope: scope, on: db) else { return nil }
        return (offer, provider)
    }

    /// Adds an offer to a provider in scope, or changes one (nil when not in scope).
    public func saveOffer(_ o: OfferRecord, isNew: Bool, scope: AccessScope, actorId: String, audit: AuditEvent, now: Date) async throws -> OfferRecord? {
        try await database.transaction { db in
            guard try await Self.provider(id: o.providerId, scope: scope, on: db) != nil else { return nil }
            if isNew {
                try await db.raw("""
                    INSERT INTO provider_offers (id, provider_id, name, leerroute, niveau, location, schedule, hours_per_week, active, created_by, created_at)
                    VALUES (\(bind: o.id), \(bind: o.providerId), \(bind: o.name), \(bind: o.leerroute?.rawValue), \(bind: o.niveau?.rawValue), \(bind: o.location),
                        \(bind: o.schedule), \(bind: o.hoursPerWeek), \(bind: o.active ? 1 : 0), \(bind: actorId), \(bind: now.epochSeconds))
                    """).run()
            } else {
                guard let existing = try await Self.offer(id: o.id, scope: scope, on: db), existing.offer.providerId == o.providerId else { return nil }
                try await db.raw("""
                    UPDATE provider_offers SET name = \(bind: o.name), leerroute = \(bind: o.leerroute?.rawValue), niveau = \(bind: o.niveau?.rawValue),
                        location = \(bind: o.location), schedule = \(bind: o.schedule), hours_per_week = \(bind: o.hoursPerWeek), active = \(bind: o.active ? 1 : 0),
                        updated_by = \(bind: actorId), updated_at = \(bind: now.epochSeconds)
                    WHERE id = \(bind: o.id)
                    """).run()
            }
            try await AuditStore.append([audit], at: now, on: db)
            return o
        }
    }

    /// Adds a start moment to an offer in scope (nil when not in scope).
    public func addStart(offerId: String, startsOn: CalendarDate, capacity: Int, scope: AccessScope, actorId: String, audit: AuditEvent,
                         now: Date) async throws -> String? {
        try await database.transaction { db in
            guard try await Self.offer(id: offerId, scope: scope, on: db) != nil else { return nil }
            if try await db.raw("SELECT id FROM offer_starts WHERE offer_id = \(bind: offerId) AND starts_on = \(bind: startsOn.iso)").first() != nil {
                throw ProviderStoreError.duplicateStart
            }
            let id = UUID().uuidString.lowercased()
            try await db.raw("""
                INSERT INTO offer_starts (id, offer_id, starts_on, capacity, created_by, created_at)
                VALUES (\(bind: id), \(bind: offerId), \(bind: startsOn.iso), \(bind: capacity), \(bind: actorId), \(bind: now.epochSeconds))
                """).run()
            try await AuditStore.append([audit], at: now, on: db)
            return id
        }
    }

    /// Changes a start moment's capacity, or cancels it with a reason (its referrals keep their
    /// place on the waiting list). Nil when not in scope.
    public func changeStart(offerId: String, startId: String, capacity: Int?, cancelledReason: String?, scope: AccessScope, audit: AuditEvent,
                            now: Date) async throws -> Bool? {
        try await database.transaction { db in
            guard try await Self.offer(id: offerId, scope: scope, on: db) != nil,
                  try await db.raw("SELECT id FROM offer_starts WHERE id = \(bind: startId) AND offer_id = \(bind: offerId)").first() != nil else { return nil }
            if let capacity { try await db.raw("UPDATE offer_starts SET capacity = \(bind: capacity) WHERE id = \(bind: startId)").run() }
            if let cancelledReason { try await db.raw("UPDATE offer_starts SET cancelled_reason = \(bind: cancelledReason) WHERE id = \(bind: startId)").run() }
            try await AuditStore.append([audit], at: now, on: db)
            return true
        }
    }

    /// The active offers of contracted providers in scope that a person could be referred to,
    /// matching route and level first, then by their earliest start with a free place (soonest
    /// first; offers without one last).
    public func offersForReferral(scope: AccessScope, municipalityCode: String, leerroute: Leerroute?, niveau: Taalniveau?,
                                  today: CalendarDate) async throws -> [OfferChoice] {
        let rows = try await database.sql.raw("""
            SELECT o.*, v.id AS v_id FROM provider_offers o JOIN providers v ON v.id = o.provider_id
            WHERE o.active = 1 AND v.active = 1 AND v.municipality_code = \(bind: municipalityCode) AND \(scope.municipalities("v.municipality_code", needs: .organisation))
            """).all()
        let providers = Dictionary(try await listProviders(scope: scope).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs: [(OfferRecord, ProviderRecord)] = try rows.compactMap { row in
            let offer = try OfferRecord(row: row)
            guard let provider = providers[offer.providerId], provider.contracted(on: today) else { return nil }
            return (offer, provider)
        }
        let choices = try await choices(pairs, today: today, includePast: false)
        func matches(_ c: OfferChoice) -> Int {
            guard let leerroute else { return 1 }
            if c.offer.leerroute == leerroute && (niveau == nil || c.offer.niveau == nil || c.offer.niveau == niveau) { return 0 }
            return c.offer.leerroute == nil ? 1 : 2
        }
        return choices.sorted { a, b in
            let (ma, mb) = (matches(a), matches(b))
            if ma != mb { return ma < mb }
            switch (a.firstFree?.startsOn, b.firstFree?.startsOn) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.provider.name, a.offer.name) < (b.provider.name, b.offer.name)
            }
        }
    }

    /// The start moments (from today, or all) with their taken places, and the waiting list, of each offer.
    func choices(_ pairs: [(OfferRecord, ProviderRecord)], today: CalendarDate, includePast: Bool) async throws -> [OfferChoice] {
        guard !pairs.isEmpty else { return [] }
        let ids = pairs.map(\.0.id)
        let since = includePast ? "0000-00-00" : today.iso
        let startRows = try await database.sql.raw("""
            SELECT s.id, s.offer_id, s.starts_on, s.capacity, s.cancelled_reason,
                   (SELECT COUNT(*) FROM referrals r WHERE r.start_id = s.id AND r.status IN (\(binds: Self.placeStatuses))) AS taken
            FROM offer_starts s WHERE s.offer_id IN (\(binds: ids)) AND s.starts_on >= \(bind: since)
            ORDER BY s.starts_on
            """).all()
        var starts: [String: [OfferStart]] = [:]
        for row in startRows {
            guard let day = CalendarDate(iso: try row.decode(column: "starts_on", as: String.self)) else { continue }
            let start = OfferStart(id: try row.decode(column: "id", as: String.self), offerId: try row.decode(column: "offer_id", as: String.self),
                                   startsOn: day, capacity: try row.decode(column: "capacity", as: Int.self), taken: try row.decode(column: "taken", as: Int.self),
                                   cancelledReason: try row.decode(column: "cancelled_reason", as: String?.self))
            starts[start.offerId, default: []].append(start)
        }
        let waitingRows = try await database.sql.raw("""
            SELECT offer_id, COUNT(*) AS n FROM referrals WHERE offer_id IN (\(binds: ids)) AND start_id IS NULL AND status IN (\(binds: Self.placeStatuses))
            GROUP BY offer_id
            """).all()
        var waiting: [String: Int] = [:]
        for row in waitingRows { waiting[try row.decode(column: "offer_id", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return pairs.map { OfferChoice(offer: $0.0, provider: $0.1, starts: starts[$0.0.id] ?? [], waiting: waiting[$0.0.id] ?? 0) }
    }
}

/// How the referrals to one provider stand (issue 18 items 2 and 7): open referrals, the waiting
/// list, answers, and the waiting time from referral to start. Counts only, no person.
public struct ProviderReferralFigures: Sendable, Hashable {
    public var open = 0
    /// Open referrals without a start moment.
    public var waitingList = 0
    public var refused = 0
    public var ended = 0
    /// Referrals that started within the last 12 months, and their average wait in days.
    public var startedLastYear = 0
    public var averageWaitDays: Int?

    public init() {}
}

extension ProviderStore {
    /// The referral figures of each provider of the municipalities in scope, by provider id.
    public func referralFigures(scope: AccessScope, today: CalendarDate) async throws -> [String: ProviderReferralFigures] {
        let rows = try await database.sql.raw("""
            SELECT o.provider_id, r.status, r.start_id, r.referred_on, r.started_on
            FROM referrals r JOIN provider_offers o ON o.id = r.offer_id JOIN providers v ON v.id = o.provider_id
            WHERE \(scope.municipalities("v.municipality_code", needs: .organisation))
            """).all()
        let yearAgo = today.adding(months: -12)
        var figures: [String: ProviderReferralFigures] = [:]
        var waits: [String: [Int]] = [:]
        for row in rows {
            let provider = try row.decode(column: "provider_id", as: String.self)
            let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .referred
            var f = figures[provider] ?? ProviderReferralFigures()
            if status.isOpen { f.open += 1 }
            let startId = try row.decode(column: "start_id", as: String?.self)
            if status.isOpen && status != .started && startId == nil { f.waitingList += 1 }
            if status == .refused { f.refused += 1 }
            if status == .ended { f.ended += 1 }
            if let started = try row.decode(column: "started_on", as: String?.self).flatMap(CalendarDate.init(iso:)), started >= yearAgo,
               let referred = CalendarDate(iso: try row.decode(column: "referred_on", as: String.self)) {
                f.startedLastYear += 1
                waits[provider, default: []].append(ReferralRule.waitingDays(referredOn: referred, startedOn: started, today: today))
            }
            figures[provider] = f
        }
        for (provider, days) in waits where !days.isEmpty {
            figures[provider]?.averageWaitDays = Int((Double(days.reduce(0, +)) / Double(days.count)).rounded())
        }
        return figures
    }
}
