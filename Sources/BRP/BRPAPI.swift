import Foundation

/// The part of the BRP API Personen (Haal Centraal, version 2) that Regie uses: "raadpleeg met
/// burgerservicenummer" — `POST /personen` with the BSNs and the fields asked for — and the parts of
/// the answer Regie reads. Written from the published interface description; a field Regie does not
/// ask for is not declared here, so it is never decoded or kept.
public enum BRPQueryType {
    public static let raadpleegMetBurgerservicenummer = "RaadpleegMetBurgerservicenummer"
}

/// The request body.
public struct BRPQuery: Codable, Sendable, Hashable {
    public var type: String
    public var burgerservicenummer: [String]
    public var fields: [String]
    public var gemeenteVanInschrijving: String?

    public init(burgerservicenummers: [String], fields: [String] = BRPFields.regie, gemeenteVanInschrijving: String? = nil) {
        self.type = BRPQueryType.raadpleegMetBurgerservicenummer
        self.burgerservicenummer = burgerservicenummers
        self.fields = fields
        self.gemeenteVanInschrijving = gemeenteVanInschrijving
    }
}

/// The fields Regie asks for, and nothing more (data minimisation is part of the interface: the
/// `fields` parameter). For the case: name, birth date, gender, the address and since when the person
/// lives in the municipality (the start of the PIP term, Wi2021 art. 15), death. For the household:
/// the partner's and children's BSN, names and birth dates (VVE age, ontzorgen per household).
/// Secrecy of personal details is delivered without being asked.
public enum BRPFields {
    public static let regie = [
        "burgerservicenummer",
        "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam",
        "geboorte.datum",
        "geslacht",
        "verblijfplaats",
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "overlijden.datum",
        "partners.burgerservicenummer", "partners.naam.voornamen", "partners.naam.voorvoegsel", "partners.naam.geslachtsnaam",
        "partners.geboorte.datum", "partners.ontbindingHuwelijkPartnerschap.datum",
        "kinderen.burgerservicenummer", "kinderen.naam.voornamen", "kinderen.naam.voorvoegsel", "kinderen.naam.geslachtsnaam",
        "kinderen.geboorte.datum",
    ]
}

/// The answer: the persons found (none when the BSN is unknown).
public struct BRPQueryResponse: Codable, Sendable, Hashable {
    public var type: String
    public var personen: [BRPPersoon]?

    public init(personen: [BRPPersoon]) {
        self.type = BRPQueryType.raadpleegMetBurgerservicenummer
        self.personen = personen
    }
}

/// A value from one of the BRP's code tables (gender, municipality, …).
public struct BRPWaarde: Codable, Sendable, Hashable {
    public var code: String?
    public var omschrijving: String?

    public init(code: String?, omschrijving: String?) {
        self.code = code
        self.omschrijving = omschrijving
    }
}

/// A date that may be partly unknown: `Datum` (complete), `JaarMaandDatum`, `JaarDatum` or `DatumOnbekend`.
public struct BRPDatum: Codable, Sendable, Hashable {
    public var type: String
    public var datum: String?
    public var jaar: Int?
    public var maand: Int?
    public var onbekend: Bool?
    public var langFormaat: String

    /// A complete date (`yyyy-MM-dd`).
    public init(iso: String) {
        self.type = "Datum"
        self.datum = iso
        self.langFormaat = Self.longFormat(iso)
    }

    /// The complete date, or nil when part of it is unknown.
    public var iso: String? { type == "Datum" ? datum : nil }

    static let months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]

    /// "28 februari 1990", as the BRP writes a date in full.
    public static func longFormat(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return iso }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }
}

public struct BRPNaam: Codable, Sendable, Hashable {
    public var voornamen: String?
    public var voorvoegsel: String?
    public var geslachtsnaam: String?

    public init(voornamen: String?, voorvoegsel: String? = nil, geslachtsnaam: String?) {
        self.voornamen = voornamen
        self.voorvoegsel = voorvoegsel
        self.geslachtsnaam = geslachtsnaam
    }

    /// The family name as written in a sentence: the prefix first ("van der Berg").
    public var familyName: String? {
        guard let geslachtsnaam else { return nil }
        return [voorvoegsel, geslachtsnaam].compactMap { $0 }.joined(separator: " ")
    }
}

public struct BRPGeboorte: Codable, Sendable, Hashable {
    public var datum: BRPDatum?
    public init(datum: BRPDatum?) { self.datum = datum }
}

public struct BRPOverlijden: Codable, Sendable, Hashable {
    public var datum: BRPDatum?
    public init(datum: BRPDatum?) { self.datum = datum }
}

/// A Dutch address as the BRP holds it (from the BAG).
public struct BRPVerblijfadres: Codable, Sendable, Hashable {
    public var officieleStraatnaam: String?
    public var korteStraatnaam: String?
    public var huisnummer: Int?
    public var huisletter: String?
    public var huisnummertoevoeging: String?
    public var postcode: String?
    public var woonplaats: String?

    public init(officieleStraatnaam: String?, korteStraatnaam: String?, huisnummer: Int?, huisletter: String? = nil,
                huisnummertoevoeging: String? = nil, postcode: String?, woonplaats: String?) {
        self.officieleStraatnaam = officieleStraatnaam
        self.korteStraatnaam = korteStraatnaam
        self.huisnummer = huisnummer
        self.huisletter = huisletter
        self.huisnummertoevoeging = huisnummertoevoeging
        self.postcode = postcode
        self.woonplaats = woonplaats
    }
}

/// Where the person lives: `Adres` (in the Netherlands), `VerblijfplaatsBuitenland`,
/// `VerblijfplaatsOnbekend` or `Locatie` (a place without an address, such as a houseboat).
public struct BRPVerblijfplaats: Codable, Sendable, Hashable {
    public var type: String
    public var verblijfadres: BRPVerblijfadres?
    public var datumVan: BRPDatum?

    public init(type: String, verblijfadres: BRPVerblijfadres? = nil, datumVan: BRPDatum? = nil) {
        self.type = type
        self.verblijfadres = verblijfadres
        self.datumVan = datumVan
    }
}

public struct BRPOntbinding: Codable, Sendable, Hashable {
    public var datum: BRPDatum?
    public init(datum: BRPDatum?) { self.datum = datum }
}

/// A partner or a child: who they are, as far as Regie needs it for the household.
public struct BRPGerelateerde: Codable, Sendable, Hashable {
    public var burgerservicenummer: String?
    public var naam: BRPNaam?
    public var geboorte: BRPGeboorte?
    /// Partners only: the end of a marriage or partnership (the BRP delivers the current or the last one).
    public var ontbindingHuwelijkPartnerschap: BRPOntbinding?

    public init(burgerservicenummer: String?, naam: BRPNaam?, geboorte: BRPGeboorte?, ontbindingHuwelijkPartnerschap: BRPOntbinding? = nil) {
        self.burgerservicenummer = burgerservicenummer
        self.naam = naam
        self.geboorte = geboorte
        self.ontbindingHuwelijkPartnerschap = ontbindingHuwelijkPartnerschap
    }
}

public struct BRPPersoon: Codable, Sendable, Hashable {
    public var burgerservicenummer: String?
    public var naam: BRPNaam?
    public var geboorte: BRPGeboorte?
    /// `V` (vrouw), `M` (man) or `O` (onbekend).
    public var geslacht: BRPWaarde?
    public var verblijfplaats: BRPVerblijfplaats?
    /// The municipality's four-digit CBS code.
    public var gemeenteVanInschrijving: BRPWaarde?
    public var datumInschrijvingInGemeente: BRPDatum?
    public var overlijden: BRPOverlijden?
    /// Personal details may not be given to third parties (delivered without being asked).
    public var geheimhoudingPersoonsgegevens: Bool?
    public var partners: [BRPGerelateerde]?
    public var kinderen: [BRPGerelateerde]?

    public init(burgerservicenummer: String?, naam: BRPNaam?, geboorte: BRPGeboorte?, geslacht: BRPWaarde?, verblijfplaats: BRPVerblijfplaats?,
                gemeenteVanInschrijving: BRPWaarde?, datumInschrijvingInGemeente: BRPDatum?, overlijden: BRPOverlijden? = nil,
                geheimhoudingPersoonsgegevens: Bool? = nil, partners: [BRPGerelateerde]? = nil, kinderen: [BRPGerelateerde]? = nil) {
        self.burgerservicenummer = burgerservicenummer
        self.naam = naam
        self.geboorte = geboorte
        self.geslacht = geslacht
        self.verblijfplaats = verblijfplaats
        self.gemeenteVanInschrijving = gemeenteVanInschrijving
        self.datumInschrijvingInGemeente = datumInschrijvingInGemeente
        self.overlijden = overlijden
        self.geheimhoudingPersoonsgegevens = geheimhoudingPersoonsgegevens
        self.partners = partners
        self.kinderen = kinderen
    }
}

/// An error answer (problem+json).
public struct BRPFoutbericht: Codable, Sendable, Hashable {
    public var type: String?
    public var title: String?
    public var status: Int?
    public var detail: String?
    public var instance: String?
    public var code: String?

    public init(title: String, status: Int, detail: String? = nil, code: String? = nil) {
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
    }
}
