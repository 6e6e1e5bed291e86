/// The DUO koppeling's delivery order (issue 22).
///
/// `duo_notifications.event_at`: the moment DUO registered the event (`registratieDatumTijd`,
/// Notificatie API 1.8.0), in milliseconds since 1970; `arrival_seq`: the order in which Regie
/// stored the notifications. Notifications are claimed by event time, then arrival, so that the
/// same notifications arriving in the same second are processed in one order, never by a random
/// id. Rows stored before this migration get their arrival time as their event time, and the open
/// ones an arrival sequence in the order they were claimed in before (received_at, id).
/// PostgreSQL draws the sequence from a SEQUENCE (several instances insert at once); SQLite has one
/// writer at a time, so the insert takes the largest number so far plus one, from an index.
enum M0008_DUODelivery {
    static let migration = Migration(id: "M0008_DUODelivery") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        var statements = [
            "ALTER TABLE duo_notifications ADD COLUMN event_at \(bigint) NOT NULL DEFAULT 0",
            "ALTER TABLE duo_notifications ADD COLUMN arrival_seq \(bigint) NOT NULL DEFAULT 0",
            "UPDATE duo_notifications SET event_at = received_at * 1000",
            """
            UPDATE duo_notifications SET arrival_seq = (
                SELECT COUNT(*) FROM duo_notifications o WHERE o.status IN ('received', 'waiting')
                  AND (o.received_at < duo_notifications.received_at OR (o.received_at = duo_notifications.received_at AND o.id <= duo_notifications.id)))
            WHERE status IN ('received', 'waiting')
            """,
            // The claim walks the open rows in this order and stops after a batch.
            "CREATE INDEX duo_notifications_in_order ON duo_notifications (event_at, arrival_seq) WHERE status IN ('received', 'waiting')",
        ]
        switch kind {
        case .postgres:
            statements += [
                "CREATE SEQUENCE duo_notifications_arrival",
                "SELECT setval('duo_notifications_arrival', (SELECT COALESCE(MAX(arrival_seq), 0) + 1 FROM duo_notifications), false)",
            ]
        case .sqlite:
            statements.append("CREATE INDEX duo_notifications_arrival ON duo_notifications (arrival_seq)")
        }
        return statements
    }
}
