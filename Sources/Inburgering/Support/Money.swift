import Foundation

/// Amounts in euro cents: shown the Dutch way, typed the way people type them.
public enum Money {
    /// "€ 1.234,56" (Dutch) or "€1,234.56" (English).
    public static func format(_ cents: Int, dutch: Bool = true) -> String {
        let negative = cents < 0
        let value = abs(cents)
        let (thousands, decimal) = dutch ? (".", ",") : (",", ".")
        var whole = String(value / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = thousands + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let text = "\(whole)\(grouped)\(decimal)\(String(format: "%02d", value % 100))"
        return (negative ? "- " : "") + (dutch ? "€ \(text)" : "€\(text)")
    }

    /// For a form field: "1234,56" (no thousands separator), so it reads back the same.
    public static func field(_ cents: Int) -> String {
        "\(cents / 100),\(String(format: "%02d", cents % 100))"
    }

    /// Cents from "1234", "1234,5", "1.234,56", "1234.56" or "€ 12,50"; nil when it is no amount.
    public static func parse(_ text: String) -> Int? {
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
