import Testing
@testable import Inburgering

@Suite("R8b — why a month's ontzorgen payments are held (Participatiewet art. 56a lid 1, art. 57)")
struct BetaalAanhoudingTests {
    static let maand = Maand(year: 2025, month: 3)!
    static let huur = OntzorgPost(sleutel: "h", soort: "huur", categorie: .huur, begunstigde: "Wonen Limburg", iban: "NL91ABNA0417164300",
                                  kenmerk: "huur", bedragCent: 65_000)

    @Test("In order: machtiging, benefit, shortfall, account for the leefgeld; otherwise paid", arguments: [
        // (machtiging, benefit in cents or nil, leefgeld account, expected)
        (false, Int?.some(120_000), true, BetaalAanhouding?.some(.geenMachtiging)),
        (false, nil, false, .geenMachtiging),
        (true, nil, true, .geenUitkering),
        (true, nil, false, .geenUitkering),
        (true, 50_000, true, .tekort),
        (true, 50_000, false, .tekort),
        (true, 120_000, false, .geenRekening),
        (true, 120_000, true, nil),
        // The benefit exactly covers the bills: no leefgeld, so no account is needed.
        (true, 65_000, false, nil),
    ])
    func aanhouding(machtiging: Bool, benefit: Int?, account: Bool, expected: BetaalAanhouding?) {
        let berekening = OntzorgenBetaalRule.bereken(maand: Self.maand, uitkeringCent: benefit ?? 0, posten: [Self.huur])
        #expect(OntzorgenBetaalRule.aanhouding(machtiging: machtiging, uitkeringBekend: benefit != nil, berekening: berekening,
                                               leefgeldRekening: account) == expected)
    }

    @Test("The stored reasons keep their names")
    func rawValues() {
        #expect(BetaalAanhouding.allCases.map(\.rawValue) == ["geenMachtiging", "geenUitkering", "tekort", "geenRekening"])
    }
}
