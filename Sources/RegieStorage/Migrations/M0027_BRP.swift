/// The BRP link (issue 17 item 3):
/// - `brp_records`: the BRP's latest answer per person (sealed: it holds name, address and household),
///   when and why it was asked, and when it was taken over into the file;
/// - `brp_queue`: persons to look up — a case opened on a DUO signal, a scheduled refresh, a button —
///   with attempts and the next try, so a failed call is retried and never dropped;
/// - on `persons`: where the details came from (`handmatig` or `brp`) and what the BRP said that
///   changes what Regie shows and sends: secrecy of personal details, a death, a move elsewhere.
enum M0027_BRP {
    static let migration = Migration(id: "M0027_BRP") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE brp_records (
                person_id TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
                found INTEGER NOT NULL CHECK (found IN (0, 1)),
                content_sealed TEXT,
                purpose TEXT NOT NULL,
                fetched_at \(bigint) NOT NULL,
                fetched_by TEXT NOT NULL,
                applied_at \(bigint),
                applied_by TEXT
            )
            """,
            """
            CREATE TABLE brp_queue (
                person_id TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
                purpose TEXT NOT NULL,
                due_at \(bigint) NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX brp_queue_by_due ON brp_queue (due_at)",
            "ALTER TABLE persons ADD COLUMN details_source TEXT NOT NULL DEFAULT 'handmatig' CHECK (details_source IN ('handmatig', 'brp'))",
            "ALTER TABLE persons ADD COLUMN brp_secret INTEGER NOT NULL DEFAULT 0 CHECK (brp_secret IN (0, 1))",
            "ALTER TABLE persons ADD COLUMN brp_deceased_on TEXT",
            "ALTER TABLE persons ADD COLUMN brp_moved_to TEXT",
        ]
    }
}
