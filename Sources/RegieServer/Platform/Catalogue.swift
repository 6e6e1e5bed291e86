import Foundation
import Mustache

/// The languages of the interface: Dutch by default, English by user preference.
public enum UILocale: String, Sendable, CaseIterable {
    case nl, en
}

/// The translation catalogue: every string of the interface, per language, from
/// `Resources/Locales/<code>.json` (nested objects, so a template says `{{t.login.title}}`).
public struct Catalogue: Sendable {
    /// A catalogue entry: a text, or a group of entries. Templates walk it as a Mustache parent.
    public indirect enum Node: Decodable, Sendable, MustacheParent {
        case text(String)
        case group([String: Node])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .group(try container.decode([String: Node].self))
            }
        }

        public func child(named name: String) -> Any? {
            guard case .group(let children) = self, let child = children[name] else { return nil }
            if case .text(let text) = child { return text }
            return child
        }

        func lookup(_ path: [Substring]) -> String? {
            guard let first = path.first else {
                if case .text(let text) = self { return text }
                return nil
            }
            guard case .group(let children) = self, let child = children[String(first)] else { return nil }
            return child.lookup(Array(path.dropFirst()))
        }

        /// Every key path that leads to a text, e.g. `login.title`.
        func keyPaths(prefix: String = "") -> Set<String> {
            switch self {
            case .text: return [prefix]
            case .group(let children):
                return children.reduce(into: Set<String>()) { result, entry in
                    result.formUnion(entry.value.keyPaths(prefix: prefix.isEmpty ? entry.key : "\(prefix).\(entry.key)"))
                }
            }
        }
    }

    let roots: [UILocale: Node]

    public init(roots: [UILocale: Node]) {
        self.roots = roots
    }

    public static func load(from directory: URL) throws -> Catalogue {
        var roots: [UILocale: Node] = [:]
        for locale in UILocale.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(locale.rawValue).json"))
            roots[locale] = try JSONDecoder().decode(Node.self, from: data)
        }
        return Catalogue(roots: roots)
    }

    /// The tree for templates (`t`).
    public func root(_ locale: UILocale) -> Node {
        roots[locale] ?? roots[.nl] ?? .group([:])
    }

    /// One text, with `{name}` placeholders filled in. A missing key falls back to Dutch, then to
    /// the key itself (tests make sure no key is missing).
    public func text(_ key: String, _ locale: UILocale, _ arguments: [String: String] = [:]) -> String {
        let path = key.split(separator: ".")
        let text = roots[locale]?.lookup(path) ?? roots[.nl]?.lookup(path) ?? key
        return arguments.isEmpty ? text : Self.fill(text, arguments)
    }

    /// Replaces each `{name}` whose name is an argument by its value, in one pass; other braces
    /// stay as they are, and a value is never read for placeholders itself.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = arguments[String(rest[afterOpen..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        result += rest
        return result
    }

    public func keyPaths(_ locale: UILocale) -> Set<String> {
        roots[locale]?.keyPaths() ?? []
    }
}

/// The catalogue in one language: a request's texts in the reader's language
/// (`services.localizer(context)`), or a letter's, always Dutch. `t("key")`, `t("key", ["n": "3"])`.
public struct Localizer: Sendable {
    public let catalogue: Catalogue
    public let locale: UILocale

    public init(catalogue: Catalogue, locale: UILocale) {
        self.catalogue = catalogue
        self.locale = locale
    }

    public func callAsFunction(_ key: String, _ arguments: [String: String] = [:]) -> String {
        catalogue.text(key, locale, arguments)
    }
}
