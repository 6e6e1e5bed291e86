import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// A person's residential and correspondence address: typed by a case worker now (the BRP fills them
/// once that link exists), validated as PostNL and the BAG write them, kept with their history.
struct AddressController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personAddressPattern), use: edit)
        router.post(RouterPath(SiteRoute.personAddressPattern), use: save)
    }

    struct Group: Encodable { let legend: String; let hint: String; let fields: [FieldView] }
    struct HistoryRow: Encodable { let kind: String; let address: String; let from: String; let until: String; let who: String }
    struct AddressForm: Encodable {
        let name: String
        let summary: ErrorSummary
        let groups: [Group]
        let action: String
        let backHref: String
        let history: [HistoryRow]
        let hasHistory: Bool
    }

    static let parts = SaveAddresses.parts

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
        let t = services.localizer(context), l = t.locale
        let groups = AddressKind.allCases.map { kind in
            Group(legend: t("address.kinds.\(kind.rawValue)"), hint: t("address.hints.\(kind.rawValue)"), fields: Self.parts.map { part in
                let name = "\(kind.rawValue)-\(part)"
                return FieldView(.input("text"), name: name, label: t("address.\(part)"),
                                 hint: part == "huisnummer" || part == "postcode" ? t("address.\(part)Hint") : nil,
                                 value: input[name] ?? "", errors: errors,
                                 extra: part == "postcode" ? "autocomplete=\"off\" maxlength=\"8\"" : (part == "huisnummer" ? "maxlength=\"12\"" : "maxlength=\"80\""))
            })
        }
        let history = try await services.persons.addressHistory(personId: person.id, scope: Policy.scope(for: principal)).map { record in
            HistoryRow(kind: t("address.kinds.\(record.kind.rawValue)"), address: record.address.singleLine,
                       from: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(record.recordedAt))),
                       until: record.replacedAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) } ?? t("address.current"),
                       who: record.recordedBy)
        }
        let name = person.displayName(t)
        return try services.views.render(
            "person-address", titleKey: "address.title", titleArguments: ["name": name],
            content: AddressForm(name: name, summary: ErrorSummary(errors), groups: groups, action: SiteRoute.personAddress(person.id).path,
                                 backHref: SiteRoute.person(person.id).path, history: history, hasHistory: !history.isEmpty),
            context: context, status: status)
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context)
        let form = context.form
        var addresses: [AddressKind: AddressInput] = [:]
        for kind in AddressKind.allCases {
            let value = { (part: String) in form[SaveAddresses.field(kind, part)] }
            addresses[kind] = AddressInput(street: value("straat"), houseNumber: value("huisnummer"), postcode: value("postcode"), city: value("plaats"))
        }
        do {
            try await services.run(SaveAddresses(person: person, addresses: addresses), principal: principal, scope: Policy.scope(for: principal),
                                   permission: .editPersons, context: context)
        } catch let refused as FormErrors {
            var typed: [String: String] = [:]
            for kind in AddressKind.allCases { for part in Self.parts { typed["\(kind.rawValue)-\(part)"] = form.raw("\(kind.rawValue)-\(part)") ?? "" } }
            return try await render(person, principal: principal, input: typed, errors: refused.fields, context: context, status: refused.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(person.id).path + "?melding=adres"])
    }
}
