/// The DUO koppeling: notifications stored before they are processed, the outbox of pushes
/// written in the same transaction as the change that causes them, the last state pulled from DUO
/// per person (for reconciliation), and DUO's facts on the traject that the statutory clock reads.
/// Work rows are claimed with a lease (`claimed_by`, `claimed_until`): on PostgreSQL with
/// `FOR UPDATE SKIP LOCKED`, so several Regie instances each handle a row exactly once.
enum M0003_DUO {
    static let migration = Migration(id: "M0003_DUO") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE duo_notifications (
                id TEXT PRIMARY KEY,
                bericht_id TEXT NOT NULL UNIQUE,
                bron TEXT NOT NULL,
                doel TEXT NOT NULL,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                gebeurtenis_id TEXT NOT NULL,
                bsn TEXT,
                v_nummer TEXT,
                registered_at TEXT NOT NULL,
                received_at \(bigint) NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('received', 'processed', 'waiting', 'unknown', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(bigint) NOT NULL,
                claimed_by TEXT,
                claimed_until \(bigint),
                last_error TEXT,
                person_id TEXT REFERENCES persons(id) ON DELETE SET NULL,
                processed_at \(bigint)
            )
            """,
            // The worker's claim walks the unfinished rows in arrival order and stops after a batch
            // (a plain status index made it sort a whole backlog on every claim).
            "CREATE INDEX duo_notifications_due ON duo_notifications (received_at, id) WHERE status IN ('received', 'waiting')",
            "CREATE INDEX duo_notifications_by_person ON duo_notifications (person_id, received_at)",
            "CREATE INDEX duo_notifications_by_bsn ON duo_notifications (bsn, status)",
            "CREATE INDEX duo_notifications_by_municipality ON duo_notifications (municipality_code, received_at)",
            """
            CREATE TABLE duo_outbox (
                id TEXT PRIMARY KEY,
                seq \(bigint) NOT NULL,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                kind TEXT NOT NULL,
                bsn TEXT,
                body TEXT NOT NULL,
                reference TEXT,
                bericht_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'rejected', 'stopped')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(bigint) NOT NULL,
                claimed_by TEXT,
                claimed_until \(bigint),
                last_error TEXT,
                fouten TEXT,
                source_id TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                sent_at \(bigint)
            )
            """,
            "CREATE INDEX duo_outbox_due ON duo_outbox (seq) WHERE status IN ('pending', 'sending')",
            "CREATE INDEX duo_outbox_by_person ON duo_outbox (person_id, seq)",
            "CREATE INDEX duo_outbox_by_municipality ON duo_outbox (municipality_code, status, seq)",
            """
            CREATE TABLE duo_snapshots (
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                body TEXT NOT NULL,
                fetched_at \(bigint) NOT NULL,
                PRIMARY KEY (person_id, kind)
            )
            """,
            // DUO's facts that the statutory clock reads (R1 SS139, R2/R10 the registered term).
            "ALTER TABLE trajecten ADD COLUMN duo_ten_weeks_start TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_term_start TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_term_end TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_exempt_until TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_exempt INTEGER NOT NULL DEFAULT 0",
            // A person created from a DUO signal: name, birth date and gender still to come from the BRP.
            "ALTER TABLE persons ADD COLUMN details_pending INTEGER NOT NULL DEFAULT 0",
        ]
    }
}
