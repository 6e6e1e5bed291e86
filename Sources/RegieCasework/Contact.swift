import Foundation
import Inburgering
import RegieStorage

/// How to reach a person: phone, e-mail, the language to speak with them and whether an interpreter
/// is needed. Empty phone or e-mail clears it.
public struct UpdateContact: CaseworkCommand {
    public let person: PersonRecord
    public var phone: String?
    public var email: String?
    public var language: String?
    public var interpreterNeeded: Bool
    public var interpreterLanguage: String?

    public init(person: PersonRecord, phone: String?, email: String?, language: String?, interpreterNeeded: Bool, interpreterLanguage: String?) {
        self.person = person
        self.phone = phone
        self.email = email
        self.language = language
        self.interpreterNeeded = interpreterNeeded
        self.interpreterLanguage = interpreterLanguage
    }

    public static let labels = ["phone": "contact.phone", "email": "contact.email", "language": "contact.language",
                                "interpreterLanguage": "contact.interpreterLanguage"]

    /// A phone number as people write it: digits, spaces, `+ - ( )`, 10 to 15 digits (E.164 holds at most 15).
    public static func isPhone(_ value: String) -> Bool {
        let digits = value.filter(\.isNumber)
        return value.allSatisfy { $0.isNumber || " +-()".contains($0) } && (10...15).contains(digits.count)
    }

    /// An e-mail address: one `@`, a domain with a dot, no spaces, at most 254 code points (RFC 5321).
    public static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@")
        return parts.count == 2 && parts[1].contains(".") && !value.contains(" ") && TextLength.fits(value, within: 254)
    }

    /// Names (not values) of the fields that changed, for the audit entry.
    public static func changedFields(_ person: PersonRecord, _ update: PersonStore.ContactUpdate) -> String {
        var fields: [String] = []
        if person.phone != update.phone { fields.append("phone") }
        if person.email != update.email { fields.append("email") }
        if person.language != update.language { fields.append("language") }
        if person.interpreterNeeded != update.interpreterNeeded { fields.append("interpreter_needed") }
        if person.interpreterLanguage != update.interpreterLanguage { fields.append("interpreter_language") }
        return "gewijzigd: " + (fields.isEmpty ? "geen" : fields.joined(separator: ","))
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> PersonRecord {
        var v = Checks(labels: Self.labels)
        if let phone, !Self.isPhone(phone) { v.fail("phone", "contact.errors.phone") }
        if let email, !Self.isEmail(email) { v.fail("email", "contact.errors.email") }
        if language == nil {
            v.fail("language", "contact.errors.languageMissing")
        } else if let language, !TextLength.fits(language, within: 60) {
            v.fail("language", "contact.errors.languageLong")
        }
        if let interpreterLanguage, !TextLength.fits(interpreterLanguage, within: 60) || !TextCharacters.isClean(interpreterLanguage, as: .name) {
            v.fail("interpreterLanguage", "contact.errors.interpreterLanguage")
        }
        guard v.isValid, let language else { throw v.error() }
        let update = PersonStore.ContactUpdate(phone: phone, email: email?.lowercased(), language: language, interpreterNeeded: interpreterNeeded,
                                               interpreterLanguage: interpreterNeeded ? interpreterLanguage : nil)
        let event = context.audit(.personContactUpdate, person, Self.changedFields(person, update))
        guard let updated = try await stores.persons.updateContact(personId: person.id, scope: context.scope, update, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return updated
    }
}

/// One address as typed: street, house number, postcode and city.
public struct AddressInput: Sendable, Hashable {
    public var street: String?
    public var houseNumber: String?
    public var postcode: String?
    public var city: String?

    public init(street: String?, houseNumber: String?, postcode: String?, city: String?) {
        self.street = street
        self.houseNumber = houseNumber
        self.postcode = postcode
        self.city = city
    }

    /// All four parts empty: no address.
    public var isEmpty: Bool { [street, houseNumber, postcode, city].allSatisfy { $0 == nil } }
}

extension Checks {
    /// A Dutch house number as the BAG writes it (number, letter, addition).
    public mutating func houseNumber(_ field: String, _ value: String?) -> HouseNumber? {
        guard !placed(field) else { return nil }
        guard let value else {
            fail(field, "validation.required")
            return nil
        }
        do {
            return try HouseNumber(value)
        } catch {
            switch error {
            case .missing: fail(field, "address.errors.houseNumberMissing")
            case .outOfRange: fail(field, "address.errors.houseNumberRange")
            case .addition: fail(field, "address.errors.houseNumberAddition")
            }
            return nil
        }
    }

    /// A Dutch postcode as PostNL writes it (four digits, two letters, not the reserved ones).
    public mutating func postcode(_ field: String, _ value: String?) -> Postcode? {
        guard !placed(field) else { return nil }
        guard let value else {
            fail(field, "validation.required")
            return nil
        }
        do {
            return try Postcode(value)
        } catch {
            switch error {
            case .format: fail(field, "address.errors.postcodeFormat")
            case .reservedLetters: fail(field, "address.errors.postcodeLetters")
            }
            return nil
        }
    }
}

/// A person's residential and correspondence address, typed by a case worker (the BRP fills them once
/// that link exists), kept with their history. An address left empty is not recorded.
public struct SaveAddresses: CaseworkCommand {
    public let person: PersonRecord
    public var addresses: [AddressKind: AddressInput]

    public init(person: PersonRecord, addresses: [AddressKind: AddressInput]) {
        self.person = person
        self.addresses = addresses
    }

    /// A field's name: the kind and the part (`woon-postcode`).
    public static func field(_ kind: AddressKind, _ part: String) -> String { "\(kind.rawValue)-\(part)" }

    public static let parts = ["straat", "huisnummer", "postcode", "plaats"]

    public static let labels = Dictionary(uniqueKeysWithValues: AddressKind.allCases.flatMap { kind in
        parts.map { part in (field(kind, part), "address.\(part)") }
    })

    /// The addresses changed.
    @discardableResult
    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> [AddressKind] {
        var v = Checks(labels: Self.labels)
        var checked: [AddressKind: DutchAddress] = [:]
        for kind in AddressKind.allCases {
            guard let input = addresses[kind], !input.isEmpty else { continue }
            // Every part is needed once one is given; house number and postcode as the BAG and PostNL write them.
            let street = v.text(Self.field(kind, "straat"), input.street, maxLength: 80, characters: .name)
            let city = v.text(Self.field(kind, "plaats"), input.city, maxLength: 80, characters: .name)
            let number = v.houseNumber(Self.field(kind, "huisnummer"), input.houseNumber)
            let postcode = v.postcode(Self.field(kind, "postcode"), input.postcode)
            if let street, let city, let number, let postcode {
                checked[kind] = DutchAddress(street: street, houseNumber: number, postcode: postcode, city: city)
            }
        }
        guard v.isValid else { throw v.error() }
        let person = self.person
        guard let changed = try await stores.persons.saveAddresses(
            personId: person.id, scope: context.scope, checked, actor: context.actor,
            audit: { changed in
                // The audit names what changed, never the address itself (that is in the file's history).
                context.audit(.personAddressUpdate, person, "gewijzigd: " + changed.map { $0 == .woon ? "woonadres" : "correspondentieadres" }.joined(separator: ","))
            }, now: context.now) else { throw CaseNotFound() }
        return changed
    }
}
