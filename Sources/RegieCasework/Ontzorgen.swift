import Foundation
import Inburgering
import RegieStorage

extension InputReader {
    /// Euro cents from an amount as people type it ("612,50", "1.234", "€ 12,50").
    public mutating func amount(_ field: String, _ raw: String?) -> Int? {
        guard let value = text(raw) else { return nil }
        guard let cents = Money.parse(value) else {
            note(field, "ontzorgen.errors.amount")
            return nil
        }
        return cents
    }
}

extension Checks {
    /// An amount of at least `minimum` cents.
    public mutating func amount(_ field: String, _ value: Int?, minimum: Int = 1, required: Bool = true) -> Int? {
        guard !placed(field) else { return nil }
        guard let value else {
            if required { fail(field, "validation.required") }
            return nil
        }
        guard value >= minimum else {
            fail(field, "ontzorgen.errors.amountMin", ["min": .text(Money.format(minimum))])
            return nil
        }
        return value
    }

    /// An IBAN, mod-97 checked; returned compact and upper case.
    public mutating func iban(_ field: String, _ value: String?, required: Bool = true) -> String? {
        guard !placed(field) else { return nil }
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required") }
            return nil
        }
        do {
            return try IBAN(value).value
        } catch {
            switch error {
            case .format: fail(field, "ontzorgen.errors.ibanFormat")
            case .wrongLength(let country, let expected, let found):
                fail(field, "ontzorgen.errors.ibanLength", ["country": .text(country), "expected": .text(String(expected)), "found": .text(String(found))])
            case .checksum: fail(field, "ontzorgen.errors.ibanChecksum")
            }
            return nil
        }
    }
}

/// Financieel ontzorgen (R8; Participatiewet art. 56a): one person's arrangement, changed by the
/// budget manager. Each change is one command on the person's dossier.
public enum OntzorgenChange: Sendable {
    public static let reasons = ["beleid", "nodig", "eigenKeuze", "zelfredzaam", "anders"]
    public static let outcomes = ["doorgaan", "verlengen", "afbouwen"]
    public static let closeReasons = ["einde", "zelfredzaam", "bijstandBeeindigd", "verhuisd", "eigenVerzoek"]
    public static let skills = ["zelfredzaam", "deels", "nietZelfredzaam"]

    /// The decision: ontzorgd or not, from the law and the policy in force on the first day of bijstand.
    case decide(bijstandStart: CalendarDate?, decisionDate: CalendarDate?, ontzorgd: Bool?, reason: String?, note: String?, mandate: CalendarDate?,
                leefgeldIban: String?, leefgeldName: String?, reviewTitle: @Sendable (CalendarDate) -> String)
    /// The benefit from a date.
    case benefit(from: CalendarDate?, amount: Int?)
    /// A payee added or changed (`postId` names an existing one).
    case payee(postId: String?, soort: String?, payee: String?, iban: String?, reference: String?, amount: Int?, from: CalendarDate?)
    /// A payee stopped from a date.
    case endPayee(postId: String?, from: CalendarDate?)
    case review(heldOn: CalendarDate?, outcome: String?, note: String?)
    case extend(decided: CalendarDate?, until: CalendarDate?, reason: String?, reviewTitle: @Sendable (CalendarDate) -> String)
    case close(lastDay: CalendarDate?, reason: String?, handover: String?)
    case selfReliance(intake: CalendarDate?, intakeResult: String?, course: String?, courseStart: CalendarDate?, courseEnd: CalendarDate?,
                      completed: CalendarDate?, retest: CalendarDate?, retestResult: String?)
}

/// Applies one change to a person's ontzorgen dossier.
public struct ChangeOntzorgen: CaseworkCommand {
    public let file: CaseFile
    public let change: OntzorgenChange
    public var read: [FieldIssue]

    public init(file: CaseFile, change: OntzorgenChange, read: [FieldIssue] = []) {
        self.file = file
        self.change = change
        self.read = read
    }

    public static let labels = [
        "bijstandStart": "ontzorgen.bijstandStart", "decisionDate": "ontzorgen.decisionDate", "ontzorgd": "ontzorgen.decision", "reason": "ontzorgen.reason",
        "note": "ontzorgen.note", "mandate": "ontzorgen.mandate", "leefgeldIban": "ontzorgen.leefgeldIban", "leefgeldName": "ontzorgen.leefgeldName",
        "benefitFrom": "ontzorgen.validFrom", "benefitAmount": "ontzorgen.benefitAmount", "from": "ontzorgen.validFrom", "soort": "ontzorgen.soort",
        "payee": "ontzorgen.payee", "iban": "ontzorgen.iban", "reference": "ontzorgen.reference", "amount": "ontzorgen.amount", "heldOn": "ontzorgen.heldOn",
        "outcome": "ontzorgen.outcome", "reviewNote": "ontzorgen.note", "extensionDecided": "ontzorgen.decisionDate", "extendedUntil": "ontzorgen.extendedUntil",
        "extensionReason": "ontzorgen.extensionReason", "closedOn": "ontzorgen.closedOn", "closeReason": "ontzorgen.closeReason", "handover": "ontzorgen.handover",
        "skillsIntake": "ontzorgen.skillsIntake", "skillsResult": "ontzorgen.skillsResult", "courseName": "ontzorgen.courseName",
        "courseStart": "ontzorgen.courseStart", "courseEnd": "ontzorgen.courseEnd", "courseCompleted": "ontzorgen.courseCompleted",
        "retestDate": "ontzorgen.retestDate", "retestResult": "ontzorgen.retestResult",
    ]

    func refuse(_ kind: CaseworkError.Kind, _ field: String, _ rule: String, _ arguments: [String: FieldIssue.Argument] = [:]) -> CaseworkError {
        CaseworkError(kind, [FieldIssue(field: field, rule: rule, arguments: arguments)], labels: Self.labels)
    }

    @discardableResult
    func arrangement(_ dossier: OntzorgenDossier) throws -> OntzorgingRecord {
        guard let record = dossier.ontzorging else { throw refuse(.conflict(existingId: nil), "bijstandStart", "ontzorgen.errors.decideFirst") }
        return record
    }

    @discardableResult
    func ontzorgd(_ dossier: OntzorgenDossier) throws -> OntzorgingRecord {
        let record = try arrangement(dossier)
        guard record.ontzorgd == 1, record.closedOn == nil else { throw refuse(.conflict(existingId: nil), "bijstandStart", "ontzorgen.errors.notOntzorgd") }
        return record
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        let store = stores.ontzorgen
        let p = file.person
        let (scope, actor, today, now) = (context.scope, context.actor, context.today, context.now)
        let event = { (action: AuditAction) in context.audit(action, p, "") }
        let dossier = try await store.dossier(personId: p.id, scope: scope)
        let stored: Bool?
        switch change {
        case let .decide(bijstandStart, decisionDate, choice, reasonGiven, noteGiven, mandateGiven, leefgeldIbanGiven, leefgeldNameGiven, reviewTitle):
            let start = v.date("bijstandStart", bijstandStart, notAfter: today.adding(months: 3))
            let decided = v.date("decisionDate", decisionDate, notAfter: today)
            let ontzorgd = v.choice("ontzorgd", choice)
            let reason = v.text("reason", reasonGiven, maxLength: 40).flatMap { OntzorgenChange.reasons.contains($0) ? $0 : nil }
            if reasonGiven != nil && reason == nil { v.fail("reason", "validation.choose") }
            let note = v.text("note", noteGiven, required: reason == "anders", maxLength: 2000)
            let mandate = v.date("mandate", mandateGiven, required: false, notAfter: today)
            let leefgeldIban = v.iban("leefgeldIban", leefgeldIbanGiven, required: false)
            let leefgeldName = v.text("leefgeldName", leefgeldNameGiven, required: leefgeldIban != nil, maxLength: 70)
            guard v.isValid, let start, let decided, let reason, let ontzorgd else { throw v.error() }
            // R8: eligibility and the period come from the law module, with the policy in force on the first day of bijstand.
            let doelgroep = p.doelgroep
            let policy = try await store.policy(municipalityCode: p.municipalityCode, on: start.iso)
            var settings = MunicipalityLawSettings.standaard
            if let policy { settings.ontzorgen = policy.lawSettings }
            guard let plan = OntzorgenRule.plan(bijstandStart: start, categorie: doelgroep.categorie, settings: settings) else {
                throw refuse(.rejected, "bijstandStart", "ontzorgen.errors.notEligible")
            }
            if plan.regime == .ruimereUitleg && policy == nil { throw refuse(.rejected, "bijstandStart", "ontzorgen.errors.noPolicy", ["date": .date(start)]) }
            if !ontzorgd && !OntzorgenRule.magNietOntzorgen(regime: plan.regime, opEigenVerzoek: reason == "eigenKeuze") {
                throw refuse(.rejected, "ontzorgd", "ontzorgen.errors.standardRegime")
            }
            let besluit = OntzorgenStore.Besluit(
                bijstandStart: start, beleidId: policy?.id, regime: plan.regime.rawValue, ontzorgd: ontzorgd, decisionDate: decided, reason: reason,
                note: note, plannedEnd: plan.periode.end, reviews: plan.evaluaties, mandateSignedOn: mandate,
                leefgeldName: leefgeldName, leefgeldIban: leefgeldIban)
            stored = try await store.decide(personId: p.id, besluit, reviewTitle: reviewTitle, scope: scope, actor: actor, audit: event(.ontzorgenDecide), now: now)
        case let .benefit(fromGiven, amountGiven):
            try ontzorgd(dossier)
            let from = v.date("benefitFrom", fromGiven)
            let amount = v.amount("benefitAmount", amountGiven, minimum: 0)
            guard v.isValid, let from, let amount else { throw v.error() }
            stored = try await store.setUitkering(personId: p.id, validFrom: from, amountCents: amount, scope: scope, actor: actor, audit: event(.ontzorgenBenefit), now: now)
        case let .endPayee(postId, fromGiven):
            try ontzorgd(dossier)
            let existing = postId.flatMap { id in dossier.currentPosten.first { $0.postId == id } }
            if postId != nil && existing == nil { throw CaseNotFound() }
            let from = v.date("from", fromGiven)
            if existing == nil { v.fail("postId", "ontzorgen.errors.choosePayee") }
            guard v.isValid, let existing, let from else { throw v.error() }
            stored = try await store.endPost(personId: p.id, postId: existing.postId, lastDay: from.adding(days: -1), scope: scope, actor: actor,
                                             audit: event(.ontzorgenPayeeEnd), now: now)
        case let .payee(postId, soortGiven, payeeGiven, ibanGiven, referenceGiven, amountGiven, fromGiven):
            try ontzorgd(dossier)
            let existing = postId.flatMap { id in dossier.currentPosten.first { $0.postId == id } }
            if postId != nil && existing == nil { throw CaseNotFound() }
            let soorten = (dossier.beleid?.soortenList ?? OntzorgSoort.standaard).map(\.code)
            let soort = v.text("soort", soortGiven ?? existing?.soort, maxLength: 40)
            if let soort, !soorten.contains(soort) { v.fail("soort", "ontzorgen.errors.soortNotInPolicy") }
            let payee = v.text("payee", payeeGiven, maxLength: 70)
            let iban = v.iban("iban", ibanGiven)
            let reference = v.text("reference", referenceGiven, maxLength: 140)
            let amount = v.amount("amount", amountGiven)
            let from = v.date("from", fromGiven)
            guard v.isValid, let soort, let payee, let iban, let reference, let amount, let from else { throw v.error() }
            stored = try await store.savePost(personId: p.id, postId: existing?.postId,
                                              .init(soort: soort, payeeName: payee, iban: iban, reference: reference, amountCents: amount, validFrom: from),
                                              scope: scope, actor: actor, audit: event(existing == nil ? .ontzorgenPayeeAdd : .ontzorgenPayeeChange), now: now)
        case let .review(heldGiven, outcomeGiven, noteGiven):
            try ontzorgd(dossier)
            let held = v.date("heldOn", heldGiven, notAfter: today)
            let outcome = v.text("outcome", outcomeGiven, maxLength: 20).flatMap { OntzorgenChange.outcomes.contains($0) ? $0 : nil }
            if outcomeGiven != nil && outcome == nil { v.fail("outcome", "validation.choose") }
            let note = v.text("reviewNote", noteGiven, required: false, maxLength: 2000)
            guard v.isValid, let held, let outcome else { throw v.error() }
            stored = try await store.addEvaluatie(personId: p.id, heldOn: held, outcome: outcome, note: note, scope: scope, actor: actor,
                                                  audit: event(.ontzorgenReview), now: now)
        case let .extend(decidedGiven, untilGiven, reasonGiven, reviewTitle):
            let record = try ontzorgd(dossier)
            let decided = v.date("extensionDecided", decidedGiven, notAfter: today)
            let currentEnd = record.lastDay ?? today
            let until = v.date("extendedUntil", untilGiven, notBefore: currentEnd.adding(days: 1))
            let reason = v.text("extensionReason", reasonGiven, maxLength: 500)
            if let until, let start = CalendarDate(iso: record.bijstandStart),
               !OntzorgenRule.verlengingToegestaan(bijstandStart: start, huidigEinde: currentEnd, tot: until) {
                v.fail("extendedUntil", "ontzorgen.errors.tooLong")
            }
            guard v.isValid, let decided, let until, let reason else { throw v.error() }
            let reviewDue = OntzorgenRule.evaluatieNaVerlenging(besluit: decided, tot: until)
            stored = try await store.extend(personId: p.id, decidedOn: decided, until: until, reason: reason, reviewDue: reviewDue,
                                            reviewTitle: reviewTitle(reviewDue), scope: scope, actor: actor, audit: event(.ontzorgenExtend), now: now)
        case let .close(lastGiven, reasonGiven, handoverGiven):
            let record = try ontzorgd(dossier)
            let start = CalendarDate(iso: record.bijstandStart) ?? today
            let last = v.date("closedOn", lastGiven, notBefore: start)
            if let last, let end = record.lastDay, last > end { v.fail("closedOn", "ontzorgen.errors.closeAfterEnd", ["date": .date(end)]) }
            let reason = v.text("closeReason", reasonGiven, maxLength: 40).flatMap { OntzorgenChange.closeReasons.contains($0) ? $0 : nil }
            if reasonGiven != nil && reason == nil { v.fail("closeReason", "validation.choose") }
            let handover = v.text("handover", handoverGiven, maxLength: 2000)
            guard v.isValid, let last, let reason, let handover else { throw v.error() }
            stored = try await store.close(personId: p.id, closedOn: last, reason: reason, handover: handover, scope: scope, actor: actor,
                                           audit: event(.ontzorgenClose), now: now)
        case let .selfReliance(intakeGiven, intakeResultGiven, courseGiven, courseStartGiven, courseEndGiven, completedGiven, retestGiven, retestResultGiven):
            try arrangement(dossier)
            let intake = v.date("skillsIntake", intakeGiven, required: false, notAfter: today)
            let intakeResult = intakeResultGiven.flatMap { OntzorgenChange.skills.contains($0) ? $0 : nil }
            if intakeResultGiven != nil && intakeResult == nil { v.fail("skillsResult", "validation.choose") }
            let course = v.text("courseName", courseGiven, required: false, maxLength: 120)
            let courseStart = v.date("courseStart", courseStartGiven, required: false)
            let courseEnd = v.date("courseEnd", courseEndGiven, required: false, notBefore: courseStart)
            let completed = v.date("courseCompleted", completedGiven, required: false, notAfter: today)
            let retest = v.date("retestDate", retestGiven, required: false, notAfter: today)
            let retestResult = retestResultGiven.flatMap { OntzorgenChange.skills.contains($0) ? $0 : nil }
            if retestResultGiven != nil && retestResult == nil { v.fail("retestResult", "validation.choose") }
            if (courseStart != nil || courseEnd != nil || completed != nil) && course == nil { v.fail("courseName", "validation.required") }
            if retest != nil && retestResult == nil { v.fail("retestResult", "validation.choose") }
            guard v.isValid else { throw v.error() }
            stored = try await store.saveZelfredzaamheid(personId: p.id, .init(intakeDate: intake, intakeResult: intakeResult, courseName: course,
                                                                              courseStart: courseStart, courseEnd: courseEnd, completedOn: completed,
                                                                              retestDate: retest, retestResult: retestResult),
                                                         scope: scope, actor: actor, audit: event(.ontzorgenSelfReliance), now: now)
        }
        guard stored != nil else { throw CaseNotFound() }
    }
}
