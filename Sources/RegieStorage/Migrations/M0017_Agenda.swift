/// The agenda (issue 15): appointments planned with a newcomer, and each consulent's secret
/// calendar-feed token.
///
/// - `afspraken`: one appointment. `starts_at`/`ends_at` are the local time in the Netherlands as
///   "YYYY-MM-DDTHH:MM" (text sorts as the moments do on both engines). A moved appointment keeps its
///   row with status `verplaatst` and `moved_to_id` naming the new one. `outcome_task_at` is set when
///   Regie made the "record the outcome" task for a passed appointment, so it is made once.
/// - `agenda_feeds`: the keyed digest of each user's feed token (never the token itself); deleting
///   the row revokes the URL.
/// - `taken.afspraak_id`: the appointment a "record the outcome" task is about, so recording the
///   outcome completes it.
enum M0017_Agenda {
    static let migration = Migration(id: "M0017_Agenda") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        let kinds = "'warmeOverdracht', 'intakegesprek', 'lbt', 'pipGesprek', 'voortgangsgesprek'"
        let statuses = "'gepland', 'gehouden', 'nietVerschenen', 'geannuleerd', 'verplaatst'"
        return [
            """
            CREATE TABLE afspraken (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
                starts_at TEXT NOT NULL,
                ends_at TEXT NOT NULL,
                duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
                place TEXT,
                video_link TEXT,
                interpreter_language TEXT,
                attendees TEXT NOT NULL DEFAULT '',
                owner_id TEXT REFERENCES users(id),
                status TEXT NOT NULL DEFAULT 'gepland' CHECK (status IN (\(statuses))),
                outcome_reason TEXT,
                moved_to_id TEXT REFERENCES afspraken(id),
                outcome_task_at \(bigint),
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                changed_by TEXT,
                changed_at \(bigint),
                CHECK (place IS NOT NULL OR video_link IS NOT NULL)
            )
            """,
            "CREATE INDEX afspraken_by_person ON afspraken (person_id, starts_at)",
            "CREATE INDEX afspraken_by_owner ON afspraken (owner_id, starts_at)",
            // The sweep looks only at planned appointments without their task yet.
            "CREATE INDEX afspraken_passed ON afspraken (ends_at) WHERE status = 'gepland' AND outcome_task_at IS NULL",
            "ALTER TABLE taken ADD COLUMN afspraak_id TEXT REFERENCES afspraken(id)",
            """
            CREATE TABLE agenda_feeds (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                created_at \(bigint) NOT NULL
            )
            """,
        ]
    }
}
