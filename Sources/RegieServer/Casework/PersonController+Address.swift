import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// A person's residential and correspondence address: typed by a case worker now (the BRP fills them
/// once that link exists), validated as PostNL and the BAG write them, kept with their history.
struct AddressController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personAddressPattern), use: edit)
        router.post(RouterPath(SiteRoute.personAddressPattern), use: save)
    }

    struct Group { let legend: String; let hint: String; let fields: [FieldView] }
    struct HistoryRow { let kind: String; let address: String; let from: String; let until: String; let who: String }
    struct AddressForm {
        let name: String
        let summary: ErrorSummary
        let groups: [Group]
        let action: String
        let backHref: String
        let history: [HistoryRow]
        let hasHistory: Bool
    }

    static let parts = ["straat", "huisnummer", "postcode", "plaats"]

    private func load(_ context: RegieRequestContext) async throws -> (Principal, PersonRecord) {
        let principal = try context.require(.editPersons)
        guard let person = try await services.persons.fetchPerson(id: try context.parameters.require("id"), scope: Policy.scope(for: principal)) else {
            throw AppError.notFound
        }
        return (principal, person)
    }

    func edit(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context)
        try await services.record(.personAddressView, context: context, permission: .editPersons, person: person)
        let current = try await services.persons.currentAddresses(personId: person.id, scope: Policy.scope(for: principal))
        var input: [String: String] = [:]
        for (kind, address) in current {
            input["\(kind.rawValue)-straat"] = address.street
            input["\(kind.rawValue)-huisnummer"] = address.houseNumber.description
            input["\(kind.rawValue)-postcode"] = address.postcode.description
            input["\(kind.rawValue)-plaats"] = address.city
        }
        return try await render(person, principal: principal, input: input, errors: [], context: context, status: .ok)
    }

    private func render(_ person: PersonRecord, principal: Principal, input: [String: String], errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.catalogue, l = context.locale
        let groups = AddressKind.allCases.map { kind in
            Group(legend: t.text("address.kinds.\(kind.rawValue)", l), hint: t.text("address.hints.\(kind.rawValue)", l), fields: Self.parts.map { part in
                let name = "\(kind.rawValue)-\(part)"
                return FieldView(.input("text"), name: name, label: t.text("address.\(part)", l),
                                 hint: part == "huisnummer" || part == "postcode" ? t.text("address.\(part)Hint", l) : nil,
                                 value: input[name] ?? "", errors: errors,
                                 extra: part == "postcode" ? "autocomplete=\"off\" maxlength=\"8\"" : (part == "huisnummer" ? "maxlength=\"12\"" : "maxlength=\"80\""))
            })
        }
        let history = try await services.persons.addressHistory(personId: person.id, scope: Policy.scope(for: principal)).map { record in
            HistoryRow(kind: t.text("address.kinds.\(record.kind.rawValue)", l), address: record.address.singleLine,
                       from: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(record.recordedAt))),
                       until: record.replacedAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) } ?? t.text("address.current", l),
                       who: record.recordedBy)
        }
        let name = person.displayName(t, l)
        return try services.views.render(
            "person-address", titleKey: "address.title", titleArguments: ["name": name],
            content: AddressForm(name: name, summary: ErrorSummary(errors), groups: groups, action: SiteRoute.personAddress(person.id).path,
                                 backHref: SiteRoute.person(person.id).path, history: history, hasHistory: !history.isEmpty),
            context: context, status: status)
    }

    /// Reads one address from the form: all four parts empty is no address; otherwise every part is
    /// needed, the house number and postcode as the BAG and PostNL write them.
    static func parse(_ kind: AddressKind, _ form: FormData, _ v: inout Validator) -> DutchAddress? {
        let value = { (part: String) in (form["\(kind.rawValue)-\(part)"] ?? "") }
        guard parts.contains(where: { !value($0).isEmpty }) else { return nil }
        let name = { (part: String) in "\(kind.rawValue)-\(part)" }
        let street = v.text(name("straat"), value("straat"), label: "address.straat", maxLength: 80, characters: .name)
        let city = v.text(name("plaats"), value("plaats"), label: "address.plaats", maxLength: 80, characters: .name)
        var number: HouseNumber?
        if value("huisnummer").isEmpty {
            v.fail(name("huisnummer"), "validation.required", ["field": v.catalogue.text("address.huisnummer", v.locale)])
        } else {
            do { number = try HouseNumber(value("huisnummer")) } catch {
                switch error {
                case .missing: v.fail(name("huisnummer"), "address.errors.houseNumberMissing")
                case .outOfRange: v.fail(name("huisnummer"), "address.errors.houseNumberRange")
                case .addition: v.fail(name("huisnummer"), "address.errors.houseNumberAddition")
                }
            }
        }
        var postcode: Postcode?
        if value("postcode").isEmpty {
            v.fail(name("postcode"), "validation.required", ["field": v.catalogue.text("address.postcode", v.locale)])
        } else {
            do { postcode = try Postcode(value("postcode")) } catch {
                switch error {
                case .format: v.fail(name("postcode"), "address.errors.postcodeFormat")
                case .reservedLetters: v.fail(name("postcode"), "address.errors.postcodeLetters")
                }
            }
        }
        guard let street, let city, let number, let postcode else { return nil }
        return DutchAddress(street: street, houseNumber: number, postcode: postcode, city: city)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context)
        var v = Validator(services.catalogue, context.locale)
        var addresses: [AddressKind: DutchAddress] = [:]
        for kind in AddressKind.allCases { addresses[kind] = Self.parse(kind, context.form, &v) }
        guard v.isValid else {
            var typed: [String: String] = [:]
            for kind in AddressKind.allCases { for part in Self.parts { typed["\(kind.rawValue)-\(part)"] = context.form.raw("\(kind.rawValue)-\(part)") ?? "" } }
            return try await render(person, principal: principal, input: typed, errors: v.errors, context: context, status: .badRequest)
        }
        let services = self.services
        let base = services.auditEvent(.personAddressUpdate, context: context, permission: .editPersons, person: person)
        guard try await services.persons.saveAddresses(
            personId: person.id, scope: Policy.scope(for: principal), addresses, actor: CaseLoader.actor(principal),
            audit: { changed in
                var event = base
                // The audit names what changed, never the address itself (that is in the file's history).
                event.detail = "gewijzigd: " + changed.map { $0 == .woon ? "woonadres" : "correspondentieadres" }.joined(separator: ",")
                return event
            }, now: services.clock.now()) != nil else { throw AppError.notFound }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(person.id).path + "?melding=adres"])
    }
}
