/// The one way Regie measures the length of a text against a limit: in Unicode code points
/// (scalars), as JSON Schema's `maxLength` counts them (JSON Schema Validation 2020-12, §6.3.1) and as
/// PostgreSQL's `length()` and `varchar(n)` and SQLite's `length()` on text do. Every door — the
/// web forms, `/api/v1` and the stores — uses it, so a text one door accepts is never refused (or
/// accepted beyond its limit) by another.
///
/// Not `String.count`, which counts grapheme clusters: "ก ำกำ" is 3 characters but 5 code points, an
/// emoji with a skin-tone modifier is 1 character but 2 code points, and Hangul written as jamo is one
/// syllable per 2–3 code points.
public enum TextLength {
    /// The length of `text` in Unicode code points.
    public static func of(_ text: some StringProtocol) -> Int { text.unicodeScalars.count }

    /// Whether `text` is at most `limit` code points long.
    public static func fits(_ text: some StringProtocol, within limit: Int) -> Bool {
        // Stops counting past the limit, so a huge text costs no more than the limit to refuse.
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > limit { return false }
        }
        return true
    }
}
