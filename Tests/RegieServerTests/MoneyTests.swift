import Inburgering
import Testing
@testable import RegieServer

@Suite("Amounts as people type and read them")
struct MoneyTests {
    @Test("Typed amounts: Dutch and English decimals, thousands separators, a euro sign; anything else refused", arguments: [
        ("612,50", 61_250 as Int?), ("612.50", 61_250), ("612", 61_200), ("612,5", 61_250), ("1.234,56", 123_456), ("1234,56", 123_456),
        ("1.234", 123_400), ("€ 12,50", 1_250), ("0", 0), ("0,01", 1),
        ("12,345", nil), ("1,2,3", nil), ("12a", nil), ("-5", nil), ("", nil), ("1.23.45", nil), (",", nil),
    ])
    func parse(text: String, cents: Int?) {
        #expect(Money.parse(text) == cents)
    }

    @Test("Shown the Dutch or English way; a form field reads back the same")
    func format() {
        #expect(Money.format(123_456, UILocale.nl) == "€ 1.234,56")
        #expect(Money.format(123_456, UILocale.en) == "€1,234.56")
        #expect(Money.format(5, UILocale.nl) == "€ 0,05")
        #expect(Money.parse(Money.field(123_456)) == 123_456)
    }
}

@Suite("SEPA texts and amounts")
struct SEPATextTests {
    @Test("Texts in the SEPA character set: diacritics dropped, other characters become spaces, cut to length, never empty", arguments: [
        ("Wonen Limburg", 70, "Wonen Limburg"),
        ("Café Ünal & Zn. <b>", 70, "Cafe Unal Zn. b"),
        ("Ayşe Çelik-Öztürk", 70, "Ayse Celik-Ozturk"),
        ("Huurcontract 4711 / 2026", 10, "Huurcontra"),
        ("O'Brien", 70, "O&apos;Brien"),
        ("€€€", 70, "-"),
    ])
    func text(value: String, max: Int, expected: String) {
        #expect(SEPACreditTransfer.text(value, max) == expected)
    }

    @Test("Amounts with a point and two decimals")
    func amounts() {
        #expect(SEPACreditTransfer.amount(5) == "0.05")
        #expect(SEPACreditTransfer.amount(123_456) == "1234.56")
        #expect(SEPACreditTransfer.amount(65_000) == "650.00")
        #expect(SEPACreditTransfer.amount(1_210) == "12.10")
    }
}
