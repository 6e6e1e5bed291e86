/// One rule in plain language with its legal source.
public struct RuleDescription: Hashable, Sendable, Codable, Identifiable {
    public let id: RuleID
    /// Short Dutch title.
    public let title: String
    /// Plain-language Dutch text, as a case worker would read it.
    public let text: String
    public let textEnglish: String
    /// The law article or DUO's published specification the rule comes from (shown to users).
    public let source: String

    public init(id: RuleID, title: String, text: String, textEnglish: String, source: String) {
        self.id = id
        self.title = title
        self.text = text
        self.textEnglish = textEnglish
        self.source = source
    }

    /// Every rule, in RuleID order, collected from the rule types themselves (see `LegalRules.all`).
    public static let catalogue: [RuleDescription] =
        LegalRules.all.flatMap { $0.descriptions }.sorted { $0.id < $1.id }

    static let byID: [RuleID: RuleDescription] = Dictionary(
        catalogue.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// The catalogue as Markdown, for docs and the "rules" page.
    public static func catalogueMarkdown() -> String {
        var lines = ["| Id | Regel | Uitleg | Explanation | Bron |", "|---|---|---|---|---|"]
        for rule in catalogue {
            func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
            lines.append("| \(rule.id.rawValue) | \(cell(rule.title)) | \(cell(rule.text)) | \(cell(rule.textEnglish)) | \(cell(rule.source)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A type that implements one or more rules and describes them itself, so the catalogue is built
/// from the code that enforces the rules.
public protocol LegalRule {
    static var descriptions: [RuleDescription] { get }
}

/// The registry of rule types. A test asserts that every `RuleID` is described exactly once, so a
/// rule type missing here (or a duplicate) fails the build's tests.
public enum LegalRules {
    public static var all: [any LegalRule.Type] {
        [
            DoelgroepRechten.self,
            PIPDeadlineRule.self,
            InburgeringstermijnRule.self,
            LeerbaarheidstoetsRule.self,
            RouteDeviationRule.self,
            PIPContentRule.self,
            BredeIntakeRule.self,
            VoortgangRule.self,
            PIPValidator.self,
            LeerrouteRules.self,
            UrenRules.self,
            OntzorgenRule.self,
            OntzorgenBetaalRule.self,
            HandhavingRule.self,
            TermijnVerlengingRule.self,
            InburgeringsplichtRule.self,
            AOWLeeftijd.self,
            LateOfferRule.self,
            CBSLeveringRule.self,
        ]
    }
}
