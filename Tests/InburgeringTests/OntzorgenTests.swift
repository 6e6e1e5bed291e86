import Testing
@testable import Inburgering

@Suite("R8 — financieel ontzorgen (Participatiewet art. 56a, 57; Verzamelbrief 6-4-2023)")
struct OntzorgenTests {
    @Test("R8 — 6 months from the first day of bijstand, month ends clamped", arguments: [
        ("2024-03-15", "2024-09-14"), ("2024-08-31", "2025-02-28"), ("2024-02-29", "2024-08-28"), ("2023-08-31", "2024-02-29"),
        ("2024-01-01", "2024-06-30"),
    ])
    func period(start: String, end: String) throws {
        let plan = try #require(OntzorgenRule.plan(bijstandStart: d(start), categorie: .asielstatushouder))
        #expect(plan.periode == Period(start: d(start), end: d(end)))
    }

    @Test("R8 — only asylum permit holders are ontzorgd")
    func onlyAsylum() {
        #expect(OntzorgenRule.plan(bijstandStart: d("2024-03-15"), categorie: .gezinsmigrantEnOverig) == nil)
    }

    @Test("R8 — before 6-4-2023 the standard form applies whatever the settings; from that day the municipality may deviate (law by date)", arguments: [
        ("2023-04-05", OntzorgenRegime.standaard, true, "2023-10-04", 4),
        ("2023-04-06", .ruimereUitleg, false, "2023-07-05", 2),
        ("2024-01-10", .ruimereUitleg, false, "2024-04-09", 2),
    ])
    func relaxation(start: String, regime: OntzorgenRegime, byDefault: Bool, end: String, bills: Int) throws {
        let settings = MunicipalityLawSettings(ontzorgen: OntzorgenSettings(beleid: .neeTenzij, rekeningen: [.huur, .zorgverzekering], duurMaanden: 3))
        let plan = try #require(OntzorgenRule.plan(bijstandStart: d(start), categorie: .asielstatushouder, settings: settings))
        #expect(plan.regime == regime)
        #expect(plan.standaardOntzorgd == byDefault)
        #expect(plan.periode.end == d(end))
        #expect(plan.rekeningen.count == bills)
    }

    @Test("R8a — reviews after 2 and 5 months, always before the end")
    func reviews() throws {
        let plan = try #require(OntzorgenRule.plan(bijstandStart: d("2024-03-15"), categorie: .asielstatushouder))
        #expect(plan.evaluaties == [d("2024-05-14"), d("2024-08-14")])
        let late = OntzorgenRule.evaluaties(start: d("2024-03-15"), periode: plan.periode, naMaanden: [6, 9])
        #expect(late == [d("2024-09-13")])
    }

    @Test("R8a — known failure: the self-reliance course after ontzorgen ended")
    func courseAfterEnd() {
        var ontzorging = Ontzorging(bijstandStart: d("2024-03-15"), periode: Period(start: d("2024-03-15"), end: d("2024-09-14")),
                                    rekeningen: OntzorgRekening.wettelijkeStandaard, cursusFinancieleZelfredzaamheid: d("2024-09-20"))
        #expect(ontzorging.cursusNaEinde)
        ontzorging.verlengdTot = d("2024-12-14")
        #expect(!ontzorging.cursusNaEinde)
        #expect(ontzorging.einddatum == d("2024-12-14"))
    }
}
