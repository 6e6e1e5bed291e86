import Foundation
import Inburgering
import RegieCasework
@testable import RegieServer
import RegieStorage
import Testing

/// A municipality's settings as a command: the typed settings are checked where the law depends on
/// them (R5b cadence, R9 ladder and fines) and stored for the principal's own municipalities only.
@Suite("Casework commands: municipality settings")
struct SettingsCommandTests {
    /// One wrong value in otherwise valid settings.
    static func wrong(_ name: String, _ s: inout MunicipalitySettings) {
        switch name {
        case "a norm of 5": s.caseloadNorm = 5
        case "a window of a year and more": s.law.dueSoon.pipVaststelling = 366
        case "meetings every 13 months": s.law.voortgang.eersteJaarMaanden = 13
        case "no ladder": s.law.handhaving.ladder = []
        default: s.law.handhaving.ladder = [.waarschuwing, .boete(bedragCent: 90_000)]
        }
    }

    @Test("Settings: the norm, windows, cadence (R5b) and the ladder (R9) are checked on the typed value", arguments: [
        ("a norm of 5", "caseloadNorm: validation.numberRange"),
        ("a window of a year and more", "window-pipVaststelling: validation.numberRange"),
        ("meetings every 13 months", "eersteJaar: validation.numberRange"),
        ("no ladder", "step1: settings.errors.ladderEmpty"),
        ("a fine over € 800", "amount2: validation.numberRange"),
    ])
    func settingsRefusals(_ name: String, _ issue: String) async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            var settings = try await app.services.settings.fetch("GM0988")
            Self.wrong(name, &settings)
            let refused = try await CommandTesting.refusal(SaveSettings(municipalityCode: "GM0988", settings: settings), app, actor: "a-functioneelBeheerder")
            #expect(refused?.kind == .invalid, "\(name)")
            #expect(refused?.issues == [issue], "\(name)")
        }
    }

    @Test("Settings are stored for the principal's own municipality only", arguments: Engine.available)
    func settingsSaved(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            var settings = try await app.services.settings.fetch("GM0988")
            settings.caseloadNorm = 60
            _ = try await SaveSettings(municipalityCode: "GM0988", settings: settings).run(CommandTesting.context(app), stores: app.services.stores)
            #expect(try await app.services.settings.fetch("GM0988").caseloadNorm == 60)
            await #expect(throws: CaseNotFound.self) {
                _ = try await SaveSettings(municipalityCode: "GM0957", settings: settings).run(CommandTesting.context(app), stores: app.services.stores)
            }
        }
    }
}
