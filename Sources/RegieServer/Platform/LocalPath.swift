/// The one place that decides whether a return address from a form or query (`terug=`) may be
/// followed: only a path on this site, which no browser can read as another site.
///
/// Browsers drop tabs and newlines from a URL and read a backslash as a slash, so `/\t/evil.example/`
/// and `/\evil.example` both become `//evil.example` — another site. A return path therefore starts
/// with one `/`, and holds no backslash, no whitespace and no control character at all.
enum LocalPath {
    static let maximumLength = 2000

    /// `value` if it is a safe local path, otherwise nil.
    static func safe(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), value.utf8.count <= maximumLength else { return nil }
        for scalar in value.unicodeScalars {
            let v = scalar.value
            if scalar == "\\" || v < 0x21 || v == 0x7F || (0x80...0x9F).contains(v) || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .format {
                return nil
            }
        }
        return value
    }

    /// `value` if it is a safe local path, otherwise `fallback`.
    static func safe(_ value: String?, or fallback: String) -> String { safe(value) ?? fallback }
}
