import Foundation
import Inburgering
import RegieCasework
@testable import RegieServer
import RegieStorage
import Testing

/// A person's contact details and addresses as commands: the checks (Dutch postcode and house
/// number as PostNL and the BAG write them) name the field and the rule.
@Suite("Casework commands: contact details and addresses")
struct PersonCommandTests {
    static func contact(_ person: PersonRecord, phone: String? = "06 12345678", email: String? = "amal@example.org", language: String? = "Arabisch",
                        interpreterLanguage: String? = nil) -> UpdateContact {
        UpdateContact(person: person, phone: phone, email: email, language: language, interpreterNeeded: interpreterLanguage != nil,
                      interpreterLanguage: interpreterLanguage)
    }

    @Test("Contact details: each refusal names its field and rule", arguments: [
        ("a phone number too short", "phone", "12345", "phone: contact.errors.phone"),
        ("letters in the phone number", "phone", "06 1234 567a", "phone: contact.errors.phone"),
        ("an e-mail address without a domain", "email", "amal@example", "email: contact.errors.email"),
        ("an e-mail address with two @", "email", "a@b@example.org", "email: contact.errors.email"),
        ("no language", "language", "", "language: contact.errors.languageMissing"),
        ("a language over 60", "language", String(repeating: "a", count: 61), "language: contact.errors.languageLong"),
        ("an interpreter language of two lines", "interpreterLanguage", "Arabisch\nTigrinya", "interpreterLanguage: contact.errors.interpreterLanguage"),
    ])
    func contactRefusals(_ name: String, _ field: String, _ value: String, _ issue: String) async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            let person = try #require(try await app.services.persons.fetchPerson(id: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"])))
            let given = value.isEmpty ? nil : value
            let command = switch field {
            case "phone": Self.contact(person, phone: given)
            case "email": Self.contact(person, email: given)
            case "language": Self.contact(person, language: given)
            default: Self.contact(person, interpreterLanguage: given)
            }
            let refused = try await CommandTesting.refusal(command, app)
            #expect(refused?.kind == .invalid, "\(name)")
            #expect(refused?.issues == [issue], "\(name)")
        }
    }

    @Test("Contact details are stored, the e-mail address in lower case; the audit names the fields that changed", arguments: Engine.available)
    func contactSaved(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let person = try #require(try await app.services.persons.fetchPerson(id: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"])))
            let updated = try await Self.contact(person, email: "Amal@Example.org", interpreterLanguage: "Arabisch").run(CommandTesting.context(app), stores: app.services.stores)
            #expect(updated.email == "amal@example.org")
            #expect(updated.interpreterLanguage == "Arabisch")
            #expect(UpdateContact.changedFields(person, .init(phone: "06 12345678", email: "amal@example.org", language: "Arabisch", interpreterNeeded: true,
                                                              interpreterLanguage: "Arabisch")) == "gewijzigd: phone,email,interpreter_language")
            await #expect(throws: CaseNotFound.self) {
                _ = try await Self.contact(person).run(CommandTesting.context(app, municipalities: ["GM1706"]), stores: app.services.stores)
            }
        }
    }

    static func address(street: String? = "Markt", number: String? = "12a", postcode: String? = "6001 AA", city: String? = "Weert") -> AddressInput {
        AddressInput(street: street, houseNumber: number, postcode: postcode, city: city)
    }

    @Test("Addresses: every part once one is given; house number and postcode as the BAG and PostNL write them", arguments: [
        ("no street", PersonCommandTests.address(street: nil), "woon-straat: validation.required"),
        ("a city of two lines", PersonCommandTests.address(city: "Weert\nNederweert"), "woon-plaats: validation.characters"),
        ("no house number", PersonCommandTests.address(number: nil), "woon-huisnummer: validation.required"),
        ("a house number without a number", PersonCommandTests.address(number: "a"), "woon-huisnummer: address.errors.houseNumberMissing"),
        ("a house number over 99999", PersonCommandTests.address(number: "100000"), "woon-huisnummer: address.errors.houseNumberRange"),
        ("no postcode", PersonCommandTests.address(postcode: nil), "woon-postcode: validation.required"),
        ("a postcode of five digits", PersonCommandTests.address(postcode: "60012"), "woon-postcode: address.errors.postcodeFormat"),
        ("a postcode with reserved letters", PersonCommandTests.address(postcode: "6001 SA"), "woon-postcode: address.errors.postcodeLetters"),
    ])
    func addressRefusals(_ name: String, _ address: AddressInput, _ issue: String) async throws {
        try await TestSupport.withApp(.sqlite) { _, app in
            let person = try #require(try await app.services.persons.fetchPerson(id: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"])))
            let refused = try await CommandTesting.refusal(SaveAddresses(person: person, addresses: [.woon: address]), app)
            #expect(refused?.kind == .invalid, "\(name)")
            #expect(refused?.issues == [issue], "\(name)")
        }
    }

    @Test("An address is stored; an empty one is not", arguments: Engine.available)
    func addressSaved(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let scope = TenantScope(municipalityCodes: ["GM0988"])
            let person = try #require(try await app.services.persons.fetchPerson(id: app.world.personA, scope: scope))
            let empty = AddressInput(street: nil, houseNumber: nil, postcode: nil, city: nil)
            let changed = try await SaveAddresses(person: person, addresses: [.woon: Self.address(), .post: empty])
                .run(CommandTesting.context(app), stores: app.services.stores)
            #expect(changed == [.woon])
            let current = try await app.services.persons.currentAddresses(personId: person.id, scope: scope)
            #expect(current[.woon]?.postcode.description == "6001 AA")
            #expect(current[.post] == nil)
        }
    }
}
