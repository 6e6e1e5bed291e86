import BRP
import Foundation

/// A stand-in for the BRP API Personen, for development, demos and tests: it answers "raadpleeg met
/// burgerservicenummer" as the published interface describes (the request checked, the answer cut
/// to the fields asked for), and it can play what happens in the register — a move, a death, a
/// birth, secrecy of personal details. Never linked by a production module.
public actor BRPSimulator {
    /// The register: everyone the simulator knows, in full.
    private var persons: [String: BRPPersoon] = [:]
    private var exchanges: [BRPExchange] = []
    /// The API key a request must carry (`X-API-KEY`); nil accepts any request.
    public let apiKey: String?
    /// Where a person the simulator does not know is made up (deterministically from the BSN) when
    /// `inventUnknown` is on: the demo's newcomers announced by DUO have a BRP record this way.
    public let inventUnknown: Bool
    public let defaultMunicipality: (code: String, name: String)

    public init(apiKey: String? = nil, inventUnknown: Bool = false, defaultMunicipality: (code: String, name: String) = ("0988", "Weert")) {
        self.apiKey = apiKey
        self.inventUnknown = inventUnknown
        self.defaultMunicipality = defaultMunicipality
    }

    // MARK: The register

    public func add(_ people: [BRPPersoon]) {
        for person in people {
            if let bsn = person.burgerservicenummer { persons[bsn] = person }
        }
    }

    public func person(_ bsn: String) -> BRPPersoon? { persons[bsn] }

    public var count: Int { persons.count }

    /// A move: another address, and from another municipality a new registration there.
    public func move(bsn: String, to municipality: BRPWaarde, address: BRPVerblijfadres?, on date: String) -> Bool {
        guard var person = persons[bsn] else { return false }
        if person.gemeenteVanInschrijving?.code != municipality.code { person.datumInschrijvingInGemeente = BRPDatum(iso: date) }
        person.gemeenteVanInschrijving = municipality
        person.verblijfplaats = address.map { BRPVerblijfplaats(type: "Adres", verblijfadres: $0, datumVan: BRPDatum(iso: date)) }
            ?? BRPVerblijfplaats(type: "VerblijfplaatsOnbekend", datumVan: BRPDatum(iso: date))
        persons[bsn] = person
        return true
    }

    public func die(bsn: String, on date: String) -> Bool {
        guard persons[bsn] != nil else { return false }
        persons[bsn]?.overlijden = BRPOverlijden(datum: BRPDatum(iso: date))
        return true
    }

    /// A child born to `parent` (and to the parent's partner): registered as a person of their own
    /// at the parent's address.
    public func birth(parent: String, child: BRPGerelateerde) -> Bool {
        guard var mother = persons[parent], let bsn = child.burgerservicenummer else { return false }
        mother.kinderen = (mother.kinderen ?? []) + [child]
        persons[parent] = mother
        for partner in mother.partners ?? [] {
            if let other = partner.burgerservicenummer, persons[other] != nil { persons[other]?.kinderen = (persons[other]?.kinderen ?? []) + [child] }
        }
        persons[bsn] = BRPPersoon(burgerservicenummer: bsn, naam: child.naam, geboorte: child.geboorte, geslacht: BRPWaarde(code: "O", omschrijving: "onbekend"),
                                  verblijfplaats: mother.verblijfplaats, gemeenteVanInschrijving: mother.gemeenteVanInschrijving,
                                  datumInschrijvingInGemeente: child.geboorte?.datum)
        return true
    }

    public func setSecrecy(bsn: String, _ on: Bool) -> Bool {
        guard persons[bsn] != nil else { return false }
        persons[bsn]?.geheimhoudingPersoonsgegevens = on ? true : nil
        return true
    }

    // MARK: Answering

    /// Fields the interface delivers by itself and refuses to be asked for.
    static let automatic: Set<String> = ["inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie"]

    /// The paths the simulator can deliver (a subset of the person's description): a path may stop
    /// at any of these or at a prefix of one.
    public static let known: Set<String> = {
        let related = ["burgerservicenummer", "naam", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte", "geboorte.datum"]
        var paths: Set<String> = ["burgerservicenummer", "naam", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte", "geboorte.datum",
                                  "geslacht", "geslacht.code", "geslacht.omschrijving", "verblijfplaats", "verblijfplaats.verblijfadres",
                                  "verblijfplaats.datumVan", "gemeenteVanInschrijving", "gemeenteVanInschrijving.code",
                                  "gemeenteVanInschrijving.omschrijving", "datumInschrijvingInGemeente", "overlijden", "overlijden.datum",
                                  "partners", "kinderen", "partners.ontbindingHuwelijkPartnerschap", "partners.ontbindingHuwelijkPartnerschap.datum"]
        for field in ["officieleStraatnaam", "korteStraatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats"] {
            paths.insert("verblijfplaats.verblijfadres.\(field)")
        }
        for path in related { paths.insert("partners.\(path)"); paths.insert("kinderen.\(path)") }
        return paths
    }()

    /// One request to `POST /personen`: the status and the JSON body of the answer. Every exchange is
    /// kept for the spec check.
    public func answer(body: Data, headers: [String: String]) -> (status: Int, body: Data, contentType: String) {
        let result = respond(body: body, headers: headers)
        exchanges.append(BRPExchange(method: "POST", path: "/personen", requestHeaders: headers, requestBody: String(decoding: body, as: UTF8.self),
                                     status: result.status, responseHeaders: ["content-type": result.contentType],
                                     responseBody: String(decoding: result.body, as: UTF8.self)))
        return result
    }

    public func recordedExchanges() -> [BRPExchange] { exchanges }

    private func respond(body: Data, headers: [String: String]) -> (status: Int, body: Data, contentType: String) {
        if let apiKey, headers["x-api-key"] != apiKey {
            return Self.problem(401, "Niet correct geauthenticeerd.", code: "authentication")
        }
        guard let query = try? JSONDecoder().decode(BRPQuery.self, from: body) else {
            return Self.problem(400, "Ten minste een parameter moet worden opgegeven.", code: "paramsRequired")
        }
        guard query.type == BRPQueryType.raadpleegMetBurgerservicenummer else {
            return Self.problem(400, "Zoektype wordt niet ondersteund.", code: "unsupportedType")
        }
        guard (1...20).contains(query.burgerservicenummer.count),
              query.burgerservicenummer.allSatisfy({ $0.count == 9 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return Self.problem(400, "Een of meerdere parameters zijn niet correct.", detail: "burgerservicenummer", code: "pattern")
        }
        guard (1...130).contains(query.fields.count) else {
            return Self.problem(400, "Een of meerdere parameters zijn niet correct.", detail: "fields", code: "array")
        }
        for field in query.fields {
            let first = field.split(separator: ".").map(String.init)
            if first.contains(where: Self.automatic.contains) {
                return Self.problem(400, "Een of meerdere parameters zijn niet correct.", detail: "fields bevat een automatisch geleverd veld", code: "fields")
            }
            if !Self.known.contains(field) {
                return Self.problem(400, "Een of meerdere parameters zijn niet correct.", detail: "fields bevat een onbekend veld", code: "fields")
            }
        }
        let found = query.burgerservicenummer.compactMap { bsn in persons[bsn] ?? (inventUnknown ? invent(bsn) : nil) }
        let paths = query.fields.map { $0.split(separator: ".").map(String.init) }
        let personen: [Any] = found.compactMap { person in
            guard let data = try? JSONEncoder().encode(person), let tree = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            var cut = Self.keep(tree, paths) as? [String: Any] ?? [:]
            if person.geheimhoudingPersoonsgegevens == true { cut["geheimhoudingPersoonsgegevens"] = true }
            return cut
        }
        let answer: [String: Any] = ["type": BRPQueryType.raadpleegMetBurgerservicenummer, "personen": personen]
        let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])) ?? Data("{}".utf8)
        return (200, data, "application/json; charset=utf-8")
    }

    /// The parts of a JSON tree the paths name: a path ending at an object keeps all of it; a path
    /// through an array applies to each element. A date or code table value is kept whole.
    static func keep(_ tree: Any, _ paths: [[String]]) -> Any? {
        if paths.contains(where: \.isEmpty) { return tree }
        if let array = tree as? [Any] { return array.compactMap { keep($0, paths) } }
        guard let object = tree as? [String: Any] else { return nil }
        // Dates and code table values are delivered whole (`type`, `langFormaat`; `code`, `omschrijving`).
        if object["langFormaat"] != nil || (object["code"] != nil && object.count <= 2) { return object }
        var result: [String: Any] = [:]
        for (key, value) in object {
            let rest = paths.filter { $0.first == key }.map { Array($0.dropFirst()) }
            guard !rest.isEmpty, let kept = keep(value, rest) else { continue }
            if let nested = kept as? [String: Any], nested.isEmpty { continue }
            result[key] = kept
        }
        return result
    }

    static func problem(_ status: Int, _ title: String, detail: String? = nil, code: String) -> (status: Int, body: Data, contentType: String) {
        let body = (try? JSONEncoder().encode(BRPFoutbericht(title: title, status: status, detail: detail, code: code))) ?? Data()
        return (status, body, "application/problem+json")
    }

    // MARK: Made-up persons

    static let givenNames = ["Amal", "Yonas", "Sara", "Dawit", "Olena", "Mehmet", "Farida", "Ahmad", "Lina", "Tesfay", "Nour", "Bilal"]
    static let familyNames = ["Haile", "Tesfamariam", "Kovalenko", "Yilmaz", "Rahimi", "Al-Hassan", "Bekele", "Shevchenko", "Osman", "Noori"]
    static let streets = ["Maasstraat", "Kerkstraat", "Molenweg", "Stationsplein", "Beekstraat", "Lindelaan", "Parallelweg", "Schoolstraat"]

    /// A plausible person for an unknown BSN, always the same for the same number.
    func invent(_ bsn: String) -> BRPPersoon? {
        guard let seed = Int(bsn) else { return nil }
        func pick<T>(_ items: [T], _ salt: Int) -> T { items[(seed / max(1, salt)) % items.count] }
        let year = 1960 + seed % 40, month = 1 + (seed / 7) % 12, day = 1 + (seed / 13) % 28
        let born = String(format: "%04d-%02d-%02d", year, month, day)
        let registered = String(format: "2026-%02d-%02d", 1 + (seed / 17) % 10, 1 + (seed / 19) % 28)
        let female = seed % 2 == 0
        let address = BRPVerblijfadres(officieleStraatnaam: pick(Self.streets, 3), korteStraatnaam: pick(Self.streets, 3), huisnummer: 1 + seed % 180,
                                       postcode: String(format: "60%02d%@", seed % 100, ["AB", "CD", "EG", "HJ", "KL"][seed % 5]),
                                       woonplaats: defaultMunicipality.name)
        let person = BRPPersoon(burgerservicenummer: bsn, naam: BRPNaam(voornamen: pick(Self.givenNames, 1), geslachtsnaam: pick(Self.familyNames, 5)),
                                geboorte: BRPGeboorte(datum: BRPDatum(iso: born)),
                                geslacht: BRPWaarde(code: female ? "V" : "M", omschrijving: female ? "vrouw" : "man"),
                                verblijfplaats: BRPVerblijfplaats(type: "Adres", verblijfadres: address, datumVan: BRPDatum(iso: registered)),
                                gemeenteVanInschrijving: BRPWaarde(code: defaultMunicipality.code, omschrijving: defaultMunicipality.name),
                                datumInschrijvingInGemeente: BRPDatum(iso: registered))
        persons[bsn] = person
        return person
    }
}

/// One exchange with the simulator, as `e2e/brp_spec_check.py` reads it (JSON lines).
public struct BRPExchange: Codable, Sendable {
    public var method: String
    public var path: String
    public var requestHeaders: [String: String]
    public var requestBody: String
    public var status: Int
    public var responseHeaders: [String: String]
    public var responseBody: String
}
