import Foundation
import Inburgering
import RegieStorage

extension Money {
    /// "€ 1.234,56" (Dutch) or "€1,234.56" (English), in the reader's language.
    static func format(_ cents: Int, _ locale: UILocale) -> String { format(cents, dutch: locale == .nl) }
}

/// The name of a kind of bill for people: the statutory kinds and leefgeld from the catalogue (so a
/// statement can be translated), a municipality's own kinds by the label its policy gives them.
enum SoortText {
    static func label(_ code: String, policy: OntzorgenBeleidRecord?, _ t: Catalogue, _ l: UILocale) -> String {
        if code == "leefgeld" { return t.text("ontzorgen.leefgeld", l) }
        if OntzorgSoort.standaard.contains(where: { $0.code == code }) { return t.text("ontzorgen.soorten.\(code)", l) }
        return (policy?.soortenList ?? []).first { $0.code == code }?.label ?? code
    }
}

extension Validator {
    /// A euro amount, at least `minimum` cents.
    mutating func amount(_ field: String, _ value: String?, label labelKey: String, minimum: Int = 1, required: Bool = true) -> Int? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required", ["field": catalogue.text(labelKey, locale)]) }
            return nil
        }
        guard let cents = Money.parse(value) else {
            fail(field, "ontzorgen.errors.amount", ["field": catalogue.text(labelKey, locale)])
            return nil
        }
        guard cents >= minimum else {
            fail(field, "ontzorgen.errors.amountMin", ["field": catalogue.text(labelKey, locale), "min": Money.format(minimum, locale)])
            return nil
        }
        return cents
    }

    /// An IBAN, mod-97 checked; returned compact and upper case.
    mutating func iban(_ field: String, _ value: String?, label labelKey: String, required: Bool = true) -> String? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "validation.required", ["field": catalogue.text(labelKey, locale)]) }
            return nil
        }
        do {
            return try IBAN(value).value
        } catch {
            switch error {
            case .format: fail(field, "ontzorgen.errors.ibanFormat", ["field": catalogue.text(labelKey, locale)])
            case .wrongLength(let country, let expected, let found):
                fail(field, "ontzorgen.errors.ibanLength", ["country": country, "expected": String(expected), "found": String(found)])
            case .checksum: fail(field, "ontzorgen.errors.ibanChecksum")
            }
            return nil
        }
    }
}
