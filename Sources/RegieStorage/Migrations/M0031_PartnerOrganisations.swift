/// Partner access (issue 18 item 3): a provider's staff sign in with accounts of their own, in an
/// organisation of their own that is the provider (`provider_id`). Such an organisation serves no
/// municipality (no `organisation_municipalities` rows): what its staff see follows from the
/// referrals to the provider and the newcomers' consent, never from a municipality. The provider's
/// own administrators (`users.partner_admin`) keep its accounts, up to the number the municipality
/// allows (`providers.max_accounts`).
enum M0031_PartnerOrganisations {
    static let migration = Migration(id: "M0031_PartnerOrganisations") { _ in
        [
            "ALTER TABLE organisations ADD COLUMN provider_id TEXT REFERENCES providers(id)",
            "CREATE UNIQUE INDEX organisations_by_provider ON organisations (provider_id) WHERE provider_id IS NOT NULL",
            "ALTER TABLE users ADD COLUMN partner_admin INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE providers ADD COLUMN max_accounts INTEGER NOT NULL DEFAULT 10",
        ]
    }
}
