import Testing
@testable import Inburgering

@Suite("R3/R4 — leerbaarheidstoets and route deviation")
struct LeerbaarheidstoetsTests {
    @Test("R3 — verdict by the threshold in force on the test date: 31 before 12-4-2023, 28 from then", arguments: [
        (31, "2023-04-11", LBTUitslag.b1RouteHaalbaar),
        (30, "2023-04-11", .b1RouteNietHaalbaar),
        (28, "2023-04-11", .b1RouteNietHaalbaar),
        (27, "2023-04-11", .b1RouteNietHaalbaar),
        (28, "2023-04-12", .b1RouteHaalbaar),
        (27, "2023-04-12", .b1RouteNietHaalbaar),
        (31, "2023-04-12", .b1RouteHaalbaar),
        (28, "2022-01-01", .b1RouteNietHaalbaar),
        (31, "2022-01-01", .b1RouteHaalbaar),
        (40, "2025-06-01", .b1RouteHaalbaar),
        (0, "2024-01-01", .b1RouteNietHaalbaar),
        (28, "2021-12-31", .onbekend), // before the Wi2021 applied
    ])
    func verdict(score: Int, date: String, expected: LBTUitslag) throws {
        let value = try #require(LBTScore(score))
        #expect(LeerbaarheidstoetsRule.uitslag(score: value, afname: d(date)) == expected)
    }

    @Test("R3 — DUO score strings like \"28,00\" parse exactly (DUO Leerbaarheidstoets API)", arguments: [
        ("28,00", 2800), ("7,50", 750), ("40,00", 4000), ("0,00", 0), ("027,00", 2700),
    ])
    func parse(text: String, hundredths: Int) throws {
        let score = try #require(LBTScore(duoString: text))
        #expect(score.hundredths == hundredths)
    }

    @Test("R3 — malformed or impossible DUO scores are rejected (DUO pattern ^\\d{1,3},\\d{2}$, max 40)", arguments: [
        "28.00", "28,0", "28", ",00", "abc", "41,00", "100,00", "1234,00", "28,000", "-1,00", "28,0a",
    ])
    func parseRejects(text: String) {
        #expect(LBTScore(duoString: text) == nil)
    }

    @Test("R3 — the raw score is shown, in DUO's notation and as n/40")
    func display() throws {
        let score = try #require(LBTScore(28))
        #expect(score.duoString == "28,00")
        #expect(score.description == "28/40")
        #expect(try #require(LBTScore(hundredths: 2750)).description == "27,50/40")
        #expect(LBTScore(41) == nil)
    }

    @Test("R3a — an exempted person (visual/hearing impairment) has no verdict and no deviation")
    func exemption() {
        let toets = Leerbaarheidstoets(datumAfname: d("2024-01-10"), score: LBTScore(10), vrijstelling: .visueleBeperking)
        #expect(LeerbaarheidstoetsRule.uitslag(toets) == .onbekend)
        #expect(RouteDeviationRule.afwijking(route: .b1, toets: toets) == .geenUitslag)
    }

    @Test("R3 — a DUO threshold that disagrees with the law on the test date is flagged (DUO Leerbaarheidstoets API)")
    func duoMismatch() {
        let stale = Leerbaarheidstoets(datumAfname: d("2023-05-01"), score: LBTScore(29), duoBenodigdeScore: LBTScore(31))
        let current = Leerbaarheidstoets(datumAfname: d("2023-05-01"), score: LBTScore(29), duoUitslag: .b1RouteHaalbaar, duoBenodigdeScore: LBTScore(28))
        #expect(LeerbaarheidstoetsRule.wijktAfVanDUO(stale))
        #expect(!LeerbaarheidstoetsRule.wijktAfVanDUO(current))
    }

    @Test("R4a — DUO's score bands <20, 20–27, 28–30, >30", arguments: [
        (1999, LBTScoreBand.onder20), (0, .onder20), (2000, .van20tot27), (2700, .van20tot27), (2750, .van20tot27),
        (2800, .van28tot30), (3000, .van28tot30), (3001, .boven30), (3100, .boven30), (4000, .boven30),
    ])
    func bands(hundredths: Int, band: LBTScoreBand) throws {
        #expect(LBTScoreBand(try #require(LBTScore(hundredths: hundredths))) == band)
    }

    @Test("R4 — a route other than the LBT suggests is a deviation (Besluit, nota van toelichting art. 2.3.3)", arguments: [
        (Leerroute.b1, LBTUitslag.b1RouteHaalbaar, RouteAfwijking.conform),
        (.onderwijs, .b1RouteHaalbaar, .conform),
        (.z, .b1RouteNietHaalbaar, .conform),
        (.b1, .b1RouteNietHaalbaar, .omhoog),
        (.onderwijs, .b1RouteNietHaalbaar, .omhoog),
        (.z, .b1RouteHaalbaar, .omlaag),
        (.b1, .onbekend, .geenUitslag),
        (.z, .onbekend, .geenUitslag),
    ])
    func deviation(route: Leerroute, uitslag: LBTUitslag, expected: RouteAfwijking) {
        #expect(RouteDeviationRule.afwijking(route: route, uitslag: uitslag) == expected)
        #expect(expected.vereistMotivering == (expected == .omhoog || expected == .omlaag))
    }

    @Test("R4 — thresholds at exactly 27/28/31 decide whether a B1-route needs a reason", arguments: [
        (27, "2024-01-10", true), (28, "2024-01-10", false), (30, "2023-03-01", true), (31, "2023-03-01", false),
    ])
    func reasonAtThreshold(score: Int, date: String, needsReason: Bool) {
        let toets = Leerbaarheidstoets(datumAfname: d(date), score: LBTScore(score))
        let pip = PIP(dagtekening: d("2024-03-01"), leerroute: .b1)
        #expect(RouteDeviationRule.mistMotivering(pip, toets: toets) == needsReason)
        var reasoned = pip
        reasoned.redenAfwijkingLBT = "Taalschool adviseert B1; hoogopgeleid in land van herkomst."
        #expect(!RouteDeviationRule.mistMotivering(reasoned, toets: toets))
        var blank = pip
        blank.redenAfwijkingLBT = "   \n"
        #expect(RouteDeviationRule.mistMotivering(blank, toets: toets) == needsReason)
    }
}
