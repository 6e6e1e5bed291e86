/// Every recorded fact can be corrected or withdrawn with a reason (issue 15 item 3), as hours,
/// intake conversations and progress meetings already can (M0019, M0020):
/// - the leerbaarheidstoets, the language school's advice, enforcement steps, documents and tasks
///   get who withdrew them, when and why; a withdrawn row stays and counts nowhere any more (a
///   withdrawn task is also closed, so every list of open tasks leaves it out as it is);
/// - a corrected conversation, meeting, test or advice points to the row that replaced it;
/// - `intake_onderwerp_versies` keeps each earlier answer to an intake topic (sealed, as the topic
///   itself) with who replaced it, when and why.
enum M0022_Corrections {
    static let migration = Migration(id: "M0022_Corrections") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        let withdrawable = ["leerbaarheidstoetsen", "taalschool_adviezen", "handhavingen", "documenten", "taken"].flatMap { table in
            [
                "ALTER TABLE \(table) ADD COLUMN withdrawn_at \(bigint)",
                "ALTER TABLE \(table) ADD COLUMN withdrawn_by TEXT",
                "ALTER TABLE \(table) ADD COLUMN withdrawn_reason TEXT",
            ]
        }
        let replaceable = ["intake_gesprekken", "voortgangsgesprekken", "leerbaarheidstoetsen", "taalschool_adviezen"].map { table in
            "ALTER TABLE \(table) ADD COLUMN replaced_by TEXT"
        }
        return withdrawable + replaceable + [
            """
            CREATE TABLE intake_onderwerp_versies (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                topic TEXT NOT NULL,
                content_sealed TEXT NOT NULL,
                recorded INTEGER NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(bigint) NOT NULL,
                replaced_by TEXT NOT NULL,
                replaced_at \(bigint) NOT NULL,
                reason TEXT NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX intake_onderwerp_versies_by_topic ON intake_onderwerp_versies (person_id, topic, replaced_at)",
        ]
    }
}
