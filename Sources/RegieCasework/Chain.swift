import Foundation
import Inburgering
import RegieStorage

// The chain (issue 18): the providers a municipality works with and their offers, kept by the
// functioneel beheerder; referrals of a newcomer to an offer with the newcomer's consent, by the
// consulent. Each is one typed command, whatever door calls it.

/// Adds a provider or changes one: name, kind, KvK number, quality mark, contract and prices.
public struct SaveProvider: CaseworkCommand {
    /// Nil adds a provider.
    public var id: String?
    public var municipalityCode: String?
    public var name: String?
    public var kind: ProviderKind?
    public var kvk: String?
    public var qualityMark: String?
    public var qualityMarkUntil: CalendarDate?
    public var contractFrom: CalendarDate?
    public var contractUntil: CalendarDate?
    public var priceHourCents: Int?
    public var priceRouteCents: Int?
    public var contactEmail: String?
    public var active: Bool
    /// The most active accounts the provider's staff may have.
    public var maxAccounts: Int?
    public var read: [FieldIssue]

    public init(id: String?, municipalityCode: String?, name: String?, kind: ProviderKind?, kvk: String?, qualityMark: String?, qualityMarkUntil: CalendarDate?,
                contractFrom: CalendarDate?, contractUntil: CalendarDate?, priceHourCents: Int?, priceRouteCents: Int?, contactEmail: String?,
                active: Bool, maxAccounts: Int? = nil, read: [FieldIssue] = []) {
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
        self.read = read
    }

    public static let labels = [
        "maxAccounts": "providers.maxAccounts",
        "municipality": "providers.municipality", "name": "providers.name", "kind": "providers.kind", "kvk": "providers.kvk",
        "qualityMark": "providers.qualityMark", "qualityMarkUntil": "providers.qualityMarkUntil", "contractFrom": "providers.contractFrom",
        "contractUntil": "providers.contractUntil", "priceHour": "providers.priceHour", "priceRoute": "providers.priceRoute",
        "contactEmail": "providers.contactEmail",
    ]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> ProviderRecord {
        var v = Checks(labels: Self.labels, read: read)
        var municipality = v.choice("municipality", municipalityCode)
        if let code = municipality, !context.municipalityCodes.contains(code) {
            v.fail("municipality", "validation.choose")
            municipality = nil
        }
        let name = v.text("name", name, maxLength: 120, characters: .name)
        let kind = v.choice("kind", kind)
        var kvk = v.text("kvk", kvk, required: false, maxLength: 8)
        if let number = kvk, !ProviderRule.isKvKNumber(number) {
            v.fail("kvk", "providers.errors.kvk")
            kvk = nil
        }
        let mark = v.text("qualityMark", qualityMark, required: false, maxLength: 120)
        let markUntil = v.date("qualityMarkUntil", qualityMarkUntil, required: mark != nil)
        let from = v.date("contractFrom", contractFrom, required: false)
        let until = v.date("contractUntil", contractUntil, required: false, notBefore: from)
        if let hour = priceHourCents { _ = v.integer("priceHour", hour, range: 0...100_000_00) } else { v.read("priceHour") }
        if let route = priceRouteCents { _ = v.integer("priceRoute", route, range: 0...100_000_000) } else { v.read("priceRoute") }
        var email = v.text("contactEmail", contactEmail, required: false, maxLength: 200)
        if let address = email, !address.contains("@") || address.contains(" ") {
            v.fail("contactEmail", "validation.email")
            email = nil
        }
        let maxAccounts = v.integer("maxAccounts", maxAccounts, range: 0...200, required: false) ?? 10
        guard v.isValid, let municipality, let name, let kind else { throw v.error() }
        let record = ProviderRecord(id: id ?? CommandContext.newID(), municipalityCode: municipality, name: name, kind: kind, kvk: kvk, qualityMark: mark,
                                    qualityMarkUntil: markUntil, contractFrom: from, contractUntil: until, priceHourCents: priceHourCents,
                                    priceRouteCents: priceRouteCents, contactEmail: email, active: active, maxAccounts: maxAccounts)
        do {
            guard let saved = try await stores.providers.saveProvider(record, isNew: id == nil, scope: context.scope, actorId: context.actorId,
                                                                      audit: context.audit(.providerSave, nil, name), now: context.now) else { throw CaseNotFound() }
            return saved
        } catch ProviderStoreError.duplicateName {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "name", rule: "providers.errors.duplicate")], labels: Self.labels)
        }
    }
}

/// Adds an offer to a provider or changes one: route and level, location, schedule, hours a week.
public struct SaveOffer: CaseworkCommand {
    public var providerId: String
    /// Nil adds an offer.
    public var id: String?
    public var name: String?
    public var leerroute: Leerroute?
    public var niveau: Taalniveau?
    public var location: String?
    public var schedule: String?
    public var hoursPerWeek: Int?
    public var active: Bool
    public var read: [FieldIssue]

    public init(providerId: String, id: String?, name: String?, leerroute: Leerroute?, niveau: Taalniveau?, location: String?, schedule: String?,
                hoursPerWeek: Int?, active: Bool, read: [FieldIssue] = []) {
        self.providerId = providerId
        self.id = id
        self.name = name
        self.leerroute = leerroute
        self.niveau = niveau
        self.location = location
        self.schedule = schedule
        self.hoursPerWeek = hoursPerWeek
        self.active = active
        self.read = read
    }

    public static let labels = [
        "offerName": "providers.offer.name", "leerroute": "providers.offer.leerroute", "niveau": "providers.offer.niveau",
        "location": "providers.offer.location", "schedule": "providers.offer.schedule", "hoursPerWeek": "providers.offer.hoursPerWeek",
    ]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> OfferRecord {
        var v = Checks(labels: Self.labels, read: read)
        let name = v.text("offerName", name, maxLength: 120)
        v.read("leerroute")
        v.read("niveau")
        let location = v.text("location", location, maxLength: 200)
        let schedule = v.text("schedule", schedule, maxLength: 200)
        // Wi2021 art. 7–9: the routes have no statutory weekly hours; 40 is a full working week.
        let hours = v.integer("hoursPerWeek", hoursPerWeek, range: 1...40)
        guard v.isValid, let name, let location, let schedule, let hours else { throw v.error() }
        let offer = OfferRecord(id: id ?? CommandContext.newID(), providerId: providerId, name: name, leerroute: leerroute, niveau: niveau,
                                location: location, schedule: schedule, hoursPerWeek: hours, active: active)
        guard let saved = try await stores.providers.saveOffer(offer, isNew: id == nil, scope: context.scope, actorId: context.actorId,
                                                               audit: context.audit(.providerOfferSave, nil, name), now: context.now) else { throw CaseNotFound() }
        return saved
    }
}

/// Adds a start moment with its capacity to an offer, or changes one (capacity, or cancelled with a reason).
public struct SaveOfferStart: CaseworkCommand {
    public var offerId: String
    /// Nil adds a start moment.
    public var startId: String?
    public var startsOn: CalendarDate?
    public var capacity: Int?
    public var cancelledReason: String?
    public var read: [FieldIssue]

    public init(offerId: String, startId: String?, startsOn: CalendarDate?, capacity: Int?, cancelledReason: String?, read: [FieldIssue] = []) {
        self.offerId = offerId
        self.startId = startId
        self.startsOn = startsOn
        self.capacity = capacity
        self.cancelledReason = cancelledReason
        self.read = read
    }

    public static let labels = ["startsOn": "providers.start.startsOn", "capacity": "providers.start.capacity", "cancelledReason": "providers.start.cancelledReason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        if let startId {
            let capacity = v.integer("capacity", capacity, range: 0...500, required: cancelledReason == nil)
            let reason = v.text("cancelledReason", cancelledReason, required: false, maxLength: 300)
            guard v.isValid else { throw v.error() }
            guard try await stores.providers.changeStart(offerId: offerId, startId: startId, capacity: capacity, cancelledReason: reason, scope: context.scope,
                                                         audit: context.audit(.providerStartSave, nil, reason ?? "capaciteit \(capacity ?? 0)"),
                                                         now: context.now) != nil else { throw CaseNotFound() }
            return
        }
        let day = v.date("startsOn", startsOn)
        let capacity = v.integer("capacity", capacity, range: 1...500)
        guard v.isValid, let day, let capacity else { throw v.error() }
        do {
            guard try await stores.providers.addStart(offerId: offerId, startsOn: day, capacity: capacity, scope: context.scope, actorId: context.actorId,
                                                      audit: context.audit(.providerStartSave, nil, "\(day.iso) (\(capacity))"), now: context.now) != nil
            else { throw CaseNotFound() }
        } catch ProviderStoreError.duplicateStart {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "startsOn", rule: "providers.errors.duplicateStart")], labels: Self.labels)
        }
    }
}

/// Refers the newcomer to an offer, at a start moment with a free place or onto its waiting list,
/// with the newcomer's consent: exactly which classes of data the provider may see.
public struct ReferToOffer: CaseworkCommand {
    public let file: CaseFile
    public var offerId: String?
    /// Nil: onto the waiting list (no start moment with a place yet).
    public var startId: String?
    public var referredOn: CalendarDate?
    public var note: String?
    public var consent: Set<ConsentClass>
    /// The newcomer consented separately and explicitly to health data or the COA profile.
    public var separatelyConfirmed: Bool
    public var read: [FieldIssue]

    public init(file: CaseFile, offerId: String?, startId: String?, referredOn: CalendarDate?, note: String?, consent: Set<ConsentClass>,
                separatelyConfirmed: Bool, read: [FieldIssue] = []) {
        self.file = file
        self.offerId = offerId
        self.startId = startId
        self.referredOn = referredOn
        self.note = note
        self.consent = consent
        self.separatelyConfirmed = separatelyConfirmed
        self.read = read
    }

    public static let labels = ["offer": "referrals.offer", "referredOn": "referrals.referredOn", "note": "referrals.note", "consent": "referrals.consent"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> String {
        var v = Checks(labels: Self.labels, read: read)
        let offer = v.choice("offer", offerId)
        let day = v.date("referredOn", referredOn, notAfter: context.today)
        let note = v.text("note", note, required: false, maxLength: 1000)
        v.read("consent")
        if let problem = ReferralRule.consentProblem(consent, separatelyConfirmed: separatelyConfirmed) { v.fail("consent", "referrals.errors.\(problem.rawValue)") }
        if file.traject.closedDate != nil { v.fail("offer", "close.errors.alreadyClosed") }
        guard v.isValid, let offer, let day else { throw v.error() }
        do {
            guard let id = try await stores.casework.refer(personId: file.person.id, offerId: offer, startId: startId, referredOn: day, note: note, consent: consent,
                                                           scope: context.scope, actor: context.actor,
                                                           audit: context.audit(.caseworkReferralAdd, file.person, ConsentRecord.stored(consent)),
                                                           now: context.now) else { throw CaseNotFound() }
            return id
        } catch ReferralStoreError.startUnavailable {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "offer", rule: "referrals.errors.full")], labels: Self.labels)
        } catch ReferralStoreError.unknownReferral {
            throw CaseworkError(.invalid, [FieldIssue(field: "offer", rule: "validation.choose")], labels: Self.labels)
        }
    }
}

/// A step in a referral: the provider's answer (accepted with a start date, refused with a reason,
/// recorded by the consulent when it came by mail or phone), the start, the end, or a withdrawal.
public struct StepReferral: CaseworkCommand {
    public enum Step: String, Sendable, CaseIterable {
        case accept, refuse, start, end, withdraw

        /// Where the referral stands after this step.
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

    public let file: CaseFile
    public let referralId: String
    public var step: Step
    public var on: CalendarDate?
    public var plannedStart: CalendarDate?
    public var reason: String?
    /// Set when the provider's own staff record the step: only on a referral to its offers, and
    /// never a withdrawal (that is the municipality's).
    public var providerId: String?
    public var read: [FieldIssue]

    public init(file: CaseFile, referralId: String, step: Step, on: CalendarDate?, plannedStart: CalendarDate?, reason: String?, providerId: String? = nil,
                read: [FieldIssue] = []) {
        self.file = file
        self.referralId = referralId
        self.step = step
        self.on = on
        self.plannedStart = plannedStart
        self.reason = reason
        self.providerId = providerId
        self.read = read
    }

    public static let labels = ["on": "referrals.stepOn", "plannedStart": "referrals.plannedStart", "reason": "referrals.reason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> ReferralStatus {
        var v = Checks(labels: Self.labels, read: read)
        let day = v.date("on", on, notAfter: context.today)
        var storeStep: CaseworkStore.ReferralStep?
        switch step {
        case .accept:
            let planned = v.date("plannedStart", plannedStart, notBefore: day)
            if let day, let planned { storeStep = .accept(on: day, plannedStart: planned) }
        case .refuse, .end, .withdraw:
            let reason = v.text("reason", reason, maxLength: 500)
            if let day, let reason {
                storeStep = step == .refuse ? .refuse(on: day, reason: reason) : step == .end ? .end(on: day, reason: reason) : .withdraw(on: day, reason: reason)
            }
        case .start:
            if let day { storeStep = .start(on: day) }
        }
        guard v.isValid, let storeStep else { throw v.error() }
        if providerId != nil && step == .withdraw { throw CaseNotFound() }
        do {
            // The provider reports a route's start: the consulent records the route start (R12) from it.
            let shown = day.map { String(format: "%02d-%02d-%04d", $0.day, $0.month, $0.year) } ?? ""
            var task: (@Sendable (String) -> String)?
            if providerId != nil && step == .start {
                task = { provider in "Start leerroute vastleggen: \(provider) meldt de start op \(shown)" }
            }
            guard let status = try await stores.casework.stepReferral(personId: file.person.id, referralId: referralId, storeStep, providerId: providerId,
                                                                      scope: context.scope,
                                                                      actor: context.actor, audit: context.audit(.caseworkReferralStep, file.person, step.rawValue),
                                                                      now: context.now, routeStartTask: task) else { throw CaseNotFound() }
            return status
        } catch ReferralStoreError.unknownReferral {
            throw CaseNotFound()
        } catch ReferralStoreError.notAllowed {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "on", rule: "referrals.errors.step")], labels: Self.labels)
        }
    }
}

/// Changes the consent of a referral (a new version) or revokes it; the provider sees the new
/// classes, or nothing, at once. The old version stays with its end and reason.
public struct ChangeConsent: CaseworkCommand {
    public let file: CaseFile
    public let referralId: String
    /// Nil revokes the consent.
    public var classes: Set<ConsentClass>?
    public var separatelyConfirmed: Bool
    public var on: CalendarDate?
    public var reason: String?
    public var read: [FieldIssue]

    public init(file: CaseFile, referralId: String, classes: Set<ConsentClass>?, separatelyConfirmed: Bool, on: CalendarDate?, reason: String?,
                read: [FieldIssue] = []) {
        self.file = file
        self.referralId = referralId
        self.classes = classes
        self.separatelyConfirmed = separatelyConfirmed
        self.on = on
        self.reason = reason
        self.read = read
    }

    public static let labels = ["consent": "referrals.consent", "on": "referrals.consentOn", "reason": "referrals.reason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        v.read("consent")
        if let classes, let problem = ReferralRule.consentProblem(classes, separatelyConfirmed: separatelyConfirmed) {
            v.fail("consent", "referrals.errors.\(problem.rawValue)")
        }
        let day = v.date("on", on, notAfter: context.today)
        let reason = v.text("reason", reason, maxLength: 500)
        guard v.isValid, let day, let reason else { throw v.error() }
        let detail = classes.map { "gewijzigd: " + ConsentRecord.stored($0) } ?? "ingetrokken"
        do {
            guard try await stores.casework.changeConsent(personId: file.person.id, referralId: referralId, classes: classes, on: day, reason: reason,
                                                          scope: context.scope, actor: context.actor,
                                                          audit: context.audit(.caseworkReferralConsent, file.person, detail), now: context.now) != nil
            else { throw CaseNotFound() }
        } catch ReferralStoreError.unknownReferral {
            throw CaseNotFound()
        } catch ReferralStoreError.noCurrentConsent, ReferralStoreError.notAllowed {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "consent", rule: "referrals.errors.noConsent")], labels: Self.labels)
        }
    }
}
