import Testing
@testable import Inburgering

@Suite("Termijn — counting terms (Awb art. 6:8)")
struct TermijnTests {
    @Test("Terms — PIP dated 1 May 2024 gives a term from 2 May 2024 to 1 May 2027 (Wi2021 art. 11)")
    func pipFirstOfMay() {
        let term = Termijn.years(3).period(afterTrigger: d("2024-05-01"))
        #expect(term.start == d("2024-05-02"))
        #expect(term.end == d("2027-05-01"))
        #expect(term.exclusiveEnd == d("2027-05-02"))
        #expect(term.lengthInDays == 1095)
    }

    @Test("Terms — PIP dated 29 February 2024 gives 1 March 2024 to 28 February 2027 (Wi2021 art. 11)")
    func pipLeapDay() {
        let term = Termijn.years(3).period(afterTrigger: d("2024-02-29"))
        #expect(term.start == d("2024-03-01"))
        #expect(term.end == d("2027-02-28"))
    }

    @Test("Terms — bijstand from 15 March 2024 gives ontzorgen until 14 September 2024 (Pw art. 56a)")
    func ontzorgenMidMonth() {
        let term = Termijn.months(6).period(startingOn: d("2024-03-15"))
        #expect(term.start == d("2024-03-15"))
        #expect(term.end == d("2024-09-14"))
    }

    @Test("Terms — bijstand from 31 August 2024 gives ontzorgen until 28 February 2025 (Pw art. 56a)")
    func ontzorgenMonthEnd() {
        #expect(Termijn.months(6).period(startingOn: d("2024-08-31")).end == d("2025-02-28"))
    }

    @Test("Terms — a PIP deadline is the triggering date + 70 days (Besluit inburgering 2021 art. 5.3)", arguments: [
        ("2024-01-01", "2024-03-11"), ("2024-02-29", "2024-05-09"), ("2023-12-25", "2024-03-04"),
        ("2024-02-01", "2024-04-11"), ("2023-02-01", "2023-04-12"), ("2024-10-31", "2025-01-09"),
    ])
    func pipDeadline(trigger: String, expected: String) {
        let term = Termijn.weeks(10).period(afterTrigger: d(trigger))
        #expect(term.end == d(expected))
        #expect(term.end == d(trigger).adding(days: 70))
        #expect(term.start == d(trigger).adding(days: 1))
    }

    @Test("Terms — where the corresponding day does not exist the term ends on that month's last day", arguments: [
        ("2024-01-29", 1, "2024-02-28"), // 29 Feb 2024 exists: the day before it
        ("2024-01-30", 1, "2024-02-29"), // 30 Feb does not exist: last day of February
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-29", 1, "2023-02-28"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-03-31", 6, "2024-09-30"), // 31 Sep does not exist
        ("2024-03-30", 6, "2024-09-29"),
        ("2024-05-01", 1, "2024-05-31"),
        ("2024-12-01", 3, "2025-02-28"),
    ])
    func monthEnds(start: String, months: Int, expected: String) {
        #expect(Termijn.months(months).lastDay(startingOn: d(start)) == d(expected))
    }

    @Test("Terms — days and weeks count whole days; a period contains both ends")
    func daysAndWeeks() {
        let twoWeeks = Termijn.weeks(2).period(afterTrigger: d("2024-04-05"))
        #expect(twoWeeks == Period(start: d("2024-04-06"), end: d("2024-04-19")))
        #expect(twoWeeks.contains(d("2024-04-06")) && twoWeeks.contains(d("2024-04-19")))
        #expect(!twoWeeks.contains(d("2024-04-05")) && !twoWeeks.contains(d("2024-04-20")))
        #expect(Termijn.days(1).period(startingOn: d("2024-04-06")).end == d("2024-04-06"))
    }
}
