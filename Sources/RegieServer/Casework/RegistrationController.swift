import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// Registration by hand: a newcomer who reached the municipality outside DUO's notifications (or
/// before them), with the 11-proef on the BSN and the duplicate check on BSN and V-nummer.
struct RegistrationController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.registerPerson.path), use: form)
        router.post(RouterPath(SiteRoute.registerPerson.path), use: register)
    }

    struct FormView: Encodable {
        let summary: ErrorSummary
        let fields: [FieldView]
        let dateFields: [FieldView]
        let action: String
        let duplicateHref: String
        let hasDuplicate: Bool
    }

    func form(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.registerPersons)
        return try render(principal: principal, input: FormData(), errors: [], duplicate: nil, context: context, status: .ok)
    }

    private func render(principal: Principal, input: FormData, errors: [AppError.FieldError], duplicate: String?,
                        context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let text = { (key: String) in t(key) }
        let value = { (name: String) in input.raw(name) ?? "" }
        let municipalities = principal.municipalities.map { ($0.code, $0.name) }
        let defaultMunicipality = principal.session?.municipalityCode ?? (municipalities.count == 1 ? municipalities[0].0 : "")
        let fields: [FieldView] = [
            FieldView(.input("text"), name: "givenNames", label: text("register.givenNames"), value: value("givenNames"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("text"), name: "familyName", label: text("register.familyName"), value: value("familyName"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("date"), name: "dateOfBirth", label: text("register.dateOfBirth"), value: value("dateOfBirth"), required: true, errors: errors),
            FieldView(.radios, name: "gender", label: text("register.gender"), value: value("gender"),
                      options: ["vrouw", "man", "x"].map { ($0, t("genders.\($0)")) }, required: true, errors: errors),
            FieldView(.input("text"), name: "bsn", label: text("register.bsn"), hint: text("register.bsnHint"), value: value("bsn"), errors: errors, extra: "inputmode=\"numeric\" autocomplete=\"off\""),
            FieldView(.input("text"), name: "vNummer", label: text("register.vNummer"), hint: text("register.vNummerHint"), value: value("vNummer"), errors: errors, extra: "inputmode=\"numeric\" autocomplete=\"off\""),
            FieldView(.select, name: "doelgroep", label: text("register.doelgroep"), value: value("doelgroep"),
                      options: Choices.withEmpty(Choices.doelgroepen(t), t), required: true, errors: errors),
            FieldView(.select, name: "municipality", label: text("register.municipality"), value: input.raw("municipality") ?? defaultMunicipality,
                      options: Choices.withEmpty(municipalities, t), required: true, errors: errors),
            FieldView(.input("text"), name: "language", label: text("register.language"), hint: text("register.languageHint"), value: value("language"), required: true, errors: errors),
            FieldView(.checkbox, name: "interpreter", label: text("register.interpreter"), value: value("interpreter"), errors: errors),
            FieldView(.input("text"), name: "household", label: text("register.household"), hint: text("register.householdHint"), value: value("household"), errors: errors, extra: "inputmode=\"numeric\" autocomplete=\"off\""),
        ]
        let dateFields: [FieldView] = [
            FieldView(.input("date"), name: "kennisgeving", label: text("person.kennisgeving"), hint: text("register.kennisgevingHint"), value: value("kennisgeving"), errors: errors),
            FieldView(.input("date"), name: "koppeling", label: text("person.koppeling"), hint: text("register.koppelingHint"), value: value("koppeling"), errors: errors),
            FieldView(.input("date"), name: "housing", label: text("person.housing"), value: value("housing"), errors: errors),
            FieldView(.input("date"), name: "brp", label: text("person.brp"), hint: text("register.brpHint"), value: value("brp"), errors: errors),
        ]
        return try services.views.render(
            "register", titleKey: "register.title",
            content: FormView(summary: ErrorSummary(errors), fields: fields, dateFields: dateFields, action: SiteRoute.registerPerson.path,
                              duplicateHref: duplicate.map { SiteRoute.person($0).path } ?? "", hasDuplicate: duplicate != nil),
            context: context, status: status)
    }

    func register(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.registerPersons)
        do {
            let person = try await recordRegistration(principal, context.form, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.person(person.id).path + "?melding=geregistreerd"])
        } catch let invalid as FormErrors {
            return try render(principal: principal, input: context.form, errors: invalid.fields, duplicate: invalid.existingId, context: context, status: invalid.status)
        }
    }

    /// The form's values as the registration command reads them.
    static func command(_ input: FormData) -> RegisterNewcomer {
        var r = InputReader()
        return RegisterNewcomer(
            givenNames: input["givenNames"], familyName: input["familyName"], dateOfBirth: r.date("dateOfBirth", input["dateOfBirth"]),
            gender: r.choice("gender", input["gender"], as: PersonGender.self), bsn: input["bsn"], vNummer: input["vNummer"],
            doelgroep: r.choice("doelgroep", input["doelgroep"], as: Doelgroep.self), municipalityCode: input["municipality"],
            language: input["language"], interpreterNeeded: r.flag(input["interpreter"]), household: input["household"],
            kennisgeving: r.date("kennisgeving", input["kennisgeving"]), koppeling: r.date("koppeling", input["koppeling"]),
            housing: r.date("housing", input["housing"]), brp: r.date("brp", input["brp"]), read: r.issues)
    }

    /// Registers a newcomer from the form; duplicates on BSN or V-nummer are refused with 409.
    func recordRegistration(_ principal: Principal, _ input: FormData, context: RegieRequestContext) async throws -> PersonRecord {
        try await services.run(Self.command(input), principal: principal, scope: Policy.scope(for: principal), permission: .registerPersons, context: context)
    }
}
