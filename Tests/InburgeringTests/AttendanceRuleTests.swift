import Testing
@testable import Inburgering

@Suite("The attendance register: what counts, and when absence makes a signal")
struct AttendanceRuleTests {
    static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    @Test("Only a list the teacher confirmed counts; only those present get its hours", arguments: [
        (LessonStatus.open, true, 0),
        (.open, false, 0),
        (.cancelled, true, 0),
        (.confirmed, false, 0),
        (.confirmed, true, 3),
    ])
    func hours(status: LessonStatus, present: Bool, expected: Int) {
        #expect(AttendanceRule.hours(lesson: 3, status: status, present: present) == expected)
        #expect(AttendanceRule.counts(status) == (status == .confirmed))
    }

    @Test("Absence: the threshold within any window of the weeks, after the last signal, in any order", arguments: [
        // 3 in 4 weeks (the default).
        (["2027-01-04", "2027-01-11", "2027-01-18"], nil as String?, 3, 4, true),
        (["2027-01-18", "2027-01-04", "2027-01-11"], nil, 3, 4, true),
        (["2027-01-04", "2027-01-11"], nil, 3, 4, false),
        // 28 days apart is outside a window of 4 weeks (days 0…27).
        (["2027-01-04", "2027-01-18", "2027-02-01"], nil, 3, 4, false),
        (["2027-01-04", "2027-01-18", "2027-01-31"], nil, 3, 4, true),
        // After a signal only later absences count.
        (["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"], "2027-01-18", 3, 4, false),
        (["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-01-26", "2027-01-27"], "2027-01-18", 3, 4, true),
        // A municipality that signals every absence.
        (["2027-03-01"], nil, 1, 1, true),
    ])
    func signal(absences: [String], since: String?, lessons: Int, weeks: Int, expected: Bool) {
        #expect(AttendanceRule.isSignal(absences: absences.map(Self.day), since: since.map(Self.day),
                                        settings: AanwezigheidSettings(afwezigLessen: lessons, periodeWeken: weeks)) == expected)
    }

    @Test("A participant confirms only an open lesson, on its day", arguments: [
        (LessonStatus.open, "2027-01-04", true),
        (.open, "2027-01-05", false),
        (.confirmed, "2027-01-04", false),
        (.cancelled, "2027-01-04", false),
    ])
    func confirm(status: LessonStatus, today: String, expected: Bool) {
        #expect(AttendanceRule.mayConfirm(status: status, lessonDay: Self.day("2027-01-04"), today: Self.day(today)) == expected)
    }

    @Test("Hours of a lesson count as the brede intake's until the PIP is fixed", arguments: [
        (TrajectFase.signaal, true), (.gekoppeld, true), (.gehuisvest, true), (.bredeIntake, true),
        (.pipVastgesteld, false), (.inLeerroute, false), (.afgerond, false), (.beeindigd, false),
    ])
    func duringIntake(fase: TrajectFase, expected: Bool) {
        #expect(UrenRules.tijdensBredeIntake(fase: fase) == expected)
    }
}
