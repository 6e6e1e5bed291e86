import Inburgering
import RegieCasework

/// The spec's enums and the law module's carry the same raw values (the spec is written from the
/// law); they are mapped here, in one place, and `APIValueTests` proves every value of the spec maps.
enum APIValues {
    static func law<Law: RawRepresentable, Spec: RawRepresentable>(_ value: Spec?) -> Law? where Law.RawValue == String, Spec.RawValue == String {
        value.flatMap { Law(rawValue: $0.rawValue) }
    }

    static func spec<Spec: RawRepresentable, Law: RawRepresentable>(_ value: Law?) -> Spec? where Law.RawValue == String, Spec.RawValue == String {
        value.flatMap { Spec(rawValue: $0.rawValue) }
    }

    /// A stored raw value (a record's string column) as the spec's enum.
    static func spec<Spec: RawRepresentable>(stored value: String?) -> Spec? where Spec.RawValue == String {
        value.flatMap(Spec.init(rawValue:))
    }
}

/// The paging parameters every list of both API doors takes: a page size of 1 to 200 (default 50)
/// and a cursor of at most `cursorLength` code points (the generated code does not enforce
/// `maxLength`; JSON Schema counts code points).
enum APIPaging {
    static func limit(_ value: Int?) throws -> Int {
        let limit = value ?? 50
        guard (1...200).contains(limit) else {
            throw AppError.invalid(detail: "limit moet tussen 1 en 200 liggen.", fields: [.init(name: "limit", message: "moet tussen 1 en 200 liggen")])
        }
        return limit
    }

    static func cursor(_ after: String?, name: String = "after", within length: Int) throws {
        guard let after, !TextLength.fits(after, within: length) else { return }
        throw AppError.invalid(detail: "\(name) mag hoogstens \(length) tekens lang zijn.",
                               fields: [.init(name: name, message: "mag hoogstens \(length) tekens lang zijn")])
    }
}
