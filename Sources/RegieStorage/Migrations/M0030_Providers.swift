/// The chain (issue 18 items 1–2): the providers a municipality works with, their offers and start
/// moments, and referrals of newcomers to an offer with the newcomer's consent.
/// - `providers`: per municipality (its contract), kind, KvK number, quality mark and its expiry,
///   contract period, agreed prices;
/// - `provider_offers`: what a provider offers (route and level, location, schedule, hours a week);
/// - `offer_starts`: the start moments of an offer with their capacity;
/// - `referrals`: a newcomer referred to an offer, the provider's answer (a start date or a refusal
///   with its reason), the start and the end; a withdrawn referral keeps its row and reason;
/// - `referral_consents`: which classes of data the provider may see, one row per version: a change
///   or a revocation closes the row (when, why, by whom), so the history stays.
enum M0030_Providers {
    static let migration = Migration(id: "M0030_Providers") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE providers (
                id TEXT PRIMARY KEY,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                kvk TEXT,
                quality_mark TEXT,
                quality_mark_until TEXT,
                contract_from TEXT,
                contract_until TEXT,
                price_hour_cents \(bigint),
                price_route_cents \(bigint),
                contact_email TEXT,
                active INTEGER NOT NULL DEFAULT 1,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_by TEXT,
                updated_at \(bigint),
                UNIQUE (municipality_code, name)
            )
            """,
            """
            CREATE TABLE provider_offers (
                id TEXT PRIMARY KEY,
                provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                leerroute TEXT,
                niveau TEXT,
                location TEXT NOT NULL,
                schedule TEXT NOT NULL,
                hours_per_week INTEGER NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_by TEXT,
                updated_at \(bigint)
            )
            """,
            "CREATE INDEX provider_offers_by_provider ON provider_offers (provider_id)",
            """
            CREATE TABLE offer_starts (
                id TEXT PRIMARY KEY,
                offer_id TEXT NOT NULL REFERENCES provider_offers(id) ON DELETE CASCADE,
                starts_on TEXT NOT NULL,
                capacity INTEGER NOT NULL CHECK (capacity >= 0),
                cancelled_reason TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                UNIQUE (offer_id, starts_on)
            )
            """,
            """
            CREATE TABLE referrals (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                offer_id TEXT NOT NULL REFERENCES provider_offers(id),
                start_id TEXT REFERENCES offer_starts(id),
                status TEXT NOT NULL,
                referred_on TEXT NOT NULL,
                note TEXT,
                answered_on TEXT,
                planned_start_on TEXT,
                refused_reason TEXT,
                started_on TEXT,
                ended_on TEXT,
                end_reason TEXT,
                withdrawn_reason TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_by TEXT,
                updated_at \(bigint)
            )
            """,
            "CREATE INDEX referrals_by_person ON referrals (person_id)",
            "CREATE INDEX referrals_by_offer ON referrals (offer_id, status)",
            """
            CREATE TABLE referral_consents (
                id TEXT PRIMARY KEY,
                referral_id TEXT NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                classes TEXT NOT NULL,
                given_on TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                recorded_at \(bigint) NOT NULL,
                ended_on TEXT,
                end_reason TEXT,
                ended_by TEXT,
                ended_at \(bigint)
            )
            """,
            "CREATE INDEX referral_consents_by_referral ON referral_consents (referral_id)",
        ]
    }
}
