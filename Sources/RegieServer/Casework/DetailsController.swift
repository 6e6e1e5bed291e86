import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The person's details from the BRP: name, birth date, gender, language and the BRP registration
/// date. A case opened from a DUO signal starts without them (DUO sends only the BSN); the case
/// worker completes them here, and may correct them later. Every change is audited.
struct DetailsController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personDetailsPattern), use: show)
        router.post(RouterPath(SiteRoute.personDetailsPattern), use: save)
    }

    struct DetailsView: Encodable { let name: String; let backHref: String; let pending: Bool; let summary: ErrorSummary; let fields: [FieldView]; let action: String }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let p = loaded.person
        var input = FormData()
        if !p.detailsPending {
            input = FormData(pairs: [("givenNames", p.givenNames), ("familyName", p.familyName), ("dateOfBirth", p.dateOfBirth?.iso ?? ""),
                                     ("gender", p.gender.rawValue), ("language", p.language), ("interpreter", p.interpreterNeeded ? "ja" : ""),
                                     ("brp", loaded.traject.brpDate?.iso ?? "")])
        } else if let brp = loaded.traject.brpDate {
            input = FormData(pairs: [("brp", brp.iso)])
        }
        return try render(loaded, input: input, errors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context), l = t.locale
        let text = { (key: String) in t(key) }
        let value = { (name: String) in input.raw(name) ?? "" }
        let pending = loaded.person.detailsPending
        let name = loaded.person.displayName(t)
        let fields: [FieldView] = [
            FieldView(.input("text"), name: "givenNames", label: text("register.givenNames"), value: value("givenNames"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("text"), name: "familyName", label: text("register.familyName"), value: value("familyName"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("date"), name: "dateOfBirth", label: text("register.dateOfBirth"), value: value("dateOfBirth"), required: true, errors: errors),
            FieldView(.radios, name: "gender", label: text("register.gender"), value: value("gender"),
                      options: ["vrouw", "man", "x"].map { ($0, t("genders.\($0)")) }, required: true, errors: errors),
            FieldView(.input("text"), name: "language", label: text("register.language"), hint: text("register.languageHint"), value: value("language"), required: true, errors: errors),
            FieldView(.checkbox, name: "interpreter", label: text("register.interpreter"), value: value("interpreter"), errors: errors),
            FieldView(.input("date"), name: "brp", label: text("person.brp"), hint: text("register.brpHint"), value: value("brp"), errors: errors),
        ]
        return try services.views.render(
            "person-details", titleKey: "details.title", titleArguments: ["name": name],
            content: DetailsView(name: name, backHref: SiteRoute.person(loaded.person.id).path, pending: pending, summary: ErrorSummary(errors),
                                 fields: fields, action: SiteRoute.personDetails(loaded.person.id).path),
            context: context, status: status)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            try await recordDetails(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try render(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=gegevens"])
    }

    /// Stores the corrected details from the form; throws `FormErrors`.
    func recordDetails(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws {
        var r = InputReader()
        let command = CorrectDetails(
            file: loaded.file, givenNames: input["givenNames"], familyName: input["familyName"], dateOfBirth: r.date("dateOfBirth", input["dateOfBirth"]),
            gender: r.choice("gender", input["gender"], as: PersonGender.self), language: input["language"], interpreterNeeded: r.flag(input["interpreter"]),
            brp: r.date("brp", input["brp"]), read: r.issues)
        try await services.run(command, on: loaded, context: context)
    }
}
