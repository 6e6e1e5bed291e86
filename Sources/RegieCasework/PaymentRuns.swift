import Foundation
import Inburgering
import RegieStorage

extension InputReader {
    /// A month as a month input sends it ("2026-12").
    public mutating func month(_ field: String, _ raw: String?) -> Maand? {
        guard let value = text(raw) else { return nil }
        guard let month = Maand(iso: value) else {
            note(field, "ontzorgen.errors.month")
            return nil
        }
        return month
    }

    /// Months after the start of an arrangement, as people list them ("2, 5" or "2 5" or "2;5").
    public mutating func months(_ field: String, _ raw: String?) -> [Int] {
        let parts = (raw ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" || $0.isNewline })
        let numbers = parts.compactMap { Int($0) }
        if numbers.count != parts.count { note(field, "ontzorgen.errors.reviews") }
        return numbers
    }
}

/// The monthly payment runs of financieel ontzorgen (R8b; Participatiewet art. 56a lid 1: the
/// municipality pays the fixed costs from the bijstand; art. 57: to third parties, with the person's
/// machtiging): prepared by one budget manager, approved by another, exported as one SEPA file,
/// failed payments recorded and paid again. Why a person's payments are held is the law module's
/// (`OntzorgenBetaalRule.aanhouding`); the store applies it when it computes the run.
public enum Betaalrun {
    /// A refusal of the store as the command's typed error: the field names what is refused (the run
    /// or one payment), the rule the catalogue key of its message.
    static func refusal(_ error: OntzorgenError, field: String) -> any Error {
        let issue = { (rule: String) in [FieldIssue(field: field, rule: rule)] }
        switch error {
        case .notFound: return CaseNotFound()
        // Four eyes: the preparer never approves their own run.
        case .fourEyes: return CaseworkError(.forbidden, issue("ontzorgen.errors.fourEyes"))
        case .notConcept: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.notConcept"))
        case .emptyRun: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.emptyRun"))
        case .notApproved: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.notApproved"))
        case .notExported: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.notExported"))
        case .notFailed: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.notFailed"))
        case .alreadyFailed: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.alreadyFailed"))
        case .alreadyRepaid: return CaseworkError(.conflict(existingId: nil), issue("ontzorgen.errors.alreadyRepaid"))
        default: return error
        }
    }

    /// Runs a store call, its refusals typed.
    static func refusing<T>(field: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OntzorgenError {
            throw refusal(error, field: field)
        }
    }

    static func actor(_ context: CommandContext) -> OntzorgenStore.Actor {
        OntzorgenStore.Actor(id: context.actorId, name: context.actor.name)
    }
}

/// Prepares a municipality's run of one month: every person ontzorgd on the month's first day and
/// not yet paid for it, plus failed payments marked to be paid again.
public struct PrepareBetaalrun: CaseworkCommand {
    public var municipalityCode: String?
    public var month: Maand?
    public var executionDate: CalendarDate?
    public var read: [FieldIssue]

    public init(municipalityCode: String?, month: Maand?, executionDate: CalendarDate?, read: [FieldIssue] = []) {
        self.municipalityCode = municipalityCode
        self.month = month
        self.executionDate = executionDate
        self.read = read
    }

    public static let labels = ["gemeente": "ontzorgen.municipality", "maand": "ontzorgen.runMonth", "uitvoerdatum": "ontzorgen.executionDate"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> BetaalrunRecord {
        var v = Checks(labels: Self.labels, read: read)
        let store = stores.ontzorgen
        let code = municipalityCode.flatMap { context.municipalityCodes.contains($0) ? $0 : nil }
        if code == nil { v.fail("gemeente", "validation.choose") }
        v.read("maand")
        if month == nil { v.fail("maand", "ontzorgen.errors.month") }
        let execution = v.date("uitvoerdatum", executionDate, notBefore: context.today)
        // A run is prepared for the coming months only, never further than two ahead.
        if let month, month > Maand(context.today).next.next { v.fail("maand", "ontzorgen.errors.monthTooFar") }
        guard v.isValid, let code, let month, let execution else { throw v.error() }
        // The SEPA file needs the municipality's account, which its policy in force on the execution date names.
        if try await store.policy(municipalityCode: code, on: execution.iso) == nil {
            throw CaseworkError(.rejected, [FieldIssue(field: "gemeente", rule: "ontzorgen.errors.noAccount")], labels: Self.labels)
        }
        let audit = context.audit(.ontzorgenRunPrepare, nil, "\(code) \(month.iso)")
        do {
            return try await store.prepareRun(municipalityCode: code, month: month, executionDate: execution, by: Betaalrun.actor(context), audit: audit,
                                              now: context.now)
        } catch OntzorgenError.conceptExists(let id) {
            let open = try await store.fetchRun(id: id, scope: context.scope)
            let run: FieldIssue.Argument = open.map { .words([.month($0.month), .text(context.municipalityName($0.municipalityCode))]) } ?? .text("")
            throw CaseworkError(.conflict(existingId: open?.id), [FieldIssue(field: "maand", rule: "ontzorgen.errors.conceptExists", arguments: ["run": run])],
                                labels: Self.labels)
        } catch OntzorgenError.nothingToPay(let held) {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "maand", rule: "ontzorgen.errors.nothingToPay",
                                                                        arguments: ["month": .month(month.iso), "held": .text(String(held))])],
                                labels: Self.labels)
        }
    }
}

/// Computes a concept run again (after amounts were corrected); whoever does it becomes its preparer.
public struct RecomputeBetaalrun: CaseworkCommand {
    public let runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public static let labels: [String: String] = [:]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> BetaalrunRecord {
        try await Betaalrun.refusing(field: "run") {
            try await stores.ontzorgen.recomputeRun(id: runId, scope: context.scope, by: Betaalrun.actor(context),
                                                    audit: context.audit(.ontzorgenRunRecompute, nil, runId), now: context.now)
        }
    }
}

/// Removes a concept run; nothing of it was paid.
public struct DeleteBetaalrun: CaseworkCommand {
    public let runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public static let labels: [String: String] = [:]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        try await Betaalrun.refusing(field: "run") {
            try await stores.ontzorgen.deleteRun(id: runId, scope: context.scope, audit: context.audit(.ontzorgenRunDelete, nil, runId), now: context.now)
        }
    }
}

/// Approves a concept run: a second budget manager, never its preparer (four eyes).
public struct ApproveBetaalrun: CaseworkCommand {
    public let runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public static let labels: [String: String] = [:]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> BetaalrunRecord {
        try await Betaalrun.refusing(field: "run") {
            try await stores.ontzorgen.approveRun(id: runId, scope: context.scope, by: Betaalrun.actor(context),
                                                  audit: context.audit(.ontzorgenRunApprove, nil, runId), now: context.now)
        }
    }
}

/// The payments of an approved run for the bank's SEPA file. Exporting again gives the same payments
/// under the same message id; each export is audited.
public struct ExportBetaalrun: CaseworkCommand {
    public let runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public static let labels: [String: String] = [:]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> OntzorgenStore.Export {
        guard let run = try await stores.ontzorgen.fetchRun(id: runId, scope: context.scope) else { throw CaseNotFound() }
        return try await Betaalrun.refusing(field: "run") {
            try await stores.ontzorgen.exportRun(id: runId, scope: context.scope, audit: context.audit(.ontzorgenRunExport, nil, "\(run.id) \(run.messageId)"),
                                                 now: context.now)
        }
    }
}

/// The bank reported a payment of an exported run failed or returned, naming it by its EndToEndId.
public struct RecordPaymentFailure: CaseworkCommand {
    public let runId: String
    public var endToEndId: String?
    public var reason: String?
    public var failedOn: CalendarDate?
    public var read: [FieldIssue]

    public init(runId: String, endToEndId: String?, reason: String?, failedOn: CalendarDate?, read: [FieldIssue] = []) {
        self.runId = runId
        self.endToEndId = endToEndId
        self.reason = reason
        self.failedOn = failedOn
        self.read = read
    }

    public static let labels = ["endToEndId": "ontzorgen.endToEndId", "reason": "ontzorgen.failureReason", "failedOn": "ontzorgen.failedOn"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> BetalingRecord {
        let store = stores.ontzorgen
        guard try await store.fetchRun(id: runId, scope: context.scope) != nil else { throw CaseNotFound() }
        var v = Checks(labels: Self.labels, read: read)
        // SEPA's EndToEndId holds at most 35 characters.
        let e2e = v.text("endToEndId", endToEndId, maxLength: 35)
        let reason = v.text("reason", reason, maxLength: 200)
        let day = v.date("failedOn", failedOn, notAfter: context.today)
        var line: BetalingRecord?
        if let e2e {
            line = try await store.fetchBetaling(runId: runId, endToEndId: e2e, scope: context.scope)
            if line == nil { v.fail("endToEndId", "ontzorgen.errors.unknownEndToEnd", ["id": .text(e2e)]) }
        }
        guard v.isValid, let line, let reason, let day else { throw v.error() }
        guard let person = try await stores.persons.fetchPerson(id: line.personId, scope: context.scope) else { throw CaseNotFound() }
        try await Betaalrun.refusing(field: "endToEndId") {
            try await store.recordFailure(id: line.id, reason: reason, on: day, scope: context.scope, by: Betaalrun.actor(context),
                                          audit: context.audit(.ontzorgenPaymentFailed, person, line.endToEndId), now: context.now)
        }
        return line
    }
}

/// A failed payment is paid again in the next run, to the same or a corrected account (once).
public struct RequestRepayment: CaseworkCommand {
    public let paymentId: String
    public var iban: String?

    public init(paymentId: String, iban: String?) {
        self.paymentId = paymentId
        self.iban = iban
    }

    public static let labels = ["iban": "ontzorgen.iban"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        guard let line = try await stores.ontzorgen.fetchBetaling(id: paymentId, scope: context.scope),
              let person = try await stores.persons.fetchPerson(id: line.personId, scope: context.scope) else { throw CaseNotFound() }
        var v = Checks(labels: Self.labels)
        let iban = v.iban("iban", iban, required: false)
        guard v.isValid else { throw v.error() }
        try await Betaalrun.refusing(field: "payment") {
            try await stores.ontzorgen.requestRepay(id: paymentId, iban: iban, scope: context.scope,
                                                    audit: context.audit(.ontzorgenPaymentRepay, person, line.endToEndId), now: context.now)
        }
    }
}

/// A new version of a municipality's ontzorgen policy (R8; Participatiewet art. 56a lid 2: the
/// council decides for whom and how long), in force from its date; what applied before stays.
public struct SaveOntzorgenPolicy: CaseworkCommand {
    public let municipalityCode: String
    public var effectiveFrom: CalendarDate?
    public var beleid: OntzorgenBeleid?
    public var durationMonths: Int?
    public var reviewMonths: [Int]
    /// The codes of the bills chosen among the standard ones and those the municipality added before.
    public var soorten: [String]
    /// The municipality's own bills, one label each.
    public var extraSoorten: [String]
    public var firstRentGift: Bool
    public var debtorName: String?
    public var debtorIban: String?
    public var debtorBic: String?
    public var read: [FieldIssue]

    public init(municipalityCode: String, effectiveFrom: CalendarDate?, beleid: OntzorgenBeleid?, durationMonths: Int?, reviewMonths: [Int],
                soorten: [String], extraSoorten: [String], firstRentGift: Bool, debtorName: String?, debtorIban: String?, debtorBic: String?,
                read: [FieldIssue] = []) {
        self.municipalityCode = municipalityCode
        self.effectiveFrom = effectiveFrom
        self.beleid = beleid
        self.durationMonths = durationMonths
        self.reviewMonths = reviewMonths
        self.soorten = soorten
        self.extraSoorten = extraSoorten
        self.firstRentGift = firstRentGift
        self.debtorName = debtorName
        self.debtorIban = debtorIban
        self.debtorBic = debtorBic
        self.read = read
    }

    public static let labels = ["effectiveFrom": "ontzorgen.policy.effectiveFrom", "beleid": "ontzorgen.policy.kind", "duration": "ontzorgen.policy.duration",
                                "debtorName": "ontzorgen.policy.debtorName", "debtorIban": "ontzorgen.policy.debtorIban"]

    /// The code of a municipality's own bill: its label in lower case letters and digits, no diacritics.
    public static func code(_ label: String) -> String {
        label.lowercased().folding(options: .diacriticInsensitive, locale: nil).filter { $0.isLetter || $0.isNumber }
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> OntzorgenBeleidRecord {
        guard context.municipalityCodes.contains(municipalityCode) else { throw CaseNotFound() }
        let store = stores.ontzorgen
        var v = Checks(labels: Self.labels, read: read)
        let from = v.date("effectiveFrom", effectiveFrom, notBefore: context.today)
        let beleid = v.choice("beleid", beleid)
        let duration = v.integer("duration", durationMonths, range: 1...36)
        v.read("reviews")
        if reviewMonths.isEmpty || reviewMonths.contains(where: { !(1...36).contains($0) }) { v.fail("reviews", "ontzorgen.errors.reviews") }
        if let duration, reviewMonths.contains(where: { $0 >= duration }) { v.fail("reviews", "ontzorgen.errors.reviewsBeforeEnd") }
        let standard = OntzorgSoort.standaard
        let versions = try await store.listPolicies(municipalityCode: municipalityCode)
        let known = standard + (versions.first?.soortenList ?? []).filter { s in !standard.contains { $0.code == s.code } }
        var chosen = known.filter { soorten.contains($0.code) }
        for line in extraSoorten {
            let label = line.trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { continue }
            let code = Self.code(label)
            guard !code.isEmpty, TextLength.fits(label, within: 60) else { v.fail("extraSoorten", "ontzorgen.errors.extraBill"); break }
            if !chosen.contains(where: { $0.code == code }) { chosen.append(OntzorgSoort(code: code, label: label, categorie: nil)) }
        }
        if chosen.isEmpty { v.fail("soorten", "ontzorgen.errors.noBills") }
        let name = v.text("debtorName", debtorName, maxLength: 70)
        let iban = v.iban("debtorIban", debtorIban)
        let bic = debtorBic.flatMap { $0.isEmpty ? nil : $0.uppercased().replacingOccurrences(of: " ", with: "") }
        // A BIC (ISO 9362): bank, country, location and optionally a branch.
        if let bic, bic.range(of: "^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$", options: .regularExpression) == nil { v.fail("debtorBic", "ontzorgen.errors.bic") }
        guard v.isValid, let from, let beleid, let duration, let name, let iban else { throw v.error() }
        let record = OntzorgenBeleidRecord(id: CommandContext.newID(), municipalityCode: municipalityCode, effectiveFrom: from.iso, beleid: beleid.rawValue,
                                           soorten: chosen, durationMonths: duration, reviewMonths: reviewMonths.sorted(),
                                           firstRentGift: firstRentGift, debtorName: name, debtorIban: iban, debtorBic: bic,
                                           createdBy: context.actorId, createdAt: context.now.epochSeconds)
        do {
            try await store.insertPolicy(record, audit: context.audit(.ontzorgenPolicyAdd, nil, "\(municipalityCode) \(from.iso)"), now: context.now)
        } catch OntzorgenError.duplicatePolicyDate {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "effectiveFrom", rule: "ontzorgen.errors.duplicatePolicy")], labels: Self.labels)
        }
        return record
    }
}
