import Foundation
import Inburgering
import SQLKit

/// A topic a municipality adds to the brede intake (free text and a note, like the recommended ones).
public struct CustomIntakeTopic: Codable, Sendable, Hashable {
    /// Stable key, stored with the answers (`gm-…`).
    public var key: String
    public var label: String

    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// What a functioneel beheerder sets per municipality (domain.md §3: practice varies; build settings,
/// not forks). Defaults follow domain.md.
public struct MunicipalitySettings: Codable, Sendable, Hashable {
    /// Cases per full-time case worker the team plans with (practice: 40 to 120; seed 001b).
    public var caseloadNorm: Int
    /// Term windows, meeting cadence, ontzorgen and the fine ladder as the law module reads them.
    public var law: MunicipalityLawSettings
    public var intakeTopics: [CustomIntakeTopic]
    /// Overrides of the PIP letter's text blocks (catalogue key under `letter.` → text).
    public var letterTexts: [String: String]

    public init(caseloadNorm: Int = 80, law: MunicipalityLawSettings = .standaard, intakeTopics: [CustomIntakeTopic] = [],
                letterTexts: [String: String] = [:]) {
        self.caseloadNorm = caseloadNorm
        self.law = law
        self.intakeTopics = intakeTopics
        self.letterTexts = letterTexts
    }

    public static let defaults = MunicipalitySettings()
}

public struct SettingsStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The settings of a municipality, or the defaults when none were saved.
    public func fetch(_ code: String) async throws -> MunicipalitySettings {
        try await Self.fetch(code, on: database.sql)
    }

    static func fetch(_ code: String, on db: any SQLDatabase) async throws -> MunicipalitySettings {
        guard let row = try await db.raw("SELECT * FROM municipality_settings WHERE municipality_code = \(bind: code)").first() else {
            return .defaults
        }
        let decoder = JSONDecoder()
        func json<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            try decoder.decode(T.self, from: Data(try row.decode(column: column, as: String.self).utf8))
        }
        return MunicipalitySettings(
            caseloadNorm: try row.decode(column: "caseload_norm", as: Int.self),
            law: try json("law_settings", MunicipalityLawSettings.self),
            intakeTopics: try json("intake_topics", [CustomIntakeTopic].self),
            letterTexts: try json("letter_texts", [String: String].self))
    }

    /// The settings of several municipalities at once (a caseload spans the organisation's).
    public func fetch(_ codes: [String]) async throws -> [String: MunicipalitySettings] {
        var result: [String: MunicipalitySettings] = [:]
        for code in codes { result[code] = try await fetch(code) }
        return result
    }

    /// Saves the settings with their audit entry, and marks the open trajecten of the municipality
    /// for a fresh nearest term (the windows and cadence may have changed).
    public func save(_ code: String, _ settings: MunicipalitySettings, by userId: String, audit: AuditEvent, now: Date) async throws {
        let kind = database.kind
        let encoder = JSONEncoder.sorted
        let law = String(decoding: try encoder.encode(settings.law), as: UTF8.self)
        let topics = String(decoding: try encoder.encode(settings.intakeTopics), as: UTF8.self)
        let texts = String(decoding: try encoder.encode(settings.letterTexts), as: UTF8.self)
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO municipality_settings (municipality_code, caseload_norm, law_settings, intake_topics, letter_texts, updated_by, updated_at)
                VALUES (\(bind: code), \(bind: settings.caseloadNorm), \(bind: law), \(bind: topics), \(bind: texts), \(bind: userId), \(bind: now.epochSeconds))
                ON CONFLICT (municipality_code) DO UPDATE SET caseload_norm = excluded.caseload_norm, law_settings = excluded.law_settings,
                    intake_topics = excluded.intake_topics, letter_texts = excluded.letter_texts, updated_by = excluded.updated_by,
                    updated_at = excluded.updated_at
                """).run()
            try await db.raw("UPDATE trajecten SET next_due_kind = NULL WHERE municipality_code = \(bind: code) AND closed_date IS NULL").run()
            try await AuditStore.append([audit], at: now, on: db, kind: kind)
        }
    }
}
