import Testing
@testable import Inburgering

@Suite("Law by date — a case is judged by the law of its own dates")
struct LawByDateTests {
    @Test("R3 — LBT threshold either side of 12-4-2023", arguments: [
        ("2022-01-01", 31), ("2023-04-11", 31), ("2023-04-12", 28), ("2030-01-01", 28),
    ])
    func lbt(day: String, threshold: Int) {
        #expect(LeerbaarheidstoetsRule.drempel(op: d(day)) == LBTScore(threshold))
    }

    @Test("R3 — before the Wi2021 (1-1-2022) there is no threshold (DUO Leerbaarheidstoets API)")
    func beforeWi2021() {
        #expect(LeerbaarheidstoetsRule.drempel(op: d("2021-12-31")) == nil)
        #expect(LeerbaarheidstoetsRule.drempel.version(on: d("2021-12-31")) == nil)
    }

    @Test("R8 — ontzorgen regime either side of 6-4-2023 (Verzamelbrief inburgering 6-4-2023)", arguments: [
        ("2023-04-05", OntzorgenRegime.standaard), ("2023-04-06", .ruimereUitleg), ("2022-01-01", .standaard),
    ])
    func ontzorgen(day: String, regime: OntzorgenRegime) {
        #expect(OntzorgenRule.regime.value(on: d(day)) == regime)
    }

    @Test("R7c — Z-route school hours count either side of 1-7-2025", arguments: [
        ("2025-06-30", false), ("2025-07-01", true),
    ])
    func schoolHours(day: String, counts: Bool) {
        #expect(UrenRules.schoolurenTellenMee.value(on: d(day)) == counts)
    }

    @Test("Law by date — every version names its source (issue 3 item 7)")
    func sources() {
        let versions = LeerbaarheidstoetsRule.drempel.versions.map(\.source) + OntzorgenRule.regime.versions.map(\.source)
            + UrenRules.schoolurenTellenMee.versions.map(\.source)
        #expect(versions.allSatisfy { !$0.isEmpty })
    }
}
