import Testing
import SEPA

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
