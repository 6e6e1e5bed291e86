/// One outbox for every destination (issue 13): `duo_outbox` gains `destination`, and every row
/// already there was a push to DUO, so it becomes `duo` (the column's default fills existing rows
/// on both engines). The values are `OutboxDestination`'s raw values; no CHECK constraint, because
/// SQLite can only change one by rebuilding the table, and the next destination would need that.
///
/// The table keeps its name: renaming it would rewrite every outbox query and the operators'
/// queries and dashboards for no change in behaviour, while the column says where a message goes.
/// The per-person order now holds per person and destination (a partner's message does not wait
/// for DUO), so the index behind that check gains the destination.
enum M0012_Outbox {
    static let migration = Migration(id: "M0012_Outbox") { _ in
        [
            "ALTER TABLE duo_outbox ADD COLUMN destination TEXT NOT NULL DEFAULT 'duo'",
            "DROP INDEX duo_outbox_by_person",
            "CREATE INDEX outbox_by_person ON duo_outbox (person_id, destination, seq)",
        ]
    }
}
