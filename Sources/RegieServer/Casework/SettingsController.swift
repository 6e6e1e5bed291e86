import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The functioneel beheerder's settings per municipality (practice varies: settings, not forks):
/// caseload norm, due-soon windows, meeting cadence, the fine ladder, extra intake topics and the
/// adjustable text blocks of the PIP letter. Teams of the organisation are listed and can be added.
struct SettingsController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.settings.path), use: show)
        router.post(RouterPath(SiteRoute.settings.path), use: save)
        router.post(RouterPath(SiteRoute.settingsTeams.path), use: addTeam)
        router.post(RouterPath(SiteRoute.settingsFigures.path), use: saveMinimumCell)
        router.post(RouterPath(SiteRoute.settingsLogin.path), use: saveLogin)
        router.post(RouterPath(SiteRoute.settingsLogo.path), use: saveLogo)
    }

    struct Group: Encodable { let legend: String; let fields: [FieldView] }
    struct TeamRow: Encodable { let name: String }
    struct SettingsView: Encodable {
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
        /// The letterhead's logo: shown as it prints, replaced or removed with its own form.
        let logo: String?
        let logoField: FieldView
        let logoAction: String
        /// The organisation's requirement of a second factor for every account.
        let secondFactorRequired: Bool
        let secondFactorAction: String
    }

    private func municipality(_ principal: Principal, _ requested: String?) -> Municipality? {
        let code = requested ?? principal.session?.municipalityCode ?? principal.municipalities.first?.code
        return principal.municipalities.first { $0.code == code }
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
        let settings = try await services.settings.fetch(municipality.code)
        try await services.record(.settingsView, context: context, permission: .manageSettings, detail: municipality.code)
        return try await render(principal, municipality, input: SettingsForm.input(from: settings), errors: [], context: context, status: .ok)
    }

    private func render(_ principal: Principal, _ municipality: Municipality, input: [String: String], errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let minimumCell = try await services.users.fetchFiguresMinimumCell(organisationId: principal.organisationId)
        let t = services.localizer(context)
        let l = context.locale
        let value = { (name: String) in input[name] ?? "" }
        let number = { (name: String, label: String, range: String) in
            FieldView(.input("number"), name: name, label: label, value: value(name), errors: errors, extra: range)
        }
        let ladder = (1...3).flatMap { index in [
            FieldView(.select, name: "step\(index)", label: t("settings.step", ["n": String(index)]), value: value("step\(index)"),
                      options: SettingsForm.stepKinds.map { ($0, $0.isEmpty ? t("settings.noStep") : t("enforcement.steps.\($0)")) }, errors: errors),
            number("amount\(index)", t("settings.amount", ["n": String(index)]), "min=\"0\" max=\"800\""),
        ] }
        let metrics: [(String, String)] = [("", t("settings.noTarget"))]
            + MonitoringTarget.metrics.map { ($0, t("figures.targetMetrics.\($0)", ["months": t("figures.months", ["n": "N"])])) }
        var targetFields: [FieldView] = []
        for n in 1...SettingsForm.targetCount {
            let index = String(n)
            targetFields.append(FieldView(.select, name: "target" + index, label: t("settings.targetMetric", ["n": index]),
                                          value: value("target" + index), options: metrics, errors: errors))
            targetFields.append(number("targetMonths" + index, t("settings.targetMonths", ["n": index]), "min=\"1\" max=\"60\""))
            targetFields.append(number("targetPercent" + index, t("settings.targetPercent", ["n": index]), "min=\"1\" max=\"100\""))
        }
        let groups = [
            Group(legend: t("settings.caseload"), fields: [
                FieldView(.input("number"), name: "caseloadNorm", label: t("settings.caseloadNorm"), hint: t("settings.caseloadNormHint"),
                          value: value("caseloadNorm"), required: true, errors: errors, extra: "min=\"10\" max=\"300\""),
            ]),
            Group(legend: t("settings.windows"), fields: SettingsForm.windows.map { key, _ in
                number("window-\(key)", t("settings.windowFor", ["term": t("terms.\(key)")]), "min=\"0\" max=\"365\"")
            }),
            Group(legend: t("settings.cadence"), fields: [
                number("eersteJaar", t("settings.firstYear"), "min=\"1\" max=\"12\""),
                number("daarna", t("settings.after"), "min=\"1\" max=\"12\""),
            ]),
            Group(legend: t("settings.absenceHeading"), fields: [
                FieldView(.input("number"), name: "afwezigLessen", label: t("settings.absenceLessons"), hint: t("settings.absenceHint"),
                          value: value("afwezigLessen"), errors: errors, extra: "min=\"1\" max=\"20\""),
                number("afwezigWeken", t("settings.absenceWeeks"), "min=\"1\" max=\"26\""),
            ]),
            Group(legend: t("settings.ladder"), fields: ladder + [
                FieldView(.checkbox, name: "opschorten", label: t("settings.suspend"), hint: t("settings.suspendHint"), value: value("opschorten"), errors: errors),
            ]),
            Group(legend: t("settings.routePlan"), fields: MonitoringSettings.routes.map { route in
                FieldView(.input("number"), name: "plan-\(route)", label: t("settings.planFor", ["route": t("figures.routeParts.\(route)")]),
                          hint: route == MonitoringSettings.routes.first ? t("settings.planHint") : nil, value: value("plan-\(route)"), errors: errors,
                          extra: "min=\"0\" max=\"100\"")
            }),
            Group(legend: t("settings.targets"), fields: targetFields),
            Group(legend: t("settings.providers"), fields: [
                FieldView(.textarea, name: "providers", label: t("settings.providersLabel"), hint: t("settings.providersHint"), value: value("providers"), errors: errors),
            ]),
            Group(legend: t("settings.topics"), fields: [
                FieldView(.textarea, name: "topics", label: t("settings.topicsLabel"), hint: t("settings.topicsHint"), value: value("topics"), errors: errors),
            ]),
            Group(legend: t("settings.letterhead.legend"), fields: SettingsForm.letterheadFields.map { field, maxLength, multiline, _ in
                FieldView(multiline ? .textarea : .input(field == "website" ? "url" : (field == "phone" ? "tel" : "text")), name: "letterhead-\(field)",
                          label: t("settings.letterhead.\(field)"), hint: t("settings.letterhead.hints.\(field)"),
                          value: value("letterhead-\(field)"), errors: errors, extra: multiline ? "" : "maxlength=\"\(maxLength)\"")
            }),
            Group(legend: t("settings.letter"), fields: SettingsForm.letterBlocks.map { block in
                FieldView(.textarea, name: "letter-\(block)", label: t("settings.letterBlocks.\(block)"),
                          hint: t("settings.letterDefault", ["text": t("letter.\(block)", ["municipality": municipality.name])]),
                          value: value("letter-\(block)"), errors: errors)
            }),
        ]
        let teams = try await services.users.listTeams(organisationId: principal.organisationId)
        let logo = try await services.settings.fetchLogo(municipality.code)
        return try services.views.render(
            "settings", titleKey: "settings.title",
            content: SettingsView(
                municipality: municipality.name,
                switcher: FieldView(.select, name: "gemeente", label: t("settings.municipality"), value: municipality.code,
                                    options: principal.municipalities.map { ($0.code, $0.name) }, errors: []),
                summary: ErrorSummary(errors), groups: groups, action: SiteRoute.settings.path, code: municipality.code,
                teams: teams.map { TeamRow(name: $0.name) },
                teamField: FieldView(.input("text"), name: "teamName", label: t("settings.teamName"), value: input["teamName"] ?? "", errors: errors,
                                     extra: "maxlength=\"80\""),
                teamAction: SiteRoute.settingsTeams.path,
                minimumCellField: FieldView(.input("number"), name: "minimumCell", label: t("settings.minimumCell"), hint: t("settings.minimumCellHint"),
                                            value: input["minimumCell"] ?? String(minimumCell),
                                            required: true, errors: errors, extra: "min=\"2\" max=\"50\""),
                minimumCellAction: SiteRoute.settingsFigures.path,
                logo: logo?.dataURI,
                logoField: FieldView(.input("file"), name: "logo", label: t("settings.logo.file"), hint: t("settings.logo.hint"), errors: errors,
                                     extra: "accept=\".png,.jpg,.jpeg,image/png,image/jpeg\""),
                logoAction: SiteRoute.settingsLogo.path,
                secondFactorRequired: try await services.secondFactor.organisationRequires(organisationId: principal.organisationId),
                secondFactorAction: SiteRoute.settingsLogin.path),
            context: context, current: SiteRoute.settings.path,
            notice: context.form["melding"].flatMap { ["opgeslagen": "settings.saved", "team": "settings.teamAdded", "cijfers": "settings.minimumCellSaved",
                                                       "logo": "settings.logo.saved", "logoWeg": "settings.logo.removed",
                                                       "inloggen": "settings.secondFactorSaved"][$0] }.map { t($0) },
            status: status)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
        let base = try await services.settings.fetch(municipality.code)
        let (settings, errors) = SettingsForm.validate(context.form, base: base, catalogue: services.catalogue, locale: context.locale)
        guard errors.isEmpty else {
            let typed = Dictionary(context.form.values.compactMap { key, values in values.first.map { (key, $0) } }, uniquingKeysWith: { a, _ in a })
            return try await render(principal, municipality, input: typed, errors: errors, context: context, status: .badRequest)
        }
        do {
            try await services.run(SaveSettings(municipalityCode: municipality.code, settings: settings), principal: principal,
                                   scope: Policy.scope(for: principal), permission: .manageSettings, context: context)
        } catch let refused as FormErrors {
            let typed = Dictionary(context.form.values.compactMap { key, values in values.first.map { (key, $0) } }, uniquingKeysWith: { a, _ in a })
            return try await render(principal, municipality, input: typed, errors: refused.fields, context: context, status: refused.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?gemeente=\(municipality.code)&melding=opgeslagen"])
    }

    func addTeam(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        var v = Validator(services.localizer(context))
        let typed = context.form.raw("teamName") ?? ""
        let name = v.text("teamName", context.form["teamName"], label: "settings.teamName", maxLength: 80, characters: .name)
        let existing = try await services.users.listTeams(organisationId: principal.organisationId)
        if let name, existing.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            v.fail("teamName", "settings.errors.teamExists", ["name": name])
        }
        guard v.isValid, let name else {
            // The page shows the error beside the team field and keeps what was typed.
            guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
            var input = SettingsForm.input(from: try await services.settings.fetch(municipality.code))
            input["teamName"] = typed
            return try await render(principal, municipality, input: input, errors: v.errors, context: context, status: .badRequest)
        }
        try await services.users.insertTeam(Team(id: "team-" + CommandContext.newID(), organisationId: principal.organisationId, name: name))
        try await services.record(.settingsUpdate, context: context, permission: .manageSettings, detail: "team: \(name)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?melding=team"])
    }

    /// The organisation's smallest count in the figures for roles that may not see persons (2–50;
    /// the default 5 is common practice for statistics about people).
    func saveMinimumCell(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        var v = Validator(services.localizer(context))
        guard let value = v.integer("minimumCell", context.form["minimumCell"], label: "settings.minimumCell", range: 2...50) else {
            guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
            var input = SettingsForm.input(from: try await services.settings.fetch(municipality.code))
            input["minimumCell"] = context.form.raw("minimumCell") ?? ""
            return try await render(principal, municipality, input: input, errors: v.errors, context: context, status: .badRequest)
        }
        try await services.users.updateFiguresMinimumCell(organisationId: principal.organisationId, value: value)
        try await services.record(.settingsUpdate, context: context, permission: .manageSettings, detail: "figures_min_cell: \(value)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?melding=cijfers"])
    }

    /// Whether every account of the organisation needs a second factor: those without one enrol at
    /// their next login. Sessions already running go on until they end.
    func saveLogin(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        let required = context.form["tweedeFactorVerplicht"] == "ja"
        try await services.secondFactor.setOrganisationRequires(organisationId: principal.organisationId, required)
        try await services.record(.settingsUpdate, context: context, permission: .manageSettings, detail: "require_second_factor: \(required)")
        return Response(status: .seeOther, headers: [.location: SiteRoute.settings.path + "?melding=inloggen#inloggen-kop"])
    }

    /// The largest logo kept: a letterhead's logo is small (it is embedded in every letter).
    static let maximumLogoBytes = 200 * 1024

    /// Replaces the municipality's logo with an uploaded PNG or JPEG (checked by its content, not
    /// its name), or removes it (`actie=verwijderen`).
    func saveLogo(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        guard let municipality = municipality(principal, context.form["gemeente"]) else { throw AppError.notFound }
        let upload = context.streamedUploads["logo"]
        defer { upload?.remove() }
        let back = SiteRoute.settings.path + "?gemeente=\(municipality.code)"
        if context.form["actie"] == "verwijderen" {
            try await services.settings.saveLogo(municipality.code, nil, by: principal.actorId,
                                                 audit: services.auditEvent(.settingsUpdate, context: context, permission: .manageSettings, detail: "\(municipality.code): logo verwijderd"),
                                                 now: services.clock.now())
            return Response(status: .seeOther, headers: [.location: back + "&melding=logoWeg#logo-kop"])
        }
        var v = Validator(services.localizer(context))
        let bytes = upload.flatMap { $0.size > 0 && $0.size == $0.tail.count ? $0.tail : nil }
        let type = bytes.flatMap(Self.imageType)
        if upload == nil || upload?.size == 0 {
            v.fail("logo", "settings.logo.errors.missing")
        } else if (upload?.size ?? 0) > Self.maximumLogoBytes {
            v.fail("logo", "settings.logo.errors.tooLarge", ["max": "200 kB"])
        } else if type == nil {
            v.fail("logo", "settings.logo.errors.type")
        }
        guard v.isValid, let bytes, let type else {
            return try await render(principal, municipality, input: SettingsForm.input(from: try await services.settings.fetch(municipality.code)),
                                    errors: v.errors, context: context, status: .badRequest)
        }
        try await services.settings.saveLogo(municipality.code, MunicipalityLogo(contentType: type, base64: bytes.base64EncodedString()), by: principal.actorId,
                                             audit: services.auditEvent(.settingsUpdate, context: context, permission: .manageSettings, detail: "\(municipality.code): logo"),
                                             now: services.clock.now())
        return Response(status: .seeOther, headers: [.location: back + "&melding=logo#logo-kop"])
    }

    /// PNG or JPEG by the file's first bytes; nil for anything else (an SVG could carry script).
    static func imageType(_ data: Data) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }
}
