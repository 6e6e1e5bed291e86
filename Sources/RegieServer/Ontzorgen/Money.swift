import Foundation
import Inburgering
import RegieStorage

/// Amounts in euro cents: shown the Dutch way, typed the way people type them.
enum Money {
    /// "€ 1.234,56" (Dutch) or "€1,234.56" (English).
    static func format(_ cents: Int, _ locale: UILocale) -> String {
        let negative = cents < 0
        let value = abs(cents)
        let (thousands, decimal) = locale == .nl ? (".", ",") : (",", ".")
        var whole = String(value / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = thousands + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let text = "\(whole)\(grouped)\(decimal)\(String(format: "%02d", value % 100))"
        return (negative ? "- " : "") + (locale == .nl ? "€ \(text)" : "€\(text)")
    }

    /// For a form field: "1234,56" (no thousands separator), so it reads back the same.
    static func field(_ cents: Int) -> String {
        "\(cents / 100),\(String(format: "%02d", cents % 100))"
    }

    /// Cents from "1234", "1234,5", "1.234,56", "1234.56" or "€ 12,50"; nil when it is no amount.
    static func parse(_ text: String) -> Int? {
        var s = text.replacingOccurrences(of: "€", with: "").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }) else { return nil }
        if s.contains(",") {
            let parts = s.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let whole = parts[0]
            // Thousands separators only in groups of three.
            if whole.contains(".") {
                let groups = whole.split(separator: ".", omittingEmptySubsequences: false)
                guard groups.dropFirst().allSatisfy({ $0.count == 3 }), !(groups.first ?? "").isEmpty else { return nil }
            }
            s = whole.replacingOccurrences(of: ".", with: "") + "." + parts[1]
        } else if s.filter({ $0 == "." }).count > 1 || (s.contains(".") && (s.split(separator: ".").last?.count ?? 0) == 3) {
            // "1.234" or "1.234.567": thousands separators.
            let groups = s.split(separator: ".", omittingEmptySubsequences: false)
            guard groups.dropFirst().allSatisfy({ $0.count == 3 }), !(groups.first ?? "").isEmpty else { return nil }
            s = s.replacingOccurrences(of: ".", with: "")
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])), whole < 100_000_000 else { return nil }
        var cents = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard fraction.count >= 1, fraction.count <= 2, let f = Int(fraction) else { return nil }
            cents = fraction.count == 1 ? f * 10 : f
        }
        return whole * 100 + cents
    }
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
