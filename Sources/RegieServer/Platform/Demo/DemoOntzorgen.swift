import Foundation
import Inburgering
import RegieStorage

/// Ontzorgen in the demo region (R8): each municipality's policy (Weert pays the first rent as a
/// gift since 2024), arrangements for recently housed asylum permit holders with their landlord,
/// energy, water and health insurer, and last month's run prepared by one budget manager and
/// approved by the other — including a person whose benefit does not cover the rent yet, one
/// without a signed mandate, one extended and one whose course ends after the relief.
enum DemoOntzorgen {
    static let landlords = ["Wonen Limburg", "Woonstichting Sint Joseph", "Woningstichting Nederweert"]
    static let insurers = ["CZ Zorgverzekeringen", "VGZ", "Menzis"]

    /// A valid Dutch IBAN for a demo bank code and account number (ISO 13616 check digits).
    static func iban(bank: String, account: Int) -> String {
        let bban = bank + String(format: "%010d", account % 10_000_000_000)
        let rearranged = bban + "NL00"
        var remainder = 0
        for scalar in rearranged.unicodeScalars {
            let value = scalar.value >= 65 ? Int(scalar.value) - 55 : Int(scalar.value) - 48
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
        }
        return "NL" + String(format: "%02d", 98 - remainder) + bban
    }

    static func audit(_ action: AuditAction, person: PersonRecord?, organisationId: String, actor: (id: String, name: String)) -> AuditEvent {
        AuditEvent(actorId: actor.id, actorName: actor.name, actorRole: Role.budgetbeheerder.rawValue, organisationId: organisationId, action: action.rawValue,
                   personId: person?.id, municipalityCode: person?.municipalityCode, purpose: "ontzorgen", requestId: "demo", detail: "")
    }

    /// How many people get an arrangement: the first ones of the region that qualify.
    static let arrangements = 40

    /// Asylum permit holders housed in the last eight months (but at least a week ago), with an open case.
    static func qualifies(_ item: PersonStore.NewPerson, today day: CalendarDate) -> Bool {
        guard item.person.doelgroep.categorie == .asielstatushouder, item.traject.closedDate == nil,
              !item.person.detailsPending, let brp = item.traject.brpDate else { return false }
        return brp >= day.adding(months: -8) && brp <= day.adding(days: -7)
    }

    /// Loads the policies, the arrangements of `recent` (the first people that qualify, at most
    /// `arrangements`) and the payment runs.
    static func load(recent: [PersonStore.NewPerson], store: OntzorgenStore, organisationId: String, managers: [(id: String, name: String)],
                     administrator: (id: String, name: String), today: Date) async throws {
        let day = CalendarDate.today(now: today)
        let scope = TenantScope(municipalityCodes: DemoData.municipalities.map(\.code))
        // Policies: the statutory form from the start of the Wi2021; Weert's own policy since 2024.
        for (index, m) in DemoData.municipalities.enumerated() {
            let base = OntzorgenBeleidRecord(
                id: DemoData.id("ontzorgen-beleid", index * 2 + 1), municipalityCode: m.code, effectiveFrom: "2022-01-01", beleid: "jaTenzij",
                soorten: OntzorgSoort.standaard, durationMonths: 6, reviewMonths: [2, 5], firstRentGift: false, debtorName: "Gemeente \(m.name)",
                debtorIban: iban(bank: "BNGH", account: 285_000_000 + index), debtorBic: "BNGHNL2G", createdBy: administrator.id, createdAt: today.epochSeconds)
            try await store.insertPolicy(base, audit: audit(.ontzorgenPolicyAdd, person: nil, organisationId: organisationId, actor: administrator), now: today)
        }
        let weert = OntzorgenBeleidRecord(
            id: DemoData.id("ontzorgen-beleid", 10), municipalityCode: "GM0988", effectiveFrom: "2024-01-01", beleid: "jaTenzij",
            soorten: OntzorgSoort.standaard + [OntzorgSoort(code: "internet", label: "Internet", categorie: nil)], durationMonths: 6, reviewMonths: [2, 5],
            firstRentGift: true, debtorName: "Gemeente Weert", debtorIban: iban(bank: "BNGH", account: 285_000_000), debtorBic: "BNGHNL2G",
            createdBy: administrator.id, createdAt: today.epochSeconds)
        try await store.insertPolicy(weert, audit: audit(.ontzorgenPolicyAdd, person: nil, organisationId: organisationId, actor: administrator), now: today)

        let manager = managers[0]
        for (n, item) in recent.enumerated() {
            let p = item.person
            guard let brp = item.traject.brpDate else { continue }
            let doelgroep = p.doelgroep
            let start = brp.adding(days: 3 + n % 10)
            guard start <= day, let policy = try await store.policy(municipalityCode: p.municipalityCode, on: start.iso) else { continue }
            var settings = MunicipalityLawSettings.standaard
            settings.ontzorgen = policy.lawSettings
            guard let plan = OntzorgenRule.plan(bijstandStart: start, categorie: doelgroep.categorie, settings: settings) else { continue }
            // One in eight opts out; one has not signed the mandate yet.
            let optOut = n % 8 == 7
            let actor = CaseActor(id: manager.id, name: manager.name)
            let decided = min(day, start.adding(days: 2))
            _ = try await store.decide(
                personId: p.id,
                .init(bijstandStart: start, beleidId: policy.id, regime: plan.regime.rawValue, ontzorgd: !optOut, decisionDate: decided,
                      reason: optOut ? "eigenKeuze" : "beleid", note: nil, plannedEnd: plan.periode.end, reviews: plan.evaluaties,
                      mandateSignedOn: n == 3 ? nil : decided, leefgeldName: "\(p.givenNames) \(p.familyName)",
                      leefgeldIban: iban(bank: ["INGB", "RABO", "ABNA"][n % 3], account: 4_100_000 + n * 37)),
                reviewTitle: { "Evaluatie ontzorgen (uiterlijk \(DisplayDate.format($0.iso, .nl)))" },
                scope: scope, actor: actor, audit: audit(.ontzorgenDecide, person: p, organisationId: organisationId, actor: manager), now: today)
            guard !optOut else { continue }
            let event = { (action: AuditAction) in audit(action, person: p, organisationId: organisationId, actor: manager) }
            // A single person's bijstand is about € 1.300; the first months are lower until the allowances arrive.
            let early = n % 9 == 4 ? 78_000 : 131_500
            _ = try await store.setUitkering(personId: p.id, validFrom: start, amountCents: early, scope: scope, actor: actor, audit: event(.ontzorgenBenefit), now: today)
            if n % 9 == 4 { _ = try await store.setUitkering(personId: p.id, validFrom: Maand(day).next.first, amountCents: 131_500, scope: scope, actor: actor, audit: event(.ontzorgenBenefit), now: today) }
            let rent = 62_000 + (n % 5) * 2_500
            let posts: [(String, String, Int, String)] = [
                ("huur", landlords[n % 3], rent, "Huurcontract \(20_260 + n)"),
                ("elektriciteit", "Vattenfall", 9_500, "Klantnummer \(700_100 + n)"),
                ("gas", "Vattenfall", 7_000, "Klantnummer \(700_100 + n)"),
                ("water", "WML", 2_100, "Debiteur \(55_000 + n)"),
                ("zorgverzekering", insurers[n % 3], 15_800, "Polis \(88_000_000 + n)"),
            ]
            for (index, post) in posts.enumerated() {
                _ = try await store.savePost(personId: p.id, postId: nil,
                                             .init(soort: post.0, payeeName: post.1, iban: iban(bank: ["RABO", "INGB", "ABNA", "BNGH", "RABO"][index], account: 10_000_000 + index * 1_000 + n),
                                                   reference: post.3, amountCents: post.2, validFrom: start),
                                             scope: scope, actor: actor, audit: event(.ontzorgenPayeeAdd), now: today)
            }
            // The course: planned in time for most, after the end for some (R8c), completed for the earliest.
            let courseEnd = n % 6 == 5 ? plan.periode.end.adding(days: 20) : plan.periode.end.adding(days: -21)
            _ = try await store.saveZelfredzaamheid(
                personId: p.id,
                .init(intakeDate: start.adding(days: 14) <= day ? start.adding(days: 14) : nil, intakeResult: start.adding(days: 14) <= day ? (n % 2 == 0 ? "deels" : "nietZelfredzaam") : nil,
                      courseName: n % 7 == 6 ? nil : "Geldzaken op orde (Humanitas)", courseStart: n % 7 == 6 ? nil : courseEnd.adding(days: -56),
                      courseEnd: n % 7 == 6 ? nil : courseEnd, completedOn: courseEnd <= day ? courseEnd : nil, retestDate: nil, retestResult: nil),
                scope: scope, actor: actor, audit: event(.ontzorgenSelfReliance), now: today)
            // Reviews that fell due were held a few days early, except for one person in ten (R8a: a signal to act on).
            if n % 10 != 9 {
                for due in plan.evaluaties where due <= day {
                    _ = try await store.addEvaluatie(personId: p.id, heldOn: max(start, due.adding(days: -3)), outcome: "doorgaan", note: nil, scope: scope,
                                                     actor: actor, audit: event(.ontzorgenReview), now: today)
                }
            }
            if n == 2 {
                let decided = min(day, plan.periode.end.adding(days: -10)), until = plan.periode.end.adding(months: 3)
                _ = try await store.extend(personId: p.id, decidedOn: decided, until: until, reason: "Toeslagen nog niet toegekend",
                                           reviewDue: OntzorgenRule.evaluatieNaVerlenging(besluit: decided, tot: until),
                                           reviewTitle: "Evaluatie ontzorgen na verlenging", scope: scope, actor: actor,
                                           audit: event(.ontzorgenExtend), now: today)
            }
        }
        // Last month's and this month's runs: prepared by one budget manager, approved by the other, exported.
        guard managers.count > 1 else { return }
        for month in [Maand(day).previous, Maand(day)] {
            for m in DemoData.municipalities {
                let run: BetaalrunRecord
                do {
                    run = try await store.prepareRun(municipalityCode: m.code, month: month, executionDate: month.first.adding(days: -3),
                                                     by: .init(id: managers[0].id, name: managers[0].name),
                                                     audit: audit(.ontzorgenRunPrepare, person: nil, organisationId: organisationId, actor: managers[0]), now: today)
                } catch OntzorgenError.nothingToPay {
                    continue
                }
                _ = try await store.approveRun(id: run.id, scope: scope, by: .init(id: managers[1].id, name: managers[1].name),
                                               audit: audit(.ontzorgenRunApprove, person: nil, organisationId: organisationId, actor: managers[1]), now: today)
                _ = try await store.exportRun(id: run.id, scope: scope, audit: audit(.ontzorgenRunExport, person: nil, organisationId: organisationId, actor: managers[1]), now: today)
                // Last month in Weert the bank returned two payments: one is paid again in this month's run, one waits.
                if month < Maand(day), m.code == "GM0988" {
                    let returned = try await store.runBetalingen(runId: run.id).filter { $0.status == "klaar" && $0.soort != "leefgeld" }.prefix(2)
                    for (index, line) in returned.enumerated() {
                        let actor = OntzorgenStore.Actor(id: managers[0].id, name: managers[0].name)
                        try await store.recordFailure(id: line.id, reason: index == 0 ? "Rekening opgeheven (AC04)" : "Naam en rekening komen niet overeen",
                                                      on: day.adding(days: -5), scope: scope, by: actor,
                                                      audit: audit(.ontzorgenPaymentFailed, person: nil, organisationId: organisationId, actor: managers[0]), now: today)
                        if index == 0 {
                            try await store.requestRepay(id: line.id, iban: iban(bank: "RABO", account: 98_765_432), scope: scope,
                                                         audit: audit(.ontzorgenPaymentRepay, person: nil, organisationId: organisationId, actor: managers[0]), now: today)
                        }
                    }
                }
            }
        }
    }
}
