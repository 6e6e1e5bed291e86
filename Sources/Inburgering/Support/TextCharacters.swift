/// Which characters a text typed into Regie may hold — one rule for every door (the web forms, the
/// API, imports), checked before anything is stored or searched.
///
/// - No control characters (Unicode category Cc) but tab, line feed and carriage return: a NUL byte
///   cannot be stored in PostgreSQL at all, and the others only hide or mangle text in letters and
///   exports.
/// - In names (of people and files), also no tab or newline and none of the bidirectional
///   embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069), which make a name
///   display differently from what it is ("Trojan Source", CVE-2021-42574).
public enum TextCharacters {
    public enum Kind: Sendable {
        /// Free text: notes, titles, answers.
        case text
        /// A person's or a file's name: one line, no bidirectional controls.
        case name
    }

    public enum Problem: Sendable, Equatable {
        case controlCharacter(UInt32)
        case bidiControl(UInt32)
    }

    /// The first character `text` may not hold, or nil when it is clean.
    public static func problem(in text: some StringProtocol, as kind: Kind = .text) -> Problem? {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch kind {
            case .text:
                if scalar.properties.generalCategory == .control, v != 0x09, v != 0x0A, v != 0x0D { return .controlCharacter(v) }
            case .name:
                if scalar.properties.generalCategory == .control { return .controlCharacter(v) }
                if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return .bidiControl(v) }
            }
        }
        return nil
    }

    public static func isClean(_ text: some StringProtocol, as kind: Kind = .text) -> Bool { problem(in: text, as: kind) == nil }

    /// Text pasted from a PDF or a word processor carries page and line breaks as control characters
    /// (form feed, vertical tab, next line): a form turns them into the line break they stand for, as
    /// a browser turns CR LF into one, before the text is checked.
    public static func normalizingBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\u{0B}" || $0 == "\u{0C}" || $0 == "\u{85}" }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\u{0B}" || $0 == "\u{0C}" || $0 == "\u{85}" ? "\n" : $0 }))
    }
}
