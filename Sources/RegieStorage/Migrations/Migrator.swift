import Foundation
import Logging
import SQLKit

/// One numbered, append-only schema change. Never edit a migration after it has been merged:
/// add a new one. `statements` receives the engine so the few column types that differ can branch.
public struct Migration: Sendable {
    public let id: String
    let statements: @Sendable (DatabaseKind) -> [String]
}

/// Every migration, in order. Append only.
let allMigrations: [Migration] = [
    M0001_Platform.migration,
    M0002_Casework.migration,
    M0003_DUO.migration,
    M0004_Monitoring.migration,
    M0005_Ontzorgen.migration,
    M0006_Hardening.migration,
    M0007_LawFacts.migration,
    M0008_DUODelivery.migration,
    M0009_Accounts.migration,
    M0010_Letters.migration,
    M0011_DelayNote.migration,
    M0012_Outbox.migration,
    M0013_AuditHead.migration,
    M0014_NameSearch.migration,
    M0016_FigureTotals.migration,
    M0017_Agenda.migration,
    M0018_NextStep.migration,
    M0019_HoursCorrections.migration,
    M0020_Withdrawals.migration,
    M0021_Providers.migration,
    M0022_Corrections.migration,
    M0023_PersonCascade.migration,
    M0024_Logos.migration,
    M0025_FigureAsAtEnd.migration,
    M0026_SecondFactor.migration,
    M0027_BRP.migration,
    M0028_OIDC.migration,
    M0029_OIDCProviders.migration,
    M0030_Providers.migration,
    M0031_PartnerOrganisations.migration,
    M0032_Attendance.migration,
    M0033_ProviderAPI.migration,
    M0034_FigureSums.migration,
    M0035_OpenUnassignedIndex.migration,
]

/// Applies pending migrations, each in its own transaction. On PostgreSQL an advisory lock makes
/// several instances starting at once apply each migration exactly once.
public struct Migrator: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public static var knownIDs: [String] { allMigrations.map(\.id) }

    /// The advisory lock every instance takes before touching the schema (PostgreSQL).
    static let lockKey = 7_272_021

    /// Applies what is pending and returns the ids it applied. `through` stops after that migration
    /// (tests of a migration start from the schema before it, with rows in it).
    @discardableResult
    public func migrate(now: Date = Date(), through lastID: String? = nil) async throws -> [String] {
        let kind = database.kind
        // The lock comes before anything else: two instances starting together on an empty
        // PostgreSQL database would otherwise both run CREATE TABLE IF NOT EXISTS, which PostgreSQL
        // does not serialise (the second fails on pg_type_typname_nsp_index).
        try await database.transaction { db in
            if kind == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.lockKey)))").run()
            }
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id TEXT PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )
                """).run()
        }
        var applied: [String] = []
        let upTo = lastID.flatMap { id in allMigrations.firstIndex { $0.id == id } }.map { $0 + 1 } ?? allMigrations.count
        for migration in allMigrations.prefix(upTo) {
            let didApply = try await database.transaction { db in
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.lockKey)))").run()
                }
                let existing = try await db.raw("SELECT id FROM schema_migrations WHERE id = \(bind: migration.id)").first()
                guard existing == nil else { return false }
                for statement in migration.statements(kind) {
                    do {
                        try await db.raw(SQLQueryString(statement)).run()
                    } catch {
                        throw DatabaseError.migrationFailed(migration.id, underlying: error)
                    }
                }
                try await db.raw("INSERT INTO schema_migrations (id, applied_at) VALUES (\(bind: migration.id), \(bind: Int64(now.timeIntervalSince1970)))").run()
                return true
            }
            if didApply { applied.append(migration.id) }
        }
        return applied
    }

    /// Migrations known to this build that the database has not applied yet.
    public func pending() async throws -> [String] {
        let rows = try await database.sql.raw("SELECT id FROM schema_migrations").all()
        let applied = Set(try rows.map { try $0.decode(column: "id", as: String.self) })
        return Self.knownIDs.filter { !applied.contains($0) }
    }
}
