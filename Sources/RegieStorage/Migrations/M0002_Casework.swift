/// Casework: the timeline of a case, the brede intake (conversations and topics), the
/// leerbaarheidstoets and the school's advice, route decisions, PIP versions, and the nearest
/// statutory term of each traject kept on the traject so the caseload can sort by it.
/// `created_by` columns hold the actor id (a user, or `apikey:<id>` for the API): not a foreign key,
/// as the audit log is the record of who did what.
enum M0002_Casework {
    /// Sorts after every real date: a traject without a running term comes last.
    static let noDueDate = "9999-12-31"

    static let migration = Migration(id: "M0002_Casework") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            // Names folded for search (case and diacritics: "ozturk" finds "Öztürk" on both engines).
            "ALTER TABLE persons ADD COLUMN search_name TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE trajecten ADD COLUMN next_due_date TEXT NOT NULL DEFAULT '\(noDueDate)'",
            "ALTER TABLE trajecten ADD COLUMN next_due_kind TEXT",
            "ALTER TABLE trajecten ADD COLUMN last_contact_date TEXT",
            "ALTER TABLE trajecten ADD COLUMN language_level TEXT",
            // What the statutory clock needs for the next progress meeting (R5b), kept on the traject.
            "ALTER TABLE trajecten ADD COLUMN last_meeting_date TEXT",
            "ALTER TABLE trajecten ADD COLUMN pip_cadence_months INTEGER",
            // The caseload walks trajecten in due-date order and stops after a page.
            "CREATE INDEX trajecten_by_next_due ON trajecten (next_due_date, person_id)",
            "CREATE INDEX trajecten_by_municipality_next_due ON trajecten (municipality_code, next_due_date, person_id)",
            "CREATE INDEX trajecten_by_consulent_next_due ON trajecten (consulent_id, next_due_date, person_id)",
            // The summary strip counts open cases due soon or overdue: the near end of this index.
            "CREATE INDEX trajecten_open_by_municipality_due ON trajecten (municipality_code, next_due_date) WHERE closed_date IS NULL",
            """
            CREATE TABLE case_events (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                occurred_at \(bigint) NOT NULL,
                event_date TEXT NOT NULL,
                kind TEXT NOT NULL,
                actor_id TEXT REFERENCES users(id),
                actor_name TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX case_events_by_person ON case_events (person_id, event_date, occurred_at)",
            """
            CREATE TABLE intake_gesprekken (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                conversation_date TEXT NOT NULL,
                attendees TEXT NOT NULL,
                interpreter INTEGER NOT NULL CHECK (interpreter IN (0, 1)),
                culture_mediator INTEGER NOT NULL CHECK (culture_mediator IN (0, 1)),
                without_partner INTEGER NOT NULL CHECK (without_partner IN (0, 1)),
                no_show INTEGER NOT NULL CHECK (no_show IN (0, 1)),
                topics TEXT NOT NULL DEFAULT '',
                note_sealed TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX intake_gesprekken_by_person ON intake_gesprekken (person_id, conversation_date)",
            """
            CREATE TABLE intake_onderwerpen (
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                topic TEXT NOT NULL,
                content_sealed TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(bigint) NOT NULL,
                PRIMARY KEY (person_id, topic)
            )
            """,
            """
            CREATE TABLE leerbaarheidstoetsen (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                invited_date TEXT,
                test_date TEXT,
                administrator TEXT NOT NULL DEFAULT '',
                conditions TEXT NOT NULL DEFAULT '',
                score INTEGER CHECK (score IS NULL OR (score >= 0 AND score <= 40)),
                exemption TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX leerbaarheidstoetsen_by_person ON leerbaarheidstoetsen (person_id, created_at)",
            """
            CREATE TABLE taalschool_adviezen (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                advice_date TEXT NOT NULL,
                school TEXT NOT NULL,
                leerroute TEXT NOT NULL,
                niveau TEXT,
                note TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX taalschool_adviezen_by_person ON taalschool_adviezen (person_id, created_at)",
            """
            CREATE TABLE route_besluiten (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                decided_date TEXT NOT NULL,
                leerroute TEXT NOT NULL,
                niveau TEXT,
                considered TEXT NOT NULL,
                considerations TEXT NOT NULL,
                deviation TEXT NOT NULL,
                deviation_reason TEXT,
                lbt_score INTEGER,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX route_besluiten_by_person ON route_besluiten (person_id, created_at)",
            """
            CREATE TABLE pips (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('concept', 'vastgesteld')),
                dagtekening TEXT,
                leerroute TEXT NOT NULL,
                niveau TEXT,
                begeleiding TEXT NOT NULL DEFAULT '',
                ondersteuning TEXT NOT NULL DEFAULT '',
                pvt TEXT NOT NULL DEFAULT '',
                pvt_uren INTEGER,
                map TEXT NOT NULL DEFAULT '',
                map_uren INTEGER,
                vve TEXT NOT NULL DEFAULT '',
                voortgangsgesprekken INTEGER,
                cadans_maanden INTEGER,
                einddoel TEXT,
                reden_afwijking TEXT,
                intensiteit_b1 INTEGER,
                change_reason TEXT,
                change_note TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL,
                fixed_by TEXT,
                fixed_at \(bigint),
                UNIQUE (person_id, version)
            )
            """,
            // At most one concept per person at a time.
            "CREATE UNIQUE INDEX pips_one_concept ON pips (person_id) WHERE status = 'concept'",
            """
            CREATE TABLE voortgangsgesprekken (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                held_date TEXT NOT NULL,
                outcome TEXT NOT NULL,
                no_show INTEGER NOT NULL CHECK (no_show IN (0, 1)),
                note_sealed TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX voortgangsgesprekken_by_person ON voortgangsgesprekken (person_id, held_date)",
            """
            CREATE TABLE uren (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                soort TEXT NOT NULL,
                period_end TEXT NOT NULL,
                hours INTEGER NOT NULL CHECK (hours > 0 AND hours <= 2000),
                provider TEXT NOT NULL DEFAULT '',
                during_intake INTEGER NOT NULL DEFAULT 0 CHECK (during_intake IN (0, 1)),
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX uren_by_person ON uren (person_id, period_end)",
            """
            CREATE TABLE route_resultaten (
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('mapEindgesprek', 'pvtOndertekend', 'zRouteAfgerond')),
                result_date TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                PRIMARY KEY (person_id, kind)
            )
            """,
            """
            CREATE TABLE handhavingen (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                overtreding TEXT NOT NULL,
                step TEXT NOT NULL CHECK (step IN ('waarschuwing', 'boete', 'boeteEnPIPZonderInbreng')),
                amount_cents INTEGER CHECK (amount_cents IS NULL OR (amount_cents >= 0 AND amount_cents <= 80000)),
                decided_date TEXT NOT NULL,
                efforts TEXT NOT NULL DEFAULT '',
                circumstances TEXT NOT NULL DEFAULT '',
                culpable INTEGER CHECK (culpable IS NULL OR culpable IN (0, 1)),
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX handhavingen_by_person ON handhavingen (person_id, overtreding, decided_date)",
            """
            CREATE TABLE warme_overdrachten (
                person_id TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
                scenario TEXT CHECK (scenario IS NULL OR scenario IN ('azc', 'gecombineerd', 'naVerhuizing')),
                profile_sealed TEXT NOT NULL,
                meeting_planned TEXT,
                meeting_held TEXT,
                meeting_attendees TEXT NOT NULL DEFAULT '',
                updated_by TEXT NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
            """
            CREATE TABLE taken (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                due_date TEXT,
                assignee_id TEXT REFERENCES users(id),
                source TEXT NOT NULL DEFAULT 'handmatig',
                done_at \(bigint),
                done_by TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX taken_by_person ON taken (person_id, done_at)",
            "CREATE INDEX taken_by_assignee ON taken (assignee_id, done_at, due_date)",
            """
            CREATE TABLE documenten (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                filename TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                content_sealed TEXT NOT NULL,
                uploaded_by TEXT NOT NULL,
                uploaded_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX documenten_by_person ON documenten (person_id, uploaded_at)",
            """
            CREATE TABLE municipality_settings (
                municipality_code TEXT PRIMARY KEY REFERENCES municipalities(code),
                caseload_norm INTEGER NOT NULL CHECK (caseload_norm BETWEEN 10 AND 300),
                law_settings TEXT NOT NULL,
                intake_topics TEXT NOT NULL DEFAULT '[]',
                letter_texts TEXT NOT NULL DEFAULT '{}',
                updated_by TEXT,
                updated_at \(bigint) NOT NULL
            )
            """,
        ]
    }
}
