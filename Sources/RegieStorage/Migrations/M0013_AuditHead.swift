/// The audit chain's head follows its last entry by a trigger, in the statement that appends the
/// entry: the head can no longer disagree with the log, and appending takes one statement fewer.
/// Appending still reads the head first (on PostgreSQL `FOR UPDATE`, which serialises writers);
/// the trigger fires per row, so a batch of entries leaves the head at the last one.
enum M0013_AuditHead {
    static let migration = Migration(id: "M0013_AuditHead") { kind in
        switch kind {
        case .sqlite:
            return ["""
                CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
                BEGIN
                    UPDATE audit_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
                END
                """]
        case .postgres:
            return [
                """
                CREATE FUNCTION audit_log_moves_head() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE audit_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
                    RETURN NEW;
                END
                $$
                """,
                "CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_moves_head()",
            ]
        }
    }
}
