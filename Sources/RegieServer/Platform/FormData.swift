import Foundation
import Inburgering

/// A decoded `application/x-www-form-urlencoded` body (or query string): repeated names keep
/// every value, in order.
public struct FormData: Sendable, Hashable {
    public internal(set) var values: [String: [String]] = [:]

    public init() {}

    /// Values to prefill a form with (empty values are left out).
    public init(pairs: [(String, String)]) {
        for (name, value) in pairs where !value.isEmpty { values[name, default: []].append(value) }
    }

    public init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value, trimmed; nil when absent or empty.
    public subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The value exactly as typed (for passwords).
    public func raw(_ name: String) -> String? {
        values[name]?.first
    }

    public func all(_ name: String) -> [String] {
        values[name] ?? []
    }

    /// The first value (after `prefix`, which it must start with) as one of a closed set; nil when
    /// absent or not one of it. For filters and links, which ignore what they do not know, and for
    /// forms that say so themselves; a command's input reads through `InputReader`.
    public func choice<E: RawRepresentable>(_ name: String, _ type: E.Type, prefix: String = "") -> E? where E.RawValue == String {
        guard let value = self[name], value.hasPrefix(prefix) else { return nil }
        return E(rawValue: String(value.dropFirst(prefix.count)))
    }

    /// Every value as one of a closed set, in order; nil when any value is not one of it.
    public func choices<E: RawRepresentable>(_ name: String, _ type: E.Type) -> [E]? where E.RawValue == String {
        let values = all(name)
        let parsed = values.compactMap(E.init(rawValue:))
        return parsed.count == values.count ? parsed : nil
    }

    /// The first value as an ISO date; nil when absent or not a date (as `choice`).
    public func date(_ name: String) -> CalendarDate? {
        self[name].flatMap(CalendarDate.init(iso:))
    }
}
