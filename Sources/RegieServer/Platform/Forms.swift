import Foundation
import HTTPTypes
import Inburgering
import RegieCasework

/// One form field as the shared `fields` partial renders it: label, hint, the value as typed, the
/// message beside the field, and for choices the options. Templates stay logic-less, so the kind
/// is a set of flags.
struct FieldView: Encodable {
    let name: String
    let id: String
    let label: String
    let hint: String
    let hasHint: Bool
    let error: String
    let hasError: Bool
    let value: String
    let inputType: String
    let required: Bool
    let isInput: Bool
    let isTextarea: Bool
    let isSelect: Bool
    let isCheckbox: Bool
    let isCheckboxes: Bool
    let isRadios: Bool
    let checked: Bool
    struct Option: Encodable { let value: String; let label: String; let selected: Bool; let id: String }
    let options: [Option]
    let extra: String
    let describedBy: String
    let hasDescribedBy: Bool

    enum Kind { case input(String), textarea, select, checkbox, checkboxes, radios }

    /// `id` distinguishes fields of the same name in several forms on one page (default: the name).
    init(_ kind: Kind, name: String, id: String? = nil, label: String, hint: String? = nil, value: String = "", values: [String] = [],
         options: [(String, String)] = [], required: Bool = false, errors: [AppError.FieldError], extra: String = "") {
        self.name = name
        let id = id ?? name
        self.id = id
        self.label = label
        self.hint = hint ?? ""
        self.hasHint = hint != nil
        let message = errors.first { $0.name == name }?.message
        self.error = message ?? ""
        self.hasError = message != nil
        self.value = value
        self.required = required
        self.extra = extra
        describedBy = [hint != nil ? "\(id)-hint" : nil, message != nil ? "\(id)-error" : nil].compactMap { $0 }.joined(separator: " ")
        hasDescribedBy = !describedBy.isEmpty
        var inputType = "text"
        var flags = (input: false, textarea: false, select: false, checkbox: false, checkboxes: false, radios: false)
        switch kind {
        case .input(let type): inputType = type; flags.input = true
        case .textarea: flags.textarea = true
        case .select: flags.select = true
        case .checkbox: flags.checkbox = true
        case .checkboxes: flags.checkboxes = true
        case .radios: flags.radios = true
        }
        self.inputType = inputType
        isInput = flags.input
        isTextarea = flags.textarea
        isSelect = flags.select
        isCheckbox = flags.checkbox
        isCheckboxes = flags.checkboxes
        isRadios = flags.radios
        checked = flags.checkbox && (value == "ja")
        let chosen = Set(values.isEmpty ? [value] : values)
        self.options = options.map { Option(value: $0.0, label: $0.1, selected: chosen.contains($0.0), id: "\(id)-\($0.0)") }
    }
}

/// The error summary at the top of a form: each message links to its field.
struct ErrorSummary: Encodable {
    struct Item: Encodable { let field: String; let message: String }
    let items: [Item]
    let hasErrors: Bool

    /// `suffix`: the fields' ids end in it (a form repeated per row, e.g. `hours-<id>`).
    init(_ errors: [AppError.FieldError], idSuffix suffix: String = "") {
        items = errors.map { Item(field: $0.name + suffix, message: $0.message) }
        hasErrors = !errors.isEmpty
    }
}

/// Validation of a web form's raw values for the pages outside casework (settings, accounts,
/// addresses): the law module's and `RegieCasework`'s checks, with each message localised from the
/// catalogue at once. Casework commands use `Checks` directly and are localised by their door.
struct Validator {
    let t: Localizer
    private var checks = Checks(labels: [:])

    init(_ t: Localizer) {
        self.t = t
    }

    var isValid: Bool { checks.isValid }
    var errors: [AppError.FieldError] { t.catalogue.fieldErrors(checks.issues, labels: checks.labels, t.locale) }

    mutating func fail(_ field: String, _ key: String, _ arguments: [String: String] = [:]) {
        checks.fail(field, key, arguments.mapValues { .text($0) })
    }

    /// Reads one raw value, keeping what could not be read as the field's issue.
    private mutating func read<T>(_ field: String, label: String, _ parse: (inout InputReader) -> T?) -> T? {
        checks.labels[field] = label
        var reader = InputReader()
        let value = parse(&reader)
        for issue in reader.issues { checks.fail(issue.field, issue.rule, issue.arguments) }
        return value
    }

    mutating func text(_ field: String, _ value: String?, label: String, required: Bool = true, maxLength: Int = 200,
                       characters: TextCharacters.Kind = .text) -> String? {
        checks.labels[field] = label
        return checks.text(field, value, required: required, maxLength: maxLength, characters: characters)
    }

    mutating func date(_ field: String, _ value: String?, label: String, required: Bool = true, notAfter: CalendarDate? = nil,
                       notBefore: CalendarDate? = nil, plausible: Checks.Plausible = .event) -> CalendarDate? {
        let date = read(field, label: label) { $0.date(field, value) }
        guard !checks.failed(field) else { return nil }
        return checks.date(field, date, required: required, notAfter: notAfter, notBefore: notBefore, plausible: plausible)
    }

    mutating func integer(_ field: String, _ value: String?, label: String, range: ClosedRange<Int>, required: Bool = true) -> Int? {
        let number = read(field, label: label) { $0.integer(field, value, range: range) }
        guard !checks.failed(field) else { return nil }
        return checks.integer(field, number, range: range, required: required)
    }

    /// An IBAN, mod-97 checked; returned compact and upper case.
    mutating func iban(_ field: String, _ value: String?, label: String, required: Bool = true) -> String? {
        checks.labels[field] = label
        return checks.iban(field, value, required: required)
    }

    mutating func choice<E: RawRepresentable>(_ field: String, _ value: String?, label: String, as type: E.Type,
                                              required: Bool = true) -> E? where E.RawValue == String {
        let choice = read(field, label: label) { $0.choice(field, value, as: type) }
        guard !checks.failed(field) else { return nil }
        return checks.choice(field, choice, required: required)
    }
}

extension Catalogue {
    /// A command's field issues as messages in the reader's language, each naming its field's label.
    func fieldErrors(_ issues: [FieldIssue], labels: [String: String], _ locale: UILocale) -> [AppError.FieldError] {
        issues.map { issue in
            var arguments = issue.arguments.mapValues { argumentText($0, locale) }
            if arguments["field"] == nil, let label = labels[issue.field] { arguments["field"] = text(label, locale) }
            return AppError.FieldError(name: issue.field, message: text(issue.rule, locale, arguments))
        }
    }

    func argumentText(_ argument: FieldIssue.Argument, _ locale: UILocale) -> String {
        switch argument {
        case .text(let text): text
        case .label(let key): self.text(key, locale)
        case .date(let date): DisplayDate.format(date.iso, locale)
        case .problem(let problem): LawText.problem(problem, Localizer(catalogue: self, locale: locale))
        case .month(let iso): MonthText.name(iso, locale)
        case .words(let parts): parts.map { argumentText($0, locale) }.joined(separator: " ")
        }
    }

    /// A refused command as the web form shows it: the messages beside the fields, and the status.
    func formErrors(_ error: CaseworkError, _ locale: UILocale) -> FormErrors {
        let fields = fieldErrors(error.issues, labels: error.labels, locale)
        switch error.kind {
        case .invalid: return FormErrors(fields)
        case .forbidden: return FormErrors(fields, status: .forbidden)
        case .conflict(let existing): return FormErrors(fields, status: .conflict, existingId: existing)
        case .rejected: return FormErrors(fields, status: .unprocessableContent)
        case .tooLarge: return FormErrors(fields, status: .contentTooLarge)
        }
    }
}

extension String {
    /// Nil for an empty string: Mustache renders a section for any string, empty ones too.
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// The notice after a saved form (`?melding=key`), only for keys the page knows.
enum FormNotice {
    static func text(_ context: RegieRequestContext, prefix: String, keys: Set<String>, _ t: Localizer) -> String? {
        context.form["melding"].flatMap { keys.contains($0) ? t("\(prefix).\($0)") : nil }
    }
}

/// Field errors of a form or API body that failed validation, with the status to answer.
struct FormErrors: Error {
    let fields: [AppError.FieldError]
    var status: HTTPResponse.Status = .badRequest
    /// For a duplicate: the existing record the caller may open.
    var existingId: String?

    init(_ fields: [AppError.FieldError], status: HTTPResponse.Status = .badRequest, existingId: String? = nil) {
        self.fields = fields
        self.status = status
        self.existingId = existingId
    }
}
