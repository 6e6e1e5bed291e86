import BRP
import Foundation
import Inburgering
import RegieStorage

/// What the BRP says about a person, in Regie's own types: read from the answer of the BRP API
/// Personen, kept sealed as the person's latest BRP record, and compared with the file.
struct BRPFacts: Codable, Sendable, Hashable {
    struct Relative: Codable, Sendable, Hashable {
        var bsn: String?
        var name: String
        var dateOfBirth: CalendarDate?
        /// A partnership that has ended (the BRP delivers the current or the last partner).
        var ended: Bool = false
    }

    var givenNames: String?
    var familyName: String?
    var dateOfBirth: CalendarDate?
    var gender: PersonGender?
    /// The address in the Netherlands; nil when the BRP holds none (abroad, unknown, a place without address).
    var address: DutchAddress?
    /// `Adres`, `VerblijfplaatsBuitenland`, `VerblijfplaatsOnbekend` or `Locatie`.
    var residenceKind: String?
    /// The municipality of registration as Regie writes it (`GM0988`) and its name.
    var municipalityCode: String?
    var municipalityName: String?
    /// Since when the person is registered in that municipality: for a newcomer the BRP registration
    /// that starts the term for the PIP (Wi2021 art. 15).
    var registeredOn: CalendarDate?
    var deceasedOn: CalendarDate?
    var secret: Bool
    var partners: [Relative]
    var children: [Relative]

    init(_ persoon: BRPPersoon) {
        givenNames = persoon.naam?.voornamen
        familyName = persoon.naam?.familyName
        dateOfBirth = persoon.geboorte?.datum?.iso.flatMap(CalendarDate.init(iso:))
        gender = switch persoon.geslacht?.code {
        case "V": .vrouw
        case "M": .man
        case "O": .x
        default: nil
        }
        residenceKind = persoon.verblijfplaats?.type
        if persoon.verblijfplaats?.type == "Adres", let a = persoon.verblijfplaats?.verblijfadres, let number = a.huisnummer,
           let street = a.officieleStraatnaam ?? a.korteStraatnaam, let city = a.woonplaats,
           let postcode = a.postcode.flatMap({ try? Postcode($0) }) {
            address = DutchAddress(street: street, houseNumber: HouseNumber(number: number, letter: a.huisletter, addition: a.huisnummertoevoeging),
                                   postcode: postcode, city: city)
        }
        municipalityCode = persoon.gemeenteVanInschrijving?.code.map { "GM" + $0 }
        municipalityName = persoon.gemeenteVanInschrijving?.omschrijving
        registeredOn = persoon.datumInschrijvingInGemeente?.iso.flatMap(CalendarDate.init(iso:))
        deceasedOn = persoon.overlijden?.datum?.iso.flatMap(CalendarDate.init(iso:))
        secret = persoon.geheimhoudingPersoonsgegevens == true
        func relative(_ r: BRPGerelateerde) -> Relative {
            Relative(bsn: r.burgerservicenummer, name: [r.naam?.voornamen, r.naam?.familyName].compactMap { $0 }.joined(separator: " "),
                     dateOfBirth: r.geboorte?.datum?.iso.flatMap(CalendarDate.init(iso:)), ended: r.ontbindingHuwelijkPartnerschap != nil)
        }
        partners = (persoon.partners ?? []).map(relative)
        children = (persoon.kinderen ?? []).map(relative)
    }

    /// One fact where the file and the BRP differ, with both values as shown.
    struct Difference: Sendable, Hashable {
        let field: String
        let file: String
        let brp: String
    }

    /// Where the file differs from the BRP, in the order of the form. Only what the BRP holds is
    /// compared (an address abroad is not "no address").
    func differences(person: PersonRecord, address: DutchAddress?, brpDate: CalendarDate?, _ t: Localizer, _ l: UILocale) -> [Difference] {
        var result: [Difference] = []
        func add(_ key: String, _ file: String?, _ brp: String?) {
            guard let brp, brp != (file ?? "") else { return }
            result.append(Difference(field: t(key), file: file?.nonEmpty ?? "—", brp: brp))
        }
        let pending = person.detailsPending
        add("register.givenNames", pending ? nil : person.givenNames, givenNames)
        add("register.familyName", pending ? nil : person.familyName, familyName)
        add("register.dateOfBirth", person.dateOfBirth.map { DisplayDate.format($0, l) }, dateOfBirth.map { DisplayDate.format($0, l) })
        add("register.gender", pending ? nil : t("genders.\(person.gender.rawValue)"), gender.map { t("genders.\($0.rawValue)") })
        add("address.kinds.woon", address?.singleLine, self.address?.singleLine)
        if let registered = PIPDeadlineRule.brpInschrijving(gemeenteVanInschrijving: municipalityCode, ingeschrevenOp: registeredOn,
                                                            regieGemeente: person.municipalityCode) {
            add("person.brp", brpDate.map { DisplayDate.format($0, l) }, DisplayDate.format(registered, l))
        }
        return result
    }
}
