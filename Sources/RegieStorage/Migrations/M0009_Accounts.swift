/// Accounts managed in the interface (issue 16, item 3).
///
/// - `users.last_login_at`: the last successful login, shown to the functioneel beheerder.
/// - `users.deactivated_at`, `users.deactivation_reason`: when and why an account was switched off
///   (`active` stays the flag every login and session checks; these say why for the beheerder).
/// - `municipalities.oin`: the municipality's Organisatie-identificatienummer (20 digits), set by
///   `regie municipality add`; empty for municipalities stored before.
/// - `password_set_tokens`: one-time links to set a password, stored as a keyed hash only (like
///   sessions and API keys), expiring, consumed once.
enum M0009_Accounts {
    static let migration = Migration(id: "M0009_Accounts") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            "ALTER TABLE users ADD COLUMN last_login_at \(bigint)",
            "ALTER TABLE users ADD COLUMN deactivated_at \(bigint)",
            "ALTER TABLE users ADD COLUMN deactivation_reason TEXT",
            "ALTER TABLE municipalities ADD COLUMN oin TEXT",
            """
            CREATE TABLE password_set_tokens (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                expires_at \(bigint) NOT NULL,
                used_at \(bigint)
            )
            """,
            "CREATE INDEX password_set_tokens_by_user ON password_set_tokens (user_id)",
        ]
    }
}
