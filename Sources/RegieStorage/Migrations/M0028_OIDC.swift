/// Sign-in through the organisation's identity provider (issue 17 item 1):
/// - `user_identities`: which provider subject is which account (matched on the first login by a
///   verified e-mail address, or provisioned), with the last sign-in;
/// - `oidc_logins`: the sign-ins on their way (state as a keyed hash, the nonce and the PKCE verifier),
///   used once, for ten minutes;
/// - on `sessions`: the ID token (sealed) for the provider's logout.
enum M0028_OIDC {
    static let migration = Migration(id: "M0028_OIDC") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE user_identities (
                issuer TEXT NOT NULL,
                subject TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at \(bigint) NOT NULL,
                last_login_at \(bigint),
                PRIMARY KEY (issuer, subject)
            )
            """,
            "CREATE INDEX user_identities_by_user ON user_identities (user_id)",
            """
            CREATE TABLE oidc_logins (
                state_hash TEXT PRIMARY KEY,
                nonce TEXT NOT NULL,
                code_verifier TEXT NOT NULL,
                back TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                expires_at \(bigint) NOT NULL
            )
            """,
            "ALTER TABLE sessions ADD COLUMN id_token_sealed TEXT",
        ]
    }
}
