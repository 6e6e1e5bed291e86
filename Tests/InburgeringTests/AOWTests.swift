import Testing
@testable import Inburgering

@Suite("R11 — obligation and AOW age (Algemene Ouderdomswet art. 7a)")
struct AOWTests {
    @Test("R11a — AOW age by year reached (AOW art. 7a)", arguments: [
        (2021, 66, 4), (2022, 66, 7), (2023, 66, 10), (2024, 67, 0), (2027, 67, 0), (2028, 67, 3), (2031, 67, 3), (2010, 65, 0),
    ])
    func ageByYear(year: Int, years: Int, months: Int) {
        #expect(AOWLeeftijd.leeftijd(inJaar: year) == LeeftijdJaarMaand(jaren: years, maanden: months))
    }

    @Test("R11a — AOW date by birth date, across the changes of 2022–2028 (AOW art. 7a)", arguments: [
        ("1956-01-01", "2022-08-01"), ("1957-01-15", "2023-11-15"), ("1957-04-01", "2024-04-01"),
        ("1960-10-01", "2027-10-01"), ("1960-12-31", "2027-12-31"), ("1961-01-01", "2028-04-01"),
        ("1960-02-29", "2027-02-28"), ("1961-09-30", "2028-12-30"),
    ])
    func dateByBirth(born: String, aow: String) {
        #expect(AOWLeeftijd.datum(geboortedatum: d(born)) == d(aow))
    }

    @Test("R11a — dates in years not yet fixed by law are provisional (AOW art. 7a)", arguments: [
        ("1961-01-01", false), ("1961-09-30", false), ("1961-10-01", true), ("1990-01-01", true),
    ])
    func provisional(born: String, provisional: Bool) {
        #expect(AOWLeeftijd.isVoorlopig(geboortedatum: d(born)) == provisional)
    }

    @Test("R11 — obligation from 16 until AOW age; DUO's SS128 window is 6 months before (Wi2021 art. 3; SS128)")
    func obligationAges() {
        #expect(!InburgeringsplichtRule.heeftPlichtigeLeeftijd(geboortedatum: d("2008-06-01"), op: d("2024-05-31")))
        #expect(InburgeringsplichtRule.heeftPlichtigeLeeftijd(geboortedatum: d("2008-06-01"), op: d("2024-06-01")))
        #expect(InburgeringsplichtRule.heeftPlichtigeLeeftijd(geboortedatum: d("1960-10-01"), op: d("2027-09-30")))
        #expect(!InburgeringsplichtRule.heeftPlichtigeLeeftijd(geboortedatum: d("1960-10-01"), op: d("2027-10-01")))
        #expect(InburgeringsplichtRule.aowSignaalVanaf(geboortedatum: d("1960-10-01")) == d("2027-04-01"))
    }
}
