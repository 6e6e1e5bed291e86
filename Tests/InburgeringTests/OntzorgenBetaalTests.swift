import Testing
@testable import Inburgering

@Suite("R8b/R8c — paying ontzorgen per month; IBAN (ISO 13616)")
struct OntzorgenBetaalTests {
    @Test("R8b — a month is paid when ontzorgen runs on its first day: N months are N paid months, whatever the start day", arguments: [
        // start, last day, first and last paid month, count
        ("2024-03-15", "2024-09-14", "2024-04", "2024-09", 6),   // mid-month start
        ("2024-03-01", "2024-08-31", "2024-03", "2024-08", 6),   // start on the first
        ("2024-08-31", "2025-02-28", "2024-09", "2025-02", 6),   // month-end clamping
        ("2024-03-15", "2024-12-14", "2024-04", "2024-12", 9),   // extended by three months (art. 57 Pw)
        ("2024-03-15", "2024-06-10", "2024-04", "2024-06", 3),   // ended early on 10 June
        ("2024-03-15", "2024-03-31", nil, nil, 0),               // ended before a first of the month
    ])
    func paidMonths(start: String, end: String, first: String?, last: String?, count: Int) {
        let months = OntzorgenBetaalRule.betaalmaanden(Period(start: d(start), end: d(end)))
        #expect(months.count == count)
        #expect(months.first?.iso == first)
        #expect(months.last?.iso == last)
    }

    @Test("R8b — the benefit divided: bills deducted, the rest leefgeld; a gift is paid, not deducted; a shortfall pays no leefgeld", arguments: [
        // benefit, bills (cents, gift), deducted, gift, leefgeld, shortfall
        (131_500, [(65_000, false), (15_800, false)], 80_800, 0, 50_700, 0),
        (131_500, [(65_000, true), (15_800, false)], 15_800, 65_000, 115_700, 0),
        (70_000, [(65_000, false), (15_800, false)], 80_800, 0, 0, 10_800),
        (80_800, [(65_000, false), (15_800, false)], 80_800, 0, 0, 0),          // exactly covered: no shortfall, nothing left
        (0, [], 0, 0, 0, 0),
    ])
    func divide(benefit: Int, bills: [(Int, Bool)], deducted: Int, gift: Int, leefgeld: Int, shortfall: Int) {
        let posts = bills.enumerated().map { index, bill in
            OntzorgPost(sleutel: "p\(index)", soort: "huur", categorie: .huur, begunstigde: "X", iban: "NL91ABNA0417164300", kenmerk: "k",
                        bedragCent: bill.0, geschenk: bill.1)
        }
        let result = OntzorgenBetaalRule.bereken(maand: Maand(iso: "2026-12")!, uitkeringCent: benefit, posten: posts)
        #expect(result.ingehoudenCent == deducted)
        #expect(result.geschenkCent == gift)
        #expect(result.leefgeldCent == leefgeld)
        #expect(result.tekortCent == shortfall)
        #expect(result.heeftTekort == (shortfall > 0))
    }

    @Test("R8 — 'not ontzorgd' before 6-4-2023 only on the newcomer's own request; from that day by policy", arguments: [
        (OntzorgenRegime.standaard, false, false), (.standaard, true, true), (.ruimereUitleg, false, true), (.ruimereUitleg, true, true),
    ])
    func notOntzorgd(regime: OntzorgenRegime, ownRequest: Bool, allowed: Bool) {
        #expect(OntzorgenRule.magNietOntzorgen(regime: regime, opEigenVerzoek: ownRequest) == allowed)
    }

    @Test("R8a — an extension ends after the current last day (and within Regie's three-year bound); its review a month before the new end", arguments: [
        // current end, extended to, allowed, decided on, review due
        ("2027-03-14", "2027-06-14", true, "2027-02-20", "2027-05-14"),
        ("2027-03-14", "2027-03-14", false, "2027-02-20", "2027-02-20"),
        ("2027-03-14", "2029-09-14", true, "2027-02-20", "2029-08-14"),
        ("2027-03-14", "2029-09-15", false, "2027-02-20", "2029-08-15"),
        ("2027-03-14", "2027-03-31", true, "2027-03-10", "2027-03-10"),    // the review is never before the decision
    ])
    func extending(end: String, until: String, allowed: Bool, decided: String, review: String) {
        #expect(OntzorgenRule.verlengingToegestaan(bijstandStart: d("2026-09-15"), huidigEinde: d(end), tot: d(until)) == allowed)
        #expect(OntzorgenRule.evaluatieNaVerlenging(besluit: d(decided), tot: d(until)) == d(review))
    }

    @Test("R8b — the first paid month (the one whose rent a policy may give)")
    func firstPaidMonth() {
        let periode = Period(start: d("2026-09-15"), end: d("2027-03-14"))
        #expect(OntzorgenBetaalRule.isEersteBetaalmaand(Maand(iso: "2026-10")!, periode: periode))
        #expect(!OntzorgenBetaalRule.isEersteBetaalmaand(Maand(iso: "2026-09")!, periode: periode))
        #expect(!OntzorgenBetaalRule.isEersteBetaalmaand(Maand(iso: "2026-11")!, periode: periode))
    }

    @Test("R8c — the course must finish before ontzorgen ends", arguments: [
        ("2027-03-14", nil, nil, CursusWaarschuwing.nietGepland),
        ("2027-03-14", "2027-04-01", nil, .naEinde),
        ("2027-03-14", "2027-03-14", nil, nil),
        ("2027-03-14", "2027-04-01", "2027-04-01", nil),   // completed: no warning any more
    ] as [(String, String?, String?, CursusWaarschuwing?)])
    func course(end: String, courseEnd: String?, completed: String?, warning: CursusWaarschuwing?) {
        #expect(OntzorgenBetaalRule.cursusWaarschuwing(einde: d(end), cursusEinde: courseEnd.map(d), afgerond: completed.map(d)) == warning)
    }

    @Test("IBAN: mod-97 and the country's length; spaces and lower case are accepted", arguments: [
        ("NL91ABNA0417164300", nil as IBANError?),
        ("nl91 abna 0417 1643 00", nil),
        ("DE89370400440532013000", nil),
        ("BE71096123456769", nil),
        ("GB82WEST12345698765432", nil),
        ("NL91ABNA0417164301", .checksum),
        ("NL91ABNA041716430", .wrongLength(country: "NL", expected: 18, found: 17)),
        ("12345678901234567", .format),
        ("NL91-ABNA-0417-1643-00", .format),
        ("", .format),
    ])
    func iban(text: String, error: IBANError?) {
        do {
            let iban = try IBAN(text)
            #expect(error == nil)
            #expect(!iban.value.contains(" "))
        } catch let caught {
            #expect(caught == error)
        }
        #expect(IBAN.isValid(text) == (error == nil))
    }

    @Test("A month: parsed from YYYY-MM, ordered, first and last day")
    func month() throws {
        let february = try #require(Maand(iso: "2028-02"))
        #expect(february.first == d("2028-02-01"))
        #expect(february.last == d("2028-02-29"))
        #expect(february.next.iso == "2028-03")
        #expect(Maand(iso: "2027-12")!.next.iso == "2028-01")
        #expect(Maand(iso: "2028-01")!.previous.iso == "2027-12")
        #expect(Maand(iso: "2026-13") == nil)
        #expect(Maand(iso: "2026-1") == nil)
        #expect(Maand(iso: "december") == nil)
        #expect(Maand(iso: "2026-11")! < Maand(iso: "2026-12")!)
    }
}
