/// The provider API (issue 18 item 5):
/// - `provider_api_keys`: a provider's own keys for its administration system, made and revoked
///   by the municipality's functioneel beheerder; the secret is stored as its HMAC only;
/// - `provider_messages`: every change a provider's system delivered, by the provider's own message
///   id, written in the same transaction as the change itself: a repeated delivery finds its row
///   and changes nothing (a lesson's hours are never counted twice), and a different change under a
///   used id is refused;
/// - `exam_results`: an exam result the provider reports (DUO's own result stays decisive); the
///   consulent can withdraw one with a reason, and the row keeps it;
/// - `lesson_presences.channel` gains `providerSystem`: presence registered in the provider's own
///   administration and delivered through the API.
enum M0033_ProviderAPI {
    static let migration = Migration(id: "M0033_ProviderAPI") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE provider_api_keys (
                id TEXT PRIMARY KEY,
                provider_id TEXT NOT NULL REFERENCES providers(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                last_used_at \(bigint),
                revoked_by TEXT,
                revoked_at \(bigint),
                revoked_reason TEXT
            )
            """,
            "CREATE INDEX provider_api_keys_by_provider ON provider_api_keys (provider_id, created_at)",
            """
            CREATE TABLE provider_messages (
                provider_id TEXT NOT NULL REFERENCES providers(id),
                message_id TEXT NOT NULL,
                operation TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                status INTEGER NOT NULL,
                key_id TEXT NOT NULL,
                received_at \(bigint) NOT NULL,
                PRIMARY KEY (provider_id, message_id)
            )
            """,
            """
            CREATE TABLE exam_results (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                referral_id TEXT NOT NULL REFERENCES referrals(id),
                provider_id TEXT NOT NULL REFERENCES providers(id),
                onderdeel TEXT NOT NULL,
                niveau TEXT NOT NULL,
                exam_date TEXT NOT NULL,
                passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                withdrawn_reason TEXT,
                withdrawn_by TEXT,
                withdrawn_at \(bigint)
            )
            """,
            "CREATE INDEX exam_results_by_person ON exam_results (person_id, exam_date)",
            "CREATE INDEX exam_results_by_provider ON exam_results (provider_id, exam_date)",
        ]
    }
}
