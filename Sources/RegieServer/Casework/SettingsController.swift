import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The functioneel beheerder's settings per municipality (domain.md: build settings, not forks):
/// caseload norm, due-soon windows, meeting cadence, the fine ladder, extra intake topics and the
/// adjustable text blocks of the PIP letter. Teams of the organisation are listed and can be added.
struct SettingsController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.settings.path), use: show)
        router.post(RouterPath(SiteRoute.settings.path), use: save)
        router.post(RouterPath(SiteRoute.settingsTeams.path), use: addTeam)
        router.post(RouterPath(SiteRoute.settingsFigures.path), use: saveMinimumCell)
    }

    /// Term kinds whose due-soon window is set here.
    static var windows: [(String, WritableKeyPath<DueSoonWindows, Int>)] {
        [("pipVaststelling", \.pipVaststelling), ("inburgeringstermijn", \.inburgeringstermijn), ("schakelVenster", \.schakelVenster),
         ("aanbodStart", \.aanbodStart), ("voortgangsgesprek", \.voortgangsgesprek), ("ontzorgenEinde", \.ontzorgenEinde),
         ("ontzorgenEvaluatie", \.ontzorgenEvaluatie), ("aowLeeftijd", \.aowLeeftijd), ("cbsLevering", \.cbsLevering)]
    }
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

    struct Group { let legend: String; let fields: [FieldView] }
    struct TeamRow { let name: String }
    struct SettingsView {
        let municipality: String
        let switcher: FieldView
        let summary: ErrorSummary
        let groups: [Group]
        let action: String
        let code: String
        let teams: [TeamRow]
        let teamField: FieldView
        let teamAction: String
        let minimumCellField: FieldView
        let minimumCellAction: String
    }

    private func municipality(_ principal: Principal, _ requested: String?) -> Municipality? {
        let code = requested ?? principal.session?.municipalityCode ?? principal.municipalities.first?.code
        return principal.municipalities.first { $0.code == code }
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
        let settings = try await services.settings.fetch(municipality.code)
        try await services.record("settings.view", context: context, permission: .manageSettings, detail: municipality.code)
        return try await render(principal, municipality, input: Self.input(from: settings), errors: [], context: context, status: .ok)
    }

    /// The stored settings as form values.
    static func input(from settings: MunicipalitySettings) -> [String: String] {
        var values: [String: String] = ["caseloadNorm": String(settings.caseloadNorm),
                                        "eersteJaar": String(settings.law.voortgang.eersteJaarMaanden),
                                        "daarna": String(settings.law.voortgang.daarnaMaanden),
                                        "opschorten": settings.law.handhaving.boetesAsielstatushoudersOpschorten ? "ja" : "",
                                        "topics": settings.intakeTopics.map(\.label).joined(separator: "\n")]
        for (key, path) in windows { values["window-\(key)"] = String(settings.law.dueSoon[keyPath: path]) }
        for (index, step) in settings.law.handhaving.ladder.prefix(3).enumerated() {
            values["step\(index + 1)"] = Enforcement.stepKey(step)
            values["amount\(index + 1)"] = step.bedragCent.map { String($0 / 100) } ?? ""
        }
        for block in letterBlocks { values["letter-\(block)"] = settings.letterTexts[block] ?? "" }
        for (field, _, _, path) in letterheadFields { values["letterhead-\(field)"] = settings.letterhead[keyPath: path] }
        for route in FiguresController.routes { values["plan-\(route)"] = settings.monitoring.routePlan[route].map(String.init) ?? "" }
        for (index, target) in settings.monitoring.targets.prefix(Self.targetCount).enumerated() {
            values["target\(index + 1)"] = target.metric
            values["targetMonths\(index + 1)"] = String(target.months)
            values["targetPercent\(index + 1)"] = String(target.percent)
        }
        return values
    }

    private func render(_ principal: Principal, _ municipality: Municipality, input: [String: String], errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let minimumCell = try await services.users.fetchFiguresMinimumCell(organisationId: principal.organisationId)
        let t = services.catalogue
        let l = context.locale
        let value = { (name: String) in input[name] ?? "" }
        let number = { (name: String, label: String, range: String) in
            FieldView(.input("number"), name: name, label: label, value: value(name), errors: errors, extra: range)
        }
        let ladder = (1...3).flatMap { index in [
            FieldView(.select, name: "step\(index)", label: t.text("settings.step", l, ["n": String(index)]), value: value("step\(index)"),
                      options: Self.stepKinds.map { ($0, $0.isEmpty ? t.text("settings.noStep", l) : t.text("enforcement.steps.\($0)", l)) }, errors: errors),
            number("amount\(index)", t.text("settings.amount", l, ["n": String(index)]), "min=\"0\" max=\"800\""),
        ] }
        let metrics: [(String, String)] = [("", t.text("settings.noTarget", l))]
            + MonitoringTarget.metrics.map { ($0, t.text("figures.targetMetrics.\($0)", l, ["months": t.text("figures.months", l, ["n": "N"])])) }
        var targetFields: [FieldView] = []
        for n in 1...Self.targetCount {
            let index = String(n)
            targetFields.append(FieldView(.select, name: "target" + index, label: t.text("settings.targetMetric", l, ["n": index]),
                                          value: value("target" + index), options: metrics, errors: errors))
            targetFields.append(number("targetMonths" + index, t.text("settings.targetMonths", l, ["n": index]), "min=\"1\" max=\"60\""))
            targetFields.append(number("targetPercent" + index, t.text("settings.targetPercent", l, ["n": index]), "min=\"1\" max=\"100\""))
        }
        let groups = [
            Group(legend: t.text("settings.caseload", l), fields: [
                FieldView(.input("number"), name: "caseloadNorm", label: t.text("settings.caseloadNorm", l), hint: t.text("settings.caseloadNormHint", l),
                          value: value("caseloadNorm"), required: true, errors: errors, extra: "min=\"10\" max=\"300\""),
            ]),
            Group(legend: t.text("settings.windows", l), fields: Self.windows.map { key, _ in
                number("window-\(key)", t.text("settings.windowFor", l, ["term": t.text("terms.\(key)", l)]), "min=\"0\" max=\"365\"")
            }),
            Group(legend: t.text("settings.cadence", l), fields: [
                number("eersteJaar", t.text("settings.firstYear", l), "min=\"1\" max=\"12\""),
                number("daarna", t.text("settings.after", l), "min=\"1\" max=\"12\""),
            ]),
            Group(legend: t.text("settings.ladder", l), fields: ladder + [
                FieldView(.checkbox, name: "opschorten", label: t.text("settings.suspend", l), hint: t.text("settings.suspendHint", l), value: value("opschorten"), errors: errors),
            ]),
            Group(legend: t.text("settings.routePlan", l), fields: FiguresController.routes.map { route in
                FieldView(.input("number"), name: "plan-\(route)", label: t.text("settings.planFor", l, ["route": t.text("figures.routeParts.\(route)", l)]),
                          hint: route == FiguresController.routes.first ? t.text("settings.planHint", l) : nil, value: value("plan-\(route)"), errors: errors,
                          extra: "min=\"0\" max=\"100\"")
            }),
            Group(legend: t.text("settings.targets", l), fields: targetFields),
            Group(legend: t.text("settings.topics", l), fields: [
                FieldView(.textarea, name: "topics", label: t.text("settings.topicsLabel", l), hint: t.text("settings.topicsHint", l), value: value("topics"), errors: errors),
            ]),
            Group(legend: t.text("settings.letterhead.legend", l), fields: Self.letterheadFields.map { field, maxLength, multiline, _ in
                FieldView(multiline ? .textarea : .input(field == "website" ? "url" : (field == "phone" ? "tel" : "text")), name: "letterhead-\(field)",
                          label: t.text("settings.letterhead.\(field)", l), hint: t.text("settings.letterhead.hints.\(field)", l),
                          value: value("letterhead-\(field)"), errors: errors, extra: multiline ? "" : "maxlength=\"\(maxLength)\"")
            }),
            Group(legend: t.text("settings.letter", l), fields: Self.letterBlocks.map { block in
                FieldView(.textarea, name: "letter-\(block)", label: t.text("settings.letterBlocks.\(block)", l),
                          hint: t.text("settings.letterDefault", l, ["text": t.text("letter.\(block)", l, ["municipality": municipality.name])]),
                          value: value("letter-\(block)"), errors: errors)
            }),
        ]
        let teams = try await services.users.listTeams(organisationId: principal.organisationId)
        return try services.views.render(
            "settings", titleKey: "settings.title",
            content: SettingsView(
                municipality: municipality.name,
                switcher: FieldView(.select, name: "gemeente", label: t.text("settings.municipality", l), value: municipality.code,
                                    options: principal.municipalities.map { ($0.code, $0.name) }, errors: []),
                summary: ErrorSummary(errors), groups: groups, action: SiteRoute.settings.path, code: municipality.code,
                teams: teams.map { TeamRow(name: $0.name) },
                teamField: FieldView(.input("text"), name: "teamName", label: t.text("settings.teamName", l), value: input["teamName"] ?? "", errors: errors,
                                     extra: "maxlength=\"80\""),
                teamAction: SiteRoute.settingsTeams.path,
                minimumCellField: FieldView(.input("number"), name: "minimumCell", label: t.text("settings.minimumCell", l), hint: t.text("settings.minimumCellHint", l),
                                            value: input["minimumCell"] ?? String(minimumCell),
                                            required: true, errors: errors, extra: "min=\"2\" max=\"50\""),
                minimumCellAction: SiteRoute.settingsFigures.path),
            context: context, current: SiteRoute.settings.path,
            notice: context.form["melding"].flatMap { ["opgeslagen": "settings.saved", "team": "settings.teamAdded", "cijfers": "settings.minimumCellSaved"][$0] }.map { t.text($0, l) },
            status: status)
    }

    /// Validates the form into settings; every number within its range, at least one ladder step,
    /// fines within the legal maximum of € 800 (R9).
    static func validate(_ form: FormData, base: MunicipalitySettings, catalogue: Catalogue, locale: UILocale) -> (MunicipalitySettings, [AppError.FieldError]) {
        var v = Validator(catalogue, locale)
        var settings = base
        settings.caseloadNorm = v.integer("caseloadNorm", form["caseloadNorm"], label: "settings.caseloadNorm", range: 10...300) ?? base.caseloadNorm
        for (key, path) in windows {
            if let days = v.integer("window-\(key)", form["window-\(key)"], label: "settings.windowsShort", range: 0...365) {
                settings.law.dueSoon[keyPath: path] = days
            }
        }
        settings.law.voortgang.eersteJaarMaanden = v.integer("eersteJaar", form["eersteJaar"], label: "settings.firstYear", range: 1...12) ?? base.law.voortgang.eersteJaarMaanden
        settings.law.voortgang.daarnaMaanden = v.integer("daarna", form["daarna"], label: "settings.after", range: 1...12) ?? base.law.voortgang.daarnaMaanden
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
        for route in FiguresController.routes where !(form["plan-\(route)"] ?? "").isEmpty {
            if let share = v.integer("plan-\(route)", form["plan-\(route)"], label: "settings.routePlan", range: 0...100) { plan[route] = share }
        }
        let planSum = plan.values.reduce(0, +)
        if !plan.isEmpty && (plan.count != FiguresController.routes.count || planSum != 100) && v.isValid {
            v.fail("plan-\(FiguresController.routes[0])", "settings.errors.planSum", ["sum": String(planSum)])
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

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
        let base = try await services.settings.fetch(municipality.code)
        let (settings, errors) = Self.validate(context.form, base: base, catalogue: services.catalogue, locale: context.locale)
        guard errors.isEmpty else {
            let typed = Dictionary(context.form.values.compactMap { key, values in values.first.map { (key, $0) } }, uniquingKeysWith: { a, _ in a })
            return try await render(principal, municipality, input: typed, errors: errors, context: context, status: .badRequest)
        }
        let event = services.auditEvent("settings.update", context: context, permission: .manageSettings, detail: municipality.code)
        try await services.settings.save(municipality.code, settings, by: principal.actorId, audit: event, now: services.clock.now())
        // The windows and cadence feed every traject's nearest term: recompute them now.
        try await services.casework.backfillNextDue(now: services.clock.now())
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?gemeente=\(municipality.code)&melding=opgeslagen"])
    }

    func addTeam(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        var v = Validator(services.catalogue, context.locale)
        let typed = context.form.raw("teamName") ?? ""
        let name = v.text("teamName", context.form["teamName"], label: "settings.teamName", maxLength: 80, characters: .name)
        let existing = try await services.users.listTeams(organisationId: principal.organisationId)
        if let name, existing.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            v.fail("teamName", "settings.errors.teamExists", ["name": name])
        }
        guard v.isValid, let name else {
            // The page shows the error beside the team field and keeps what was typed.
            guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
            var input = Self.input(from: try await services.settings.fetch(municipality.code))
            input["teamName"] = typed
            return try await render(principal, municipality, input: input, errors: v.errors, context: context, status: .badRequest)
        }
        try await services.users.insertTeam(Team(id: "team-" + CaseLoader.newID(), organisationId: principal.organisationId, name: name))
        try await services.record("settings.update", context: context, permission: .manageSettings, detail: "team: \(name)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?melding=team"])
    }

    /// The organisation's smallest count in the figures for roles that may not see persons (2–50;
    /// the default 5 is common practice for statistics about people).
    func saveMinimumCell(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        var v = Validator(services.catalogue, context.locale)
        guard let value = v.integer("minimumCell", context.form["minimumCell"], label: "settings.minimumCell", range: 2...50) else {
            guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
            var input = Self.input(from: try await services.settings.fetch(municipality.code))
            input["minimumCell"] = context.form.raw("minimumCell") ?? ""
            return try await render(principal, municipality, input: input, errors: v.errors, context: context, status: .badRequest)
        }
        try await services.users.updateFiguresMinimumCell(organisationId: principal.organisationId, value: value)
        try await services.record("settings.update", context: context, permission: .manageSettings, detail: "figures_min_cell: \(value)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?melding=cijfers"])
    }
}
