/// A second factor for local accounts (issue 17 item 2): a TOTP secret per user (sealed: it must be
/// read back to check a code) with the last time step used, so a code is accepted once; recovery
/// codes stored only as keyed hashes; an organisation setting that requires the second factor; and
/// the short-lived challenges between a correct password and a session.
enum M0026_SecondFactor {
    static let migration = Migration(id: "M0026_SecondFactor") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            "ALTER TABLE users ADD COLUMN totp_secret_sealed TEXT",
            "ALTER TABLE users ADD COLUMN totp_enabled_at \(bigint)",
            "ALTER TABLE users ADD COLUMN totp_last_step \(bigint)",
            "ALTER TABLE organisations ADD COLUMN require_second_factor INTEGER NOT NULL DEFAULT 0 CHECK (require_second_factor IN (0, 1))",
            """
            CREATE TABLE recovery_codes (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                code_hash TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                used_at \(bigint),
                PRIMARY KEY (user_id, code_hash)
            )
            """,
            """
            CREATE TABLE login_challenges (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                purpose TEXT NOT NULL CHECK (purpose IN ('code', 'enrol')),
                secret_sealed TEXT,
                back TEXT NOT NULL,
                signed_in INTEGER NOT NULL DEFAULT 0 CHECK (signed_in IN (0, 1)),
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at \(bigint) NOT NULL,
                expires_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX login_challenges_by_expiry ON login_challenges (expires_at)",
        ]
    }
}
