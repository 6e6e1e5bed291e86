/// One identity provider per organisation (issue 17 item 1): a sign-in on its way and a session
/// remember which provider (its key in the configuration) they belong to.
enum M0029_OIDCProviders {
    static let migration = Migration(id: "M0029_OIDCProviders") { _ in
        [
            "ALTER TABLE oidc_logins ADD COLUMN provider TEXT NOT NULL DEFAULT 'default'",
            "ALTER TABLE sessions ADD COLUMN oidc_provider TEXT",
        ]
    }
}
