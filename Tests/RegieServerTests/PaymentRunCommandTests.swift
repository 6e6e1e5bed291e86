import Foundation
import Inburgering
@testable import RegieCasework
@testable import RegieServer
import RegieStorage
import Testing

/// The payment runs of ontzorgen and the municipality's ontzorgen policy as commands (R8b;
/// Participatiewet art. 56a, 57): each refusal names its field and its rule, the store's refusals
/// are typed, four eyes is a 403.
@Suite("Casework commands: ontzorgen payment runs and policy")
struct PaymentRunCommandTests {
    static let municipalityIBAN = "NL14BNGH0285001234"

    static func policy(municipality: String = "GM0988", from: CalendarDate? = CommandTesting.today, beleid: OntzorgenBeleid? = .jaTenzij, duration: Int? = 6,
                       reviews: [Int] = [2, 5], soorten: [String] = ["huur"], extra: [String] = [], iban: String? = municipalityIBAN, bic: String? = "BNGHNL2G",
                       read: [FieldIssue] = []) -> SaveOntzorgenPolicy {
        SaveOntzorgenPolicy(municipalityCode: municipality, effectiveFrom: from, beleid: beleid, durationMonths: duration, reviewMonths: reviews,
                            soorten: soorten, extraSoorten: extra, firstRentGift: true, debtorName: "Gemeente Weert", debtorIban: iban, debtorBic: bic,
                            read: read)
    }

    // MARK: Ontzorgen policy

    @Test("The ontzorgen policy: each refusal names its field and rule", arguments: [
        ("effective date in the past", PaymentRunCommandTests.policy(from: CommandTesting.today.adding(days: -1)), "effectiveFrom: validation.dateTooEarly"),
        ("no kind of policy", PaymentRunCommandTests.policy(beleid: nil), "beleid: validation.choose"),
        ("duration over 36 months", PaymentRunCommandTests.policy(duration: 37), "duration: validation.numberRange"),
        ("no reviews", PaymentRunCommandTests.policy(reviews: []), "reviews: ontzorgen.errors.reviews"),
        ("a review at the end", PaymentRunCommandTests.policy(reviews: [2, 6]), "reviews: ontzorgen.errors.reviewsBeforeEnd"),
        ("no bills", PaymentRunCommandTests.policy(soorten: []), "soorten: ontzorgen.errors.noBills"),
        ("an own bill too long", PaymentRunCommandTests.policy(extra: [String(repeating: "x", count: 61)]), "extraSoorten: ontzorgen.errors.extraBill"),
        ("an IBAN that fails mod-97", PaymentRunCommandTests.policy(iban: "NL15BNGH0285001234"), "debtorIban: ontzorgen.errors.ibanChecksum"),
        ("a BIC of the wrong form", PaymentRunCommandTests.policy(bic: "BNG"), "debtorBic: ontzorgen.errors.bic"),
    ])
    func policyRefusals(_ name: String, _ command: SaveOntzorgenPolicy, _ issue: String) async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            let refused = try await CommandTesting.refusal(command, app)
            #expect(refused?.kind == .invalid, "\(name)")
            #expect(refused?.issues == [issue], "\(name)")
            #expect(try await app.services.ontzorgen.listPolicies(municipalityCode: "GM0988").isEmpty)
        }
    }

    @Test("A policy is saved once per date; another organisation's municipality is not found", arguments: Engine.available)
    func policySaved(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let saved = try await Self.policy(extra: ["Energie Weert"]).run(CommandTesting.context(app), stores: app.services.stores)
            #expect(saved.soortenList.map(\.code) == ["huur", "energieweert"])
            let again = try await CommandTesting.refusal(Self.policy(), app)
            #expect(again?.kind == .conflict(existingId: nil))
            #expect(again?.issues == ["effectiveFrom: ontzorgen.errors.duplicatePolicy"])
            await #expect(throws: CaseNotFound.self) { try await Self.policy(municipality: "GM0957").run(CommandTesting.context(app), stores: app.services.stores) }
        }
    }

    // MARK: Payment runs

    @Test("Preparing a run: each refusal names its field and rule", arguments: [
        ("another organisation's municipality", "GM0957", Maand(year: 2026, month: 12), Optional(CommandTesting.today), "gemeente: validation.choose"),
        ("no month", "GM0988", nil, CommandTesting.today, "maand: ontzorgen.errors.month"),
        ("three months ahead", "GM0988", Maand(year: 2027, month: 2), CommandTesting.today, "maand: ontzorgen.errors.monthTooFar"),
        ("no execution date", "GM0988", Maand(year: 2026, month: 12), nil, "uitvoerdatum: validation.dateRequired"),
        ("an execution date in the past", "GM0988", Maand(year: 2026, month: 12), CommandTesting.today.adding(days: -1), "uitvoerdatum: validation.dateTooEarly"),
    ] as [(String, String, Maand?, CalendarDate?, String)])
    func prepareRefusals(_ name: String, _ municipality: String, _ month: Maand?, _ execution: CalendarDate?, _ issue: String) async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            let refused = try await CommandTesting.refusal(PrepareBetaalrun(municipalityCode: municipality, month: month, executionDate: execution), app)
            #expect(refused?.kind == .invalid, "\(name)")
            #expect(refused?.issues == [issue], "\(name)")
        }
    }

    @Test("A run needs the policy's account (422) and someone to pay (409); an unread month keeps its own rule", arguments: Engine.available)
    func prepareAgainstStore(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let december = PrepareBetaalrun(municipalityCode: "GM0988", month: Maand(year: 2026, month: 12), executionDate: CommandTesting.today.adding(days: 2))
            let noAccount = try await CommandTesting.refusal(december, app)
            #expect(noAccount?.kind == .rejected)
            #expect(noAccount?.issues == ["gemeente: ontzorgen.errors.noAccount"])
            _ = try await Self.policy().run(CommandTesting.context(app), stores: app.services.stores)
            let nothing = try await CommandTesting.refusal(december, app)
            #expect(nothing?.kind == .conflict(existingId: nil))
            #expect(nothing?.issues == ["maand: ontzorgen.errors.nothingToPay"])
            #expect(try await app.services.ontzorgen.listRuns(scope: TenantScope(municipalityCodes: ["GM0988"])).isEmpty, "nothing is stored")
            var reader = InputReader()
            let unread = PrepareBetaalrun(municipalityCode: "GM0988", month: reader.month("maand", "december"), executionDate: nil, read: reader.issues)
            #expect(try await CommandTesting.refusal(unread, app)?.issues == ["maand: ontzorgen.errors.month", "uitvoerdatum: validation.dateRequired"])
        }
    }

    @Test("Four eyes through the commands: the preparer's approval is forbidden (403), a second budget manager's is not", arguments: Engine.available)
    func fourEyes(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            _ = try await Self.policy(from: CommandTesting.today).run(CommandTesting.context(app), stores: app.services.stores)
            let scope = TenantScope(municipalityCodes: ["GM0988", "GM1706"])
            let person = try #require(try await app.services.persons.fetchPerson(id: app.world.personA, scope: scope))
            let traject = try #require(try await app.services.persons.fetchTraject(personId: app.world.personA, scope: scope))
            let file = CaseFile(person: person, traject: traject)
            let changes: [OntzorgenChange] = [
                .decide(bijstandStart: CalendarDate(year: 2026, month: 11, day: 18), decisionDate: CommandTesting.today, ontzorgd: true, reason: "beleid", note: nil,
                        mandate: CommandTesting.today, leefgeldIban: "NL69INGB0123456789", leefgeldName: "A. Haddad", reviewTitle: { _ in "Evaluatie" }),
                .benefit(from: CalendarDate(year: 2026, month: 11, day: 18), amount: 120_000),
                .payee(postId: nil, soort: "huur", payee: "Wonen Limburg", iban: "NL91ABNA0417164300", reference: "Huur", amount: 65_000,
                       from: CalendarDate(year: 2026, month: 11, day: 18)),
            ]
            for change in changes { try await ChangeOntzorgen(file: file, change: change).run(CommandTesting.context(app), stores: app.services.stores) }
            let run = try await PrepareBetaalrun(municipalityCode: "GM0988", month: Maand(year: 2026, month: 12), executionDate: CommandTesting.today.adding(days: 2))
                .run(CommandTesting.context(app), stores: app.services.stores)
            let again = try await CommandTesting.refusal(PrepareBetaalrun(municipalityCode: "GM0988", month: Maand(year: 2026, month: 12),
                                                                executionDate: CommandTesting.today.adding(days: 2)), app)
            #expect(again?.kind == .conflict(existingId: run.id))
            #expect(again?.issues == ["maand: ontzorgen.errors.conceptExists"])
            let export = try await CommandTesting.refusal(ExportBetaalrun(runId: run.id), app)
            #expect(export?.kind == .conflict(existingId: nil))
            #expect(export?.issues == ["run: ontzorgen.errors.notApproved"])
            let own = try await CommandTesting.refusal(ApproveBetaalrun(runId: run.id), app)
            #expect(own?.kind == .forbidden)
            #expect(own?.issues == ["run: ontzorgen.errors.fourEyes"])
            let approved = try await ApproveBetaalrun(runId: run.id).run(CommandTesting.context(app, actor: "a-second"), stores: app.services.stores)
            #expect(approved.status == "goedgekeurd")
            #expect(try await CommandTesting.refusal(DeleteBetaalrun(runId: run.id), app)?.issues == ["run: ontzorgen.errors.notConcept"])
            let exported = try await ExportBetaalrun(runId: run.id).run(CommandTesting.context(app), stores: app.services.stores)
            #expect(exported.betalingen.count == 2, "the rent and the leefgeld")
            let failure = RecordPaymentFailure(runId: run.id, endToEndId: "onbekend", reason: "Rekening opgeheven", failedOn: CommandTesting.today)
            #expect(try await CommandTesting.refusal(failure, app)?.issues == ["endToEndId: ontzorgen.errors.unknownEndToEnd"])
            let line = try #require(exported.betalingen.first)
            let recorded = RecordPaymentFailure(runId: run.id, endToEndId: line.endToEndId, reason: "Rekening opgeheven", failedOn: CommandTesting.today)
            _ = try await recorded.run(CommandTesting.context(app), stores: app.services.stores)
            #expect(try await CommandTesting.refusal(recorded, app)?.issues == ["endToEndId: ontzorgen.errors.alreadyFailed"])
            #expect(try await CommandTesting.refusal(RequestRepayment(paymentId: line.id, iban: "NL15BNGH0285001234"), app)?.issues == ["iban: ontzorgen.errors.ibanChecksum"])
            try await RequestRepayment(paymentId: line.id, iban: nil).run(CommandTesting.context(app), stores: app.services.stores)
            #expect(try await CommandTesting.refusal(RequestRepayment(paymentId: line.id, iban: nil), app) == nil, "marking again changes nothing")
        }
    }

    @Test("A run or payment outside the caller's scope is not found, whatever the action")
    func runsNotFound() async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            let stores = app.services.stores
            let context = CommandTesting.context(app)
            await #expect(throws: CaseNotFound.self) { _ = try await ApproveBetaalrun(runId: "geen").run(context, stores: stores) }
            await #expect(throws: CaseNotFound.self) { _ = try await RecomputeBetaalrun(runId: "geen").run(context, stores: stores) }
            await #expect(throws: CaseNotFound.self) { try await DeleteBetaalrun(runId: "geen").run(context, stores: stores) }
            await #expect(throws: CaseNotFound.self) { _ = try await ExportBetaalrun(runId: "geen").run(context, stores: stores) }
            await #expect(throws: CaseNotFound.self) {
                _ = try await RecordPaymentFailure(runId: "geen", endToEndId: "x", reason: "y", failedOn: CommandTesting.today).run(context, stores: stores)
            }
            await #expect(throws: CaseNotFound.self) { try await RequestRepayment(paymentId: "geen", iban: nil).run(context, stores: stores) }
        }
    }

    @Test("Every refusal of the run store is typed: its kind and the catalogue key of its message", arguments: [
        (OntzorgenError.fourEyes, CaseworkError.Kind.forbidden, "ontzorgen.errors.fourEyes"),
        (.notConcept, .conflict(existingId: nil), "ontzorgen.errors.notConcept"),
        (.emptyRun, .conflict(existingId: nil), "ontzorgen.errors.emptyRun"),
        (.notApproved, .conflict(existingId: nil), "ontzorgen.errors.notApproved"),
        (.notExported, .conflict(existingId: nil), "ontzorgen.errors.notExported"),
        (.notFailed, .conflict(existingId: nil), "ontzorgen.errors.notFailed"),
        (.alreadyFailed, .conflict(existingId: nil), "ontzorgen.errors.alreadyFailed"),
        (.alreadyRepaid, .conflict(existingId: nil), "ontzorgen.errors.alreadyRepaid"),
    ])
    func storeRefusals(_ error: OntzorgenError, _ kind: CaseworkError.Kind, _ rule: String) {
        let typed = Betaalrun.refusal(error, field: "run") as? CaseworkError
        #expect(typed?.kind == kind)
        #expect(typed?.issues.map(\.rule) == [rule])
        #expect(typed?.issues.map(\.field) == ["run"])
    }
}
