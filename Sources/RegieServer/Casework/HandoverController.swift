import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The warm handover from COA (domain.md §3 step 4; seed 001:548, 001:903): the client profile from
/// COA's system as structured fields, the chosen scenario (start in the azc, combined, after the
/// move) and the three-way meeting COA – municipality – newcomer, planned and recorded.
struct HandoverController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.handoverPattern), use: show)
        router.post(RouterPath(SiteRoute.handoverPattern), use: save)
    }

    /// The COA client profile's fields (TVS), in the order of COA's form.
    static let profileFields: [(key: String, long: Bool)] = [
        ("verblijfsvergunning", false), ("azcLocatie", false), ("coaContact", false), ("gezin", true), ("opleiding", true),
        ("werkervaring", true), ("talen", false), ("gezondheid", true), ("bijzonderheden", true),
    ]
    static let scenarios = ["azc", "gecombineerd", "naVerhuizing"]
    static let attendees = ["coa", "gemeente", "inburgeraar", "tolk", "begeleiding"]

    struct HandoverView {
        let name: String
        let backHref: String
        let notAsylum: Bool
        let summary: ErrorSummary
        let profile: [FieldView]
        let meeting: [FieldView]
        let action: String
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record("casework.handover.view", context: context, permission: .readCasework, person: loaded.person)
        let saved = try await services.casework.fetchOverdracht(personId: loaded.person.id, scope: loaded.scope)
        var values = saved?.profile ?? [:]
        values["scenario"] = saved?.scenario ?? ""
        values["meetingPlanned"] = saved?.meetingPlanned ?? ""
        values["meetingHeld"] = saved?.meetingHeld ?? ""
        let attendees = saved?.meetingAttendees.split(separator: ",").map(String.init) ?? []
        return try render(loaded, values: values, attendees: attendees, errors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, values: [String: String], attendees: [String], errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let t = services.catalogue
        let l = context.locale
        let profile = Self.profileFields.map { field in
            FieldView(field.long ? .textarea : .input("text"), name: field.key, label: t.text("handover.fields.\(field.key)", l),
                      hint: field.key == "gezondheid" ? t.text("handover.healthHint", l) : nil, value: values[field.key] ?? "", errors: errors)
        }
        let meeting = [
            FieldView(.radios, name: "scenario", label: t.text("handover.scenario", l), hint: t.text("handover.scenarioHint", l), value: values["scenario"] ?? "",
                      options: Self.scenarios.map { ($0, t.text("handover.scenarios.\($0)", l)) }, errors: errors),
            FieldView(.input("date"), name: "meetingPlanned", label: t.text("handover.planned", l), value: values["meetingPlanned"] ?? "", errors: errors),
            FieldView(.input("date"), name: "meetingHeld", label: t.text("handover.held", l), hint: t.text("handover.heldHint", l), value: values["meetingHeld"] ?? "", errors: errors),
            FieldView(.checkboxes, name: "attendees", label: t.text("handover.attendees", l), values: attendees,
                      options: Self.attendees.map { ($0, t.text("handover.attendeeKinds.\($0)", l)) }, errors: errors),
        ]
        let notAsylum = Doelgroep(rawValue: loaded.person.doelgroep)?.categorie != .asielstatushouder
        return try services.views.render(
            "handover", titleKey: "handover.title", titleArguments: ["name": loaded.person.displayName(services.catalogue, context.locale)],
            content: HandoverView(name: loaded.person.displayName(services.catalogue, context.locale), backHref: SiteRoute.person(loaded.person.id).path, notAsylum: notAsylum,
                                  summary: ErrorSummary(errors), profile: profile, meeting: meeting, action: SiteRoute.handover(loaded.person.id).path),
            context: context, notice: context.form["melding"] == "opgeslagen" ? t.text("handover.saved", l) : nil, status: status)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordHandover(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            var values: [String: String] = [:]
            for (name, list) in context.form.values { values[name] = list.first }
            return try render(loaded, values: values, attendees: context.form.all("attendees"), errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.handover(loaded.person.id).path + "?melding=opgeslagen"])
    }

    /// Validates and stores the handover (asylum permit holders only: COA hands over); throws `FormErrors`.
    func recordHandover(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> WarmeOverdrachtRecord {
        let t = services.catalogue
        var v = Validator(t, context.locale)
        if Doelgroep(rawValue: loaded.person.doelgroep)?.categorie != .asielstatushouder { v.fail("scenario", "handover.errors.notAsylum") }
        var profile: [String: String] = [:]
        for field in Self.profileFields {
            profile[field.key] = v.text(field.key, input[field.key], label: "handover.fields.\(field.key)", required: false, maxLength: field.long ? 5000 : 200)
        }
        let scenario = input["scenario"]
        if let scenario, !Self.scenarios.contains(scenario) { v.fail("scenario", "validation.choose", ["field": t.text("handover.scenario", context.locale)]) }
        let koppeling = loaded.traject.koppelingDate.flatMap(CalendarDate.init(iso:))
        let planned = v.date("meetingPlanned", input["meetingPlanned"], label: "handover.planned", required: false, notBefore: koppeling)
        let held = v.date("meetingHeld", input["meetingHeld"], label: "handover.held", required: false, notAfter: loader.today, notBefore: koppeling)
        let attendees = input.all("attendees")
        if attendees.contains(where: { !Self.attendees.contains($0) }) { v.fail("attendees", "validation.choose", ["field": t.text("handover.attendees", context.locale)]) }
        if held != nil && attendees.isEmpty { v.fail("attendees", "handover.errors.attendees") }
        guard v.isValid else { throw FormErrors(v.errors) }
        let record = WarmeOverdrachtRecord(
            personId: loaded.person.id, scenario: scenario, profile: profile, meetingPlanned: planned?.iso, meetingHeld: held?.iso,
            meetingAttendees: Self.attendees.filter(attendees.contains).joined(separator: ","), updatedBy: loaded.principal.actorId,
            updatedAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.handover.update", context: context, permission: .editPersons, person: loaded.person,
                                        detail: "scenario: \(scenario ?? "-")")
        guard let saved = try await services.casework.saveOverdracht(record, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                     now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }
}
