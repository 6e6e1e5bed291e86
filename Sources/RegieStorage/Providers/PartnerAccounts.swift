import Foundation
import SQLKit

/// The accounts of a provider's staff (issue 18 item 3): in an organisation of the provider's own
/// (M0031), which always asks for a second factor at sign-in and serves no municipality.
extension UserStore {
    /// The organisation of a provider's staff, if it has one.
    public func partnerOrganisation(providerId: String) async throws -> String? {
        try await database.sql.raw("SELECT id FROM organisations WHERE provider_id = \(bind: providerId)").first()?.decode(column: "id", as: String.self)
    }

    /// The provider's organisation, made on its first account: named after the provider and its
    /// municipality, with a second factor required for every account.
    public func ensurePartnerOrganisation(providerId: String, name: String, now: Date) async throws -> String {
        if let existing = try await partnerOrganisation(providerId: providerId) { return existing }
        let id = UUID().uuidString.lowercased()
        try await database.sql.raw("""
            INSERT INTO organisations (id, name, created_at, provider_id, require_second_factor)
            VALUES (\(bind: id), \(bind: name), \(bind: now.epochSeconds), \(bind: providerId), 1)
            """).run()
        return id
    }
}

extension ProviderStore {
    /// The provider an account of a partner organisation works for, with its municipality: what the
    /// partner's principal is built from at every request (by the provider's own id, no scope).
    public func partnerHome(providerId: String) async throws -> (provider: ProviderRecord, municipality: Municipality)? {
        guard let row = try await database.sql.raw("""
            SELECT v.*, m.name AS municipality_name FROM providers v JOIN municipalities m ON m.code = v.municipality_code WHERE v.id = \(bind: providerId)
            """).first() else { return nil }
        let provider = try ProviderRecord(row: row)
        return (provider, Municipality(code: provider.municipalityCode, name: try row.decode(column: "municipality_name", as: String.self)))
    }
}

extension UserStore {
    /// Switches off an account of a provider's organisation: its sessions and unused password links go.
    public func deactivatePartnerAccount(userId: String, organisationId: String, reason: String, at now: Date) async throws -> Bool {
        try await database.transaction { db in
            let rows = try await db.raw("""
                UPDATE users SET active = 0, deactivated_at = \(bind: now.epochSeconds), deactivation_reason = \(bind: reason)
                WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId) AND active = 1
                RETURNING id
                """).all()
            guard !rows.isEmpty else { return false }
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
            try await db.raw("DELETE FROM password_set_tokens WHERE user_id = \(bind: userId) AND used_at IS NULL").run()
            return true
        }
    }
}

extension UserStore {
    /// Makes an account of a provider's organisation one of its administrators, or not.
    public func setPartnerAdmin(userId: String, organisationId: String, _ admin: Bool) async throws {
        try await database.sql.raw("""
            UPDATE users SET partner_admin = \(bind: admin ? 1 : 0) WHERE id = \(bind: userId) AND organisation_id = \(bind: organisationId)
            """).run()
    }
}

extension UserStore {
    /// The administrators among a provider organisation's accounts.
    public func partnerAdmins(organisationId: String) async throws -> Set<String> {
        Set(try await database.sql.raw("SELECT id FROM users WHERE organisation_id = \(bind: organisationId) AND partner_admin = 1").all()
            .map { try $0.decode(column: "id", as: String.self) })
    }
}
