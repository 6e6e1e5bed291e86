import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The warm handover from COA (as the Wi2021's memorie van toelichting expects): the client profile from
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
    static let profileFields = SaveHandover.profileFields
    static let scenarios = SaveHandover.Scenario.allCases.map(\.rawValue)
    static let attendees = SaveHandover.Attendee.allCases.map(\.rawValue)

    struct HandoverView: Encodable {
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
        try await services.record(.caseworkHandoverView, context: context, permission: .readCasework, person: loaded.person)
        let saved = try await services.casework.fetchOverdracht(personId: loaded.person.id, scope: loaded.scope)
        var values = saved?.profile ?? [:]
        values["scenario"] = saved?.scenario ?? ""
        values["meetingPlanned"] = saved?.meetingPlanned ?? ""
        // A held appointment leads here with its date (`?meetingHeld=`, the agenda).
        values["meetingHeld"] = context.form.date("meetingHeld")?.iso ?? saved?.meetingHeld ?? ""
        let attendees = saved?.meetingAttendees.split(separator: ",").map(String.init) ?? []
        return try render(loaded, values: values, attendees: attendees, errors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, values: [String: String], attendees: [String], errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let profile = Self.profileFields.map { field in
            FieldView(field.long ? .textarea : .input("text"), name: field.key, label: t("handover.fields.\(field.key)"),
                      hint: field.key == "gezondheid" ? t("handover.healthHint") : nil, value: values[field.key] ?? "", errors: errors)
        }
        let meeting = [
            FieldView(.radios, name: "scenario", label: t("handover.scenario"), hint: t("handover.scenarioHint"), value: values["scenario"] ?? "",
                      options: Self.scenarios.map { ($0, t("handover.scenarios.\($0)")) }, errors: errors),
            FieldView(.input("date"), name: "meetingPlanned", label: t("handover.planned"), value: values["meetingPlanned"] ?? "", errors: errors),
            FieldView(.input("date"), name: "meetingHeld", label: t("handover.held"), hint: t("handover.heldHint"), value: values["meetingHeld"] ?? "", errors: errors),
            FieldView(.checkboxes, name: "attendees", label: t("handover.attendees"), values: attendees,
                      options: Self.attendees.map { ($0, t("handover.attendeeKinds.\($0)")) }, errors: errors),
        ]
        let notAsylum = loaded.person.doelgroep.categorie != .asielstatushouder
        return try services.views.render(
            "handover", titleKey: "handover.title", titleArguments: ["name": loaded.person.displayName(services.localizer(context))],
            content: HandoverView(name: loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.person(loaded.person.id).path, notAsylum: notAsylum,
                                  summary: ErrorSummary(errors), profile: profile, meeting: meeting, action: SiteRoute.handover(loaded.person.id).path),
            context: context, notice: context.form["melding"] == "opgeslagen" ? t("handover.saved") : nil, status: status)
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

    /// Stores the handover from the form (asylum permit holders only: COA hands over); throws `FormErrors`.
    func recordHandover(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> WarmeOverdrachtRecord {
        var r = InputReader()
        let command = SaveHandover(
            file: loaded.file, profile: Dictionary(Self.profileFields.compactMap { f in input[f.key].map { (f.key, $0) } }, uniquingKeysWith: { a, _ in a }),
            scenario: r.choice("scenario", input["scenario"], as: SaveHandover.Scenario.self), meetingPlanned: r.date("meetingPlanned", input["meetingPlanned"]),
            meetingHeld: r.date("meetingHeld", input["meetingHeld"]), attendees: r.choices("attendees", input.all("attendees"), as: SaveHandover.Attendee.self),
            read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }
}
