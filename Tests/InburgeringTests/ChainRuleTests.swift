import Testing
@testable import Inburgering

@Suite("The chain: referral steps, consent and KvK numbers")
struct ChainRuleTests {
    @Test("A referral moves only forward: answered, started, ended; withdrawn until it starts", arguments: [
        (ReferralStatus.referred, [ReferralStatus.accepted, .refused, .withdrawn]),
        (.accepted, [.started, .withdrawn]),
        (.started, [.ended]),
        (.refused, []),
        (.ended, []),
        (.withdrawn, []),
    ])
    func steps(from: ReferralStatus, allowed: [ReferralStatus]) {
        #expect(from.next == Set(allowed))
        #expect(from.holdsPlace == from.isOpen, "a place is held exactly while the provider works with the person")
    }

    @Test("Consent: identity always; health and the COA profile only with separate, explicit consent (AVG art. 7, 9(2)(a))", arguments: [
        ([ConsentClass.identity], false, nil),
        ([.identity, .route, .pipGoals, .hours], false, nil),
        ([.route], false, ReferralRule.ConsentProblem.identityMissing),
        ([], true, .identityMissing),
        ([.identity, .health], false, .separateConsentMissing),
        ([.identity, .coaProfile], false, .separateConsentMissing),
        ([.identity, .health, .coaProfile], true, nil),
    ] as [([ConsentClass], Bool, ReferralRule.ConsentProblem?)])
    func consent(classes: [ConsentClass], separately: Bool, problem: ReferralRule.ConsentProblem?) {
        #expect(ReferralRule.consentProblem(Set(classes), separatelyConfirmed: separately) == problem)
    }

    @Test("Waiting time runs from the referral to the start, or to today while not started", arguments: [
        ("2026-11-01", "2026-11-15", "2026-12-01", 14),
        ("2026-11-01", nil, "2026-12-01", 30),
        ("2026-11-01", nil, "2026-11-01", 0),
        ("2026-11-10", "2026-11-01", "2026-12-01", 0),
    ] as [(String, String?, String, Int)])
    func waiting(referred: String, started: String?, today: String, days: Int) {
        #expect(ReferralRule.waitingDays(referredOn: d(referred), startedOn: started.map(d), today: d(today)) == days)
    }

    @Test("A KvK number is 8 digits (Handelsregisterwet 2007)", arguments: [
        ("12345678", true), ("1234567", false), ("123456789", false), ("1234567a", false), ("١٢٣٤٥٦٧٨", false), ("", false),
    ])
    func kvk(value: String, valid: Bool) {
        #expect(ProviderRule.isKvKNumber(value) == valid)
    }
}
