/// Law facts (issue 22): what the statutory clock needs beyond the traject's own dates.
/// `trajecten.facts_json`: every fact of the case as the law module reads it (JSON of `TrajectFacts`),
/// rebuilt from the case's tables in the transaction of every change, so the case file, the
/// werkvoorraad and the API compute their terms from the same facts.
/// `duo_term_known`/`duo_term_ground`: the day Regie learned DUO's current term and DUO's ground for
/// an extension (R10: DUO's term is the term from the day it is known).
/// `duo_exempt_from`: the first day of a temporary exemption (R1b); `duo_exempt_until` now keeps the
/// last day after the exemption ends, so the clock can resume the PIP term.
/// `derden_verzoeken`: information asked of third parties for the PIP and when it arrived (R1a).
enum M0007_LawFacts {
    static let migration = Migration(id: "M0007_LawFacts") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            "ALTER TABLE trajecten ADD COLUMN facts_json TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_term_known TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_term_ground TEXT",
            "ALTER TABLE trajecten ADD COLUMN duo_exempt_from TEXT",
            """
            CREATE TABLE derden_verzoeken (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                party TEXT NOT NULL,
                subject TEXT NOT NULL,
                requested_on TEXT NOT NULL,
                received_on TEXT,
                withdrawn_reason TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_by TEXT,
                updated_at \(bigint)
            )
            """,
            "CREATE INDEX derden_verzoeken_by_person ON derden_verzoeken (person_id, requested_on)",
            // Every open case's facts and nearest term are rebuilt at start-up (backfill).
            "UPDATE trajecten SET next_due_kind = NULL",
        ]
    }
}
