import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// Registration by hand: a newcomer who reached the municipality outside DUO's notifications (or
/// before them), with the 11-proef on the BSN and the duplicate check on BSN and V-nummer.
struct RegistrationController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.registerPerson.path), use: form)
        router.post(RouterPath(SiteRoute.registerPerson.path), use: register)
    }

    struct FormView {
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
        let t = services.catalogue
        let l = context.locale
        let text = { (key: String) in t.text(key, l) }
        let value = { (name: String) in input.raw(name) ?? "" }
        let municipalities = principal.municipalities.map { ($0.code, $0.name) }
        let defaultMunicipality = principal.session?.municipalityCode ?? (municipalities.count == 1 ? municipalities[0].0 : "")
        let fields: [FieldView] = [
            FieldView(.input("text"), name: "givenNames", label: text("register.givenNames"), value: value("givenNames"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("text"), name: "familyName", label: text("register.familyName"), value: value("familyName"), required: true, errors: errors, extra: "autocomplete=\"off\""),
            FieldView(.input("date"), name: "dateOfBirth", label: text("register.dateOfBirth"), value: value("dateOfBirth"), required: true, errors: errors),
            FieldView(.radios, name: "gender", label: text("register.gender"), value: value("gender"),
                      options: ["vrouw", "man", "x"].map { ($0, t.text("genders.\($0)", l)) }, required: true, errors: errors),
            FieldView(.input("text"), name: "bsn", label: text("register.bsn"), hint: text("register.bsnHint"), value: value("bsn"), errors: errors, extra: "inputmode=\"numeric\" autocomplete=\"off\""),
            FieldView(.input("text"), name: "vNummer", label: text("register.vNummer"), hint: text("register.vNummerHint"), value: value("vNummer"), errors: errors, extra: "inputmode=\"numeric\" autocomplete=\"off\""),
            FieldView(.select, name: "doelgroep", label: text("register.doelgroep"), value: value("doelgroep"),
                      options: Choices.withEmpty(Choices.doelgroepen(t, l), t, l), required: true, errors: errors),
            FieldView(.select, name: "municipality", label: text("register.municipality"), value: input.raw("municipality") ?? defaultMunicipality,
                      options: Choices.withEmpty(municipalities, t, l), required: true, errors: errors),
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

    /// The validated registration, ready to store.
    struct Registration {
        let person: PersonRecord
        let traject: TrajectRecord
        let householdKey: String?
    }

    /// Validates the form as the law module defines the values (BSN 11-proef, V-nummer, doelgroep,
    /// dates not in the future, koppeling only for asylum permit holders).
    static func validate(_ input: FormData, principal: Principal, today: CalendarDate, catalogue: Catalogue, locale: UILocale) -> Result<Registration, AppError> {
        var v = Validator(catalogue, locale)
        let givenNames = v.text("givenNames", input["givenNames"], label: "register.givenNames", maxLength: 100, characters: .name)
        let familyName = v.text("familyName", input["familyName"], label: "register.familyName", maxLength: 100, characters: .name)
        let dateOfBirth = v.date("dateOfBirth", input["dateOfBirth"], label: "register.dateOfBirth", notAfter: today, plausible: .birth)
        let gender = input["gender"].flatMap { ["vrouw", "man", "x"].contains($0) ? $0 : nil }
        if gender == nil { v.fail("gender", "validation.choose", ["field": catalogue.text("register.gender", locale)]) }
        var bsn: String?
        if let raw = input["bsn"] {
            do { bsn = try BSN(raw.filter { !$0.isWhitespace && $0 != "." }).value } catch {
                switch error {
                case .wrongLength: v.fail("bsn", "register.errors.bsnLength")
                case .nonDigit: v.fail("bsn", "register.errors.bsnDigits")
                case .failsElevenCheck: v.fail("bsn", "register.errors.bsnCheck")
                }
            }
        }
        var vNummer: String?
        if let raw = input["vNummer"] {
            do { vNummer = try VNummer(raw.filter { !$0.isWhitespace }).digits } catch {
                v.fail("vNummer", "register.errors.vNummer")
            }
        }
        if input["bsn"] == nil && input["vNummer"] == nil { v.fail("bsn", "register.errors.bsnOrVNummer") }
        let doelgroep = v.choice("doelgroep", input["doelgroep"], label: "register.doelgroep", as: Doelgroep.self)
        let municipality = input["municipality"].flatMap { code in principal.municipalities.contains { $0.code == code } ? code : nil }
        if municipality == nil { v.fail("municipality", "validation.choose", ["field": catalogue.text("register.municipality", locale)]) }
        let language = v.text("language", input["language"], label: "register.language", maxLength: 60)
        let kennisgeving = v.date("kennisgeving", input["kennisgeving"], label: "person.kennisgeving", required: false, notAfter: today)
        let koppeling = v.date("koppeling", input["koppeling"], label: "person.koppeling", required: false, notAfter: today)
        let housing = v.date("housing", input["housing"], label: "person.housing", required: false)
        let brp = v.date("brp", input["brp"], label: "person.brp", required: false, notAfter: today)
        if koppeling != nil, let doelgroep, doelgroep.categorie != .asielstatushouder {
            // COA links only asylum permit holders to a municipality (domain.md §3 step 2).
            v.fail("koppeling", "register.errors.koppelingOnlyAsylum")
        }
        if let dateOfBirth, let brp, brp < dateOfBirth { v.fail("brp", "register.errors.beforeBirth") }
        let household = input["household"]
        guard v.isValid, let givenNames, let familyName, let dateOfBirth, let gender, let doelgroep, let municipality, let language else {
            return .failure(.invalid(detail: catalogue.text("common.errorSummary", locale), fields: v.errors))
        }
        let id = CaseLoader.newID()
        let phase: TrajectFase = brp != nil ? .gehuisvest : (koppeling != nil ? .gekoppeld : .signaal)
        let person = PersonRecord(
            id: id, municipalityCode: municipality, householdId: nil, bsn: bsn, vNummer: vNummer, givenNames: givenNames,
            familyName: familyName, dateOfBirth: dateOfBirth.iso, gender: gender, doelgroep: doelgroep.rawValue, language: language,
            interpreterNeeded: input["interpreter"] == "ja" ? 1 : 0, phone: nil, email: nil)
        let consulent = principal.roles.contains(.consulent) ? principal.user?.id : nil
        let traject = TrajectRecord(
            id: "t-" + id, personId: id, municipalityCode: municipality, phase: phase.rawValue, consulentId: consulent,
            kennisgevingDate: kennisgeving?.iso, koppelingDate: koppeling?.iso, housingDate: housing?.iso, brpDate: brp?.iso,
            intakeDate: nil, pipDate: nil, routeStartDate: nil, leerroute: nil, closedDate: nil, closedReason: nil)
        return .success(Registration(person: person, traject: traject, householdKey: household))
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

    /// Validates and registers a newcomer (web form and API alike): duplicates on BSN or V-nummer are
    /// refused with 409, naming the existing file only when it is in the caller's scope.
    func recordRegistration(_ principal: Principal, _ input: FormData, context: RegieRequestContext) async throws -> PersonRecord {
        let today = CalendarDate.today(now: services.clock.now())
        let registration: Registration
        switch Self.validate(input, principal: principal, today: today, catalogue: services.catalogue, locale: context.locale) {
        case .failure(.invalid(_, let fields)): throw FormErrors(fields)
        case .failure(let error): throw error
        case .success(let value): registration = value
        }
        let scope = Policy.scope(for: principal)
        var householdWith: String?
        if let key = registration.householdKey {
            let filter = PersonStore.ListFilter(includeClosed: true, search: key)
            let matches = try await services.persons.listPersons(scope: scope, filter: filter, after: nil, limit: 2, today: today).rows
            guard matches.count == 1, key.allSatisfy(\.isNumber) else {
                throw FormErrors([AppError.FieldError(name: "household", message: services.catalogue.text("register.errors.householdNotFound", context.locale))])
            }
            householdWith = matches[0].id
        }
        let event = services.auditEvent("person.register", context: context, permission: .registerPersons, person: registration.person,
                                        detail: "doelgroep: \(registration.person.doelgroep)")
        let outcome = try await services.persons.registerPerson(
            .init(person: registration.person, traject: registration.traject), householdWith: householdWith, scope: scope,
            actor: CaseLoader.actor(principal), audit: event, now: services.clock.now())
        switch outcome {
        case .success(let person): return person
        case .failure(let conflict):
            let (field, existing): (String, String?) = switch conflict {
            case .bsn(let id): ("bsn", id)
            case .vNummer(let id): ("vNummer", id)
            }
            let key = existing == nil ? "register.errors.duplicateElsewhere" : "register.errors.duplicate"
            throw FormErrors([AppError.FieldError(name: field, message: services.catalogue.text(key, context.locale))], status: .conflict, existingId: existing)
        }
    }
}
