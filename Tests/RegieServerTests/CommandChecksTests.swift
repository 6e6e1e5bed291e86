import Inburgering
import RegieCasework
import Testing

/// The casework commands' checks of typed input: what a door could not read and what the command
/// refuses end up as one issue per field, naming the field and the rule, in the order of the fields.
@Suite("Casework commands: typed input, one issue per field naming its rule")
struct CommandChecksTests {
    @Test("Reading raw values: a date, a number in range, a choice; anything else is an issue naming the rule", arguments: [
        ("date", "2026-02-30", "validation.dateInvalid"),
        ("date", "18-11-2026", "validation.dateInvalid"),
        ("number", "41", "validation.numberRange"),
        ("number", "veertig", "validation.numberRange"),
        ("choice", "c", "validation.choose"),
    ])
    func unreadable(kind: String, raw: String, rule: String) {
        var reader = InputReader()
        switch kind {
        case "date": #expect(reader.date("f", raw) == nil)
        case "number": #expect(reader.integer("f", raw, range: 0...40) == nil)
        default: #expect(reader.choice("f", raw, as: Leerroute.self) == nil)
        }
        #expect(reader.issues.map(\.field) == ["f"])
        #expect(reader.issues.map(\.rule) == [rule])
    }

    @Test("Readable values come back typed; empty ones are absent, not an issue")
    func readable() {
        var reader = InputReader()
        #expect(reader.date("d", " 2026-11-18 ") == CalendarDate(year: 2026, month: 11, day: 18))
        #expect(reader.integer("n", "40", range: 0...40) == 40)
        #expect(reader.choice("c", "z", as: Leerroute.self) == .z)
        #expect(reader.date("e", "") == nil)
        #expect(reader.flag("ja") && !reader.flag("nee") && !reader.flag(nil))
        #expect(reader.issues.isEmpty)
    }

    @Test("An unread value keeps its place among the fields and is the field's only issue")
    func order() {
        var reader = InputReader()
        _ = reader.date("second", "niet-een-datum")
        var checks = Checks(labels: [:], read: reader.issues)
        _ = checks.text("first", nil)
        _ = checks.date("second", nil)                     // would be "required": the unread value's issue wins
        _ = checks.integer("third", 99, range: 0...40)
        checks.fail("second", "something.else")            // a field gets one issue
        #expect(checks.issues.map(\.field) == ["first", "second", "third"])
        #expect(checks.issues.map(\.rule) == ["validation.required", "validation.dateInvalid", "validation.numberRange"])
    }

    @Test("Dates: plausible range, not after, not before — each its own rule", arguments: [
        (CalendarDate(year: 1999, month: 12, day: 31)!, "validation.dateImplausible"),
        (CalendarDate(year: 2026, month: 11, day: 19)!, "validation.dateInFuture"),
        (CalendarDate(year: 2026, month: 1, day: 1)!, "validation.dateTooEarly"),
    ])
    func dates(date: CalendarDate, rule: String) {
        var checks = Checks(labels: ["d": "some.label"])
        let today = CalendarDate(year: 2026, month: 11, day: 18)!
        #expect(checks.date("d", date, notAfter: today, notBefore: CalendarDate(year: 2026, month: 6, day: 1)) == nil)
        #expect(checks.issues.map(\.rule) == [rule])
        #expect(checks.error().labels["d"] == "some.label", "the refusal carries the labels its messages name")
    }
}
