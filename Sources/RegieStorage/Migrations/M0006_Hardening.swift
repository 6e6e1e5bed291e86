/// Hardening (issue 20): an API key that reads personal data is approved by a second person who
/// holds its role before it works (four eyes). Keys made before this migration were made under the
/// old rule and keep working: they are recorded as approved by their maker, so the audit and the
/// key list show who answered for them.
/// `organisations.figures_min_cell`: the smallest number the figures show to roles that may not see
/// persons (default 5); smaller cells are suppressed, with secondary suppression.
/// `document_chunks`: a document uploaded through the web form (up to 20 MiB) is streamed in sealed
/// chunks of 1 MiB, never held whole in memory; its `documenten.content_sealed` is then empty.
enum M0006_Hardening {
    static let migration = Migration(id: "M0006_Hardening") { _ in
        [
            "ALTER TABLE api_keys ADD COLUMN approved_by TEXT REFERENCES users(id)",
            "ALTER TABLE api_keys ADD COLUMN approved_at BIGINT",
            "UPDATE api_keys SET approved_by = created_by, approved_at = created_at",
            "ALTER TABLE organisations ADD COLUMN figures_min_cell INTEGER NOT NULL DEFAULT 5 CHECK (figures_min_cell BETWEEN 2 AND 50)",
            """
            CREATE TABLE document_chunks (
                document_id TEXT NOT NULL REFERENCES documenten(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                content_sealed TEXT NOT NULL,
                PRIMARY KEY (document_id, seq)
            )
            """,
        ]
    }
}
