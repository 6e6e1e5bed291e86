import Foundation
import Inburgering

/// One dated version of a municipality's ontzorgen policy. A change is a new version from a date,
/// so an arrangement keeps the policy that applied when its bijstand started.
public struct OntzorgenBeleidRecord: Codable, Sendable, Hashable {
    public var id: String
    public var municipalityCode: String
    public var effectiveFrom: String
    /// `jaTenzij` or `neeTenzij`.
    public var beleid: String
    /// JSON array of `OntzorgSoort`.
    public var soorten: String
    public var durationMonths: Int
    /// JSON array of month numbers.
    public var reviewMonths: String
    public var firstRentGift: Int
    /// The municipality's account the payments are made from.
    public var debtorName: String
    public var debtorIban: String
    public var debtorBic: String?
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, municipalityCode: String, effectiveFrom: String, beleid: String, soorten: [OntzorgSoort], durationMonths: Int,
                reviewMonths: [Int], firstRentGift: Bool, debtorName: String, debtorIban: String, debtorBic: String?, createdBy: String, createdAt: Int64) {
        self.id = id
        self.municipalityCode = municipalityCode
        self.effectiveFrom = effectiveFrom
        self.beleid = beleid
        self.soorten = String(decoding: (try? JSONEncoder.sorted.encode(soorten)) ?? Data("[]".utf8), as: UTF8.self)
        self.durationMonths = durationMonths
        self.reviewMonths = String(decoding: (try? JSONEncoder.sorted.encode(reviewMonths)) ?? Data("[]".utf8), as: UTF8.self)
        self.firstRentGift = firstRentGift ? 1 : 0
        self.debtorName = debtorName
        self.debtorIban = debtorIban
        self.debtorBic = debtorBic
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public var soortenList: [OntzorgSoort] { (try? JSONDecoder().decode([OntzorgSoort].self, from: Data(soorten.utf8))) ?? [] }
    public var reviewMonthsList: [Int] { (try? JSONDecoder().decode([Int].self, from: Data(reviewMonths.utf8))) ?? [] }

    /// The policy as the law module reads it (R8).
    public var lawSettings: OntzorgenSettings {
        OntzorgenSettings(beleid: OntzorgenBeleid(rawValue: beleid) ?? .jaTenzij, rekeningen: Set(soortenList.compactMap(\.categorie)),
                          duurMaanden: durationMonths, evaluatieNaMaanden: reviewMonthsList)
    }
}

/// The arrangement of one person: the decision, the mandate, the period, its end or extension, and
/// the way to financial self-reliance.
public struct OntzorgingRecord: Codable, Sendable, Hashable {
    public var personId: String
    public var municipalityCode: String
    public var bijstandStart: String
    public var beleidId: String?
    public var regime: String
    public var ontzorgd: Int
    public var decisionDate: String
    /// `beleid`, `nodig`, `eigenKeuze`, `zelfredzaam`, `anders`.
    public var decisionReason: String
    public var decisionNoteSealed: String?
    public var plannedEnd: String
    public var mandateSignedOn: String?
    public var leefgeldName: String?
    public var leefgeldIban: String?
    public var extendedUntil: String?
    public var extensionDecidedOn: String?
    public var extensionReason: String?
    public var closedOn: String?
    public var closeReason: String?
    public var handoverNoteSealed: String?
    public var skillsIntakeDate: String?
    public var skillsIntakeResult: String?
    public var courseName: String?
    public var courseStart: String?
    public var courseEnd: String?
    public var courseCompletedOn: String?
    public var retestDate: String?
    public var retestResult: String?
    public var decidedBy: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(personId: String, municipalityCode: String, bijstandStart: String, beleidId: String?, regime: String, ontzorgd: Bool,
                decisionDate: String, decisionReason: String, plannedEnd: String, decidedBy: String, now: Int64) {
        self.personId = personId
        self.municipalityCode = municipalityCode
        self.bijstandStart = bijstandStart
        self.beleidId = beleidId
        self.regime = regime
        self.ontzorgd = ontzorgd ? 1 : 0
        self.decisionDate = decisionDate
        self.decisionReason = decisionReason
        self.plannedEnd = plannedEnd
        self.decidedBy = decidedBy
        self.createdAt = now
        self.updatedAt = now
    }

    /// The last day of ontzorgen: the planned end or the extension, or an earlier closing day.
    public var lastDay: CalendarDate? {
        guard let planned = CalendarDate(iso: plannedEnd) else { return nil }
        let end = max(planned, extendedUntil.flatMap(CalendarDate.init(iso:)) ?? planned)
        if let closed = closedOn.flatMap(CalendarDate.init(iso:)) { return min(end, closed) }
        return end
    }

    /// The period ontzorgen runs; nil when the person is not ontzorgd.
    public var periode: Period? {
        guard ontzorgd == 1, let start = CalendarDate(iso: bijstandStart), let end = lastDay, end >= start else { return nil }
        return Period(start: start, end: end)
    }
}

/// One version of the benefit amount, from a day on.
public struct UitkeringRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var validFrom: String
    public var amountCents: Int
    public var createdBy: String
    public var createdAt: Int64
}

/// One version of a payee line (`postId` is the line, `id` the version): an amount from a day on.
public struct PostRecord: Codable, Sendable, Hashable {
    public var id: String
    public var postId: String
    public var personId: String
    public var soort: String
    public var payeeName: String
    public var iban: String
    public var reference: String
    public var amountCents: Int
    public var validFrom: String
    public var validUntil: String?
    public var createdBy: String
    public var createdAt: Int64

    public func isValid(on day: String) -> Bool {
        validFrom <= day && (validUntil.map { day <= $0 } ?? true)
    }
}

public struct EvaluatieRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var heldOn: String
    /// `doorgaan`, `verlengen`, `afbouwen`.
    public var outcome: String
    public var noteSealed: String?
    public var createdBy: String
    public var createdByName: String
    public var createdAt: Int64
}

public struct BetaalrunRecord: Codable, Sendable, Hashable {
    public var id: String
    public var municipalityCode: String
    public var month: String
    /// `concept` until approved by a second budget manager.
    public var status: String
    public var executionDate: String
    public var preparedBy: String
    public var preparedByName: String
    public var preparedAt: Int64
    public var approvedBy: String?
    public var approvedByName: String?
    public var approvedAt: Int64?
    public var messageId: String
    public var exportedAt: Int64?
    public var exportCount: Int
    public var totalCents: Int64
    public var payments: Int
}

/// What a run does with one person's benefit.
public struct RunPersoonRecord: Codable, Sendable, Hashable {
    public var runId: String
    public var personId: String
    public var month: String
    public var benefitCents: Int
    public var deductedCents: Int
    public var giftCents: Int
    public var leefgeldCents: Int
    public var shortfallCents: Int
    /// Why nothing is paid for this person in this run: `tekort`, `geenUitkering`, `geenRekening`, `geenMachtiging`.
    public var holdReason: String?
}

/// One credit transfer of a run.
public struct BetalingRecord: Codable, Sendable, Hashable {
    public var id: String
    public var runId: String
    public var personId: String
    public var month: String
    public var postKey: String
    public var soort: String
    public var payeeName: String
    public var iban: String
    public var reference: String
    public var amountCents: Int
    public var gift: Int
    public var endToEndId: String
    /// `klaar` (in the file), `aangehouden` (held back, not in the file), `mislukt` (failed or returned).
    public var status: String
    public var failureReason: String?
    public var failedOn: String?
    public var repay: Int
    public var repayIban: String?
    public var retryOf: String?
    public var recordedBy: String?
    public var recordedAt: Int64?
}

/// Everything about one person's ontzorgen.
public struct OntzorgenDossier: Sendable {
    public let ontzorging: OntzorgingRecord?
    public let beleid: OntzorgenBeleidRecord?
    public let uitkering: [UitkeringRecord]
    public let posten: [PostRecord]
    public let evaluaties: [EvaluatieRecord]
    public let betalingen: [BetalingRecord]
    public let runPersonen: [RunPersoonRecord]

    /// Each payee line's current (or last) version.
    public var currentPosten: [PostRecord] {
        Dictionary(grouping: posten, by: \.postId).values.compactMap { $0.max { $0.validFrom < $1.validFrom } }
            .sorted { ($0.soort, $0.payeeName) < ($1.soort, $1.payeeName) }
    }
}

public enum OntzorgenError: Error, Equatable, Sendable {
    case notFound
    /// The person is not an asylum permit holder, or bijstand started before the Wi2021 (R8).
    case notEligible
    case noArrangement
    case notOntzorgd
    case duplicatePolicyDate
    case noPolicy
    /// Another concept run of this municipality is open.
    case conceptExists(String)
    case notConcept
    /// A run without a single payment cannot be approved or exported.
    case emptyRun
    /// Preparing found nobody to pay for the month (all paid, or all held back): no run is made.
    case nothingToPay(held: Int)
    case notApproved
    /// The preparer cannot approve their own run (four eyes).
    case fourEyes
    case notExported
    case notFailed
    case alreadyFailed
    case alreadyRepaid
}
