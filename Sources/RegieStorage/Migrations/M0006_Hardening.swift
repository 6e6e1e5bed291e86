/// Hardening (issue 20): an API key that reads personal data is approved by a second person who
/// holds its role before it works (four eyes). Keys made before this migration were made under the
/// old rule and keep working: they are recorded as approved by their maker, so the audit and the
/// key list show who answered for them.
enum M0006_Hardening {
    static let migration = Migration(id: "M0006_Hardening") { _ in
        [
            "ALTER TABLE api_keys ADD COLUMN approved_by TEXT REFERENCES users(id)",
            "ALTER TABLE api_keys ADD COLUMN approved_at BIGINT",
            "UPDATE api_keys SET approved_by = created_by, approved_at = created_at",
        ]
    }
}
