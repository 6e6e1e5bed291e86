/// A municipality's logo for its letterhead and council overview (issue 16 item 2): a small PNG or
/// JPEG kept apart from the settings (which every page reads), loaded only for a letter.
enum M0024_Logos {
    static let migration = Migration(id: "M0024_Logos") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE municipality_logos (
                municipality_code TEXT PRIMARY KEY REFERENCES municipalities(code),
                content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
                data_base64 TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
        ]
    }
}
