import BRP
import Foundation
import Inburgering
import RegieStorage

extension RegieCommands {
    /// The register a BRP simulator starts with for a demo: every person in Regie's database whose
    /// details are known, as the BRP would hold them — name, birth date, gender, the current address,
    /// the municipality and the BRP registration date — with the household as partner and children
    /// (adults and minors sharing a household). Cases opened on a DUO signal are left out: the
    /// simulator makes them up from their BSN, so completing them can be shown.
    public static func brpRegister(overrides: [String: String]) async throws -> [BRPPersoon] {
        let (_, config, logger) = try await prepare(overrides: overrides)
        return try await withDatabase(config, logger) { database in
            let rows = try await database.sql.raw("""
                SELECT p.id, p.bsn, p.given_names, p.family_name, p.date_of_birth, p.gender, p.household_id, p.municipality_code, m.name AS municipality,
                       t.brp_date, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.city
                FROM persons p JOIN municipalities m ON m.code = p.municipality_code
                LEFT JOIN trajecten t ON t.person_id = p.id
                LEFT JOIN person_addresses a ON a.person_id = p.id AND a.kind = 'woon' AND a.replaced_at IS NULL
                WHERE p.details_pending = 0 AND p.bsn IS NOT NULL
                ORDER BY p.id
                """).all()
            struct Known { let bsn: String; let household: String?; let born: String; let person: BRPPersoon }
            var known: [Known] = []
            for row in rows {
                let bsn = try row.decode(column: "bsn", as: String.self)
                let born = try row.decode(column: "date_of_birth", as: String.self)
                let gender = try row.decode(column: "gender", as: String.self)
                let code = try row.decode(column: "municipality_code", as: String.self)
                let registered = try row.decode(column: "brp_date", as: String?.self).flatMap { $0.isEmpty ? nil : $0 }
                var residence: BRPVerblijfplaats?
                if let street = try row.decode(column: "street", as: String?.self), let number = try row.decode(column: "house_number", as: Int?.self) {
                    residence = BRPVerblijfplaats(type: "Adres", verblijfadres: BRPVerblijfadres(
                        officieleStraatnaam: street, korteStraatnaam: String(street.prefix(24)), huisnummer: number,
                        huisletter: try row.decode(column: "house_letter", as: String?.self), huisnummertoevoeging: try row.decode(column: "house_addition", as: String?.self),
                        postcode: try row.decode(column: "postcode", as: String?.self), woonplaats: try row.decode(column: "city", as: String?.self)),
                        datumVan: registered.map(BRPDatum.init(iso:)))
                }
                let person = BRPPersoon(
                    burgerservicenummer: bsn, naam: BRPNaam(voornamen: try row.decode(column: "given_names", as: String.self),
                                                            geslachtsnaam: try row.decode(column: "family_name", as: String.self)),
                    geboorte: BRPGeboorte(datum: CalendarDate(iso: born).map { BRPDatum(iso: $0.iso) }),
                    geslacht: gender == "vrouw" ? BRPWaarde(code: "V", omschrijving: "vrouw") : gender == "man" ? BRPWaarde(code: "M", omschrijving: "man")
                        : BRPWaarde(code: "O", omschrijving: "onbekend"),
                    verblijfplaats: residence ?? BRPVerblijfplaats(type: "VerblijfplaatsOnbekend"),
                    gemeenteVanInschrijving: BRPWaarde(code: String(code.dropFirst(2)), omschrijving: try row.decode(column: "municipality", as: String.self)),
                    datumInschrijvingInGemeente: registered.map(BRPDatum.init(iso:)))
                known.append(Known(bsn: bsn, household: try row.decode(column: "household_id", as: String?.self), born: born, person: person))
            }
            // Households: someone 15 or more years younger is a child, someone of about the same age
            // (and both adults) the partner; the demo data keeps no relations, so this is a guess.
            let adultFrom = CalendarDate.today(now: Date()).adding(days: -18 * 365).iso
            func years(_ a: String, _ b: String) -> Int {
                guard let x = CalendarDate(iso: a), let y = CalendarDate(iso: b) else { return 0 }
                return abs(x.year - y.year)
            }
            let households = Dictionary(grouping: known.filter { $0.household != nil }, by: { $0.household! })
            return known.map { member in
                var person = member.person
                guard let household = member.household, let others = households[household]?.filter({ $0.bsn != member.bsn }), !others.isEmpty else { return person }
                func related(_ other: Known) -> BRPGerelateerde {
                    BRPGerelateerde(burgerservicenummer: other.bsn, naam: other.person.naam, geboorte: other.person.geboorte)
                }
                person.kinderen = others.filter { $0.born > member.born && years($0.born, member.born) >= 15 }.map(related)
                if member.born <= adultFrom {
                    person.partners = others.filter { $0.born <= adultFrom && years($0.born, member.born) < 15 }.prefix(1).map(related)
                }
                return person
            }
        }
    }
}
