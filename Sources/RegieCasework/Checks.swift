import Foundation
import Inburgering
import RegieStorage

/// Reads a door's raw values (a form field, a JSON string) into typed input, noting each value that
/// is not what its field holds. What the value means is the command's to check (`Checks`).
public struct InputReader: Sendable {
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    /// Trimmed text; nil when absent or empty.
    public func text(_ raw: String?) -> String? {
        guard let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// An ISO date (as a native date input or the API sends it).
    public mutating func date(_ field: String, _ raw: String?) -> CalendarDate? {
        guard let value = text(raw) else { return nil }
        guard let date = CalendarDate(iso: value) else {
            note(field, "validation.dateInvalid")
            return nil
        }
        return date
    }

    /// A whole number within `range`.
    public mutating func integer(_ field: String, _ raw: String?, range: ClosedRange<Int>) -> Int? {
        guard let value = text(raw) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            note(field, "validation.numberRange", ["min": .text(String(range.lowerBound)), "max": .text(String(range.upperBound))])
            return nil
        }
        return number
    }

    /// One of a closed set.
    public mutating func choice<E: RawRepresentable>(_ field: String, _ raw: String?, as type: E.Type) -> E? where E.RawValue == String {
        guard let value = text(raw) else { return nil }
        guard let choice = E(rawValue: value) else {
            note(field, "validation.choose")
            return nil
        }
        return choice
    }

    /// Each of a closed set; one unknown value is an issue.
    public mutating func choices<E: RawRepresentable>(_ field: String, _ raw: [String], as type: E.Type) -> [E] where E.RawValue == String {
        let values = raw.compactMap { text($0) }
        let parsed = values.compactMap(E.init(rawValue:))
        if parsed.count != values.count { note(field, "validation.choose") }
        return parsed
    }

    /// A checkbox: ticked when the form sends "ja" (the API sends a Boolean).
    public func flag(_ raw: String?) -> Bool { text(raw) == "ja" }

    public mutating func note(_ field: String, _ rule: String, _ arguments: [String: FieldIssue.Argument] = [:]) {
        guard !issues.contains(where: { $0.field == field }) else { return }
        issues.append(FieldIssue(field: field, rule: rule, arguments: arguments))
    }
}

/// A command's checks of its typed input: one issue per field (the first found), in the order the
/// fields are checked. Starts from what the door could not read, so a field never gets two messages.
public struct Checks: Sendable {
    public var labels: [String: String]
    private var found: [FieldIssue] = []
    /// What the door could not read, placed when its field is checked.
    private var unread: [FieldIssue]

    public init(labels: [String: String], read: [FieldIssue] = []) {
        self.labels = labels
        self.unread = read
    }

    public var issues: [FieldIssue] { found + unread }

    public var isValid: Bool { found.isEmpty && unread.isEmpty }

    public func failed(_ field: String) -> Bool { issues.contains { $0.field == field } }

    public mutating func fail(_ field: String, _ rule: String, _ arguments: [String: FieldIssue.Argument] = [:]) {
        guard !placed(field) else { return }
        found.append(FieldIssue(field: field, rule: rule, arguments: arguments))
    }

    /// A field whose typed value needs no check beyond being read: its unread value, if any, takes
    /// its place among the issues here.
    public mutating func read(_ field: String) {
        _ = placed(field)
    }

    /// Whether the field already has its issue (an unread value is placed now, in check order).
    mutating func placed(_ field: String) -> Bool {
        if let index = unread.firstIndex(where: { $0.field == field }) { found.append(unread.remove(at: index)) }
        return found.contains { $0.field == field }
    }

    /// The refusal to throw when a check failed.
    public func error(_ kind: CaseworkError.Kind = .invalid) -> CaseworkError {
        CaseworkError(kind, issues, labels: labels)
    }

    /// Text of at most `maxLength` code points (`TextLength`, as the API's spec counts) with only the
    /// characters `TextCharacters` allows for its kind (a name: one line, no bidi controls).
    public mutating func text(_ field: String, _ value: String?, required: Bool = true, maxLength: Int = 200,
                              characters: TextCharacters.Kind = .text) -> String? {
        guard !placed(field) else { return nil }
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required") }
            return nil
        }
        if !TextCharacters.isClean(value, as: characters) {
            fail(field, "validation.characters")
            return nil
        }
        if !TextLength.fits(value, within: maxLength) {
            fail(field, "validation.tooLong", ["max": .text(String(maxLength))])
            return nil
        }
        return value
    }

    /// The dates a field can plausibly hold: a birth date from 1900; anything that happens in a case
    /// (a signal, a conversation, a decision, a payment, a planned date) from 2000 to 2049 — so a
    /// typo such as 0224 or 2224 is caught, not stored as a real date.
    public enum Plausible: Sendable {
        case birth, event

        // Literal dates that exist: the force-unwraps cannot fail.
        static let birthRange = CalendarDate(year: 1900, month: 1, day: 1)!...CalendarDate(year: 2100, month: 12, day: 31)!
        static let eventRange = CalendarDate(year: 2000, month: 1, day: 1)!...CalendarDate(year: 2049, month: 12, day: 31)!

        public var range: ClosedRange<CalendarDate> { self == .birth ? Self.birthRange : Self.eventRange }
    }

    /// A date within the field's plausible range and, when given, not after `notAfter` (e.g. today for
    /// things that already happened) nor before `notBefore`.
    public mutating func date(_ field: String, _ value: CalendarDate?, required: Bool = true, notAfter: CalendarDate? = nil,
                              notBefore: CalendarDate? = nil, plausible: Plausible = .event) -> CalendarDate? {
        guard !placed(field) else { return nil }
        guard let date = value else {
            if required { fail(field, "validation.dateRequired") }
            return nil
        }
        guard plausible.range.contains(date) else {
            fail(field, "validation.dateImplausible", ["from": .text(String(plausible.range.lowerBound.year)),
                                                       "until": .text(String(plausible.range.upperBound.year))])
            return nil
        }
        if let notAfter, date > notAfter {
            fail(field, "validation.dateInFuture", ["date": .date(notAfter)])
            return nil
        }
        if let notBefore, date < notBefore {
            fail(field, "validation.dateTooEarly", ["date": .date(notBefore)])
            return nil
        }
        return date
    }

    /// A whole number within `range`.
    public mutating func integer(_ field: String, _ value: Int?, range: ClosedRange<Int>, required: Bool = true) -> Int? {
        guard !placed(field) else { return nil }
        guard let value else {
            if required { fail(field, "validation.required") }
            return nil
        }
        guard range.contains(value) else {
            fail(field, "validation.numberRange", ["min": .text(String(range.lowerBound)), "max": .text(String(range.upperBound))])
            return nil
        }
        return value
    }

    /// A choice that must be made.
    public mutating func choice<E>(_ field: String, _ value: E?, required: Bool = true) -> E? {
        guard !placed(field) else { return nil }
        if value == nil && required { fail(field, "validation.choose") }
        return value
    }
}

/// A record entered to correct an earlier one of the same kind (issue 15 item 3): the row it
/// replaces and why that one was wrong. The old row stays, withdrawn, pointing to the new one.
public struct Correcting: Sendable, Hashable {
    public var recordId: String
    public var reason: String?

    public init(recordId: String, reason: String?) {
        self.recordId = recordId
        self.reason = reason
    }

    /// The field the reason is checked and reported on, in every correcting form.
    public static let reasonField = "correctionReason"
    public static let reasonLabel = "correction.reason"
}

extension Checks {
    /// The replacement a correction asks for, with its reason required; nil for a new record.
    public mutating func replacement(_ correcting: Correcting?) -> Replacement? {
        guard let correcting else { return nil }
        labels[Correcting.reasonField] = Correcting.reasonLabel
        guard let reason = text(Correcting.reasonField, correcting.reason, maxLength: 500) else { return nil }
        return Replacement(id: correcting.recordId, reason: reason)
    }
}

extension Correcting {
    /// Runs a store change that may replace a record; the record to correct being already corrected
    /// or withdrawn (or not the person's) is refused on the reason field, not as a missing case.
    static func refusedUnlessCurrent<T>(_ change: () async throws -> T) async throws -> T {
        do {
            return try await change()
        } catch CaseworkStore.WithdrawError.notCurrent {
            var v = Checks(labels: [reasonField: reasonLabel])
            v.fail(reasonField, "correction.notCurrent")
            throw v.error()
        }
    }
}
