/// The attendance register (issue 18 item 4):
/// - `lessons`: a lesson of an offer (and, when the offer runs in groups, of one start moment's
///   group) on a day, with its hours and the kind of hours it gives; open while participants
///   confirm, then confirmed by the teacher (only then it counts) or cancelled with a reason. Its
///   `code` is shown in the classroom and typed by a participant confirming on their phone;
/// - `lesson_presences`: a participant's own confirmation (on their phone or on the classroom
///   screen); a confirmation the teacher strikes keeps its row with the reason;
/// - `lesson_attendance`: the list as the teacher confirmed it: every participant of the group,
///   present or absent, and the hours each followed;
/// - `participant_accounts` and `participant_sessions`: the newcomer's own login (a login name and
///   a password of their own, never shared), issued by the consulent;
/// - `uren.lesson_id`: the hours a confirmed lesson booked, once per lesson and person;
/// - `referrals.absence_signalled_on`: the day of the last absence signal, so that one run of
///   absence makes one signal;
/// - `progress_reports`: a provider's progress report on a started referral (issue 18 item 6): the
///   level per skill, the advice (go on, switch route, lower the level) and a note (sealed).
enum M0032_Attendance {
    static let migration = Migration(id: "M0032_Attendance") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE lessons (
                id TEXT PRIMARY KEY,
                provider_id TEXT NOT NULL REFERENCES providers(id),
                offer_id TEXT NOT NULL REFERENCES provider_offers(id),
                start_id TEXT REFERENCES offer_starts(id),
                lesson_date TEXT NOT NULL,
                starts_at TEXT NOT NULL,
                hours INTEGER NOT NULL CHECK (hours > 0 AND hours <= 12),
                soort TEXT NOT NULL,
                code TEXT NOT NULL,
                status TEXT NOT NULL,
                opened_by TEXT NOT NULL,
                opened_at \(bigint) NOT NULL,
                confirmed_by TEXT,
                confirmed_at \(bigint),
                cancelled_reason TEXT,
                cancelled_by TEXT,
                cancelled_at \(bigint)
            )
            """,
            "CREATE INDEX lessons_by_provider ON lessons (provider_id, lesson_date)",
            "CREATE INDEX lessons_by_offer ON lessons (offer_id, lesson_date)",
            """
            CREATE TABLE lesson_presences (
                lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                channel TEXT NOT NULL,
                confirmed_at \(bigint) NOT NULL,
                struck_reason TEXT,
                struck_by TEXT,
                struck_at \(bigint),
                PRIMARY KEY (lesson_id, person_id)
            )
            """,
            """
            CREATE TABLE lesson_attendance (
                lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                referral_id TEXT NOT NULL REFERENCES referrals(id),
                lesson_date TEXT NOT NULL,
                present INTEGER NOT NULL CHECK (present IN (0, 1)),
                hours INTEGER NOT NULL,
                PRIMARY KEY (lesson_id, person_id)
            )
            """,
            "CREATE INDEX lesson_attendance_by_person ON lesson_attendance (person_id, lesson_date)",
            "CREATE INDEX lesson_attendance_by_referral ON lesson_attendance (referral_id, lesson_date)",
            """
            CREATE TABLE participant_accounts (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL UNIQUE REFERENCES persons(id) ON DELETE CASCADE,
                login TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                must_change INTEGER NOT NULL DEFAULT 1,
                active INTEGER NOT NULL DEFAULT 1,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                password_set_at \(bigint),
                last_login_at \(bigint),
                deactivated_reason TEXT
            )
            """,
            """
            CREATE TABLE participant_sessions (
                token_hash TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES participant_accounts(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                last_seen_at \(bigint) NOT NULL,
                expires_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX participant_sessions_by_account ON participant_sessions (account_id)",
            "ALTER TABLE uren ADD COLUMN lesson_id TEXT REFERENCES lessons(id)",
            "CREATE UNIQUE INDEX uren_by_lesson ON uren (lesson_id, person_id) WHERE lesson_id IS NOT NULL",
            "ALTER TABLE referrals ADD COLUMN absence_signalled_on TEXT",
            """
            CREATE TABLE progress_reports (
                id TEXT PRIMARY KEY,
                referral_id TEXT NOT NULL REFERENCES referrals(id),
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                provider_id TEXT NOT NULL REFERENCES providers(id),
                reported_on TEXT NOT NULL,
                levels TEXT NOT NULL,
                advice TEXT NOT NULL,
                note_sealed TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX progress_reports_by_person ON progress_reports (person_id, reported_on)",
            "CREATE INDEX progress_reports_by_provider ON progress_reports (provider_id, reported_on)",
        ]
    }
}
