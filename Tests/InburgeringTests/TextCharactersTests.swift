import Inburgering
import Testing

@Suite("Text characters — what a typed text may hold (one rule for every door)")
struct TextCharactersTests {
    @Test("Free text keeps tabs and line breaks, refuses NUL and other control characters", arguments: [
        ("Gesprek met tolk.\nVolgende keer om 10:00.", nil as TextCharacters.Problem?),
        ("kolom\tkolom\r\nregel", nil),
        ("Zoë, Ğülşen, 한글, العربية \u{202B}", nil),               // bidi controls are left to names
        ("a\u{0000}b", .controlCharacter(0x00)),
        ("bel\u{0007}", .controlCharacter(0x07)),
        ("\u{001B}[31m", .controlCharacter(0x1B)),
        ("del\u{007F}", .controlCharacter(0x7F)),
        ("c1\u{0085}", .controlCharacter(0x85)),
    ])
    func text(value: String, expected: TextCharacters.Problem?) {
        #expect(TextCharacters.problem(in: value, as: .text) == expected)
    }

    @Test("Names are one line without bidirectional overrides", arguments: [
        ("Amal Haddad", nil as TextCharacters.Problem?),
        ("عبد الله", nil),
        ("Jean-Luc O'Neil", nil),
        ("Amal\nHaddad", .controlCharacter(0x0A)),
        ("Amal\tHaddad", .controlCharacter(0x09)),
        ("\u{202E}dadaH", .bidiControl(0x202E)),
        ("invoice\u{202E}fdp.exe", .bidiControl(0x202E)),
        ("a\u{2066}b\u{2069}", .bidiControl(0x2066)),
        ("x\u{0000}", .controlCharacter(0x00)),
    ])
    func name(value: String, expected: TextCharacters.Problem?) {
        #expect(TextCharacters.problem(in: value, as: .name) == expected)
    }

    @Test("Page and line breaks pasted from a document become line breaks; nothing else changes", arguments: [
        ("pagina 1\u{0C}pagina 2", "pagina 1\npagina 2"), ("regel\u{0B}regel", "regel\nregel"), ("a\u{85}b", "a\nb"),
        ("gewoon\ttekst\n", "gewoon\ttekst\n"), ("a\u{0000}b", "a\u{0000}b"),
    ])
    func breaks(value: String, expected: String) {
        #expect(TextCharacters.normalizingBreaks(value) == expected)
    }
}
