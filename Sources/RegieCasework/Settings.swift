import Foundation
import Inburgering
import RegieStorage

/// A municipality's settings as its functioneel beheerder sets them: the caseload norm, the windows
/// before a term in which the caseload warns, the cadence of progress meetings (R5b), the enforcement
/// ladder (R9), own intake topics, letter texts and the figures' plan. A door reads its own
/// representation (the settings page's form, the API's body) into the typed settings; the command
/// checks what the law and the caseload depend on, stores them and recomputes every case's nearest term.
public struct SaveSettings: CaseworkCommand {
    public let municipalityCode: String
    public var settings: MunicipalitySettings
    /// How the audit entry names the door ("api"); nil for the web.
    public var door: String?

    public init(municipalityCode: String, settings: MunicipalitySettings, door: String? = nil) {
        self.municipalityCode = municipalityCode
        self.settings = settings
        self.door = door
    }

    /// Term kinds whose due-soon window a municipality sets, by the name of their field.
    public static var windows: [(String, WritableKeyPath<DueSoonWindows, Int>)] {
        [("pipVaststelling", \.pipVaststelling), ("inburgeringstermijn", \.inburgeringstermijn), ("schakelVenster", \.schakelVenster),
         ("aanbodStart", \.aanbodStart), ("voortgangsgesprek", \.voortgangsgesprek), ("ontzorgenEinde", \.ontzorgenEinde),
         ("ontzorgenEvaluatie", \.ontzorgenEvaluatie), ("aowLeeftijd", \.aowLeeftijd), ("cbsLevering", \.cbsLevering)]
    }

    /// The steps a ladder holds at most.
    public static let ladderSteps = 3

    public static let labels: [String: String] = {
        var labels = ["caseloadNorm": "settings.caseloadNorm", "eersteJaar": "settings.firstYear", "daarna": "settings.after", "step1": "settings.ladder"]
        for (key, _) in windows { labels["window-\(key)"] = "settings.windowsShort" }
        for index in 1...ladderSteps { labels["amount\(index)"] = "settings.amountShort" }
        return labels
    }()

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> MunicipalitySettings {
        guard context.municipalityCodes.contains(municipalityCode) else { throw CaseNotFound() }
        var v = Checks(labels: Self.labels)
        _ = v.integer("caseloadNorm", settings.caseloadNorm, range: 10...300)
        for (key, path) in Self.windows { _ = v.integer("window-\(key)", settings.law.dueSoon[keyPath: path], range: 0...365) }
        // R5b: progress meetings at least once in a year's months; the cadence is in months.
        _ = v.integer("eersteJaar", settings.law.voortgang.eersteJaarMaanden, range: 1...12)
        _ = v.integer("daarna", settings.law.voortgang.daarnaMaanden, range: 1...12)
        // R9: a ladder of one to three steps; a fine is at most the legal maximum (Wi2021, € 800).
        let ladder = settings.law.handhaving.ladder
        if ladder.isEmpty || ladder.count > Self.ladderSteps { v.fail("step1", "settings.errors.ladderEmpty") }
        for (index, step) in ladder.prefix(Self.ladderSteps).enumerated() {
            if let cents = step.bedragCent { _ = v.integer("amount\(index + 1)", cents / 100, range: 0...(HandhavingRule.maximumBoeteCent / 100)) }
        }
        guard v.isValid else { throw v.error() }
        try await stores.settings.save(municipalityCode, settings, by: context.actorId,
                                       audit: context.audit(.settingsUpdate, nil, (door.map { "\($0): " } ?? "") + municipalityCode), now: context.now)
        // The windows and cadence feed every traject's nearest term: recompute them now.
        try await stores.casework.backfillNextDue(now: context.now)
        return settings
    }
}
