import Foundation
import Inburgering
import RegieStorage

/// The one layout of every letter Regie prints (`letter-frame.mustache`): the municipality's
/// letterhead, the addressee where the window of a standard window envelope shows it, date, "Ons
/// kenmerk", subject, the contact person, the salutation, the signatory with the mandate line, and
/// page numbers (print CSS). A letter's template extends the frame and fills its `body`.
struct LetterFrame: Encodable {
    struct Line: Encodable { let label: String; let text: String }
    struct Meta: Encodable { let label: String; let value: String }

    let lang: String
    let title: String
    let isConcept: Bool
    let conceptMark: String
    let sender: String
    let senderLines: [Line]
    let recipient: [String]
    let hasRecipient: Bool
    let noAddress: String
    let meta: [Meta]
    let salutation: String
    var closing: String
    let signatoryName: String
    var mandateLine: String
    let backHref: String
    let backLabel: String
    let printHint: String
    /// The municipality's logo as a data URI (embedded, so a letter kept as sent keeps it).
    let logo: String?

    /// Who the letter goes to and from, looked up once per letter.
    struct Parties {
        let person: PersonRecord
        let address: DutchAddress?
        let municipalityName: String
        let letterhead: Letterhead
        let contact: UserStore.LetterContact?
        var logo: MunicipalityLogo? = nil
    }

    /// Loads the parties of a letter about `person`: the correspondence address (else the residential
    /// one), the municipality's letterhead and the responsible consulent.
    static func parties(_ services: AppServices, person: PersonRecord, consulentId: String?, municipalityName: String, scope: TenantScope) async throws -> Parties {
        let addresses = try await services.persons.currentAddresses(personId: person.id, scope: scope)
        let settings = try await services.settings.fetch(person.municipalityCode)
        var contact: UserStore.LetterContact?
        if let consulentId { contact = try await services.users.fetchLetterContact(userId: consulentId) }
        return Parties(person: person, address: addresses[.post] ?? addresses[.woon], municipalityName: municipalityName,
                       letterhead: settings.letterhead, contact: contact, logo: try await services.settings.fetchLogo(person.municipalityCode))
    }

    /// The frame in `locale`; a decision letter passes `.nl` whatever the user's language.
    static func make(_ parties: Parties, title: String, subject: String, reference: String, date: String, isConcept: Bool,
                     backHref: String, backLabelKey: String, localizer t: Localizer) -> LetterFrame {
        let l = t.locale
        let head = parties.letterhead
        let sender = head.name.isEmpty ? t("letterFrame.municipalityOf", ["municipality": parties.municipalityName]) : head.name
        var lines: [Line] = []
        func add(_ key: String, _ value: String) { if !value.isEmpty { lines.append(Line(label: t("letterFrame.\(key)"), text: value)) } }
        add("visitingAddress", head.visitingAddress)
        add("postalAddress", head.postalAddress)
        add("phone", head.phone)
        add("website", head.website)
        let person = parties.person
        // The addressee: the name as the BRP writes it, then the address (PostNL: postcode, two spaces, place in capitals).
        let recipient = parties.address.map { [person.fullName] + $0.lines } ?? []
        var meta = [Meta(label: t("letterFrame.date"), value: date),
                    Meta(label: t("letterFrame.reference"), value: reference)]
        if let contact = parties.contact {
            meta.append(Meta(label: t("letterFrame.contactPerson"), value: contact.name))
            meta.append(Meta(label: t("letterFrame.phone"), value: contact.phone ?? (head.phone.isEmpty ? "—" : head.phone)))
            meta.append(Meta(label: t("letterFrame.email"), value: contact.email))
        }
        meta.append(Meta(label: t("letterFrame.subject"), value: subject))
        return LetterFrame(
            lang: l.rawValue, title: title, isConcept: isConcept, conceptMark: t("letter.conceptMark"),
            sender: sender, senderLines: lines, recipient: recipient, hasRecipient: !recipient.isEmpty,
            noAddress: t("letterFrame.noAddress"), meta: meta,
            salutation: l == .nl ? DutchSalutation.text(gender: person.gender.rawValue, givenNames: person.givenNames, familyName: person.familyName)
                                 : t("letterFrame.salutation", ["name": person.fullName]),
            closing: t("letterFrame.closing"),
            signatoryName: head.signatoryName,
            mandateLine: head.mandateLine.isEmpty ? t("letterFrame.mandate", ["municipality": parties.municipalityName]) : head.mandateLine,
            backHref: backHref, backLabel: t(backLabelKey), printHint: t("letter.printHint"), logo: parties.logo?.dataURI)
    }

    /// The bezwaar address of the municipality: its own, else its postal address, else the college.
    static func bezwaarAddress(_ parties: Parties, localizer t: Localizer) -> String {
        let head = parties.letterhead
        if !head.bezwaarAddress.isEmpty { return head.bezwaarAddress }
        let college = t.catalogue.text("letterFrame.college", .nl, ["municipality": parties.municipalityName])
        return head.postalAddress.isEmpty ? college : college + "\n" + head.postalAddress
    }
}

/// A short, stable case number for "Ons kenmerk": the municipality's code and eight characters
/// derived from the traject's id (FNV-1a, Crockford base 32), e.g. "GM0988-7K3QX2MA". The same
/// case always has the same number, so a letter and a phone call can refer to it.
enum CaseReference {
    static func of(municipalityCode: String, trajectId: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in trajectId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var code = ""
        for _ in 0..<8 {
            code.append(alphabet[Int(hash & 31)])
            hash >>= 5
        }
        return "\(municipalityCode)-\(code)"
    }
}
