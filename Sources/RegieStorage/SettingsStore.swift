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

/// A municipality's own target for the figures (for instance "90% started within 3 months of
/// housing"): the share of people for whom a step follows another within a number of months.
public struct MonitoringTarget: Codable, Sendable, Hashable {
    /// What is measured; one of `MonitoringTarget.metrics`.
    public var metric: String
    /// The window in calendar months (a day missing in the last month is clamped to its last day).
    public var months: Int
    /// The share aimed for, in percent.
    public var percent: Int

    public init(metric: String, months: Int, percent: Int) {
        self.metric = metric
        self.months = months
        self.percent = percent
    }

    /// `routeStartAfterHousing`: the learning route started within `months` of housing (or BRP
    /// registration when no housing date is known); `intakeAfterHousing`: the brede intake
    /// started within `months` of that day; `pipAfterHousing`: the first PIP fixed within it.
    public static let metrics = ["routeStartAfterHousing", "intakeAfterHousing", "pipAfterHousing"]
}

/// The municipality's monitoring settings: the route mix it plans with (leerroute → percent,
/// summing to 100, or empty) and its own targets.
public struct MonitoringSettings: Codable, Sendable, Hashable {
    public var routePlan: [String: Int]
    public var targets: [MonitoringTarget]

    /// The leerroutes of the route plan and the figures, in their order (Wi2021 art. 7–9: B1-route,
    /// onderwijsroute, Z-route).
    public static let routes = ["b1", "onderwijs", "z"]

    public init(routePlan: [String: Int] = [:], targets: [MonitoringTarget] = []) {
        self.routePlan = routePlan
        self.targets = targets
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        routePlan = try container.decodeIfPresent([String: Int].self, forKey: .routePlan) ?? [:]
        targets = try container.decodeIfPresent([MonitoringTarget].self, forKey: .targets) ?? []
    }
}

/// The municipality's letterhead for every letter Regie prints: its name, visiting and postal address,
/// phone and website, the signatory with the line that says under which mandate they sign, and the
/// address a bezwaarschrift goes to (Awb 6:4: to the body that made the decision). Empty fields fall
/// back to the municipality's name and the letters' standard wording.
public struct Letterhead: Codable, Sendable, Hashable {
    public var name: String
    public var visitingAddress: String
    public var postalAddress: String
    public var phone: String
    public var website: String
    public var signatoryName: String
    public var mandateLine: String
    public var bezwaarAddress: String

    public init(name: String = "", visitingAddress: String = "", postalAddress: String = "", phone: String = "", website: String = "",
                signatoryName: String = "", mandateLine: String = "", bezwaarAddress: String = "") {
        self.name = name
        self.visitingAddress = visitingAddress
        self.postalAddress = postalAddress
        self.phone = phone
        self.website = website
        self.signatoryName = signatoryName
        self.mandateLine = mandateLine
        self.bezwaarAddress = bezwaarAddress
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        self.init(name: try field(.name), visitingAddress: try field(.visitingAddress), postalAddress: try field(.postalAddress), phone: try field(.phone),
                  website: try field(.website), signatoryName: try field(.signatoryName), mandateLine: try field(.mandateLine),
                  bezwaarAddress: try field(.bezwaarAddress))
    }
}

/// What a functioneel beheerder sets per municipality (practice varies between municipalities:
/// settings, not forks). Defaults follow the law and common practice.
public struct MunicipalitySettings: Codable, Sendable, Hashable {
    /// Cases per full-time case worker the team plans with (practice: 40 to 120).
    public var caseloadNorm: Int
    /// Term windows, meeting cadence, ontzorgen and the fine ladder as the law module reads them.
    public var law: MunicipalityLawSettings
    public var intakeTopics: [CustomIntakeTopic]
    /// Overrides of the PIP letter's text blocks (catalogue key under `letter.` → text).
    public var letterTexts: [String: String]
    public var monitoring: MonitoringSettings
    public var letterhead: Letterhead
    /// The providers hours are recorded against (M0021); empty: the provider is typed.
    public var providers: [String]

    public init(caseloadNorm: Int = 80, law: MunicipalityLawSettings = .standaard, intakeTopics: [CustomIntakeTopic] = [],
                letterTexts: [String: String] = [:], monitoring: MonitoringSettings = .init(), letterhead: Letterhead = .init(),
                providers: [String] = []) {
        self.letterhead = letterhead
        self.providers = providers
        self.caseloadNorm = caseloadNorm
        self.monitoring = monitoring
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
            letterTexts: try json("letter_texts", [String: String].self),
            monitoring: try json("monitoring", MonitoringSettings.self),
            letterhead: try json("letterhead", Letterhead.self),
            providers: try json("providers", [String].self))
    }

    /// A municipality's law settings from their stored JSON; the defaults when none are stored.
    static func lawSettings(json: String?) throws -> MunicipalityLawSettings {
        guard let json else { return MunicipalitySettings.defaults.law }
        return try JSONDecoder().decode(MunicipalityLawSettings.self, from: Data(json.utf8))
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
        let encoder = JSONEncoder.sorted
        let law = String(decoding: try encoder.encode(settings.law), as: UTF8.self)
        let topics = String(decoding: try encoder.encode(settings.intakeTopics), as: UTF8.self)
        let texts = String(decoding: try encoder.encode(settings.letterTexts), as: UTF8.self)
        let monitoring = String(decoding: try encoder.encode(settings.monitoring), as: UTF8.self)
        let letterhead = String(decoding: try encoder.encode(settings.letterhead), as: UTF8.self)
        let providers = String(decoding: try encoder.encode(settings.providers), as: UTF8.self)
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO municipality_settings (municipality_code, caseload_norm, law_settings, intake_topics, letter_texts, monitoring, letterhead, providers,
                    updated_by, updated_at)
                VALUES (\(bind: code), \(bind: settings.caseloadNorm), \(bind: law), \(bind: topics), \(bind: texts), \(bind: monitoring), \(bind: letterhead),
                        \(bind: providers), \(bind: userId), \(bind: now.epochSeconds))
                ON CONFLICT (municipality_code) DO UPDATE SET caseload_norm = excluded.caseload_norm, law_settings = excluded.law_settings,
                    intake_topics = excluded.intake_topics, letter_texts = excluded.letter_texts, monitoring = excluded.monitoring, letterhead = excluded.letterhead,
                    providers = excluded.providers, updated_by = excluded.updated_by,
                    updated_at = excluded.updated_at
                """).run()
            try await db.raw("UPDATE trajecten SET next_due_kind = NULL WHERE municipality_code = \(bind: code) AND closed_date IS NULL").run()
            try await AuditStore.append([audit], at: now, on: db)
        }
    }
}

/// A municipality's logo: a PNG or JPEG, as a data URI a letter embeds (so a letter kept as sent
/// keeps the logo of that day).
public struct MunicipalityLogo: Sendable, Hashable {
    public let contentType: String
    public let base64: String

    public init(contentType: String, base64: String) {
        self.contentType = contentType
        self.base64 = base64
    }

    public var dataURI: String { "data:\(contentType);base64,\(base64)" }
}

extension SettingsStore {
    public func fetchLogo(_ code: String) async throws -> MunicipalityLogo? {
        try await database.sql.raw("SELECT content_type, data_base64 FROM municipality_logos WHERE municipality_code = \(bind: code)").first().map { row in
            MunicipalityLogo(contentType: try row.decode(column: "content_type", as: String.self), base64: try row.decode(column: "data_base64", as: String.self))
        }
    }

    /// Replaces the logo (nil removes it), with its audit entry.
    public func saveLogo(_ code: String, _ logo: MunicipalityLogo?, by userId: String, audit: AuditEvent, now: Date) async throws {
        try await database.transaction { db in
            if let logo {
                try await db.raw("""
                    INSERT INTO municipality_logos (municipality_code, content_type, data_base64, updated_by, updated_at)
                    VALUES (\(bind: code), \(bind: logo.contentType), \(bind: logo.base64), \(bind: userId), \(bind: now.epochSeconds))
                    ON CONFLICT (municipality_code) DO UPDATE SET content_type = excluded.content_type, data_base64 = excluded.data_base64,
                        updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """).run()
            } else {
                try await db.raw("DELETE FROM municipality_logos WHERE municipality_code = \(bind: code)").run()
            }
            try await AuditStore.append([audit], at: now, on: db)
        }
    }
}
