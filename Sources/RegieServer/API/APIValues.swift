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
