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
