/// Every rule the module encodes. Raw values are the ids used in the catalogue and the UI.
/// Sub-rules carry a letter suffix (R1a is a part of R1).
public enum RuleID: String, CaseIterable, Codable, Sendable, Comparable {
    /// Rights and duties per target group (Wi2021 art. 13–16).
    case r0 = "R0"
    case r1 = "R1"
    case r1a = "R1a"
    case r1b = "R1b"
    case r2 = "R2"
    case r3 = "R3"
    case r3a = "R3a"
    case r4 = "R4"
    case r4a = "R4a"
    case r5 = "R5"
    case r5a = "R5a"
    case r5b = "R5b"
    case r6 = "R6"
    case r7 = "R7"
    case r7a = "R7a"
    case r7b = "R7b"
    case r7c = "R7c"
    case r7d = "R7d"
    case r7e = "R7e"
    case r8 = "R8"
    case r8a = "R8a"
    case r8b = "R8b"
    case r8c = "R8c"
    case r9 = "R9"
    case r10 = "R10"
    case r11 = "R11"
    case r11a = "R11a"
    case r12 = "R12"
    case r13 = "R13"

    /// Position in `allCases`: R0, R1, R1a, R2 … R13.
    public var order: Int { RuleID.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.order < rhs.order }

    /// This rule's entry in the catalogue.
    public var ruleDescription: RuleDescription {
        RuleDescription.byID[self] ?? RuleDescription(id: self, title: rawValue, text: "", textEnglish: "", source: "")
    }

    /// The legal source of this rule, as printed in the catalogue.
    public var source: String { ruleDescription.source }
}
