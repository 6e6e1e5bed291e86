import Foundation
import Inburgering
import RegieServer
import RegieStorage
import Testing

@Suite("Translation catalogue: every string of the interface exists in Dutch and English")
struct CatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(under path: String, ending suffix: String) throws -> [URL] {
        let directory = root.appendingPathComponent(path)
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { $0.path.hasSuffix(suffix) }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("Placeholders are filled in one pass: each {name} with its argument, other braces kept, a value never filled again",
          arguments: [
              ("Nog {days} d", ["days": "12"], "Nog 12 d"),
              ("{a} en {b}", ["a": "{b}", "b": "twee"], "{b} en twee"),
              ("{onbekend} blijft", ["days": "1"], "{onbekend} blijft"),
              ("open { zonder sluiten", ["x": "1"], "open { zonder sluiten"),
              ("{{x}}", ["x": "1"], "{1}"),
              ("{x}{x}", ["x": "é"], "éé"),
              ("geen argumenten {x}", [:], "geen argumenten {x}"),
          ])
    func placeholders(text: String, arguments: [String: String], expected: String) {
        let catalogue = Catalogue(roots: [.nl: .group(["t": .text(text)])])
        #expect(catalogue.text("t", .nl, arguments) == expected)
    }

    @Test("Dutch and English have exactly the same keys")
    func sameKeys() async throws {
        let catalogue = try await Views.load().catalogue
        let nl = catalogue.keyPaths(.nl), en = catalogue.keyPaths(.en)
        #expect(nl.subtracting(en).isEmpty, "missing in English: \(nl.subtracting(en).sorted())")
        #expect(en.subtracting(nl).isEmpty, "missing in Dutch: \(en.subtracting(nl).sorted())")
        #expect(nl.count > 150)
    }

    @Test("No key in a catalogue file has a dot in its name (a lookup splits on dots and would never find it)")
    func noDottedKeys() throws {
        func dotted(_ value: Any, _ path: String) -> [String] {
            guard let object = value as? [String: Any] else { return [] }
            return object.flatMap { key, child in (key.contains(".") ? [path + key] : []) + dotted(child, path + key + "/") }
        }
        for language in ["nl", "en"] {
            let data = try Data(contentsOf: Self.root.appendingPathComponent("Sources/RegieServer/Resources/Locales/\(language).json"))
            #expect(dotted(try JSONSerialization.jsonObject(with: data), "").isEmpty, "\(language)")
        }
    }

    @Test("Every {{t.…}} in a template exists in the catalogue")
    func templateKeysExist() async throws {
        let catalogue = try await Views.load().catalogue
        let keys = catalogue.keyPaths(.nl)
        var used = Set<String>()
        for file in try Self.files(under: "Sources/RegieServer/Resources/Templates", ending: ".mustache") {
            used.formUnion(Self.matches(#"\{\{t\.([A-Za-z0-9_.]+)\}\}"#, in: try String(contentsOf: file, encoding: .utf8)))
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(keys).isEmpty, "unknown keys: \(used.subtracting(keys).sorted())")
    }

    @Test("Every literal key passed to catalogue.text(…) in Swift exists")
    func swiftKeysExist() async throws {
        let catalogue = try await Views.load().catalogue
        let keys = catalogue.keyPaths(.nl)
        var used = Set<String>()
        for file in try Self.files(under: "Sources/RegieServer", ending: ".swift") + Self.files(under: "Sources/RegieCasework", ending: ".swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            used.formUnion(Self.matches(#"\.text\("([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
            // The casework commands' refusals name their rule (the message's key) and their fields' labels.
            used.formUnion(Self.matches(#"rule: "([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
            let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            used.formUnion(Self.matches(#""[A-Za-z0-9]+": "([a-z]+\.[A-Za-z0-9_.]+)"[,\]]"#, in: code))
            used.formUnion(Self.matches(#"titleKey: "([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
            used.formUnion(Self.matches(#"add\(\.[a-zA-Z]+, "([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
            // Field labels and validation messages passed to the form validator.
            used.formUnion(Self.matches(#"label: "([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
            used.formUnion(Self.matches(#"fail\("[A-Za-z0-9-]+", "([a-zA-Z]+\.[A-Za-z0-9_.]+)""#, in: text))
        }
        #expect(used.count > 40)
        #expect(used.subtracting(keys).isEmpty, "unknown keys: \(used.subtracting(keys).sorted())")
    }

    @Test("Every audit action has a name in the catalogue and is recorded somewhere in the code")
    func auditActionsNamed() async throws {
        let catalogue = try await Views.load().catalogue
        let keys = catalogue.keyPaths(.nl)
        let missing = AuditAction.allCases.filter { !keys.contains("auditActions.\($0.rawValue)") }
        #expect(missing.isEmpty, "actions without a name: \(missing)")
        var code = ""
        for directory in ["Sources/RegieServer", "Sources/RegieCasework", "Sources/RegieStorage"] {
            for file in try Self.files(under: directory, ending: ".swift") where !file.path.hasSuffix("AuditStore.swift") {
                code += try String(contentsOf: file, encoding: .utf8)
            }
        }
        let unused = AuditAction.allCases.filter { action in Self.matches(#"\.(\#(action))\b"#, in: code).isEmpty }
        #expect(unused.isEmpty, "actions nothing records: \(unused)")
    }

    @Test("Placeholders are filled in and a missing key falls back visibly")
    func placeholders() async throws {
        let catalogue = try await Views.load().catalogue
        #expect(catalogue.text("login.tooMany", .nl, ["minutes": "7"]).contains("over 7 minuten"))
        #expect(catalogue.text("login.tooMany", .en, ["minutes": "7"]).contains("in 7 minutes"))
        #expect(catalogue.text("does.not.exist", .en) == "does.not.exist")
    }

    @Test("A user who prefers English gets the interface in English")
    func englishPreference() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/account/taal", form: [("locale", "en")], csrf: csrf).status == .seeOther)
            let page = try await browser.get("/")
            #expect(page.body.contains("<html lang=\"en\">"))
            #expect(page.body.contains("Caseload"))
        }
    }

    @Test("Every finding of the law module has words in both languages (PIP content, DUO's PIP rules, the enforcement ladder)")
    func lawTexts() async throws {
        let catalogue = try await Views.load().catalogue
        let day = CalendarDate(year: 2026, month: 11, day: 18)!
        let gaps: [PIPInhoudGebrek] = [.geenBegeleidingOfOndersteuning, .geenPVT, .pvtMinderDanMinimum(uren: 8), .geenMAP, .mapMinderDanMinimum(praktijkuren: 20),
                                       .mapBijOnderwijsroute, .geenVVEAfspraak, .geenVoortgangsgesprekken, .geenEinddoel, .geenBezwaarclausule,
                                       .afwijkingZonderMotivering(.omhoog), .afwijkingZonderMotivering(.omlaag)]
        let violations: [PIPViolation] = [.dagtekeningVoorStartInburgeringsplicht(dagtekening: day, start: day), .dagtekeningVoorVestiging(dagtekening: day, vestiging: day),
                                          .dagtekeningVoorInitielePIP(dagtekening: day, initieel: day), .dagtekeningVoorHuidigePIP(dagtekening: day, huidig: day),
                                          .niveauNietToegestaan(.b2), .a2BijOnderwijsroute, .b1BijZRoute, .a2BijB1RouteEerstePIP, .intensiteitAlleenBijB1Route(.z),
                                          .intensiteitAlleenVoorAsielstatushouder, .intensiteitBuitenBereik(0), .verwijderenNaStartTermijn]
        let refusals: [HandhavingsWeigering] = [.ladderDoorlopen, .geenBeoordelingOmstandigheden, .beoordelingOnvolledig, .nietVerwijtbaar, .boetesOpgeschortVoorAsielstatushouders]
        for locale in [UILocale.nl, .en] {
            let t = Localizer(catalogue: catalogue, locale: locale)
            let texts = gaps.map { LawText.gap($0, t) } + violations.map { LawText.violation($0, t) } + refusals.map { LawText.refusal($0, t) }
            #expect(texts.allSatisfy { !$0.hasPrefix("law.") && !$0.contains("{") }, "\(locale): \(texts.filter { $0.hasPrefix("law.") || $0.contains("{") })")
            #expect(Set(texts).count == texts.count, "each finding has its own words")
        }
        #expect(LawText.gap(.pvtMinderDanMinimum(uren: 8), Localizer(catalogue: catalogue, locale: .nl)) == "Het PVT duurt minimaal 12 uur; het PIP noemt 8 uur.")
        #expect(LawText.violation(.dagtekeningVoorVestiging(dagtekening: day, vestiging: day.adding(days: 1)), Localizer(catalogue: catalogue, locale: .en)).contains("19 November 2026"))
    }
}
