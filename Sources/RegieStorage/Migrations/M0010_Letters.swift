/// Addresses and letters (issue 16, items 1 and 2).
///
/// `person_addresses`: a person's residential (`woon`) and correspondence (`post`) address, typed
/// by a case worker now and filled from the BRP once that link exists (`source`). A change never
/// overwrites: the old row gets `replaced_at` and the new one is inserted, so the file keeps every
/// address it had. At most one current row per person and kind.
/// `persons.interpreter_language`: the language an interpreter speaks with the person.
/// `municipality_settings.letterhead`: the municipality's letterhead, signatory and bezwaar address
/// (JSON). `users.phone`: the phone number a letter gives for its contact person.
/// `sent_letters`: a letter as it was sent, its rendered document sealed, with the day it was sent.
enum M0010_Letters {
    static let migration = Migration(id: "M0010_Letters") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE person_addresses (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id),
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
            "CREATE UNIQUE INDEX person_addresses_current ON person_addresses (person_id, kind) WHERE replaced_at IS NULL",
            "CREATE INDEX person_addresses_history ON person_addresses (person_id, recorded_at)",
            "ALTER TABLE persons ADD COLUMN interpreter_language TEXT",
            "ALTER TABLE municipality_settings ADD COLUMN letterhead TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE users ADD COLUMN phone TEXT",
            """
            CREATE TABLE sent_letters (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id),
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
            "CREATE INDEX sent_letters_person ON sent_letters (person_id, recorded_at)",
        ]
    }
}
