/// OINs for development, demos and tests: never valid OINs of real organisations. Regie's
/// configuration and the DUO simulator use the same ones, so the two find each other without setup.
public enum DevelopmentOIN {
    /// DUO's development OIN.
    public static let duo = "00000009999999999000"

    /// A municipality's development OIN, from its code (`GM0988` or `0988`).
    public static func municipality(_ code: String) -> String {
        "00000009" + "0000" + String(code.suffix(4)) + "0000"
    }
}
