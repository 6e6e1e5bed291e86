import Foundation
import Inburgering
import RegieCasework
import RegieStorage

/// A municipality's settings as a flat set of named values — the settings page's form and the API's
/// settings body (mapped to these names) are both read here, with one validation.
enum SettingsForm {
    /// Term kinds whose due-soon window is set here.
    static var windows: [(String, WritableKeyPath<DueSoonWindows, Int>)] { SaveSettings.windows }
    /// PIP letter blocks a municipality may rewrite. The bezwaar clause is fixed: the law requires it.
    static let letterBlocks = ["intro", "obligations", "closing", "signer"]
    /// The letterhead's fields: (form name, maximum length, several lines allowed, where it is kept).
    static var letterheadFields: [(String, Int, Bool, WritableKeyPath<Letterhead, String>)] { [
        ("name", 80, false, \.name), ("visitingAddress", 200, true, \.visitingAddress), ("postalAddress", 200, true, \.postalAddress),
        ("phone", 30, false, \.phone), ("website", 80, false, \.website), ("signatoryName", 80, false, \.signatoryName),
        ("mandateLine", 200, true, \.mandateLine), ("bezwaarAddress", 300, true, \.bezwaarAddress),
    ] }
    static let stepKinds = ["", "waarschuwing", "boete", "boeteEnPIPZonderInbreng"]
    /// How many own targets a municipality can set for the figures.
    static let targetCount = 3

    /// The stored settings as form values.
    static func input(from settings: MunicipalitySettings) -> [String: String] {
        var values: [String: String] = ["caseloadNorm": String(settings.caseloadNorm),
                                        "eersteJaar": String(settings.law.voortgang.eersteJaarMaanden),
                                        "daarna": String(settings.law.voortgang.daarnaMaanden),
                                        "afwezigLessen": String(settings.law.aanwezigheid.afwezigLessen),
                                        "afwezigWeken": String(settings.law.aanwezigheid.periodeWeken),
                                        "opschorten": settings.law.handhaving.boetesAsielstatushoudersOpschorten ? "ja" : "",
                                        "topics": settings.intakeTopics.map(\.label).joined(separator: "\n"),
                                        "providers": settings.providers.joined(separator: "\n")]
        for (key, path) in windows { values["window-\(key)"] = String(settings.law.dueSoon[keyPath: path]) }
        for (index, step) in settings.law.handhaving.ladder.prefix(3).enumerated() {
            values["step\(index + 1)"] = Enforcement.stepKey(step)
            values["amount\(index + 1)"] = step.bedragCent.map { String($0 / 100) } ?? ""
        }
        for block in letterBlocks { values["letter-\(block)"] = settings.letterTexts[block] ?? "" }
        for (field, _, _, path) in letterheadFields { values["letterhead-\(field)"] = settings.letterhead[keyPath: path] }
        for route in MonitoringSettings.routes { values["plan-\(route)"] = settings.monitoring.routePlan[route].map(String.init) ?? "" }
        for (index, target) in settings.monitoring.targets.prefix(targetCount).enumerated() {
            values["target\(index + 1)"] = target.metric
            values["targetMonths\(index + 1)"] = String(target.months)
            values["targetPercent\(index + 1)"] = String(target.percent)
        }
        return values
    }

    /// Validates the form into settings; every number within its range, at least one ladder step,
    /// fines within the legal maximum of € 800 (R9).
    static func validate(_ form: FormData, base: MunicipalitySettings, catalogue: Catalogue, locale: UILocale) -> (MunicipalitySettings, [AppError.FieldError]) {
        var v = Validator(Localizer(catalogue: catalogue, locale: locale))
        var settings = base
        settings.caseloadNorm = v.integer("caseloadNorm", form["caseloadNorm"], label: "settings.caseloadNorm", range: 10...300) ?? base.caseloadNorm
        for (key, path) in windows {
            if let days = v.integer("window-\(key)", form["window-\(key)"], label: "settings.windowsShort", range: 0...365) {
                settings.law.dueSoon[keyPath: path] = days
            }
        }
        settings.law.voortgang.eersteJaarMaanden = v.integer("eersteJaar", form["eersteJaar"], label: "settings.firstYear", range: 1...12) ?? base.law.voortgang.eersteJaarMaanden
        settings.law.voortgang.daarnaMaanden = v.integer("daarna", form["daarna"], label: "settings.after", range: 1...12) ?? base.law.voortgang.daarnaMaanden
        // The attendance register's absence signal; a form without the fields (the API's) keeps what is set.
        if form["afwezigLessen"] != nil || form["afwezigWeken"] != nil {
            settings.law.aanwezigheid.afwezigLessen = v.integer("afwezigLessen", form["afwezigLessen"], label: "settings.absenceLessons",
                                                                range: AanwezigheidSettings.lessenRange) ?? base.law.aanwezigheid.afwezigLessen
            settings.law.aanwezigheid.periodeWeken = v.integer("afwezigWeken", form["afwezigWeken"], label: "settings.absenceWeeks",
                                                               range: AanwezigheidSettings.wekenRange) ?? base.law.aanwezigheid.periodeWeken
        }
        var ladder: [HandhavingsStap] = []
        for index in 1...3 {
            let kind = form["step\(index)"] ?? ""
            guard !kind.isEmpty else { continue }
            let euros = v.integer("amount\(index)", form["amount\(index)"], label: "settings.amountShort", range: 0...(HandhavingRule.maximumBoeteCent / 100),
                                  required: kind != "waarschuwing") ?? 0
            switch kind {
            case "waarschuwing": ladder.append(.waarschuwing)
            case "boete": ladder.append(.boete(bedragCent: euros * 100))
            case "boeteEnPIPZonderInbreng": ladder.append(.boeteEnPIPZonderInbreng(bedragCent: euros * 100))
            default: v.fail("step\(index)", "validation.choose", ["field": catalogue.text("settings.ladder", locale)])
            }
        }
        if ladder.isEmpty { v.fail("step1", "settings.errors.ladderEmpty") }
        settings.law.handhaving = HandhavingSettings(ladder: ladder.isEmpty ? base.law.handhaving.ladder : ladder,
                                                     boetesAsielstatushoudersOpschorten: form["opschorten"] == "ja")
        let labels = (form.raw("topics") ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if labels.count > 20 || labels.contains(where: { !TextLength.fits($0, within: 80) }) { v.fail("topics", "settings.errors.topics") }
        settings.intakeTopics = labels.prefix(20).map { CustomIntakeTopic(key: "gm-" + slug($0), label: $0) }
        if Set(settings.intakeTopics.map(\.key)).count != settings.intakeTopics.count { v.fail("topics", "settings.errors.topicsDuplicate") }
        let providers = (form.raw("providers") ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if providers.count > 50 || providers.contains(where: { !TextLength.fits($0, within: 120) }) { v.fail("providers", "settings.errors.providers") }
        var seenProviders = Set<String>()
        settings.providers = providers.prefix(50).filter { seenProviders.insert($0.lowercased()).inserted }
        var texts: [String: String] = [:]
        for block in letterBlocks {
            if let text = v.text("letter-\(block)", form["letter-\(block)"], label: "settings.letterBlocks.\(block)", required: false, maxLength: 3000) {
                texts[block] = text
            }
        }
        settings.letterTexts = texts
        for (field, maxLength, multiline, path) in letterheadFields {
            let typed = (form.raw("letterhead-\(field)") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if typed.isEmpty { settings.letterhead[keyPath: path] = ""; continue }
            let lines = typed.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if !multiline && lines.count > 1 || lines.count > 5 || !TextLength.fits(typed, within: maxLength) {
                v.fail("letterhead-\(field)", "settings.letterhead.errors.tooLong", ["field": catalogue.text("settings.letterhead.\(field)", locale), "max": String(maxLength)])
                continue
            }
            if field == "website", !(typed.hasPrefix("https://") || typed.hasPrefix("http://") || typed.hasPrefix("www.")) || typed.contains(" ") {
                v.fail("letterhead-website", "settings.letterhead.errors.website")
                continue
            }
            if field == "phone", !typed.allSatisfy({ $0.isNumber || " +-()".contains($0) }) || typed.filter(\.isNumber).count < 3 {
                v.fail("letterhead-phone", "settings.letterhead.errors.phone")
                continue
            }
            settings.letterhead[keyPath: path] = lines.joined(separator: "\n")
        }
        // The planned route mix: all three adding up to 100, or none.
        var plan: [String: Int] = [:]
        for route in MonitoringSettings.routes where !(form["plan-\(route)"] ?? "").isEmpty {
            if let share = v.integer("plan-\(route)", form["plan-\(route)"], label: "settings.routePlan", range: 0...100) { plan[route] = share }
        }
        let planSum = plan.values.reduce(0, +)
        if !plan.isEmpty && (plan.count != MonitoringSettings.routes.count || planSum != 100) && v.isValid {
            v.fail("plan-\(MonitoringSettings.routes[0])", "settings.errors.planSum", ["sum": String(planSum)])
        }
        var targets: [MonitoringTarget] = []
        for n in 1...targetCount {
            let metric = form["target\(n)"] ?? ""
            guard !metric.isEmpty else { continue }
            guard MonitoringTarget.metrics.contains(metric) else {
                v.fail("target\(n)", "validation.choose", ["field": catalogue.text("settings.targets", locale)])
                continue
            }
            let months = Int(form["targetMonths\(n)"] ?? "").flatMap { (1...60).contains($0) ? $0 : nil }
            let percent = Int(form["targetPercent\(n)"] ?? "").flatMap { (1...100).contains($0) ? $0 : nil }
            guard let months, let percent else {
                v.fail(months == nil ? "targetMonths\(n)" : "targetPercent\(n)", "settings.errors.targetIncomplete")
                continue
            }
            targets.append(MonitoringTarget(metric: metric, months: months, percent: percent))
        }
        settings.monitoring = MonitoringSettings(routePlan: plan, targets: targets)
        return (settings, v.errors)
    }

    /// A stable key from a topic label: lower case letters and digits joined by dashes.
    static func slug(_ label: String) -> String {
        let folded = label.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "nl_NL")).lowercased()
        return folded.split { !($0.isLetter || $0.isNumber) }.joined(separator: "-")
    }

}
