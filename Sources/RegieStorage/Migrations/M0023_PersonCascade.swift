/// A person's addresses and sent letters go with the person, as every other table of theirs does
/// (`ON DELETE CASCADE`): removing a person (at the end of the retention period) leaves nothing of
/// them behind and is not refused. PostgreSQL changes the constraint in place; SQLite, which cannot,
/// rebuilds the two tables with the same columns, rows and indexes.
enum M0023_PersonCascade {
    static let migration = Migration(id: "M0023_PersonCascade") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        guard kind == .sqlite else {
            return ["person_addresses", "sent_letters"].flatMap { table in
                [
                    "ALTER TABLE \(table) DROP CONSTRAINT \(table)_person_id_fkey",
                    "ALTER TABLE \(table) ADD CONSTRAINT \(table)_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons(id) ON DELETE CASCADE",
                ]
            }
        }
        return [
            """
            CREATE TABLE person_addresses_new (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('woon', 'post')),
                street TEXT NOT NULL,
                house_number INTEGER NOT NULL CHECK (house_number BETWEEN 1 AND 99999),
                house_letter TEXT,
                house_addition TEXT,
                postcode TEXT NOT NULL,
                city TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT 'handmatig' CHECK (source IN ('handmatig', 'brp')),
                recorded_by TEXT NOT NULL,
                recorded_at \(bigint) NOT NULL,
                replaced_at \(bigint)
            )
            """,
            """
            INSERT INTO person_addresses_new (id, person_id, kind, street, house_number, house_letter, house_addition, postcode, city, source,
                recorded_by, recorded_at, replaced_at)
            SELECT id, person_id, kind, street, house_number, house_letter, house_addition, postcode, city, source, recorded_by, recorded_at, replaced_at
            FROM person_addresses
            """,
            "DROP TABLE person_addresses",
            "ALTER TABLE person_addresses_new RENAME TO person_addresses",
            "CREATE UNIQUE INDEX person_addresses_current ON person_addresses (person_id, kind) WHERE replaced_at IS NULL",
            "CREATE INDEX person_addresses_history ON person_addresses (person_id, recorded_at)",
            """
            CREATE TABLE sent_letters_new (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                municipality_code TEXT NOT NULL,
                kind TEXT NOT NULL,
                reference TEXT NOT NULL,
                subject TEXT NOT NULL,
                sent_date TEXT NOT NULL,
                document_sealed TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                recorded_at \(bigint) NOT NULL
            )
            """,
            """
            INSERT INTO sent_letters_new (id, person_id, municipality_code, kind, reference, subject, sent_date, document_sealed, recorded_by, recorded_at)
            SELECT id, person_id, municipality_code, kind, reference, subject, sent_date, document_sealed, recorded_by, recorded_at FROM sent_letters
            """,
            "DROP TABLE sent_letters",
            "ALTER TABLE sent_letters_new RENAME TO sent_letters",
            "CREATE INDEX sent_letters_person ON sent_letters (person_id, recorded_at)",
        ]
    }
}
