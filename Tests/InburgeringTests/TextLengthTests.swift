import Inburgering
import Testing

/// Every text limit counts Unicode code points, as JSON Schema's `maxLength` does — not grapheme
/// clusters (Swift's `Character`), which a spec-driven client cannot see.
@Suite("Text length — code points, as JSON Schema counts")
struct TextLengthTests {
    @Test("Length in code points, whatever the characters look like", arguments: [
        ("", 0, 0),
        ("Amal", 4, 4),
        ("Zoë", 3, 3),                                         // precomposed ë: one code point
        ("Zoe\u{0308}", 3, 4),                                 // e + combining diaeresis: one character, two code points
        ("\u{0E01} \u{0E33}\u{0E01}\u{0E33}", 3, 5),           // "ก ำกำ", Thai with sara am: the title CI's fuzzer sent
        ("\u{1F44D}\u{1F3FD}", 1, 2),                         // 👍🏽 emoji + skin-tone modifier
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", 1, 5), // 👨‍👩‍👧 family: three emoji joined by two ZWJ
        ("\u{1F1F3}\u{1F1F1}", 1, 2),                         // 🇳🇱 a flag: two regional indicators
        ("\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}", 2, 6), // 한글 written as jamo: 2 syllables, 6 code points
        ("\u{D55C}\u{AE00}", 2, 2),                           // 한글 as precomposed syllables
        ("a\r\nb", 3, 4),                                      // CR LF is one character, two code points
    ])
    func length(text: String, characters: Int, codePoints: Int) {
        #expect(text.count == characters, "the case shows how characters and code points differ")
        #expect(TextLength.of(text) == codePoints)
        #expect(TextLength.fits(text, within: codePoints))
        if codePoints > 0 { #expect(!TextLength.fits(text, within: codePoints - 1)) }
    }

    @Test("A limit counts the code points of repeated combining text, not what it looks like")
    func limit() {
        let title = String(repeating: "\u{0E01}\u{0E33}", count: 100)   // 100 characters, 200 code points
        #expect(title.count == 100)
        #expect(TextLength.fits(title, within: 200))
        #expect(!TextLength.fits(title + "\u{0E33}", within: 200), "a combining mark adds no character but one code point")
    }
}
