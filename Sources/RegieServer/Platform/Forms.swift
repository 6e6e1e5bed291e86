import Foundation
import HTTPTypes
import Inburgering

/// One form field as the shared `fields` partial renders it: label, hint, the value as typed, the
/// message beside the field, and for choices the options. Templates stay logic-less, so the kind
/// is a set of flags.
struct FieldView {
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
    /// The choices as dictionaries: Mustache reads them much faster than reflected structs, which
    /// matters for a team lead's select of every case worker.
    let options: [[String: Any]]
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
        self.options = options.map { ["value": $0.0, "label": $0.1, "selected": chosen.contains($0.0), "id": "\(name)-\($0.0)"] }
    }
}

/// The error summary at the top of a form: each message links to its field.
struct ErrorSummary {
    struct Item { let field: String; let message: String }
    let items: [Item]
    let hasErrors: Bool

    init(_ errors: [AppError.FieldError]) {
        items = errors.map { Item(field: $0.name, message: $0.message) }
        hasErrors = !errors.isEmpty
    }
}

/// Server-side validation of typed input, collecting one specific Dutch (or English) message per
/// field from the catalogue. Values come back typed; errors end up beside the field.
struct Validator {
    let catalogue: Catalogue
    let locale: UILocale
    private(set) var errors: [AppError.FieldError] = []

    init(_ catalogue: Catalogue, _ locale: UILocale) {
        self.catalogue = catalogue
        self.locale = locale
    }

    var isValid: Bool { errors.isEmpty }

    mutating func fail(_ field: String, _ key: String, _ arguments: [String: String] = [:]) {
        guard !errors.contains(where: { $0.name == field }) else { return }
        errors.append(.init(name: field, message: catalogue.text(key, locale, arguments)))
    }

    private func label(_ key: String) -> String { catalogue.text(key, locale) }

    /// Required text, at most `maxLength` code points (`TextLength`, as the API's spec counts), with
    /// only the characters `TextCharacters` allows for its kind (a name: one line, no bidi controls).
    mutating func text(_ field: String, _ value: String?, label labelKey: String, required: Bool = true, maxLength: Int = 200,
                       characters: TextCharacters.Kind = .text) -> String? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required", ["field": label(labelKey)]) }
            return nil
        }
        if !TextCharacters.isClean(value, as: characters) {
            fail(field, "validation.characters", ["field": label(labelKey)])
            return nil
        }
        if !TextLength.fits(value, within: maxLength) {
            fail(field, "validation.tooLong", ["field": label(labelKey), "max": String(maxLength)])
            return nil
        }
        return value
    }

    /// The dates a field can plausibly hold: a birth date from 1900; anything that happens in a case
    /// (a signal, a conversation, a decision, a payment, a planned date) from 2000 to 2049 — so a
    /// typo such as 0224 or 2224 is caught, not stored as a real date.
    enum Plausible {
        case birth, event

        // Literal dates that exist: the force-unwraps cannot fail.
        static let birthRange = CalendarDate(year: 1900, month: 1, day: 1)!...CalendarDate(year: 2100, month: 12, day: 31)!
        static let eventRange = CalendarDate(year: 2000, month: 1, day: 1)!...CalendarDate(year: 2049, month: 12, day: 31)!

        var range: ClosedRange<CalendarDate> { self == .birth ? Self.birthRange : Self.eventRange }
    }

    /// An ISO date (as a native date input sends it), within the field's plausible range and, when
    /// `notAfter` is given, not after it (e.g. today for things that already happened).
    mutating func date(_ field: String, _ value: String?, label labelKey: String, required: Bool = true, notAfter: CalendarDate? = nil,
                       notBefore: CalendarDate? = nil, plausible: Plausible = .event) -> CalendarDate? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.dateRequired", ["field": label(labelKey)]) }
            return nil
        }
        guard let date = CalendarDate(iso: value) else {
            fail(field, "validation.dateInvalid", ["field": label(labelKey)])
            return nil
        }
        guard plausible.range.contains(date) else {
            fail(field, "validation.dateImplausible", ["field": label(labelKey), "from": String(plausible.range.lowerBound.year),
                                                       "until": String(plausible.range.upperBound.year)])
            return nil
        }
        if let notAfter, date > notAfter {
            fail(field, "validation.dateInFuture", ["field": label(labelKey), "date": DisplayDate.format(notAfter.iso, locale)])
            return nil
        }
        if let notBefore, date < notBefore {
            fail(field, "validation.dateTooEarly", ["field": label(labelKey), "date": DisplayDate.format(notBefore.iso, locale)])
            return nil
        }
        return date
    }

    /// A whole number within `range`.
    mutating func integer(_ field: String, _ value: String?, label labelKey: String, range: ClosedRange<Int>, required: Bool = true) -> Int? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required", ["field": label(labelKey)]) }
            return nil
        }
        guard let number = Int(value), range.contains(number) else {
            fail(field, "validation.numberRange", ["field": label(labelKey), "min": String(range.lowerBound), "max": String(range.upperBound)])
            return nil
        }
        return number
    }

    /// One of a closed set.
    mutating func choice<E: RawRepresentable>(_ field: String, _ value: String?, label labelKey: String, as type: E.Type,
                                              required: Bool = true) -> E? where E.RawValue == String {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.choose", ["field": label(labelKey)]) }
            return nil
        }
        guard let choice = E(rawValue: value) else {
            fail(field, "validation.choose", ["field": label(labelKey)])
            return nil
        }
        return choice
    }
}

extension String {
    /// Nil for an empty string: Mustache renders a section for any string, empty ones too.
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// The notice after a saved form (`?melding=key`), only for keys the page knows.
enum FormNotice {
    static func text(_ context: RegieRequestContext, prefix: String, keys: Set<String>, _ t: Catalogue) -> String? {
        context.form["melding"].flatMap { keys.contains($0) ? t.text("\(prefix).\($0)", context.locale) : nil }
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

extension FormData {
    /// An API body as form values, so the API and the web share one validation: strings as they
    /// are, numbers as digits, `true` as "ja", arrays as repeated values; nulls and `false` absent.
    init(encoding body: some Encodable) throws {
        self.init()
        let object = try JSONDecoder().decode([String: JSONValue].self, from: try JSONEncoder().encode(body))
        for (name, value) in object {
            for item in value.formValues { values[name, default: []].append(item) }
        }
    }
}

/// Just enough of JSON to flatten an API body into form values.
private enum JSONValue: Decodable {
    case bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .other }
    }

    var formValues: [String] {
        switch self {
        case .bool(let value): value ? ["ja"] : []
        case .int(let value): [String(value)]
        case .double(let value): [String(value)]
        case .string(let value): [value]
        case .array(let items): items.flatMap(\.formValues)
        case .other: []
        }
    }
}
